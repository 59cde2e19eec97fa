package manager

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"runtime/debug"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"
)

// Manager holds components and their handlers and dispatches events to
// them. It is a Component itself: a Manager added to another becomes its
// child, and events dispatched in the parent are also dispatched in the
// child (recursively).
//
// Create a Manager with New; the zero Manager holds nothing and its
// methods return errors wrapping ErrUnbound.
//
// The methods that Manager shares with Base (RegisterHandler,
// RegisterHandlers, UnregisterHandler, UnregisterHandlers, HasHandler,
// Handles, HandlerScope, Raise, RaiseAndWait, Component, Components,
// ComponentExists, ComponentsExist) act on
// the manager itself, with the manager as the owner of the handlers it
// registers. The embedded Base's versions (m.Base.Raise, ...) act on the
// manager's parent, like those of any other component.
//
// Concurrency: every method is safe for concurrent use, including from
// handlers. The handler table is copy-on-write: Raise reads it with one
// atomic load and takes no lock; writers serialise on a mutex that is
// never held while a handler or BindHandlers runs.
type Manager struct {
	Base

	log   *zap.Logger
	scope *Scope

	mu    sync.Mutex           // guards comps and ids; serialises writes of handlers and children
	comps map[string]Component // by name
	ids   map[HandlerID]string // event name of each live registration

	handlers atomic.Pointer[table]      // immutable once stored
	children atomic.Pointer[[]*Manager] // immutable once stored
}

// reg is one handler registration.
type reg struct {
	id    HandlerID
	owner *state
	h     Handler
}

// table maps an event name to its registrations. A stored table and its
// slices are never modified: writers build a new one.
type table map[string][]reg

var (
	nextHandlerID atomic.Uint64
	// treeMu serialises adding managers to managers, so that two
	// concurrent Adds cannot build a cycle.
	treeMu sync.Mutex

	errZeroManager = fmt.Errorf("%w: zero Manager, use New", ErrUnbound)
)

// New returns an empty Manager called name. Without WithScope it is in
// the waiting form (see Raise). The name matters only when the manager is
// added to another one, where it must not be empty.
func New(name string, opts ...Option) *Manager {
	o := defaultOptions()
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&o)
		}
	}
	m := &Manager{
		log:   o.logger.Named(name),
		scope: o.scope,
		comps: make(map[string]Component),
		ids:   make(map[HandlerID]string),
	}
	m.s = &state{name: name, self: m}
	m.handlers.Store(&table{})
	return m
}

// Parent returns the manager this one is bound to, or nil for a root.
func (m *Manager) Parent() *Manager {
	if m.s == nil {
		return nil
	}
	return m.s.mgr.Load()
}

// Scope returns the scope given with WithScope, or nil.
func (m *Manager) Scope() *Scope { return m.scope }

// HandlerScope returns the scope in which Raise starts m's handlers: m's
// own scope (WithScope), else its nearest ancestor's. It is nil when m's
// handlers run in the waiting form, that is when Raise waits for them.
// The answer may change if m is moved to another parent.
func (m *Manager) HandlerScope() *Scope {
	for a := m; a != nil; a = a.Parent() {
		if a.scope != nil {
			return a.scope
		}
	}
	return nil
}

// componentState returns the state of c or an error for a nil component
// or one without a name.
func componentState(c Component) (*state, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil component", ErrNoName)
	}
	if v := reflect.ValueOf(c); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, fmt.Errorf("%w: nil %T component", ErrNoName, c)
	}
	s := c.base().state()
	if s == nil || s.name == "" {
		return nil, fmt.Errorf("%w: %T component has no name (use NewBase)", ErrNoName, c)
	}
	return s, nil
}

// Add binds c to m and calls its BindHandlers if it is a Binder (outside
// any lock). It fails with ErrNoName (empty name, nil component),
// ErrAlreadyBound (c is bound to a manager, this one included),
// ErrDuplicateName (m has a component of that name), ErrCycle (c is m or
// one of its ancestors), or the error of BindHandlers, in which case c is
// removed again. Adding a *Manager makes it a child of m.
func (m *Manager) Add(c Component) error {
	s, err := componentState(c)
	if err != nil {
		return err
	}
	if m.s == nil {
		return errZeroManager
	}
	if s.self != nil {
		treeMu.Lock()
		err = m.attachManager(c, s)
		treeMu.Unlock()
	} else {
		err = m.attach(c, s)
	}
	if err != nil {
		return err
	}
	if b, ok := c.(Binder); ok {
		if err := callBind(b); err != nil {
			m.removeState(s)
			return fmt.Errorf("manager: bind %q: %w", s.name, err)
		}
	}
	m.log.Debug("component added", zap.String("component", s.name))
	return nil
}

// attachManager checks for a cycle and attaches a child manager; the
// caller holds treeMu.
func (m *Manager) attachManager(c Component, s *state) error {
	for a := m; a != nil; a = a.Parent() {
		if a == s.self {
			return fmt.Errorf("%w: adding %q to %q", ErrCycle, s.name, m.s.name)
		}
	}
	return m.attach(c, s)
}

func (m *Manager) attach(c Component, s *state) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s.mgr.Load() != nil {
		return fmt.Errorf("%w: %q", ErrAlreadyBound, s.name)
	}
	if _, dup := m.comps[s.name]; dup {
		return fmt.Errorf("%w: %q", ErrDuplicateName, s.name)
	}
	if !s.mgr.CompareAndSwap(nil, m) {
		return fmt.Errorf("%w: %q", ErrAlreadyBound, s.name)
	}
	m.comps[s.name] = c
	if s.self != nil {
		var kids []*Manager
		if k := m.children.Load(); k != nil {
			kids = *k
		}
		kids = append(slices.Clip(kids), s.self)
		m.children.Store(&kids)
	}
	return nil
}

func callBind(b Binder) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return b.BindHandlers()
}

// AddAll adds every component in order. On the first error it removes
// the ones this call added and returns the error.
func (m *Manager) AddAll(cs ...Component) error {
	for i, c := range cs {
		if err := m.Add(c); err != nil {
			for _, done := range cs[:i] {
				m.removeState(done.base().state())
			}
			return err
		}
	}
	return nil
}

// Remove unbinds the component called name and removes every handler it
// owns; event names left without handlers disappear. A handler of the
// component that is running keeps running; its later manager-facing
// calls fail with ErrUnbound. Removing a child manager detaches it with
// its components still bound to it. It returns ErrNotFound for an unknown
// name.
func (m *Manager) Remove(name string) error {
	m.mu.Lock()
	c, ok := m.comps[name]
	if ok {
		m.detachLocked(c.base().state())
	}
	m.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: component %q", ErrNotFound, name)
	}
	m.log.Debug("component removed", zap.String("component", name))
	return nil
}

// removeState removes the component of state s if it is still bound here.
func (m *Manager) removeState(s *state) {
	if s == nil {
		return
	}
	m.mu.Lock()
	c, ok := m.comps[s.name]
	ok = ok && c.base().state() == s
	if ok {
		m.detachLocked(s)
	}
	m.mu.Unlock()
	if ok {
		m.log.Debug("component removed", zap.String("component", s.name))
	}
}

// detachLocked removes component s; the caller holds m.mu.
func (m *Manager) detachLocked(s *state) {
	delete(m.comps, s.name)
	s.mgr.Store(nil)
	m.rewriteLocked(func(r reg) bool { return r.owner != s })
	if s.self != nil {
		if k := m.children.Load(); k != nil {
			kids := slices.DeleteFunc(slices.Clone(*k), func(c *Manager) bool { return c == s.self })
			m.children.Store(&kids)
		}
	}
}

// RemoveAll tears m down: every child manager is torn down first
// (recursively), then every component is removed and unbound. Handlers
// the manager registered for itself stay. Components added concurrently
// with RemoveAll may survive it.
func (m *Manager) RemoveAll() {
	if m.s == nil {
		return
	}
	m.mu.Lock()
	states := make([]*state, 0, len(m.comps))
	for _, c := range m.comps {
		states = append(states, c.base().state())
	}
	m.mu.Unlock()
	sort.Slice(states, func(i, j int) bool { return states[i].name < states[j].name })
	for _, s := range states {
		if s.self != nil {
			s.self.RemoveAll()
		}
		m.removeState(s)
	}
}

// Temporary adds c, runs fn, and removes c afterwards whatever fn did
// (returned an error, panicked, or removed c itself). It returns the
// error of Add or of fn.
func (m *Manager) Temporary(ctx context.Context, c Component, fn func(ctx context.Context) error) error {
	if err := m.Add(c); err != nil {
		return err
	}
	defer m.removeState(c.base().state())
	if fn == nil {
		return nil
	}
	return fn(ctx)
}

// ComponentNames returns the names of m's components, sorted.
func (m *Manager) ComponentNames() []string {
	m.mu.Lock()
	names := slices.Collect(maps.Keys(m.comps))
	m.mu.Unlock()
	slices.Sort(names)
	return names
}

// Component returns m's component called name, or an error wrapping
// ErrNotFound.
func (m *Manager) Component(name string) (Component, error) {
	m.mu.Lock()
	c, ok := m.comps[name]
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: component %q", ErrNotFound, name)
	}
	return c, nil
}

// Components returns m's components called names, in that order, or an
// error wrapping ErrNotFound that names the first missing one.
func (m *Manager) Components(names ...string) ([]Component, error) {
	out := make([]Component, len(names))
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, name := range names {
		c, ok := m.comps[name]
		if !ok {
			return nil, fmt.Errorf("%w: component %q", ErrNotFound, name)
		}
		out[i] = c
	}
	return out, nil
}

// ComponentExists reports whether m has a component called name.
func (m *Manager) ComponentExists(name string) bool {
	m.mu.Lock()
	_, ok := m.comps[name]
	m.mu.Unlock()
	return ok
}

// ComponentsExist reports whether m has every component in names (true
// for no names).
func (m *Manager) ComponentsExist(names ...string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, name := range names {
		if _, ok := m.comps[name]; !ok {
			return false
		}
	}
	return true
}
