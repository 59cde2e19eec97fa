package neurotest

import (
	"fmt"
	"time"

	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// ---- playing Neuro's speech and forces by hand ----
//
// Under neurotest Neuro speaks and gives up forces only when the test
// says so, so that speech-aware and re-force logic can be tested step by
// step.

// Speak makes Neuro speak to the game for d; d <= 0 makes her speak until
// FinishSpeaking. While she speaks she sends speech_finished with isFinal
// false now and then (server.WithSpeechUpdates), and a force waits for her
// by its priority: low until she finished, medium halves what is left,
// high cuts her short (final message cancelled, reason "cut short"),
// critical interrupts her at once (reason "interrupted"). If she speaks
// already, her utterance lasts at least d more. When the game has a voice
// session, she talks in its voice chat too (see WaitVoiceSpeaking). It
// fails the test when the game is not connected.
func (s *Server) Speak(d time.Duration) {
	s.t.Helper()
	if err := s.sim.Speak(s.ref(), d); err != nil {
		s.t.Fatalf("neurotest: Speak(%v): %v", d, err)
	}
}

// FinishSpeaking ends Neuro's utterance now: the final speech_finished,
// with cancelled true and reason "interrupted" when cancelled. Forces
// waiting for her go on. It fails the test when she is not speaking.
func (s *Server) FinishSpeaking(cancelled bool) {
	s.t.Helper()
	if err := s.sim.FinishSpeaking(s.ref(), cancelled); err != nil {
		s.t.Fatalf("neurotest: FinishSpeaking(%t): %v", cancelled, err)
	}
}

// WaitForSpeech waits for a speech_finished Neuro sent the game and
// returns it; with final, it waits for the next one with isFinal true
// (skipping the updates before it, which stay available to a later
// WaitForSpeech(false)).
func (s *Server) WaitForSpeech(final bool) wire.SpeechFinished {
	s.t.Helper()
	what := "speech_finished sent to " + s.whose()
	if final {
		what = "speech_finished with isFinal true sent to " + s.whose()
	}
	e := s.next(what, func(e server.Event) bool {
		m, ok := e.Message.(wire.SpeechFinished)
		return e.Kind == server.EventSent && ok && s.ofGame(e) && (m.IsFinal || !final)
	})
	return e.Message.(wire.SpeechFinished)
}

// GiveUpForce makes Neuro give up the game's pending force the way the
// real server does once its retries are spent: silently. Nothing is sent
// to the game; WaitForForceDone returns server.ForceGaveUp. A game should
// notice by itself (a timeout) and force again. It fails the test when no
// force is pending.
func (s *Server) GiveUpForce() {
	s.t.Helper()
	if err := s.sim.GiveUpForce(s.ref()); err != nil {
		s.t.Fatalf("neurotest: GiveUpForce: %v", err)
	}
}

// FailThenSilent returns the options of a Neuro who answers each force
// `uses` times with data the game must reject, and then gives the force up
// silently, as the real server does after its retries: the situation in
// which a game has to time out and force again. The bad data breaks the
// action's schema (malformed JSON, a missing required property, a wrong
// type), so it applies to forces of actions with a schema. Pass it to
// NewServer; uses < 1 counts as 1.
func FailThenSilent(uses int) server.Option {
	return server.Options(server.WithErrorRate(1), server.WithRetries(max(uses, 1)-1))
}

// ---- advice ----

// Advice returns the best-practice advice the simulator gave so far
// (findings of level server.LevelAdvice: a "# " heading in context, long
// descriptions, registration churn, bulky state without
// ephemeral_context, forcing actions just unregistered, context spam),
// in order: the game's under WithGame, every game's otherwise.
func (s *Server) Advice() []server.Finding {
	if s.game == "" {
		return s.sim.Advice()
	}
	st, err := s.sim.Game(s.game)
	if err != nil {
		return nil
	}
	return st.Advice
}

// RequireNoAdvice fails the test, listing it, when the simulator gave
// advice (see Advice). Like RequireNoWarnings, it checks what happened so
// far.
func (s *Server) RequireNoAdvice() {
	s.t.Helper()
	if as := s.Advice(); len(as) > 0 {
		s.t.Fatalf("neurotest: %d piece(s) of advice:\n%s", len(as), listFindings(as))
	}
}

// WaitForAdvice waits for an advice of the given kind (one of the
// server.Advice… kinds; "" for any) and returns it.
func (s *Server) WaitForAdvice(kind server.FindingKind) server.Finding {
	s.t.Helper()
	what := "advice"
	if kind != "" {
		what = fmt.Sprintf("advice %q", kind)
	}
	match := server.IsAdvice(kind)
	e := s.next(what+" for "+s.whose(), func(e server.Event) bool { return match(e) && s.ofGame(e) })
	return *e.Finding
}
