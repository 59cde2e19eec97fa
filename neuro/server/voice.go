package server

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/voice/voicesim"
)

// The voice side. The websocket port serves the optional voice chat side
// channel on /game/<name>/voice (package voicesim), paired by game name
// with the game connections: a voice socket whose game is not connected
// is served all the same (voice-only). What voicesim finds wrong becomes
// a FindingVoice of the connected game of that name; the audio each
// speaker sent shows in GameState.Voice and State.Voice; and while Neuro
// speaks to a game in the speaking model (speech.go), her voice goes to
// that game's voice socket: voice/speaking true, PCM at real-time pace,
// then voice/speaking false, or voice/cancelled when she is interrupted.

// voiceSide is the Server's voice chat.
type voiceSide struct {
	sim *voicesim.Server
	log *zap.Logger
	ctx context.Context // the server's: cancelled by Close and Shutdown

	mu     sync.Mutex
	closed bool
	talks  map[string]*talk // by game name: the utterance being voiced
	wg     sync.WaitGroup   // talk goroutines
}

// talk is one utterance of hers being voiced; its goroutine runs
// voicesim's SpeakUntil until the speaking model ends it through cue.
type talk struct {
	cue  *voicesim.Cue
	done chan struct{}
}

func newVoiceSide(s *Server) *voiceSide {
	v := &voiceSide{log: s.log.Named("voice"), ctx: s.ctx, talks: make(map[string]*talk)}
	v.sim = voicesim.New(
		voicesim.WithLogger(s.cfg.logger),
		voicesim.WithEnabled(s.cfg.voice),
		voicesim.WithCheckOrigin(s.guard.websocketOrigin),
		voicesim.WithOnWarning(s.voiceFinding),
	)
	return v
}

// WithVoice sets whether the simulator offers voice chat: on, a voice
// socket's voice/start is answered voice/ready (48000 Hz, mono); off, it
// is answered voice/unavailable and the socket is closed, as a server
// without voice chat does. Either way the websocket port accepts
// /game/<name>/voice. Defaults to on.
func WithVoice(on bool) Option {
	return optionFunc(func(c *config) { c.voice = on })
}

// serveVoice serves one voice socket (the request's path ends in
// /game/<name>/voice) until it ends.
func (s *Server) serveVoice(w http.ResponseWriter, r *http.Request) {
	s.voice.sim.ServeHTTP(w, r)
}

// voiceFinding turns a voicesim warning into a finding of the connected
// game of that name; a voice-only game's warnings stay in VoiceWarnings
// and State.Voice.
func (s *Server) voiceFinding(w voicesim.Warning) {
	if g := s.liveGameNamed(w.Game); g != nil {
		g.find(FindingVoice, w.String())
	}
}

// liveGameNamed returns the most recent connected game called name, or
// nil.
func (s *Server) liveGameNamed(name string) *game {
	games := s.gameList()
	for i := len(games) - 1; i >= 0; i-- {
		if games[i].live.Load() && games[i].nameNow() == name {
			return games[i]
		}
	}
	return nil
}

// speechStarted voices a new utterance of hers to the game called name.
// It never blocks (it runs under the game's lock). An utterance still
// being voiced for that name is finished first.
func (v *voiceSide) speechStarted(name string) {
	if v == nil || name == "" {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return
	}
	prev := v.talks[name]
	if prev != nil {
		prev.cue.Finish()
	}
	t := &talk{cue: voicesim.NewCue(), done: make(chan struct{})}
	v.talks[name] = t
	v.wg.Add(1)
	go v.speak(name, t, prev)
}

func (v *voiceSide) speak(name string, t, prev *talk) {
	defer v.wg.Done()
	defer close(t.done)
	defer func() {
		v.mu.Lock()
		if v.talks[name] == t {
			delete(v.talks, name)
		}
		v.mu.Unlock()
	}()
	if prev != nil { // one utterance per voice socket at a time
		select {
		case <-prev.done:
		case <-v.ctx.Done():
			return
		}
	}
	err := v.sim.SpeakUntil(v.ctx, name, t.cue)
	switch {
	case err == nil, errors.Is(err, voicesim.ErrInterrupted):
	case errors.Is(err, voicesim.ErrNoSession):
		v.log.Debug("Neuro speaks, but the game has no voice session", zap.String("game", name))
	default:
		v.log.Debug("Neuro's voice ended", zap.String("game", name), zap.Error(err))
	}
}

// speechEnded ends the voicing of her utterance to the game called name:
// interrupted sends voice/cancelled, otherwise voice/speaking false. It
// never blocks.
func (v *voiceSide) speechEnded(name string, interrupted bool) {
	if v == nil {
		return
	}
	v.mu.Lock()
	t := v.talks[name]
	v.mu.Unlock()
	switch {
	case t == nil:
	case interrupted:
		t.cue.Interrupt()
	default:
		t.cue.Finish()
	}
}

// close stops voicing and closes the voice sockets, waiting for every
// goroutine of the voice side. The server's context must be cancelled
// first.
func (v *voiceSide) close() {
	v.mu.Lock()
	v.closed = true
	v.mu.Unlock()
	_ = v.sim.Close()
	v.wg.Wait()
}

// ---- Go API: voice ----

// VoiceState returns the voice side's snapshot (also in GET /state):
// whether voice is on, and per game name its voice socket and, per
// speaker, the audio received.
func (s *Server) VoiceState() voicesim.State { return s.voice.sim.State() }

// VoiceGame returns the voice snapshot of the game called name, and false
// when no voice socket of that name ever came (or it was forgotten).
func (s *Server) VoiceGame(name string) (voicesim.GameState, bool) { return s.voice.sim.Game(name) }

// VoiceChanged returns a channel closed at the next change of the voice
// side's state (see voicesim.Server.Changed): take it, read the state,
// then wait on it.
func (s *Server) VoiceChanged() <-chan struct{} { return s.voice.sim.Changed() }

// VoiceWarnings returns the voice checks that failed, of every game
// (voice-only ones included), oldest first; those of a connected game are
// also its findings (FindingVoice).
func (s *Server) VoiceWarnings() []voicesim.Warning { return s.voice.sim.Warnings() }

// SetVoice turns voice chat on or off for the voice sockets that start
// from now on (see WithVoice).
func (s *Server) SetVoice(on bool) { s.voice.sim.SetEnabled(on) }

// DisconnectVoice closes the voice socket of the game called name (1001),
// for tests of a game's voice reconnect; the main connection stays.
func (s *Server) DisconnectVoice(name string) error { return s.voice.sim.Disconnect(name) }

// voiceOf returns the voice snapshot of a connected game called name, for
// its GameState; nil when it has no voice socket on record.
func (v *voiceSide) voiceOf(name string) *voicesim.GameState {
	if v == nil || name == "" {
		return nil
	}
	st, ok := v.sim.Game(name)
	if !ok {
		return nil
	}
	return &st
}
