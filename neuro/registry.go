package neuro

import (
	"reflect"
	"slices"

	"github.com/neurokit/neurokit/neuro/schema"
)

// registry is the set of actions the game has registered, in registration
// order, each with its compiled schema. It mirrors what the server holds
// on the current connection and is what actions/reregister_all and every
// new connection replay. It is not safe for concurrent use: the Client
// guards it with its mutex.
type registry struct {
	order  []string
	byName map[string]*registered
}

// registered is one registered action.
type registered struct {
	action Action
	schema *schema.Compiled
}

func (r *registry) get(name string) (*registered, bool) {
	e, ok := r.byName[name]
	return e, ok
}

func (r *registry) has(name string) bool {
	_, ok := r.byName[name]
	return ok
}

func (r *registry) len() int { return len(r.order) }

// add adds e unless an action of that name is registered. It reports
// whether it was added and, when not, whether the registered action
// differs from e.action.
func (r *registry) add(e *registered) (added, differs bool) {
	if old, ok := r.byName[e.action.Name]; ok {
		return false, !reflect.DeepEqual(old.action, e.action)
	}
	if r.byName == nil {
		r.byName = make(map[string]*registered)
	}
	r.byName[e.action.Name] = e
	r.order = append(r.order, e.action.Name)
	return true, false
}

// remove removes the named actions and returns the names that were
// registered, in the order given, without duplicates.
func (r *registry) remove(names []string) []string {
	var removed []string
	for _, n := range names {
		if _, ok := r.byName[n]; !ok {
			continue
		}
		delete(r.byName, n)
		removed = append(removed, n)
	}
	if len(removed) > 0 {
		r.order = slices.DeleteFunc(r.order, func(n string) bool { return !r.has(n) })
	}
	return removed
}

// reset forgets every action.
func (r *registry) reset() {
	r.order = nil
	clear(r.byName)
}

// actions returns a copy of the registered actions, in order.
func (r *registry) actions() []Action {
	out := make([]Action, len(r.order))
	for i, n := range r.order {
		out[i] = r.byName[n].action
	}
	return out
}

// names returns a copy of the registered names, in order.
func (r *registry) names() []string {
	return slices.Clone(r.order)
}
