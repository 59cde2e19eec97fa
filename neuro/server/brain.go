package server

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/wire"
)

// The brain is the game's goroutine for what happens on time rather than
// in answer to a frame, started on its crew (owned and joined by
// ServeConn) when there is something to wait for: it ends her utterances
// and sends their updates (speech.go), expires unanswered actions while
// context is held (so that it is delivered on time), and acts on her own
// (WithActEvery). Everything else wakes it through wakeBrain when what
// it waits for changes; it returns once nothing is due any more, and the
// next wakeBrain starts it again.

// brainLoop runs until nothing is due or ctx ends.
func (g *game) brainLoop(ctx context.Context) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		next, act, idle := g.brainTick(time.Now())
		if idle {
			return
		}
		if act {
			g.actUnprompted(ctx)
			continue
		}
		if timer == nil {
			timer = time.NewTimer(time.Until(next))
		} else {
			timer.Reset(time.Until(next))
		}
		select {
		case <-timer.C:
		case <-g.brainWake:
		case <-ctx.Done():
			g.mu.Lock()
			g.thinking = false
			g.mu.Unlock()
			return
		}
		timer.Stop()
	}
}

// wakeBrain has the brain look at what is due: it starts the brain, or
// wakes it when it runs. g.mu is held.
func (g *game) wakeBrain() {
	if g.thinking {
		select {
		case g.brainWake <- struct{}{}:
		default:
		}
		return
	}
	if g.brainWake == nil {
		g.brainWake = make(chan struct{}, 1) // set before the brain starts, never changed
	}
	if g.crew.start(g.brainLoop) {
		g.thinking = true
	}
}

// brainTick does what is due at now and returns when the next thing is
// due, and whether she acts now. When nothing is due until woken it
// reports idle, and the brain is taken as gone (under the same lock that
// wakeBrain takes, so that no wake is lost).
func (g *game) brainTick(now time.Time) (next time.Time, act, idle bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.live.Load() {
		next = g.speechTickLocked(now)
		if len(g.held) > 0 {
			g.sweepLocked(now)
			for _, p := range g.pending {
				next = earliest(next, p.Deadline)
			}
		}
		if every := g.env.settings.actEvery; every > 0 && g.startedUp {
			if g.nextAct.IsZero() {
				g.nextAct = now.Add(g.env.rand.jitter(every))
			}
			if !now.Before(g.nextAct) {
				g.nextAct = now.Add(g.env.rand.jitter(every))
				act = g.registry.len() > 0 && len(g.queue) == 0 && len(g.pending) == 0
			}
			next = earliest(next, g.nextAct)
		}
	}
	if next.IsZero() && !act {
		g.thinking = false
		return next, false, true
	}
	return next, act, false
}

// actUnprompted sends one registered action at random, with data valid
// for its schema, outside any force. Its result is recorded like any
// other; a failure is not retried.
func (g *game) actUnprompted(ctx context.Context) {
	g.mu.Lock()
	req := ForceRequest{GameID: g.id, Game: g.name, Attempt: 1, Actions: g.registry.list()}
	g.mu.Unlock()
	if len(req.Actions) == 0 {
		return
	}
	c, err := choose(ctx, g.env.own, req)
	if err != nil {
		g.env.log.Debug("no action of her own", zap.String("game", g.label()), zap.Error(err))
		return
	}
	a := wire.ActionRequest{ID: g.env.ids.newID(), Name: c.Name, Data: c.Data, HasData: c.HasData}
	p := g.track(a, nil, PendingAction{Unprompted: true})
	if p == nil {
		return
	}
	if err := g.post(a, nil); err != nil {
		g.untrack(p)
	}
}
