package voicesim

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/transport"
)

// countFrames reads until the next text frame and returns it with the
// number of audio frames before it.
func countFrames(t *testing.T, conn voice.Conn) (string, int) {
	t.Helper()
	frames := 0
	for {
		kind, p, err := conn.ReadFrame()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if kind == voice.TextFrame {
			return string(p), frames
		}
		frames++
	}
}

func TestSpeakUntilEndsByItsCue(t *testing.T) {
	for _, how := range []string{"finish", "cue interrupt", "Interrupt"} {
		t.Run(how, func(t *testing.T) {
			ctx := testCtx(t)
			h := newHarness(t)
			conn := start(t, h, "G")
			cue := NewCue()
			spoke := make(chan error, 1)
			go func() { spoke <- h.srv.SpeakUntil(ctx, "G", cue) }()
			if got := readText(t, conn); got != `{"command":"voice/speaking","data":{"speaking":true}}` {
				t.Fatalf("first message %s", got)
			}
			if err := h.clock.WaitTickers(ctx, FrameDuration, 1); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 5; i++ { // five frames, and more to come: the length is the cue's to decide
				if i > 0 {
					if err := h.clock.Advance(ctx, FrameDuration); err != nil {
						t.Fatal(err)
					}
				}
				if kind, _, err := conn.ReadFrame(); err != nil || kind != voice.BinaryFrame {
					t.Fatalf("frame %d: %v %v", i, kind, err)
				}
			}
			want, wantErr := `{"command":"voice/speaking","data":{"speaking":false}}`, error(nil)
			switch how {
			case "finish":
				cue.Finish()
				cue.Interrupt() // the first call wins
			case "cue interrupt":
				cue.Interrupt()
				want, wantErr = `{"command":"voice/cancelled"}`, ErrInterrupted
			case "Interrupt":
				go func() { _ = h.srv.Interrupt("G") }() // waits for SpeakUntil, which this goroutine must read for
				want, wantErr = `{"command":"voice/cancelled"}`, ErrInterrupted
			}
			got, frames := countFrames(t, conn)
			if got != want || frames != 0 {
				t.Fatalf("after %d more frames: %s, want %s at once", frames, got, want)
			}
			if err := <-spoke; !errors.Is(err, wantErr) {
				t.Fatalf("SpeakUntil = %v, want %v", err, wantErr)
			}
			if st, _ := h.srv.Game("G"); st.SpokenFrames != 5 || st.SpokenSeconds != 0.1 || st.Speaking {
				t.Fatalf("state %+v, want 5 frames (0.1 s) spoken, silent", st)
			}
		})
	}
}

func TestSpeakUntilWithACueEndedBeforeItStarted(t *testing.T) {
	ctx := testCtx(t)
	h := newHarness(t)
	conn := start(t, h, "G")
	cue := NewCue()
	cue.Interrupt()
	if err := h.srv.SpeakUntil(ctx, "G", cue); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("SpeakUntil = %v, want ErrInterrupted", err)
	}
	if got, frames := countFrames(t, conn); got != `{"command":"voice/speaking","data":{"speaking":true}}` || frames != 0 {
		t.Fatalf("got %d frames then %s", frames, got)
	}
	if got := readText(t, conn); got != `{"command":"voice/cancelled"}` {
		t.Fatalf("then %s", got)
	}
	if err := h.srv.SpeakUntil(ctx, "G", nil); err == nil {
		t.Fatal("SpeakUntil without a cue accepted")
	}
}

// waitState waits, through Changed, until cond holds for game's state.
func waitState(t *testing.T, srv *Server, game string, cond func(GameState) bool) GameState {
	t.Helper()
	deadline := time.After(wait)
	for {
		ch := srv.Changed()
		if st, ok := srv.Game(game); ok && cond(st) {
			return st
		}
		select {
		case <-ch:
		case <-deadline:
			st, _ := srv.Game(game)
			t.Fatalf("state of %s never matched; last %+v", game, st)
		}
	}
}

func TestChangedFollowsTheState(t *testing.T) {
	h := newHarness(t)
	if _, ok := h.srv.Game("G"); ok {
		t.Fatal("a game before any socket")
	}
	ch := h.srv.Changed()
	conn := start(t, h, "G")
	select {
	case <-ch:
	default:
		t.Fatal("Changed not closed by a new socket")
	}
	send(t, conn, voice.TextFrame, msg(voice.CmdRegister, "G", `{"speakers":[{"id":7,"name":"Ann"}]}`))
	waitState(t, h.srv, "G", func(st GameState) bool { return len(st.Speakers) == 1 && st.Speakers[0].Registered })
	for i := 0; i < 3; i++ {
		send(t, conn, voice.BinaryFrame, frame(1, 0, 7, 960))
	}
	st := waitState(t, h.srv, "G", func(st GameState) bool { return st.Speakers[0].Frames == 3 })
	if st.Speakers[0].Seconds != 0.06 || !st.Started || !st.Connected {
		t.Fatalf("state %+v", st)
	}
	h.srv.SetEnabled(false)
	if h.srv.Enabled() {
		t.Fatal("Enabled after SetEnabled(false)")
	}
}

func TestDisconnectClosesTheSocket(t *testing.T) {
	h := newHarness(t)
	conn := start(t, h, "G")
	if err := h.srv.Disconnect("Other"); !errors.Is(err, ErrNoSocket) {
		t.Fatalf("Disconnect of an unknown game = %v", err)
	}
	errs := make(chan error, 1)
	go func() { errs <- h.srv.Disconnect("G") }() // waits for the game's answer: read it here
	_, _, err := conn.ReadFrame()
	if code, reason, _ := transport.CloseCode(err); code != transport.CloseGoingAway || !strings.Contains(reason, "simulator") {
		t.Fatalf("socket ended with %v", err)
	}
	_ = conn.Close(transport.CloseNormal, "")
	if err := <-errs; err != nil {
		t.Fatalf("Disconnect = %v", err)
	}
	waitState(t, h.srv, "G", func(st GameState) bool { return !st.Connected })
}

func TestParsePath(t *testing.T) {
	for p, want := range map[string]string{
		"/game/Chess/voice":           "Chess",
		"/game/My%20Game/voice/":      "My Game",
		"/prefix/game/A%2FB/voice":    "A/B",
		"/game//voice":                "",
		"/game/Chess":                 "",
		"/voice":                      "",
		"/game/%zz/voice":             "",
		"/game/Chess/voice/extra":     "",
		"/games/Chess/voice":          "",
		"/game/Chess/voice?x=1":       "",
		"/game/Chess/Voice":           "",
		"/game/Tic%20Tac%20Toe/voice": "Tic Tac Toe",
	} {
		got, ok := ParsePath(p)
		if got != want || ok != (want != "") {
			t.Errorf("ParsePath(%q) = %q, %v; want %q", p, got, ok, want)
		}
	}
}

func TestCheckOriginRefusesForeignPages(t *testing.T) {
	srv := New(WithCheckOrigin(func(r *http.Request) bool { return r.Header.Get("Origin") == "" }))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Cleanup(func() { _ = srv.Close() })
	url := "ws://" + ts.Listener.Addr().String() + "/game/G/voice"
	_, err := voice.Dial(testCtx(t), url, voice.WithHeader(http.Header{"Origin": {"https://evil.example"}}))
	var he *voice.HandshakeError
	if !errors.As(err, &he) || he.StatusCode != http.StatusForbidden {
		t.Fatalf("dial from a foreign origin = %v, want 403", err)
	}
	conn, err := voice.Dial(context.Background(), url)
	if err != nil {
		t.Fatalf("dial without an origin: %v", err)
	}
	_ = conn.CloseNow()
}

func TestSignalIsDeterministicAndContinuous(t *testing.T) {
	var a, b Signal
	whole := make([]float32, 2*960)
	a.Fill(whole)
	halves := make([]float32, 2*960)
	b.Fill(halves[:960])
	b.Fill(halves[960:])
	peak := float32(0)
	for i := range whole {
		if whole[i] != halves[i] {
			t.Fatalf("sample %d: %v in one call, %v in two", i, whole[i], halves[i])
		}
		peak = max(peak, whole[i], -whole[i])
	}
	if peak < 0.01 || peak > 1 {
		t.Fatalf("peak %v", peak)
	}
}
