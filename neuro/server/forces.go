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
	cancel     chan struct{} // closed when a new startup drops it
}

// forceLoop serves the game's forces one at a time until ctx ends.
func (g *game) forceLoop(ctx context.Context) {
	for {
		g.mu.Lock()
		var f *force
		if len(g.queue) > 0 {
			f = g.queue[0]
		}
		g.mu.Unlock()
		if f == nil {
			select {
			case <-g.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		g.serveForce(ctx, f)
		if ctx.Err() != nil {
			return
		}
	}
}

// serveForce answers f: after the force delay, the policy's choice; on a
// failed or timed-out result, again after the delay, up to the retry
// limit.
func (g *game) serveForce(ctx context.Context, f *force) {
	set := g.env.settings
	for attempt := 1; ; attempt++ {
		if !g.sleep(ctx, f, set.forceDelay) {
			return // cancelled (recorded by cancelForcesLocked) or ending
		}
		req, ok := g.forceRequest(f, attempt)
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
		faulty := false
		if a, ok := findAction(req.Actions, c.Name); ok {
			if bad, inject := g.env.faults.inject(a.Schema, c.Data); inject {
				c.Data, c.HasData, faulty = bad, true, true
			}
		}
		g.mu.Lock()
		f.attempts = attempt
		g.mu.Unlock()
		p, err := g.sendAction(ctx, c.Name, c.Data, c.HasData, f, attempt, faulty)
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
		if attempt > set.retries {
			g.find(FindingRetriesExhausted, fmt.Sprintf("force %q: no success after %d attempts; giving up", f.msg.Query, attempt))
			g.finishForce(f, ForceGaveUp)
			return
		}
	}
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
// registered now, each once.
func (g *game) forceRequest(f *force, attempt int) (ForceRequest, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	req := ForceRequest{GameID: g.id, Game: g.name, Force: f.msg, Attempt: attempt, Context: g.logs.context.list()}
	seen := make(map[string]bool, len(f.msg.ActionNames))
	for _, n := range f.msg.ActionNames {
		if a, ok := g.registry.get(n); ok && !seen[n] {
			seen[n] = true
			req.Actions = append(req.Actions, a)
		}
	}
	return req, len(req.Actions) > 0
}

// finishForce removes f from the head of the queue (unless a startup
// already dropped it) and lets the next force be served.
func (g *game) finishForce(f *force, outcome ForceOutcome) {
	g.mu.Lock()
	g.popForceLocked(f)
	done := &ForceDone{Force: f.msg, Outcome: outcome, Attempts: f.attempts}
	g.env.record(Event{Kind: EventForceDone, GameID: g.id, Game: g.name, Force: done})
	g.mu.Unlock()
	g.env.log.Debug("force done", zap.String("game", g.label()), zap.String("query", f.msg.Query),
		zap.String("outcome", string(outcome)), zap.Int("attempts", f.attempts))
	g.signal()
}

// cancelForcesLocked drops every queued force (a new startup, or the
// connection ended), waking the force goroutine if it serves one.
func (g *game) cancelForcesLocked() {
	for _, f := range g.queue {
		close(f.cancel)
		g.env.record(Event{Kind: EventForceDone, GameID: g.id, Game: g.name,
			Force: &ForceDone{Force: f.msg, Outcome: ForceCancelled, Attempts: f.attempts}})
	}
	g.queue = nil
}

func (g *game) popForceLocked(f *force) {
	if len(g.queue) > 0 && g.queue[0] == f {
		g.queue = slices.Delete(g.queue, 0, 1)
	}
}
