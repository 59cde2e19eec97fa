package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
	"github.com/neurokit/neurokit/neuro/wire"
)

// voiceServer runs s's websocket port on a loopback httptest server and
// returns its URL; s closes before the listener does.
func voiceServer(t *testing.T, s *Server) string {
	t.Helper()
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { _ = s.Close(); ts.Close() })
	return "ws://" + ts.Listener.Addr().String()
}

// voiceCall is one handler call of a voice client.
type voiceCall struct {
	name     string
	data     any
	buffered int // Neuro's audio the client held then
}

// voiceGame is a game's voice client, its handler calls on a channel.
type voiceGame struct {
	*voice.Client
	calls chan voiceCall
	done  chan error // Serve's result
}

// dialVoice runs a voice client for game against url until the test ends.
func dialVoice(t *testing.T, url, game string, opts ...voice.Option) *voiceGame {
	t.Helper()
	v := &voiceGame{calls: make(chan voiceCall, 256), done: make(chan error, 1)}
	add := func(name string, data any) { v.calls <- voiceCall{name: name, data: data, buffered: v.Buffered()} }
	c, err := voice.New(url, game, append([]voice.Option{voice.WithLogger(zaptest.NewLogger(t)), voice.WithHandlers(voice.Handlers{
		Ready:       func(d events.VoiceReadyData) { add(events.VoiceReady, d) },
		Unavailable: func(d events.VoiceUnavailableData) { add(events.VoiceUnavailable, d) },
		Speaking:    func(d events.VoiceSpeakingData) { add(events.VoiceSpeaking, d.Speaking) },
		Cancelled:   func(d events.VoiceCancelledData) { add(events.VoiceCancelled, d.DroppedSamples) },
		Ended:       func(d events.VoiceEndedData) { add(events.VoiceEnded, d) },
	})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	v.Client = c
	go func() { v.done <- c.Serve(testCtx(t)) }()
	t.Cleanup(func() {
		_ = c.Close()
		select {
		case <-v.done:
		case <-time.After(waitLimit):
			t.Errorf("Serve of %s did not return", game)
		}
	})
	return v
}

func (v *voiceGame) expect(t *testing.T, name string) voiceCall {
	t.Helper()
	select {
	case c := <-v.calls:
		if c.name != name {
			t.Fatalf("voice handler %s (%+v), want %s", c.name, c.data, name)
		}
		return c
	case <-time.After(waitLimit):
		t.Fatalf("no %s within %v", name, waitLimit)
		return voiceCall{}
	}
}

// waitVoice waits until cond holds for the voice state of game.
func waitVoice(t *testing.T, s *Server, game string, cond func(voicesim.GameState) bool) voicesim.GameState {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		ch := s.VoiceChanged()
		st, _ := s.VoiceGame(game)
		if cond(st) {
			return st
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("voice state of %s never matched; last %+v", game, st)
		}
	}
}

func TestVoicePairsWithTheGameAndCountsAudio(t *testing.T) {
	s := newTestServer(t)
	url := voiceServer(t, s)
	g := connect(t, s, "Game")
	g.hello()
	v := dialVoice(t, url, "Game")
	if d := v.expect(t, events.VoiceReady).data.(events.VoiceReadyData); d.SampleRate != 48000 || d.Channels != 1 {
		t.Fatalf("ready %+v", d)
	}
	ctx := testCtx(t)
	_ = v.Register(ctx, 1, "Ann")
	_ = v.Register(ctx, 2, "Bob")
	for i := 0; i < 10; i++ {
		if err := v.Send(ctx, uint16(1+i%2), make([]float32, 960)); err != nil {
			t.Fatal(err)
		}
	}
	waitVoice(t, s, "Game", func(st voicesim.GameState) bool {
		return len(st.Speakers) == 2 && st.Speakers[0].Frames == 5 && st.Speakers[1].Frames == 5
	})
	st, err := s.Game("Game")
	if err != nil {
		t.Fatal(err)
	}
	if st.Voice == nil || !st.Voice.Started || st.Voice.Speakers[0].Seconds != 0.1 || st.Voice.Speakers[1].Name != "Bob" {
		t.Fatalf("GameState.Voice %+v", st.Voice)
	}

	// GET /state carries it twice: per game, and for the whole voice side.
	rec := httptest.NewRecorder()
	s.HTTPHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/state", nil))
	var got State
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("GET /state: %v\n%s", err, rec.Body)
	}
	if len(got.Games) != 1 || got.Games[0].Voice == nil || got.Games[0].Voice.Speakers[0].Frames != 5 {
		t.Fatalf("GET /state games: %s", rec.Body)
	}
	if !got.Voice.Enabled || got.Voice.SampleRate != 48000 || len(got.Voice.Games) != 1 || got.Voice.Games[0].Speakers[1].Seconds != 0.1 {
		t.Fatalf("GET /state voice: %+v", got.Voice)
	}
	if fs := s.Findings(); len(fs) != 0 {
		t.Fatalf("findings %v", fs)
	}
}

func TestVoiceOnlyGame(t *testing.T) {
	s := newTestServer(t)
	url := voiceServer(t, s)
	v := dialVoice(t, url, "Solo")
	v.expect(t, events.VoiceReady)
	_ = v.Register(testCtx(t), 3, "Cid")
	waitVoice(t, s, "Solo", func(st voicesim.GameState) bool { return len(st.Speakers) == 1 })
	if st := s.State(); len(st.Games) != 0 || len(st.Voice.Games) != 1 || st.Voice.Games[0].Game != "Solo" {
		t.Fatalf("state %+v", st)
	}
	// Its warnings are kept, but there is no game to give findings to.
	conn := startVoice(t, url, "Solo") // replaces v's socket
	if err := conn.WriteBinary(testCtx(t), voice.AppendFrame(nil, 3, make([]float32, 960))); err != nil {
		t.Fatal(err)
	}
	waitVoice(t, s, "Solo", func(st voicesim.GameState) bool { return st.DroppedFrames == 1 })
	if ws := s.VoiceWarnings(); len(ws) != 1 || ws[0].Kind != voicesim.WarnUnknownSpeaker || len(s.Findings()) != 0 {
		t.Fatalf("voice warnings %v, findings %v", ws, s.Findings())
	}
}

// startVoice opens a raw voice socket for game and starts a session.
func startVoice(t *testing.T, url, game string) voice.Conn {
	t.Helper()
	conn, err := voice.Dial(testCtx(t), url+"/game/"+game+"/voice")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	start, _ := voice.EncodeMessage(voice.CmdStart, game, nil)
	if err := conn.WriteText(testCtx(t), start); err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestVoiceOffIsUnavailable(t *testing.T) {
	s := newTestServer(t, WithVoice(false))
	url := voiceServer(t, s)
	v := dialVoice(t, url, "Game")
	if d := v.expect(t, events.VoiceUnavailable).data.(events.VoiceUnavailableData); !strings.Contains(d.Reason, "disabled") {
		t.Fatalf("unavailable %+v", d)
	}
	if err := <-v.done; !errors.Is(err, voice.ErrUnavailable) {
		t.Fatalf("Serve = %v", err)
	}
	v.done <- nil // for the cleanup
	s.SetVoice(true)
	dialVoice(t, url, "Game").expect(t, events.VoiceReady)
}

func TestVoiceChecksBecomeFindings(t *testing.T) {
	s := newTestServer(t)
	url := voiceServer(t, s)
	g := connect(t, s, "Game")
	g.hello()
	conn := startVoice(t, url, "Game")
	if err := conn.WriteBinary(testCtx(t), voice.AppendFrame(nil, 9, make([]float32, 960))); err != nil {
		t.Fatal(err)
	}
	f := waitFinding(t, s, FindingVoice)
	if f.Game != "Game" || !strings.HasPrefix(f.Detail, string(voicesim.WarnUnknownSpeaker)) {
		t.Fatalf("finding %+v", f)
	}
	if ws := s.VoiceWarnings(); len(ws) != 1 || ws[0].Kind != voicesim.WarnUnknownSpeaker {
		t.Fatalf("voice warnings %v", ws)
	}
	if st := waitVoice(t, s, "Game", func(st voicesim.GameState) bool { return st.DroppedFrames == 1 }); st.Warnings != 1 {
		t.Fatalf("voice state %+v", st)
	}
}

func TestNeuroSpeaksIntoTheVoiceChat(t *testing.T) {
	s := newTestServer(t, WithSpeechUpdates(0))
	url := voiceServer(t, s)
	g := connect(t, s, "Game")
	g.hello(waveAction)
	v := dialVoice(t, url, "Game")
	v.expect(t, events.VoiceReady)

	// Speak for 60 ms: speaking true, three frames of her voice, false.
	if err := s.Speak("Game", 60*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if on := v.expect(t, events.VoiceSpeaking).data.(bool); !on {
		t.Fatal("speaking false first")
	}
	off := v.expect(t, events.VoiceSpeaking)
	if off.data.(bool) || off.buffered == 0 || off.buffered%960 != 0 {
		t.Fatalf("speaking %v with %d samples held, want false after whole frames", off.data, off.buffered)
	}
	if final, _ := g.expectSpeech(); final.Cancelled {
		t.Fatalf("final %+v", final)
	}
	pcm := make([]float32, off.buffered)
	if n := v.ReadAudio(pcm); n != off.buffered || peak(pcm) < 0.01 {
		t.Fatalf("read %d samples, peak %v: not a voice", n, peak(pcm))
	}

	// A critical force while she speaks: voice/cancelled, audio dropped.
	if err := s.Speak("Game", 0); err != nil { // until interrupted
		t.Fatal(err)
	}
	v.expect(t, events.VoiceSpeaking)
	g.send(wire.ForceActions{Query: "Now!", ActionNames: []string{"wave"}, Priority: wire.PriorityCritical})
	c := v.expect(t, events.VoiceCancelled)
	if c.buffered != 0 {
		t.Fatalf("%d samples still held after voice/cancelled", c.buffered)
	}
	if on := v.expect(t, events.VoiceSpeaking).data.(bool); on {
		t.Fatal("push-to-talk not released")
	}
	if final, _ := g.expectSpeech(); !final.Cancelled || final.Reason != ReasonInterrupted {
		t.Fatalf("final %+v", final)
	}
	g.result(g.expectAction().ID, true, "")

	// FinishSpeaking and a high-priority force end her voice without a
	// cancellation: she ends her sentence.
	for _, end := range []string{"finish", "high"} {
		_ = s.Speak("Game", 0)
		v.expect(t, events.VoiceSpeaking)
		if end == "finish" {
			_ = s.FinishSpeaking("Game", false)
		} else {
			g.send(wire.ForceActions{Query: "Soon", ActionNames: []string{"wave"}, Priority: wire.PriorityHigh})
		}
		if on := v.expect(t, events.VoiceSpeaking).data.(bool); on {
			t.Fatalf("%s: speaking true twice", end)
		}
		g.expectSpeech()
		if end == "high" {
			g.result(g.expectAction().ID, true, "")
		}
	}
}

func peak(pcm []float32) float32 {
	p := float32(0)
	for _, x := range pcm {
		p = max(p, x, -x)
	}
	return p
}

func TestVoiceGuardsItsPort(t *testing.T) {
	s := newTestServer(t)
	url := voiceServer(t, s)
	_, err := voice.Dial(testCtx(t), url+"/game/Game/voice", voice.WithHeader(http.Header{"Origin": {"https://evil.example"}}))
	var he *voice.HandshakeError
	if !errors.As(err, &he) || he.StatusCode != http.StatusForbidden {
		t.Fatalf("voice socket from a foreign page = %v, want 403", err)
	}
	// A plain GET of the voice path is not a socket: 404.
	resp, err := http.Get("http" + strings.TrimPrefix(url, "ws") + "/game/Game/voice")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET of the voice path: %s", resp.Status)
	}
}

func TestCloseEndsVoiceSockets(t *testing.T) {
	s := newTestServer(t)
	v := dialVoice(t, voiceServer(t, s), "Game")
	v.expect(t, events.VoiceReady)
	_ = s.Close()
	ended := v.expect(t, events.VoiceEnded).data.(events.VoiceEndedData)
	if ended.Code != 1001 {
		t.Fatalf("ended %+v, want 1001", ended)
	}
	if _, err := voice.Dial(testCtx(t), "ws://127.0.0.1:1/game/G/voice"); err == nil {
		t.Fatal("dial of a closed port succeeded")
	}
}
