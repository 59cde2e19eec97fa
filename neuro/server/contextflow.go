package server

import (
	"time"

	"github.com/neurokit/neurokit/neuro/wire"
)

// Context as the real server treats it: a message that arrives while one
// of the game's action results is pending is held (WithHeldContext) and
// delivered, in order, once no result is pending any more. Delivered
// context enters the context log and, unless silent, makes Neuro speak
// (WithSpeech).

// Bounds of a game's held context; past them the oldest held message is
// delivered early rather than dropped.
const (
	maxHeldEntries = 1000
	maxHeldBytes   = 4 << 20
)

// contextLocked handles a context message from the game.
func (g *game) contextLocked(m wire.ContextMessage, now time.Time) {
	g.adviseContextLocked(m, now)
	e := ContextEntry{Message: clip(m.Message, maxStoredText), Silent: m.Silent, Time: now}
	if !g.env.settings.holdContext || len(g.pending) == 0 {
		g.deliverLocked(e, now)
		return
	}
	e.Held = true
	for len(g.held) > 0 && (len(g.held) >= maxHeldEntries || g.heldBytes+len(e.Message) > maxHeldBytes) {
		first := g.held[0]
		g.held[0] = ContextEntry{}
		g.held = g.held[1:]
		g.heldBytes -= len(first.Message)
		g.deliverLocked(first, now)
	}
	g.held = append(g.held, e)
	g.heldBytes += len(e.Message)
	g.env.record(Event{Kind: EventContextHeld, GameID: g.id, Game: g.name, Time: now, Context: &e})
	g.wakeBrain() // it expires unanswered actions, which releases the context
}

// deliverLocked adds e to the context log; she speaks about it unless it
// is silent or the game is gone.
func (g *game) deliverLocked(e ContextEntry, now time.Time) {
	g.logs.context.add(e)
	if e.Held {
		g.env.record(Event{Kind: EventContextDelivered, GameID: g.id, Game: g.name, Time: now, Context: &e})
	}
	if !e.Silent && g.live.Load() {
		g.autoSpeakLocked(SpeechCauseContext, now)
	}
}

// releaseHeldLocked delivers the held context once no result is pending
// (or the game left).
func (g *game) releaseHeldLocked(now time.Time) {
	if len(g.held) == 0 || (len(g.pending) > 0 && g.live.Load()) {
		return
	}
	held := g.held
	g.held, g.heldBytes = nil, 0
	for _, e := range held {
		g.deliverLocked(e, now)
	}
}
