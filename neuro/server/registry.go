package server

import "github.com/neurokit/neurokit/neuro/wire"

// registry is a game's registered actions in registration order, with an
// index by name so that every operation is linear in the size of the
// frame that asks for it, not in the size of the registry.
type registry struct {
	actions []wire.Action
	sizes   []int
	index   map[string]int // name → position in actions
	bytes   int
}

func (r *registry) get(name string) (wire.Action, bool) {
	i, ok := r.index[name]
	if !ok {
		return wire.Action{}, false
	}
	return r.actions[i], true
}

func (r *registry) has(name string) bool {
	_, ok := r.index[name]
	return ok
}

func (r *registry) len() int { return len(r.actions) }

// add appends a; size is what it weighs (see actionCheck).
func (r *registry) add(a wire.Action, size int) {
	if r.index == nil {
		r.index = map[string]int{}
	}
	r.index[a.Name] = len(r.actions)
	r.actions = append(r.actions, a)
	r.sizes = append(r.sizes, size)
	r.bytes += size
}

// remove unregisters the named actions (unknown names are fine) in one
// pass over the registry, and returns the names it removed.
func (r *registry) remove(names []string) []string {
	drop := make(map[string]bool, len(names))
	var removed []string
	for _, n := range names {
		if r.has(n) && !drop[n] {
			drop[n] = true
			removed = append(removed, n)
		}
	}
	if len(drop) == 0 {
		return nil
	}
	kept := 0
	for i, a := range r.actions {
		if drop[a.Name] {
			delete(r.index, a.Name)
			r.bytes -= r.sizes[i]
			continue
		}
		r.actions[kept], r.sizes[kept] = a, r.sizes[i]
		r.index[a.Name] = kept
		kept++
	}
	clear(r.actions[kept:])
	r.actions, r.sizes = r.actions[:kept], r.sizes[:kept]
	return removed
}

func (r *registry) reset() { *r = registry{} }

// list returns a copy of the actions in registration order (never nil).
func (r *registry) list() []wire.Action {
	return append(make([]wire.Action, 0, len(r.actions)), r.actions...)
}

// summarise keeps what a game that left needs to be recognised by: each
// action's name and description, cut, without its schema.
func (r *registry) summarise() {
	r.bytes = 0
	for i, a := range r.actions {
		r.actions[i] = wire.Action{Name: clip(a.Name, maxTextAfterLeave), Description: clip(a.Description, maxTextAfterLeave)}
		r.sizes[i] = len(r.actions[i].Name) + len(r.actions[i].Description)
		r.bytes += r.sizes[i]
	}
	r.index = nil // nothing looks a gone game's actions up
}
