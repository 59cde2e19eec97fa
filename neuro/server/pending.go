package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neurokit/neurokit/neuro/wire"
)

// pending is an action waiting for its result. It is resolved once, by its
// result or its timeout, whichever takes game.mu first: resolved and res
// are set and done closed under game.mu.
type pending struct {
	PendingAction
	force    *force
	done     chan struct{}
	resolved bool
	res      Result
}

var errForceCancelled = errors.New("server: force cancelled")

// track records a as pending before it is sent, so that a result that
// arrives before the write returns finds it; meta gives its Attempt,
// Faulty and Unprompted. It returns nil once the game has left.
func (g *game) track(a wire.ActionRequest, f *force, meta PendingAction) *pending {
	now := time.Now()
	meta.ID, meta.Name, meta.Data, meta.HasData = a.ID, a.Name, a.Data, a.HasData || a.Data != ""
	meta.Forced, meta.SentAt, meta.Deadline = f != nil, now, now.Add(g.env.settings.resultTimeout)
	p := &pending{PendingAction: meta, force: f, done: make(chan struct{})}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.live.Load() {
		return nil
	}
	g.pending[a.ID] = p
	return p
}

// untrack forgets p, an action that could not be sent.
func (g *game) untrack(p *pending) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pending[p.ID] == p {
		delete(g.pending, p.ID)
		g.releaseHeldLocked(time.Now())
	}
}

// resolveLocked removes p from the pending set and publishes its result.
func (g *game) resolveLocked(p *pending, r Result) {
	if p.resolved {
		return
	}
	p.resolved = true
	if g.pending[p.ID] == p {
		delete(g.pending, p.ID)
	}
	r.PendingAction = p.PendingAction
	r.GameID, r.Game = g.id, g.name
	if r.At.IsZero() {
		r.At = time.Now()
	}
	if r.TimedOut {
		if g.expired == nil {
			g.expired = map[string]bool{} // most games never see a timeout
		}
		g.expired[p.ID] = true
		g.expiredOrder = append(g.expiredOrder, p.ID)
		if len(g.expiredOrder) > maxExpiredIDs {
			delete(g.expired, g.expiredOrder[0])
			g.expiredOrder = g.expiredOrder[1:]
		}
	}
	g.logs.results.add(compactResult(r))
	retries := g.env.settings.retries
	f := p.force
	if f != nil && (r.Success || (retries >= 0 && p.Attempt > retries)) {
		// The force is over as of this result: a force the game sends
		// right after it is not "while one is pending". The force
		// goroutine records how it ended.
		g.popForceLocked(f)
	}
	g.env.record(Event{Kind: EventResult, GameID: g.id, Game: g.name, Time: r.At, Result: &r})
	p.res = r
	close(p.done)
	g.releaseHeldLocked(r.At)
	if f != nil && r.Success && !f.ended && g.live.Load() {
		g.autoSpeakLocked(SpeechCauseForce, r.At) // she comments on what she did
	}
}

// expire counts p as failed unless it was resolved already. Afterwards
// p.done is closed.
func (g *game) expire(p *pending) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.expireLocked(p)
}

func (g *game) expireLocked(p *pending) {
	if p.resolved {
		return
	}
	g.findLocked(FindingResultTimeout, fmt.Sprintf("no result for action %q (id %s) within %v; counted as failed",
		p.Name, p.ID, g.env.settings.resultTimeout))
	g.resolveLocked(p, Result{TimedOut: true})
}

// sweepLocked expires every pending action past its deadline. Actions
// nobody waits on (sent with SendAction or POST /) expire this way.
func (g *game) sweepLocked(now time.Time) {
	for _, p := range g.pending {
		if now.After(p.Deadline) {
			g.expireLocked(p)
		}
	}
}

// await waits for p's result, expiring it at its deadline: it returns the
// Result, with ErrResultTimeout when it timed out. The wait also ends
// when p's force is cancelled (errForceCancelled), when the game leaves
// without answering (ErrGameNotConnected) and when ctx ends.
func (g *game) await(ctx context.Context, p *pending) (Result, error) {
	var cancelled <-chan struct{} // nil, never ready, outside a force
	if p.force != nil {
		cancelled = p.force.cancel
	}
	t := time.NewTimer(time.Until(p.Deadline))
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		g.expire(p)
		<-p.done
	case <-cancelled:
		return Result{}, errForceCancelled
	case <-g.gone:
		select {
		case <-p.done: // answered just before the game left
		default:
			return Result{}, fmt.Errorf("%w: waiting for the result of %q (id %s)", ErrGameNotConnected, p.Name, p.ID)
		}
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	return p.res, resultErr(p.res)
}

func resultErr(r Result) error {
	if r.TimedOut {
		return ErrResultTimeout
	}
	return nil
}
