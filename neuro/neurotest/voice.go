package neurotest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
)

// ---- voice chat ----
//
// The simulator serves the voice side channel on the websocket port
// (/game/<name>/voice), paired with the game by name; see package
// neuro/voice. These helpers look at the voice socket of the game the
// helpers look at (WithGame; a game name there also reaches a voice-only
// game), wait on the simulator's voice state without polling, and fail
// the test with the state they last saw. Speak makes Neuro talk in her
// voice too, when the game has a voice session.

// VoiceSender is what FeedVoice sends through: a *voice.Client or a
// *voice.Component.
type VoiceSender interface {
	Send(ctx context.Context, id uint16, samples []float32) error
	SampleRate() int
}

// voiceGame returns the game name the voice helpers look at: WithGame's
// name, else the name of the game the other helpers look at.
func (s *Server) voiceGame() string {
	s.t.Helper()
	if s.game != "" && !strings.HasPrefix(s.game, "#") {
		return s.game
	}
	st := s.Game()
	if st.Name == "" {
		s.t.Fatalf("neurotest: game %s has not sent its name yet: no voice socket can be paired with it", st.ID)
	}
	return st.Name
}

// waitVoice waits until cond holds for the game's voice state and returns
// it; what describes the wait in the failure message.
func (s *Server) waitVoice(what string, cond func(voicesim.GameState) bool) voicesim.GameState {
	s.t.Helper()
	name := s.voiceGame()
	ctx, cancel := s.context()
	defer cancel()
	for {
		changed := s.sim.VoiceChanged()
		st, ok := s.sim.VoiceGame(name)
		if ok && cond(st) {
			return st
		}
		select {
		case <-changed:
		case <-ctx.Done():
			s.t.Fatalf("neurotest: no %s for game %q within %v\nvoice state: %s\nvoice warnings: %v",
				what, name, s.timeout, describeVoice(st, ok), s.sim.VoiceWarnings())
			return voicesim.GameState{}
		}
	}
}

func describeVoice(st voicesim.GameState, ok bool) string {
	if !ok {
		return "no voice socket of that name ever connected"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "connected %t, started %t, speaking %t, %d frames dropped", st.Connected, st.Started, st.Speaking, st.DroppedFrames)
	for _, sp := range st.Speakers {
		fmt.Fprintf(&b, "\n  speaker %d %q: registered %t, %.3f s in %d frames", sp.ID, sp.Name, sp.Registered, sp.Seconds, sp.Frames)
	}
	return b.String()
}

// WaitVoice waits until the game has a started voice session (its voice
// socket sent voice/start and was answered voice/ready) and returns its
// voice state.
func (s *Server) WaitVoice() voicesim.GameState {
	s.t.Helper()
	return s.waitVoice("started voice session", func(st voicesim.GameState) bool { return st.Connected && st.Started })
}

// WaitVoiceSpeakers waits until every named speaker is registered on the
// game's started voice session and returns its voice state.
func (s *Server) WaitVoiceSpeakers(names ...string) voicesim.GameState {
	s.t.Helper()
	return s.waitVoice(fmt.Sprintf("voice speakers %q", names), func(st voicesim.GameState) bool {
		if !st.Connected || !st.Started {
			return false
		}
		for _, n := range names {
			if !slices.ContainsFunc(st.Speakers, func(sp voicesim.SpeakerState) bool { return sp.Registered && sp.Name == n }) {
				return false
			}
		}
		return true
	})
}

// WaitVoiceReceived waits until the speaker called speaker has sent at
// least d of audio on the game's voice socket, and returns what the
// simulator counted for it.
func (s *Server) WaitVoiceReceived(speaker string, d time.Duration) voicesim.SpeakerState {
	s.t.Helper()
	var got voicesim.SpeakerState
	s.waitVoice(fmt.Sprintf("%v of audio from speaker %q", d, speaker), func(st voicesim.GameState) bool {
		for _, sp := range st.Speakers {
			if sp.Name == speaker && sp.Seconds >= d.Seconds()-1e-9 {
				got = sp
				return true
			}
		}
		return false
	})
	return got
}

// RequireVoiceReceived fails the test unless the speaker called speaker
// has sent want of audio, give or take tolerance, as counted so far.
func (s *Server) RequireVoiceReceived(speaker string, want, tolerance time.Duration) {
	s.t.Helper()
	name := s.voiceGame()
	st, ok := s.sim.VoiceGame(name)
	for _, sp := range st.Speakers {
		if sp.Name != speaker {
			continue
		}
		if math.Abs(sp.Seconds-want.Seconds()) > tolerance.Seconds() {
			s.t.Fatalf("neurotest: speaker %q of game %q sent %.3f s of audio, want %v ± %v", speaker, name, sp.Seconds, want, tolerance)
		}
		return
	}
	s.t.Fatalf("neurotest: no speaker %q on the voice socket of game %q\nvoice state: %s", speaker, name, describeVoice(st, ok))
}

// WaitVoiceSpeaking waits until Neuro is speaking (on) or silent (!on) in
// the game's voice chat, as the simulator sees it.
func (s *Server) WaitVoiceSpeaking(on bool) voicesim.GameState {
	s.t.Helper()
	what := "Neuro speaking in the voice chat"
	if !on {
		what = "Neuro silent in the voice chat"
	}
	return s.waitVoice(what, func(st voicesim.GameState) bool { return st.Connected && st.Speaking == on })
}

// VoiceWarnings returns the voice checks that failed for the game
// (every game's without WithGame), voice-only games included, oldest
// first. Those of a connected game are also among Warnings.
func (s *Server) VoiceWarnings() []voicesim.Warning {
	all := s.sim.VoiceWarnings()
	if s.game == "" {
		return all
	}
	name := s.game
	if strings.HasPrefix(name, "#") {
		st, err := s.sim.Game(name)
		if err != nil {
			return nil
		}
		name = st.Name
	}
	return slices.DeleteFunc(all, func(w voicesim.Warning) bool { return w.Game != name })
}

// RequireNoVoiceWarnings fails the test, listing them, when a voice check
// failed (see VoiceWarnings). Like RequireNoWarnings it checks what
// happened so far.
func (s *Server) RequireNoVoiceWarnings() {
	s.t.Helper()
	if ws := s.VoiceWarnings(); len(ws) > 0 {
		lines := make([]string, len(ws))
		for i, w := range ws {
			lines[i] = fmt.Sprintf("  game %q: %s", w.Game, w)
		}
		s.t.Fatalf("neurotest: %d voice warning(s):\n%s", len(ws), strings.Join(lines, "\n"))
	}
}

// FeedVoice sends d of a voice-like test signal (voicesim.Signal) from
// speaker id through to, as 20 ms frames (a last shorter one padded to
// 10 ms), as fast as the socket takes them: a player talking, without a
// microphone. It fails the test when to has no ready voice session at the
// server's rate of 48 kHz, or a frame cannot be sent.
func (s *Server) FeedVoice(to VoiceSender, id uint16, d time.Duration) {
	s.t.Helper()
	if rate := to.SampleRate(); rate != voicesim.SampleRate {
		s.t.Fatalf("neurotest: FeedVoice: the sender's voice session runs at %d Hz, want %d (is it ready?)", rate, voicesim.SampleRate)
	}
	ctx, cancel := s.context()
	defer cancel()
	frame := voice.FrameSamples(voicesim.SampleRate, voicesim.FrameDuration)
	minFrame := voice.FrameSamples(voicesim.SampleRate, voice.MinFrame)
	left := voice.FrameSamples(voicesim.SampleRate, d)
	var gen voicesim.Signal
	buf := make([]float32, frame)
	for sent := 0; left > 0; sent++ {
		n := min(frame, left)
		gen.Fill(buf[:n])
		clear(buf[n:max(n, minFrame)])
		if err := to.Send(ctx, id, buf[:max(n, minFrame)]); err != nil {
			s.t.Fatalf("neurotest: FeedVoice: frame %d of speaker %d: %v", sent+1, id, err)
		}
		left -= n
	}
}
