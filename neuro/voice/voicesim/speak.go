package voicesim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/neurokit/neurokit/neuro/voice"
)

// controlTimeout bounds the control messages Speak sends on its own
// account (after ctx ended, for instance).
const controlTimeout = 5 * time.Second

// speech is one utterance in progress.
type speech struct {
	interrupt     chan struct{} // closed by Interrupt
	interruptOnce sync.Once
	stop          chan struct{} // closed when the socket ends or the game sends voice/stop
	stopOnce      sync.Once
	cue           *Cue          // SpeakUntil's; nil for Speak
	done          chan struct{} // closed when Speak returned
	err           error         // Speak's result, set before done
}

// errFinished ends an open utterance whose Cue said Finish.
var errFinished = errors.New("voicesim: utterance finished")

// Cue ends an utterance started with SpeakUntil: Finish lets Neuro stop
// (voice/speaking false), Interrupt cuts her off (voice/cancelled). The
// first call wins and later ones do nothing. Both are safe from any
// goroutine, never block, and may come before SpeakUntil has started (it
// then ends at once).
type Cue struct {
	finish    chan struct{}
	interrupt chan struct{}
	once      sync.Once
}

// NewCue returns a Cue for one SpeakUntil call.
func NewCue() *Cue {
	return &Cue{finish: make(chan struct{}), interrupt: make(chan struct{})}
}

// Finish ends the utterance normally.
func (c *Cue) Finish() { c.once.Do(func() { close(c.finish) }) }

// Interrupt cuts the utterance off.
func (c *Cue) Interrupt() { c.once.Do(func() { close(c.interrupt) }) }

func (c *Cue) channels() (finish, interrupt <-chan struct{}) {
	if c == nil {
		return nil, nil
	}
	return c.finish, c.interrupt
}

// Speak makes Neuro talk to game for about d (whole 20 ms frames):
// voice/speaking true, a voice-like signal as PCM frames at real-time pace
// (paced by the server's Clock), then voice/speaking false. It blocks until
// she finished (nil), Interrupt cut her off (ErrInterrupted, after
// voice/cancelled was sent), ctx ended (ctx.Err(), after voice/speaking
// false), the game stopped its session or left (ErrNoSession), or the
// server closed (ErrClosed). One utterance per game at a time
// (ErrSpeaking).
func (s *Server) Speak(ctx context.Context, gameName string, d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("voicesim: speak for %v", d)
	}
	return s.utter(ctx, gameName, int((d+FrameDuration-1)/FrameDuration), nil)
}

// SpeakUntil makes Neuro talk to game until cue says otherwise, for the
// simulator's speaking model, whose utterances have no length known in
// advance: voice/speaking true, voice-like PCM frames at real-time pace,
// and then, after cue.Finish, voice/speaking false (nil), or, after
// cue.Interrupt or Interrupt, voice/cancelled (ErrInterrupted). It ends
// otherwise as Speak does (ctx, ErrNoSession, ErrClosed, ErrSpeaking).
func (s *Server) SpeakUntil(ctx context.Context, gameName string, cue *Cue) error {
	if cue == nil {
		return errors.New("voicesim: SpeakUntil without a Cue")
	}
	return s.utter(ctx, gameName, -1, cue)
}

// utter runs one utterance of frames frames (-1: until cue ends it).
func (s *Server) utter(ctx context.Context, gameName string, frames int, cue *Cue) error {
	sp := &speech{interrupt: make(chan struct{}), stop: make(chan struct{}), cue: cue, done: make(chan struct{})}
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return ErrClosed
	default:
	}
	var sock *socket
	if g := s.games[gameName]; g != nil {
		sock = g.sock
	}
	switch {
	case sock == nil || !sock.started:
		s.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrNoSession, gameName)
	case sock.speech != nil:
		s.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrSpeaking, gameName)
	}
	sock.speech = sp
	s.changedLocked()
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	sp.err = s.speak(ctx, sock, sp, frames)
	s.mu.Lock()
	if sock.speech == sp {
		sock.speech = nil
		s.changedLocked()
	}
	s.mu.Unlock()
	close(sp.done)
	return sp.err
}

// speak sends the utterance: frames frames, or until its cue ends it when
// frames < 0.
func (s *Server) speak(ctx context.Context, sock *socket, sp *speech, frames int) error {
	finish, cut := sp.cue.channels()
	if err := sock.send(ctx, voice.CmdSpeaking, voice.SpeakingData{Speaking: true}); err != nil {
		return err
	}
	t := s.o.clock.NewTicker(FrameDuration)
	defer t.Stop()
	var gen Signal
	pcm := make([]float32, voice.FrameSamples(SampleRate, FrameDuration))
	buf := make([]byte, 0, 4*len(pcm))
	ended := func(err error) error {
		switch {
		case errors.Is(err, errFinished):
			return sock.send(ctx, voice.CmdSpeaking, voice.SpeakingData{Speaking: false})
		case errors.Is(err, ErrInterrupted):
			if werr := sock.send(context.Background(), voice.CmdCancelled, nil); werr != nil {
				return werr
			}
		case ctx.Err() != nil:
			_ = sock.send(context.Background(), voice.CmdSpeaking, voice.SpeakingData{Speaking: false})
		}
		return err
	}
	for i := 0; frames < 0 || i < frames; i++ {
		if err := sp.check(ctx, s.closed); err != nil {
			return ended(err)
		}
		if i > 0 {
			select {
			case <-t.C():
			case <-sp.interrupt:
			case <-sp.stop:
			case <-finish:
			case <-cut:
			case <-ctx.Done():
			case <-s.closed:
			}
			if err := sp.check(ctx, s.closed); err != nil {
				return ended(err)
			}
		}
		gen.Fill(pcm)
		buf = voice.AppendPCM(buf[:0], pcm)
		if err := sock.conn.WriteBinary(ctx, buf); err != nil {
			if why := sp.check(ctx, s.closed); why != nil {
				return ended(why) // the socket was closed for this reason
			}
			return ended(fmt.Errorf("%w: %w", ErrNoSession, err))
		}
		s.mu.Lock()
		if g := s.games[sock.game]; g != nil {
			g.spoken++
		}
		s.changedLocked()
		s.mu.Unlock()
	}
	return sock.send(ctx, voice.CmdSpeaking, voice.SpeakingData{Speaking: false})
}

// check reports why the utterance must end now, if it must.
func (sp *speech) check(ctx context.Context, closed <-chan struct{}) error {
	finish, cut := sp.cue.channels()
	select {
	case <-sp.interrupt:
		return ErrInterrupted
	case <-cut:
		return ErrInterrupted
	default:
	}
	select {
	case <-closed:
		return ErrClosed
	case <-sp.stop:
		return ErrNoSession
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-finish:
		return errFinished
	default:
	}
	return nil
}

// Interrupt cuts Neuro off while she speaks to game: the utterance stops
// and voice/cancelled is sent. It waits until Speak returned and reports
// ErrNotSpeaking when there was nothing to cut (or the utterance ended for
// another reason first).
func (s *Server) Interrupt(gameName string) error {
	s.mu.Lock()
	var sp *speech
	if g := s.games[gameName]; g != nil && g.sock != nil {
		sp = g.sock.speech
	}
	s.mu.Unlock()
	if sp == nil {
		return fmt.Errorf("%w: %q", ErrNotSpeaking, gameName)
	}
	sp.interruptOnce.Do(func() { close(sp.interrupt) })
	<-sp.done
	if errors.Is(sp.err, ErrInterrupted) {
		return nil
	}
	return fmt.Errorf("%w: %q (the utterance ended: %v)", ErrNotSpeaking, gameName, sp.err)
}

// stopSpeech ends the socket's utterance silently (socket gone or
// voice/stop).
func (k *socket) stopSpeech() {
	k.s.mu.Lock()
	sp := k.speech
	k.s.mu.Unlock()
	if sp != nil {
		sp.stopOnce.Do(func() { close(sp.stop) })
	}
}

// send writes one control message to the game.
func (k *socket) send(ctx context.Context, command string, data any) error {
	b, err := voice.EncodeMessage(command, "", data)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), controlTimeout)
	defer cancel()
	if err := k.conn.WriteText(wctx, b); err != nil {
		return fmt.Errorf("%w: %w", ErrNoSession, err)
	}
	return nil
}

// Signal generates a voice-like test signal at 48 kHz, mono: a harmonic
// tone whose pitch glides around 190 Hz, shaped into 4 Hz syllables with
// a short pause every 1.5 s, peaking near 0.3. It is deterministic: the
// zero Signal starts at time 0 and Fill continues where the last call
// stopped. Neuro's voice is made of it; tests feed it as a player's. A
// Signal is not safe for concurrent use.
type Signal struct {
	n     int64
	phase float64
}

// Fill writes the next len(dst) samples into dst.
func (v *Signal) Fill(dst []float32) {
	const harmonics = 6
	for i := range dst {
		t := float64(v.n) / SampleRate
		f0 := 190 + 30*math.Sin(2*math.Pi*0.8*t)
		v.phase += 2 * math.Pi * f0 / SampleRate
		if v.phase > 2*math.Pi {
			v.phase -= 2 * math.Pi
		}
		x := 0.0
		for k := 1; k <= harmonics; k++ {
			x += math.Sin(float64(k)*v.phase) / float64(k)
		}
		env := 0.5 - 0.5*math.Cos(2*math.Pi*4*t)
		if math.Mod(t, 1.5) > 1.3 {
			env = 0
		}
		dst[i] = float32(0.2 * env * x)
		v.n++
	}
}
