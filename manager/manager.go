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
// Raise, Component, Components, ComponentExists, ComponentsExist) act on
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

// RegisterHandler registers h for event in m, owned by m itself.
func (m *Manager) RegisterHandler(event string, h Handler) (HandlerID, error) {
	if m.s == nil {
		return 0, errZeroManager
	}
	ids, err := m.register(m.s, []string{event}, []Handler{h})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// RegisterHandlers registers every handler of hs in m, owned by m itself,
// all or none; IDs are in the order of the sorted event names.
func (m *Manager) RegisterHandlers(hs map[string]Handler) ([]HandlerID, error) {
	if m.s == nil {
		return nil, errZeroManager
	}
	events, handlers := sortedHandlers(hs)
	return m.register(m.s, events, handlers)
}

// UnregisterHandler removes a registration made by m itself.
func (m *Manager) UnregisterHandler(id HandlerID) error {
	if m.s == nil {
		return errZeroManager
	}
	return m.unregister(m.s, id)
}

// UnregisterHandlers removes every handler of event owned by m itself.
func (m *Manager) UnregisterHandlers(event string) error {
	if m.s == nil {
		return errZeroManager
	}
	m.unregisterEvent(m.s, event)
	return nil
}

// ClearHandlers removes every handler of event in m, whoever owns it
// (the Python unregister_handler_type).
func (m *Manager) ClearHandlers(event string) {
	if m.s == nil {
		return
	}
	m.mu.Lock()
	m.rewriteEventLocked(event, func(reg) bool { return false })
	m.mu.Unlock()
}

// HasHandler reports whether m has at least one handler for event (its
// child managers are not consulted).
func (m *Manager) HasHandler(event string) bool {
	t := m.handlers.Load()
	return t != nil && len((*t)[event]) > 0
}

func sortedHandlers(hs map[string]Handler) ([]string, []Handler) {
	events := slices.Sorted(maps.Keys(hs))
	handlers := make([]Handler, len(events))
	for i, e := range events {
		handlers[i] = hs[e]
	}
	return events, handlers
}

// register adds handlers owned by owner, all or none.
func (m *Manager) register(owner *state, events []string, hs []Handler) ([]HandlerID, error) {
	for i, event := range events {
		if event == "" {
			return nil, fmt.Errorf("%w: event name", ErrNoName)
		}
		if hs[i] == nil {
			return nil, fmt.Errorf("%w: event %q", ErrNilHandler, event)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if owner != m.s && owner.mgr.Load() != m {
		return nil, fmt.Errorf("%w: component %q", ErrUnbound, owner.name)
	}
	old := *m.handlers.Load()
	t := make(table, len(old)+len(events))
	maps.Copy(t, old)
	ids := make([]HandlerID, len(events))
	for i, event := range events {
		id := HandlerID(nextHandlerID.Add(1))
		t[event] = append(slices.Clip(t[event]), reg{id: id, owner: owner, h: hs[i]})
		m.ids[id] = event
		ids[i] = id
	}
	m.handlers.Store(&t)
	return ids, nil
}

func (m *Manager) unregister(owner *state, id HandlerID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if owner != m.s && owner.mgr.Load() != m {
		return fmt.Errorf("%w: component %q", ErrUnbound, owner.name)
	}
	event, ok := m.ids[id]
	if ok {
		i := slices.IndexFunc((*m.handlers.Load())[event], func(r reg) bool { return r.id == id })
		ok = i >= 0 && (*m.handlers.Load())[event][i].owner == owner
	}
	if !ok {
		return fmt.Errorf("%w: handler %d of component %q", ErrNotFound, id, owner.name)
	}
	m.rewriteEventLocked(event, func(r reg) bool { return r.id != id })
	return nil
}

func (m *Manager) unregisterEvent(owner *state, event string) {
	m.mu.Lock()
	m.rewriteEventLocked(event, func(r reg) bool { return r.owner != owner })
	m.mu.Unlock()
}

// rewriteEventLocked keeps the registrations of event for which keep is
// true, publishing a new table if anything changed.
func (m *Manager) rewriteEventLocked(event string, keep func(reg) bool) {
	old := *m.handlers.Load()
	regs, ok := old[event]
	if !ok {
		return
	}
	kept := m.filterLocked(regs, keep)
	if len(kept) == len(regs) {
		return
	}
	t := maps.Clone(old)
	if len(kept) == 0 {
		delete(t, event)
	} else {
		t[event] = kept
	}
	m.handlers.Store(&t)
}

// rewriteLocked keeps, across every event, the registrations for which
// keep is true.
func (m *Manager) rewriteLocked(keep func(reg) bool) {
	old := *m.handlers.Load()
	var t table
	for event, regs := range old {
		kept := m.filterLocked(regs, keep)
		if len(kept) == len(regs) {
			continue
		}
		if t == nil {
			t = maps.Clone(old)
		}
		if len(kept) == 0 {
			delete(t, event)
		} else {
			t[event] = kept
		}
	}
	if t != nil {
		m.handlers.Store(&t)
	}
}

// filterLocked returns regs itself when keep holds for all, else a new
// slice of the kept ones; ids of dropped registrations are forgotten.
func (m *Manager) filterLocked(regs []reg, keep func(reg) bool) []reg {
	var kept []reg
	for i, r := range regs {
		if keep(r) {
			if kept != nil {
				kept = append(kept, r)
			}
			continue
		}
		delete(m.ids, r.id)
		if kept == nil {
			kept = make([]reg, i, len(regs))
			copy(kept, regs[:i])
		}
	}
	if kept == nil {
		return regs
	}
	return kept
}
