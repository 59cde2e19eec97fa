package server

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/wire"
)

// The brain is a game's third goroutine (after the writer and the force
// loop), owned and joined by ServeConn: it does what happens on time
// rather than in answer to a frame. It ends her utterances and sends their
// updates (speech.go), expires unanswered actions while context is held
// (so that it is delivered on time), and acts on her own (WithActEvery).
// Everything else wakes it through wakeBrain when what it waits for
// changes.

// brainLoop runs until ctx ends.
func (g *game) brainLoop(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		next, act := g.brainTick(time.Now())
		if act {
			g.actUnprompted(ctx)
			continue
		}
		var due <-chan time.Time
		if !next.IsZero() {
			timer.Reset(time.Until(next))
			due = timer.C
		}
		select {
		case <-due:
		case <-g.brainWake:
		case <-ctx.Done():
			return
		}
		timer.Stop()
	}
}

func (g *game) wakeBrain() {
	select {
	case g.brainWake <- struct{}{}:
	default:
	}
}

// brainTick does what is due at now and returns when the next thing is
// due (zero: nothing until woken), and whether she acts now.
func (g *game) brainTick(now time.Time) (next time.Time, act bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.live.Load() {
		return time.Time{}, false
	}
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
	return next, act
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
