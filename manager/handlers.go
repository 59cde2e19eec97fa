package manager

import (
	"fmt"
	"maps"
	"slices"
)

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

// Handles reports whether raising event in m at level 0 reaches at least
// one handler: one of m's own or of any child manager's, recursively.
// Unlike HasHandler it sees the whole tree Raise dispatches to. It takes
// no lock and allocates nothing; the answer may be stale as soon as it
// returns if handlers are registered or removed concurrently.
func (m *Manager) Handles(event string) bool {
	if m.HasHandler(event) {
		return true
	}
	if k := m.children.Load(); k != nil {
		for _, c := range *k {
			if c.Handles(event) {
				return true
			}
		}
	}
	return false
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
