package server

import (
	"context"
	"time"

	"github.com/neurokit/neurokit/neuro/wire"
)

// The speaking model. Neuro says one utterance at a time to a game; its
// state lives in game.speech under game.mu and every change happens
// there, so the speech_finished frames, queued under the lock
// (postLocked), go out in the order of the changes. The game's brain
// goroutine (brain.go) sends the updates and ends the utterance on time;
// the force goroutine waits for her according to the force's priority
// (waitTurn); Speak and FinishSpeaking drive her by hand.

// Why she speaks (SpeechState.Cause, SpeechChange.Cause).
const (
	SpeechCauseContext = "context" // a context message that is not silent
	SpeechCauseForce   = "force"   // a force ended with a successful result
	SpeechCauseSpeak   = "speak"   // Server.Speak
)

// Reasons of a cut-off utterance (speech_finished cancelled: true).
const (
	ReasonCutShort    = "cut short"   // a high-priority force
	ReasonInterrupted = "interrupted" // a critical force, or FinishSpeaking(cancelled)
	reasonGone        = "disconnected"
)

// highWrapUp is how long she may take to end her sentence when a
// high-priority force cuts her short.
const highWrapUp = 250 * time.Millisecond

// utterance is what she is saying to a game.
type utterance struct {
	cause     string
	since     time.Time
	until     time.Time // zero: until FinishSpeaking
	next      time.Time // next isFinal:false message; zero: none
	updates   int
	cut       string // when set, she ends with cancelled: true and this reason
	shortened bool   // a medium force halved it already
	done      chan struct{}
}

// speakLocked makes her speak for d (d <= 0: until FinishSpeaking), or
// longer if she speaks already (an utterance cut short stays cut).
func (g *game) speakLocked(cause string, d time.Duration, now time.Time) {
	if u := g.speech; u != nil {
		if u.cut != "" {
			return
		}
		switch {
		case d <= 0:
			u.until = time.Time{}
		case !u.until.IsZero() && now.Add(d).After(u.until):
			u.until = now.Add(d)
		default:
			return
		}
		if u.next.IsZero() {
			u.next = g.nextUpdate(now)
		}
		g.recordSpeechLocked(SpeechExtended, u, false, "")
		g.wakeBrain()
		return
	}
	u := &utterance{cause: cause, since: now, next: g.nextUpdate(now), done: make(chan struct{})}
	if d > 0 {
		u.until = now.Add(d)
	}
	g.speech = u
	g.utterances++
	g.recordSpeechLocked(SpeechStarted, u, false, "")
	g.env.voice.speechStarted(g.name) // and she speaks into its voice chat
	g.wakeBrain()
}

// autoSpeakLocked makes her speak for a seeded duration, when automatic
// speech is on (WithSpeech).
func (g *game) autoSpeakLocked(cause string, now time.Time) {
	set := g.env.settings
	if set.speechMax <= 0 {
		return
	}
	g.speakLocked(cause, g.env.rand.between(set.speechMin, set.speechMax), now)
}

func (g *game) nextUpdate(now time.Time) time.Time {
	every := g.env.settings.speechUpdates
	if every <= 0 {
		return time.Time{}
	}
	return now.Add(g.env.rand.jitter(every))
}

// endSpeechLocked ends her utterance: the final speech_finished (unless
// the game is gone), then whoever waits for her is woken.
func (g *game) endSpeechLocked(now time.Time, cancelled bool, reason string) {
	u := g.speech
	if u == nil {
		return
	}
	if reason != reasonGone {
		g.postLocked(wire.SpeechFinished{IsFinal: true, Cancelled: cancelled, Reason: reason})
	}
	g.speech = nil
	g.lastFinal = now
	g.env.voice.speechEnded(g.name, reason == ReasonInterrupted || reason == reasonGone)
	close(u.done)
	g.recordSpeechLocked(SpeechFinished, u, cancelled, reason)
}

// speechTickLocked sends what is due of her utterance at now and returns
// when the next thing is due (zero: nothing).
func (g *game) speechTickLocked(now time.Time) time.Time {
	u := g.speech
	if u == nil {
		return time.Time{}
	}
	if !u.until.IsZero() && !now.Before(u.until) {
		if !u.next.IsZero() && u.next.Before(u.until) && u.cut == "" {
			// An update due before the end that a late wake-up missed:
			// she said that sentence, then finished.
			g.postLocked(wire.SpeechFinished{})
			u.updates++
		}
		g.endSpeechLocked(now, u.cut != "", u.cut)
		return time.Time{}
	}
	if !u.next.IsZero() && !now.Before(u.next) {
		g.postLocked(wire.SpeechFinished{})
		u.updates++
		u.next = g.nextUpdate(now)
	}
	if !u.next.IsZero() && !u.until.IsZero() && !u.next.Before(u.until) {
		u.next = time.Time{} // the final message comes first
	}
	return earliest(u.until, u.next)
}

// yieldLocked applies a force's priority to the utterance u.
func (g *game) yieldLocked(u *utterance, p wire.Priority, now time.Time) {
	switch p {
	case wire.PriorityCritical:
		g.endSpeechLocked(now, true, ReasonInterrupted)
	case wire.PriorityHigh:
		if u.cut != "" {
			return
		}
		u.cut = ReasonCutShort
		if end := now.Add(highWrapUp); u.until.IsZero() || end.Before(u.until) {
			u.until = end
		}
		g.recordSpeechLocked(SpeechCut, u, true, u.cut)
		g.wakeBrain()
	case wire.PriorityMedium:
		if u.shortened || u.cut != "" || u.until.IsZero() {
			return // an utterance without an end waits like low
		}
		u.shortened = true
		u.until = now.Add(u.until.Sub(now) / 2)
		g.recordSpeechLocked(SpeechShortened, u, false, "")
		g.wakeBrain()
	}
}

// waitTurn waits until she is free to answer force f, applying its
// priority to whatever she says meanwhile (an EventSpeech SpeechAwaited
// says the force waits). It returns false when f was cancelled or ctx
// ended.
func (g *game) waitTurn(ctx context.Context, f *force) bool {
	for {
		g.mu.Lock()
		u := g.speech
		if u != nil {
			g.yieldLocked(u, f.msg.Priority, time.Now())
		}
		u = g.speech
		if u != nil {
			f.stage = StageSpeech
			c := g.speechChangeLocked(SpeechAwaited, u, u.cut != "", u.cut)
			c.Force, c.Priority = f.msg.Query, priorityOf(f.msg)
			g.env.record(Event{Kind: EventSpeech, GameID: g.id, Game: g.name, Speech: c})
		}
		g.mu.Unlock()
		if u == nil {
			return true
		}
		select {
		case <-u.done:
		case <-f.cancel:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// recordSpeechLocked records an EventSpeech.
func (g *game) recordSpeechLocked(change SpeechPhase, u *utterance, cancelled bool, reason string) {
	g.env.record(Event{Kind: EventSpeech, GameID: g.id, Game: g.name, Speech: g.speechChangeLocked(change, u, cancelled, reason)})
}

func (g *game) speechChangeLocked(change SpeechPhase, u *utterance, cancelled bool, reason string) *SpeechChange {
	c := &SpeechChange{Change: change, Cause: u.cause, Cancelled: cancelled, Reason: reason, Updates: u.updates}
	if !u.until.IsZero() && change != SpeechFinished {
		t := u.until
		c.Until = &t
	}
	return c
}

// priorityOf returns f's priority, low when it sends none.
func priorityOf(f wire.ForceActions) wire.Priority {
	if f.Priority == "" {
		return wire.PriorityLow
	}
	return f.Priority
}

// speechStateLocked returns her speech as GameState shows it.
func (g *game) speechStateLocked() SpeechState {
	st := SpeechState{Utterances: g.utterances}
	if !g.lastFinal.IsZero() {
		t := g.lastFinal
		st.LastFinal = &t
	}
	if u := g.speech; u != nil {
		since := u.since
		st.Speaking, st.Cause, st.Since, st.Updates, st.Cut = true, u.cause, &since, u.updates, u.cut
		if !u.until.IsZero() {
			t := u.until
			st.Until = &t
		}
	}
	return st
}

// earliest returns the earlier of two times, a zero time meaning none.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}
