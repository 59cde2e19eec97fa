package server

import (
	"errors"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro/wire"
)

// expectSpeech reads frames up to and including the final speech_finished
// and returns it, with how many updates (isFinal false) came before.
func (g *fakeGame) expectSpeech() (final wire.SpeechFinished, updates int) {
	g.t.Helper()
	for {
		m, ok := g.expect(wire.CmdSpeechFinished).(wire.SpeechFinished)
		if !ok {
			g.t.Fatalf("speech_finished decoded as %T", m)
		}
		if m.IsFinal {
			return m, updates
		}
		if m.Cancelled || m.Reason != "" {
			g.t.Fatalf("update %+v carries a cancellation", m)
		}
		updates++
	}
}

func waitSpeech(t *testing.T, w *Watcher, change SpeechPhase) SpeechChange {
	t.Helper()
	return *waitEvent(t, w, IsSpeech(change)).Speech
}

// TestSpeechAfterContext: context that is not silent makes her speak for
// the configured time; the utterance ends with exactly one final
// speech_finished; silent context makes her say nothing.
func TestSpeechAfterContext(t *testing.T) {
	s := newTestServer(t, WithSpeech(20*time.Millisecond, 40*time.Millisecond), WithSpeechUpdates(5*time.Millisecond))
	g := connect(t, s, "Game")
	g.hello(waveAction)
	w := s.Watch()
	g.send(wire.ContextMessage{Message: "The cat jumped.", Silent: false})
	started := waitSpeech(t, w, SpeechStarted)
	if started.Cause != SpeechCauseContext || started.Until == nil {
		t.Fatalf("started %+v", started)
	}
	final, _ := g.expectSpeech()
	if final.Cancelled || final.Reason != "" {
		t.Fatalf("final %+v, want a plain end", final)
	}
	// Silent context: no speech. The next frame after a force is its
	// action: no second final, no new utterance.
	g.send(wire.ContextMessage{Message: "quiet", Silent: true})
	g.send(wire.ForceActions{Query: "wave", ActionNames: []string{"wave"}})
	a := g.expectAction()
	st, _ := s.Game("Game")
	if st.Speech.Speaking || st.Speech.Utterances != 1 || st.Speech.LastFinal == nil {
		t.Fatalf("speech state %+v, want one utterance, finished", st.Speech)
	}
	g.result(a.ID, true, "")
}

// TestSpeechUpdatesAndFinish: while she speaks (until told to stop) she
// sends updates; FinishSpeaking sends the final message, cancelled or not.
func TestSpeechUpdatesAndFinish(t *testing.T) {
	s := newTestServer(t, WithSpeechUpdates(time.Millisecond))
	g := connect(t, s, "Game")
	g.hello()
	if err := s.FinishSpeaking("Game", false); !errors.Is(err, ErrNotSpeaking) {
		t.Fatalf("FinishSpeaking while silent = %v, want ErrNotSpeaking", err)
	}
	if err := s.Speak("Game", 0); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if m := g.expect(wire.CmdSpeechFinished).(wire.SpeechFinished); m.IsFinal {
			t.Fatalf("update %+v is final", m)
		}
	}
	st, _ := s.Game("Game")
	if !st.Speech.Speaking || st.Speech.Cause != SpeechCauseSpeak || st.Speech.Until != nil || st.Speech.Updates < 2 {
		t.Fatalf("speech state %+v", st.Speech)
	}
	if err := s.FinishSpeaking("Game", true); err != nil {
		t.Fatal(err)
	}
	if final, _ := g.expectSpeech(); !final.Cancelled || final.Reason != ReasonInterrupted {
		t.Fatalf("final %+v, want cancelled, interrupted", final)
	}
	if err := s.Speak("Game", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishSpeaking("Game", false); err != nil {
		t.Fatal(err)
	}
	if final, _ := g.expectSpeech(); final.Cancelled || final.Reason != "" {
		t.Fatalf("final %+v, want a plain end", final)
	}
}

// TestSpeechExtended: more to say while she speaks makes the utterance
// longer, never a second one at once.
func TestSpeechExtended(t *testing.T) {
	s := newTestServer(t, WithSpeech(time.Hour, time.Hour), WithSpeechUpdates(0))
	g := connect(t, s, "Game")
	g.hello()
	w := s.Watch()
	if err := s.Speak("Game", time.Minute); err != nil {
		t.Fatal(err)
	}
	first := waitSpeech(t, w, SpeechStarted)
	g.send(wire.ContextMessage{Message: "More news."})
	ext := waitSpeech(t, w, SpeechExtended)
	if !ext.Until.After(*first.Until) {
		t.Fatalf("extended until %v, not after %v", ext.Until, first.Until)
	}
	if st, _ := s.Game("Game"); st.Speech.Utterances != 1 {
		t.Fatalf("%d utterances, want 1", st.Speech.Utterances)
	}
	if err := s.FinishSpeaking("Game", false); err != nil {
		t.Fatal(err)
	}
	g.expectSpeech()
}

// TestSpeechAfterForce: a force that ends with a successful result makes
// her speak; a failed one does not.
func TestSpeechAfterForce(t *testing.T) {
	s := newTestServer(t, WithSpeech(time.Hour, time.Hour), WithSpeechUpdates(0))
	g := connect(t, s, "Game")
	g.hello(pickAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "pick", ActionNames: []string{"pick"}})
	a := g.expectAction()
	g.result(a.ID, false, "cell taken; free: 1, 5, 9")
	a = g.expectAction() // the retry: no speech in between
	g.result(a.ID, true, "")
	e := waitEvent(t, w, func(e Event) bool { return e.Kind == EventSpeech || e.Kind == EventForceDone })
	if e.Kind != EventSpeech || e.Speech.Change != SpeechStarted || e.Speech.Cause != SpeechCauseForce {
		t.Fatalf("after the success: %+v, want her to start speaking about the force", e)
	}
}

// TestForcePriorities: while she speaks, a low force waits until she
// finished, a medium one halves what is left, a high one cuts her short
// (final cancelled, "cut short"), a critical one interrupts her at once
// (final cancelled, "interrupted"); each is answered after the final
// message.
func TestForcePriorities(t *testing.T) {
	cases := []struct {
		priority  wire.Priority
		finish    bool // the test ends the utterance itself
		cancelled bool
		reason    string
	}{
		{wire.PriorityLow, true, false, ""},
		{"", true, false, ""}, // no priority is low
		{wire.PriorityMedium, true, false, ""},
		{wire.PriorityHigh, false, true, ReasonCutShort},
		{wire.PriorityCritical, false, true, ReasonInterrupted},
	}
	for _, tc := range cases {
		t.Run(string(tc.priority), func(t *testing.T) {
			s := newTestServer(t, WithSpeechUpdates(0))
			g := connect(t, s, "Game")
			g.hello(waveAction)
			w := s.Watch()
			if err := s.Speak("Game", time.Hour); err != nil {
				t.Fatal(err)
			}
			started := waitSpeech(t, w, SpeechStarted)
			g.send(wire.ForceActions{Query: "wave", ActionNames: []string{"wave"}, Priority: tc.priority})
			switch tc.priority {
			case wire.PriorityMedium:
				sh := waitSpeech(t, w, SpeechShortened)
				// Half of what was left: about 30 minutes, well before the hour.
				if !sh.Until.Before(*started.Until) || sh.Until.Before(started.Until.Add(-31*time.Minute)) {
					t.Fatalf("shortened to %v from %v, want about half", sh.Until, started.Until)
				}
			case wire.PriorityHigh:
				if cut := waitSpeech(t, w, SpeechCut); cut.Reason != ReasonCutShort || !cut.Until.Before(*started.Until) {
					t.Fatalf("cut %+v", cut)
				}
			}
			if tc.finish {
				aw := waitSpeech(t, w, SpeechAwaited) // the force waits for her
				if aw.Force != "wave" || aw.Priority != cmpOr(tc.priority, wire.PriorityLow) {
					t.Fatalf("awaited %+v", aw)
				}
				if st, _ := s.Game("Game"); len(st.ForceQueue) != 1 || st.ForceQueue[0].Stage != StageSpeech {
					t.Fatalf("force queue %+v, want the force waiting for speech", st.ForceQueue)
				}
				if err := s.FinishSpeaking("Game", false); err != nil {
					t.Fatal(err)
				}
			}
			final, _ := g.expectSpeech() // before the action
			if final.Cancelled != tc.cancelled || final.Reason != tc.reason {
				t.Fatalf("final %+v, want cancelled=%t reason %q", final, tc.cancelled, tc.reason)
			}
			a := g.expectAction()
			g.result(a.ID, true, "")
		})
	}
}

func cmpOr(p, def wire.Priority) wire.Priority {
	if p == "" {
		return def
	}
	return p
}

// TestSpeechEndsWithTheGame: a game that leaves while she speaks ends
// her utterance (recorded, nothing sent) and nothing is left running.
func TestSpeechEndsWithTheGame(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello()
	w := s.Watch()
	if err := s.Speak("Game", 0); err != nil {
		t.Fatal(err)
	}
	_ = g.conn.Close(1000, "bye")
	if fin := waitSpeech(t, w, SpeechFinished); fin.Reason != "disconnected" || !fin.Cancelled {
		t.Fatalf("finished %+v", fin)
	}
	if err := s.Speak("Game", 0); !errors.Is(err, ErrGameNotConnected) {
		t.Fatalf("Speak to a gone game = %v", err)
	}
}
