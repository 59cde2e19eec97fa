package server

import (
	"errors"
	"fmt"
	"time"
)

// ---- Go API: playing Neuro by hand ----
//
// These drive what Neuro does on her own, for tests of speech-aware and
// re-force logic. They never block.

var (
	// ErrNotSpeaking is returned by FinishSpeaking when Neuro is not
	// speaking to that game.
	ErrNotSpeaking = errors.New("server: Neuro is not speaking")
	// ErrNoForce is returned by GiveUpForce when the game has no force
	// pending.
	ErrNoForce = errors.New("server: no force pending")
)

// Speak makes Neuro speak to a game for d, as if she reacted to something;
// d <= 0 makes her speak until FinishSpeaking. If she speaks already, her
// utterance lasts at least d more (or until FinishSpeaking), unless a
// force cut it short. She sends speech_finished updates and the final
// message as described on WithSpeech, and forces wait for her according to
// their priority.
func (s *Server) Speak(gameRef string, d time.Duration) error {
	g, err := s.findGame(gameRef)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.live.Load() {
		return ErrGameNotConnected
	}
	g.speakLocked(SpeechCauseSpeak, d, time.Now())
	return nil
}

// FinishSpeaking ends Neuro's utterance to a game now: she sends
// speech_finished with isFinal true and, when cancelled, cancelled true
// and reason "interrupted". Forces waiting for her go on. It returns
// ErrNotSpeaking when she is silent.
func (s *Server) FinishSpeaking(gameRef string, cancelled bool) error {
	g, err := s.findGame(gameRef)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.speech == nil {
		return fmt.Errorf("%w to game %s", ErrNotSpeaking, orID(g.name, g.id))
	}
	reason := ""
	if cancelled {
		reason = ReasonInterrupted
	}
	g.endSpeechLocked(time.Now(), cancelled, reason)
	return nil
}

// GiveUpForce makes Neuro give up the force she is serving for a game,
// the way the real server does once its retries are spent: silently.
// Nothing is sent to the game; the force ends with ForceGaveUp (in the
// event log and GameState), an action of it still pending stays pending,
// and the next queued force, if any, is served. It returns ErrNoForce
// when no force is pending.
func (s *Server) GiveUpForce(gameRef string) error {
	g, err := s.findGame(gameRef)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.giveUpLocked() {
		return fmt.Errorf("%w for game %s", ErrNoForce, orID(g.name, g.id))
	}
	return nil
}

// Advice returns the advice given to every game (see LevelAdvice), in
// order.
func (s *Server) Advice() []Finding {
	return s.allFindings(func(st GameState) []Finding { return st.Advice })
}

// IsAdvice matches an advice of the given kind (any advice when "").
func IsAdvice(kind FindingKind) func(Event) bool {
	return func(e Event) bool {
		return e.Kind == EventAdvice && (kind == "" || e.Finding.Kind == kind)
	}
}

// IsSpeech matches an EventSpeech with the given change (any when "").
func IsSpeech(change SpeechPhase) func(Event) bool {
	return func(e Event) bool {
		return e.Kind == EventSpeech && (change == "" || e.Speech.Change == change)
	}
}
