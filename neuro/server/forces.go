package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/wire"
)

// force is one actions/force message, queued or being served.
type force struct {
	msg        wire.ForceActions
	receivedAt time.Time
	attempts   int
	cancel     chan struct{} // closed when it is replaced, given up or dropped by a startup
	ended      bool          // its ForceDone is recorded (under game.mu)
	stage      ForceStage    // under game.mu; "" is StageQueued
}

// forceTally counts how a game's forces ended, for GameState.
type forceTally struct {
	last                 *ForceDone
	gaveUp, replaced, ok int
}

// startForcesLocked starts the force loop unless it runs; g.mu is held.
// Whoever queues a force calls it.
func (g *game) startForcesLocked() {
	if !g.forcing && len(g.queue) > 0 && g.crew.start(g.forceLoop) {
		g.forcing = true
	}
}

// forceLoop serves the game's forces one at a time, and returns when
// none is left or ctx (the connection's) ended. It runs only while
// forces are queued (startForcesLocked).
func (g *game) forceLoop(ctx context.Context) {
	for {
		g.mu.Lock()
		if len(g.queue) == 0 || ctx.Err() != nil {
			g.forcing = false
			g.mu.Unlock()
			return
		}
		f := g.queue[0]
		g.mu.Unlock()
		g.serveForce(ctx, f)
	}
}

// serveForce answers f: once she is free to (waitTurn) and has thought
// (WithThinkTime), the policy's choice; on a failed or timed-out result,
// the same again, up to the retry limit, after which f is given up
// silently.
func (g *game) serveForce(ctx context.Context, f *force) {
	set := g.env.settings
	sticky := ""
	for attempt := 1; ; attempt++ {
		if !g.waitTurn(ctx, f) {
			return // cancelled (recorded by whoever cancelled it) or ending
		}
		g.setStage(f, StageThinking)
		if !g.sleep(ctx, f, g.env.rand.between(set.thinkMin, set.thinkMax)) {
			return
		}
		req, ok := g.forceRequest(f, attempt, sticky)
		if !ok {
			g.find(FindingForceUnregistered, fmt.Sprintf("none of the actions of force %q is registered any more; it is dropped", f.msg.Query))
			g.finishForce(f, ForceDropped)
			return
		}
		c, err := choose(ctx, g.env.policy, req)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			g.find(FindingPolicyFailed, fmt.Sprintf("force %q: %v; the force is not answered", f.msg.Query, err))
			g.finishForce(f, ForceFailed)
			return
		}
		if set.stickyRetries {
			sticky = c.Name
		}
		faulty := false
		if a, ok := findAction(req.Actions, c.Name); ok {
			if bad, inject := g.env.faults.inject(a.Schema, c.Data); inject {
				c.Data, c.HasData, faulty = bad, true, true
			}
		}
		g.mu.Lock()
		f.attempts, f.stage = attempt, StageResult
		g.mu.Unlock()
		p, err := g.sendAction(ctx, c.Name, c.Data, c.HasData, f, PendingAction{Attempt: attempt, Faulty: faulty})
		if err != nil {
			return // the connection is ending
		}
		res, err := g.await(ctx, p)
		if err != nil && !errors.Is(err, ErrResultTimeout) {
			return // cancelled or ending
		}
		if res.Success {
			g.finishForce(f, ForceSucceeded)
			return
		}
		if set.retries >= 0 && attempt > set.retries {
			g.finishForce(f, ForceGaveUp) // silently: nothing tells the game
			return
		}
	}
}

func (g *game) setStage(f *force, st ForceStage) {
	g.mu.Lock()
	f.stage = st
	g.mu.Unlock()
}

func findAction(actions []wire.Action, name string) (wire.Action, bool) {
	for _, a := range actions {
		if a.Name == name {
			return a, true
		}
	}
	return wire.Action{}, false
}

func (g *game) sleep(ctx context.Context, f *force, d time.Duration) bool {
	if d <= 0 {
		select {
		case <-f.cancel:
			return false
		case <-ctx.Done():
			return false
		default:
			return true
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-f.cancel:
	case <-ctx.Done():
	}
	return false
}

// forceRequest builds the policy's view of f: its listed actions that are
// registered now, each once; only the sticky one, when it is set and
// still registered (WithStickyRetries).
func (g *game) forceRequest(f *force, attempt int, sticky string) (ForceRequest, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	req := ForceRequest{GameID: g.id, Game: g.name, Force: f.msg, Attempt: attempt, Context: g.logs.context.list()}
	if a, ok := g.registry.get(sticky); ok && sticky != "" {
		req.Actions = []wire.Action{a}
		return req, true
	}
	seen := make(map[string]bool, len(f.msg.ActionNames))
	for _, n := range f.msg.ActionNames {
		if a, ok := g.registry.get(n); ok && !seen[n] {
			seen[n] = true
			req.Actions = append(req.Actions, a)
		}
	}
	return req, len(req.Actions) > 0
}

// finishForce ends f with outcome (unless it ended already: replaced,
// given up by hand or dropped by a startup); the force loop, its caller,
// goes on to the next force.
func (g *game) finishForce(f *force, outcome ForceOutcome) {
	g.mu.Lock()
	g.popForceLocked(f)
	recorded := g.endForceLocked(f, outcome)
	g.mu.Unlock()
	if recorded {
		g.env.log.Debug("force done", zap.String("game", g.label()), zap.String("query", f.msg.Query),
			zap.String("outcome", string(outcome)), zap.Int("attempts", f.attempts))
	}
}

// endForceLocked records how f ended, once; it reports whether it did.
func (g *game) endForceLocked(f *force, outcome ForceOutcome) bool {
	if f.ended {
		return false
	}
	f.ended = true
	done := &ForceDone{Force: f.msg, Outcome: outcome, Attempts: f.attempts, Retries: max(f.attempts-1, 0)}
	g.forces.last = done
	switch outcome {
	case ForceGaveUp:
		g.forces.gaveUp++
	case ForceReplaced:
		g.forces.replaced++
	case ForceSucceeded:
		g.forces.ok++
	}
	g.env.record(Event{Kind: EventForceDone, GameID: g.id, Game: g.name, Force: done})
	return true
}

// cancelLocked stops serving f at once with outcome: the force goroutine
// drops it wherever it is (waiting for her, thinking, waiting for a
// result). A pending action of f stays pending; its result is recorded.
func (g *game) cancelLocked(f *force, outcome ForceOutcome) {
	if !f.ended {
		close(f.cancel)
	}
	g.endForceLocked(f, outcome)
}

// cancelForcesLocked drops every queued force (a new startup, or the
// connection ended), waking the force goroutine if it serves one.
func (g *game) cancelForcesLocked() {
	for _, f := range g.queue {
		g.cancelLocked(f, ForceCancelled)
	}
	g.queue = nil
}

func (g *game) popForceLocked(f *force) {
	if len(g.queue) > 0 && g.queue[0] == f {
		g.queue = slices.Delete(g.queue, 0, 1)
	}
}

// giveUpLocked gives up the force being served (Server.GiveUpForce), as
// the real server does after its retries: silently.
func (g *game) giveUpLocked() bool {
	if len(g.queue) == 0 {
		return false
	}
	f := g.queue[0]
	g.popForceLocked(f)
	g.cancelLocked(f, ForceGaveUp)
	return true // the force loop, which served f, goes on to the next
}
