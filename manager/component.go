package manager

import (
	"context"
	"fmt"
	"sync/atomic"
)

// Component is anything a Manager can hold: a named value that embeds
// Base. The interface is sealed: the only way to satisfy it is to embed
// Base (or a *Manager's Base) and use a pointer to the embedding struct:
//
//	type Game struct {
//		manager.Base
//		score int
//	}
//
//	g := &Game{Base: manager.NewBase("game")}
//	err := m.Add(g)
type Component interface {
	// Name returns the component's name, unique within its manager.
	Name() string
	base() *Base
}

// Binder is implemented by components that register handlers when they
// are bound. Manager.Add calls BindHandlers after binding the component,
// outside any lock, so BindHandlers may use every Base method. An error
// (or a panic) aborts Add: the component is removed and unbound again,
// with every handler it registered meanwhile.
type Binder interface {
	BindHandlers() error
}

// state is the shared, mutable part of a Base. Base holds a pointer to it
// so that copying a Base (into a struct literal) keeps one identity.
type state struct {
	name string
	// mgr is the manager this component is bound to, nil when unbound.
	// It is written only under that manager's mutex, read lock-free.
	mgr atomic.Pointer[Manager]
	// self is set when this state belongs to a Manager's own Base.
	self *Manager
}

// Base is the part every component embeds: its name, its binding to a
// Manager, and the manager-facing methods. Create it with NewBase; a Base
// holds only a pointer to its state, so it is safe to copy into a struct
// literal, and copies are the same component.
//
// Every method is safe for concurrent use, also from handlers. On a zero
// Base, or on a component that is not bound (never added, or removed),
// the methods that need a manager return an error wrapping ErrUnbound (or
// false), never panic.
type Base struct {
	s *state
}

// NewBase returns a Base for a component called name. Manager.Add rejects
// an empty name with ErrNoName.
func NewBase(name string) Base {
	return Base{s: &state{name: name}}
}

func (b *Base) base() *Base { return b }

func (b *Base) state() *state {
	if b == nil {
		return nil
	}
	return b.s
}

// Name returns the component's name ("" for a zero Base).
func (b *Base) Name() string {
	if s := b.state(); s != nil {
		return s.name
	}
	return ""
}

// Bound reports whether the component is currently bound to a Manager.
func (b *Base) Bound() bool {
	s := b.state()
	return s != nil && s.mgr.Load() != nil
}

// bound returns the manager and state, or an error wrapping ErrUnbound.
func (b *Base) bound() (*Manager, *state, error) {
	s := b.state()
	if s == nil {
		return nil, nil, ErrUnbound
	}
	m := s.mgr.Load()
	if m == nil {
		return nil, nil, fmt.Errorf("%w: component %q", ErrUnbound, s.name)
	}
	return m, s, nil
}

// Manager returns the Manager the component is bound to, or an error
// wrapping ErrUnbound. The answer may be stale as soon as it returns if
// another goroutine removes the component.
func (b *Base) Manager() (*Manager, error) {
	m, _, err := b.bound()
	return m, err
}

// RegisterHandler registers h for events called event in the bound
// manager, owned by this component, and returns the registration's ID.
// A handler registered while an event is being dispatched is not called
// for that dispatch.
func (b *Base) RegisterHandler(event string, h Handler) (HandlerID, error) {
	m, s, err := b.bound()
	if err != nil {
		return 0, err
	}
	ids, err := m.register(s, []string{event}, []Handler{h})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// RegisterHandlers registers every handler of hs, all or none, and returns
// their IDs in the order of the sorted event names.
func (b *Base) RegisterHandlers(hs map[string]Handler) ([]HandlerID, error) {
	m, s, err := b.bound()
	if err != nil {
		return nil, err
	}
	events, handlers := sortedHandlers(hs)
	return m.register(s, events, handlers)
}

// UnregisterHandler removes the registration id, which must be owned by
// this component (else ErrNotFound). A dispatch already under way may
// still call it once.
func (b *Base) UnregisterHandler(id HandlerID) error {
	m, s, err := b.bound()
	if err != nil {
		return err
	}
	return m.unregister(s, id)
}

// UnregisterHandlers removes every handler of event owned by this
// component; handlers of other components stay. Removing none is not an
// error.
func (b *Base) UnregisterHandlers(event string) error {
	m, s, err := b.bound()
	if err != nil {
		return err
	}
	m.unregisterEvent(s, event)
	return nil
}

// HasHandler reports whether any component of the bound manager has a
// handler for event. It is false when unbound.
func (b *Base) HasHandler(event string) bool {
	m, _, err := b.bound()
	return err == nil && m.HasHandler(event)
}

// Handles reports whether raising event in the bound manager reaches a
// handler, there or in a child manager; see Manager.Handles. It is false
// when unbound.
func (b *Base) Handles(event string) bool {
	m, _, err := b.bound()
	return err == nil && m.Handles(event)
}

// HandlerScope returns the scope in which the bound manager starts its
// handlers, nil in the waiting form or when unbound; see
// Manager.HandlerScope.
func (b *Base) HandlerScope() *Scope {
	m, _, err := b.bound()
	if err != nil {
		return nil
	}
	return m.HandlerScope()
}

// Raise raises ev in the bound manager; see Manager.Raise.
func (b *Base) Raise(ctx context.Context, ev Event) error {
	m, _, err := b.bound()
	if err != nil {
		return err
	}
	return m.Raise(ctx, ev)
}

// RaiseAndWait raises ev in the bound manager and waits for every handler
// it reaches, even in a supervised tree; see Manager.RaiseAndWait.
func (b *Base) RaiseAndWait(ctx context.Context, ev Event) error {
	m, _, err := b.bound()
	if err != nil {
		return err
	}
	return m.RaiseAndWait(ctx, ev)
}

// Component returns the component called name in the bound manager, or
// an error wrapping ErrNotFound or ErrUnbound.
func (b *Base) Component(name string) (Component, error) {
	m, _, err := b.bound()
	if err != nil {
		return nil, err
	}
	return m.Component(name)
}

// Components returns the components called names, in that order, or an
// error naming the first missing one.
func (b *Base) Components(names ...string) ([]Component, error) {
	m, _, err := b.bound()
	if err != nil {
		return nil, err
	}
	return m.Components(names...)
}

// ComponentExists reports whether the bound manager has a component
// called name. It is false when unbound.
func (b *Base) ComponentExists(name string) bool {
	m, _, err := b.bound()
	return err == nil && m.ComponentExists(name)
}

// ComponentsExist reports whether the bound manager has every component
// in names (true for no names). It is false when unbound.
func (b *Base) ComponentsExist(names ...string) bool {
	m, _, err := b.bound()
	return err == nil && m.ComponentsExist(names...)
}
