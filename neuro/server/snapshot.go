package server

import (
	"cmp"
	"slices"
	"time"
)

// snapshot returns a copy of the game's state.
func (g *game) snapshot() GameState {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.live.Load() {
		g.sweepLocked(time.Now())
	}
	st := GameState{
		ID:            g.id,
		Name:          g.name,
		Connected:     g.live.Load(),
		StartedUp:     g.startedUp,
		ShutdownReady: g.shutdownReady,
		ConnectedAt:   g.connectedAt,
		Actions:       g.registry.list(),
		Context:       g.logs.context.list(),
		HeldContext:   append(make([]ContextEntry, 0, len(g.held)), g.held...),
		Speech:        g.speechStateLocked(),
		Findings:      g.logs.findings.list(),
		Advice:        g.logs.advice.list(),
		Results:       g.resultsLocked(),
		Pending:       []PendingAction{},
		ForceQueue:    []QueuedForce{},
		Totals: GameTotals{
			Frames:          g.frames,
			Bytes:           g.frameBytes,
			Context:         g.logs.context.total,
			Results:         g.logs.results.total,
			Findings:        g.logs.findings.total,
			Advice:          g.logs.advice.total,
			ForcesSucceeded: g.forces.ok,
			ForcesGivenUp:   g.forces.gaveUp,
			ForcesReplaced:  g.forces.replaced,
		},
	}
	if g.forces.last != nil {
		last := *g.forces.last
		st.LastForce = &last
	}
	if st.Connected {
		st.Voice = g.env.voice.voiceOf(g.name)
	}
	if !g.disconnectedAt.IsZero() {
		t := g.disconnectedAt
		st.DisconnectedAt = &t
	}
	for _, p := range g.pending {
		st.Pending = append(st.Pending, p.PendingAction)
	}
	slices.SortFunc(st.Pending, func(a, b PendingAction) int { return a.SentAt.Compare(b.SentAt) })
	for _, f := range g.queue {
		st.ForceQueue = append(st.ForceQueue, QueuedForce{ForceActions: f.msg, ReceivedAt: f.receivedAt,
			Attempts: f.attempts, Retries: max(f.attempts-1, 0), RetryLimit: g.env.settings.retries, Stage: cmp.Or(f.stage, StageQueued)})
	}
	return st
}

// resultsLocked returns g's result history, oldest first (never nil).
func (g *game) resultsLocked() []Result {
	out := make([]Result, g.logs.results.len())
	for i := range out {
		out[i] = g.logs.results.at(i).expand(g.id, g.name)
	}
	return out
}

// findResultLocked returns the latest result of the action id in g's
// history.
func (g *game) findResultLocked(id string) (Result, bool) {
	recs := &g.logs.results
	for i := recs.len() - 1; i >= 0; i-- {
		if rec := recs.slot(i); rec.id == id {
			return rec.expand(g.id, g.name), true
		}
	}
	return Result{}, false
}
