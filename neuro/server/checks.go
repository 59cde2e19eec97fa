package server

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/neurokit/neurokit/neuro/wire"
)

// The protocol checks on what a game registers, forces and answers. Each
// runs under game.mu, in time linear in the frame it checks.

func (g *game) registerLocked(m wire.RegisterActions, now time.Time) {
	notes := make(map[int]wire.SchemaNote, len(m.SchemaNotes))
	for _, n := range m.SchemaNotes {
		notes[n.Index] = n
	}
	inFrame := make(map[string]bool, len(m.Actions))
	refused, added := 0, 0
	for i, a := range m.Actions {
		if prev, dup := g.registry.get(a.Name); dup {
			// Registering the very same action again in a later frame is
			// what a game does when it answers actions/reregister_all;
			// a name twice in one frame, or a registration that differs,
			// is a mistake worth a finding (the server keeps the first).
			if inFrame[a.Name] || !sameAction(prev, a) {
				g.findLocked(FindingDuplicateAction, fmt.Sprintf("action %q is already registered with another description or schema; the new registration is ignored", a.Name))
			}
			continue
		}
		if g.registry.len() >= g.env.settings.maxActions {
			refused++
			continue
		}
		c := checkAction(a)
		if c.nameProblem != "" {
			g.findLocked(FindingInvalidActionName, c.nameProblem)
		}
		note, noted := notes[i]
		switch {
		case noted && note.Null:
			g.findLocked(FindingNullSchema, fmt.Sprintf(`action %q: "schema": null; omit the field (or send {}) for an action without parameters`, a.Name))
		case noted:
			g.findLocked(FindingSchemaNotObject, fmt.Sprintf("action %q: the schema is not a JSON object; registered without one", a.Name))
		case c.schemaProblem != "":
			g.findLocked(FindingSchemaNotObject, fmt.Sprintf("action %q: %s", a.Name, c.schemaProblem))
		}
		for _, k := range c.keywords {
			g.findLocked(FindingSchemaKeyword, k)
		}
		if g.registry.bytes+c.size > maxRegistryBytes {
			refused++
			continue
		}
		inFrame[a.Name] = true
		g.registry.add(a, c.size)
		g.adviseActionLocked(a, now)
		added++
	}
	g.adviseChangesLocked(added, nil, now)
	if refused > 0 {
		g.findLocked(FindingTooManyActions, fmt.Sprintf("%d actions of this frame are not registered: the game has %d actions registered "+
			"and may have at most %d (%d MiB); unregister actions it no longer offers", refused, g.registry.len(),
			g.env.settings.maxActions, maxRegistryBytes>>20))
	}
}

// sameAction reports whether two registrations of one name are identical.
func sameAction(a, b wire.Action) bool {
	if a.Description != b.Description || len(a.Schema) != len(b.Schema) {
		return false
	}
	return len(a.Schema) == 0 || reflect.DeepEqual(a.Schema, b.Schema)
}

func (g *game) forceLocked(m wire.ForceActions, now time.Time) {
	g.adviseForceLocked(m, now)
	var missing []string
	known := 0
	for _, n := range m.ActionNames {
		if g.registry.has(n) {
			known++
		} else {
			missing = append(missing, strconv.Quote(n))
		}
	}
	if len(missing) > 0 {
		detail := "not registered: " + strings.Join(missing, ", ")
		if known == 0 {
			detail += "; no listed action is registered, the force is ignored"
		}
		g.findLocked(FindingForceUnregistered, detail)
	}
	if known == 0 {
		if len(m.ActionNames) == 0 {
			g.findLocked(FindingForceUnregistered, "the force lists no action; it is ignored")
		}
		return
	}
	f := &force{msg: m, receivedAt: now, cancel: make(chan struct{})}
	switch {
	case len(g.queue) == 0:
	case g.env.settings.pendingForce == ForceReplace:
		old := g.queue[0]
		g.findLocked(FindingForceWhilePending, fmt.Sprintf("a force (%q) is still pending; this one replaces it, as the real server does. "+
			"Send one force at a time and wait for it to resolve", old.msg.Query))
		g.cancelLocked(old, ForceReplaced)
		clear(g.queue)
		g.queue = g.queue[:0]
	case len(g.queue) >= maxQueuedForces:
		g.findLocked(FindingForceQueueFull, fmt.Sprintf("%d forces are already waiting; force %q is dropped. Send one force at a time and wait for it to resolve",
			len(g.queue), m.Query))
		return
	default:
		g.findLocked(FindingForceWhilePending, fmt.Sprintf("a force (%q) is still pending; this one is queued behind %d", g.queue[0].msg.Query, len(g.queue)))
	}
	g.queue = append(g.queue, f)
	g.startForcesLocked()
}

func (g *game) resultLocked(m wire.ActionResult, now time.Time) {
	if !m.Success && strings.TrimSpace(m.Message) == "" {
		g.findLocked(FindingFailedNoMessage, fmt.Sprintf("failed result for id %s has no message; say how to succeed", m.ID))
	}
	p, ok := g.pending[m.ID]
	switch {
	case ok:
		g.resolveLocked(p, Result{Success: m.Success, Message: m.Message, At: now})
	case g.expired[m.ID]:
		g.findLocked(FindingLateResult, fmt.Sprintf("result for id %s came after the %v timeout; discarded", m.ID, g.env.settings.resultTimeout))
	default:
		g.findLocked(FindingUnknownResult, fmt.Sprintf("no action with id %s is pending; discarded", m.ID))
	}
}
