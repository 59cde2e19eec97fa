package voicesim

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/transport"
)

func start(t *testing.T, h *harness, game string) voice.Conn {
	t.Helper()
	conn := h.dial(t, game)
	send(t, conn, voice.TextFrame, msg(voice.CmdStart, game, ""))
	if got := readText(t, conn); got != `{"command":"voice/ready","data":{"sample_rate":48000,"channels":1}}` {
		t.Fatalf("answer to voice/start: %s", got)
	}
	return conn
}

func TestSpeakSendsPacedFrames(t *testing.T) {
	ctx := testCtx(t)
	h := newHarness(t)
	conn := start(t, h, "G")
	if err := h.srv.Interrupt("G"); !errors.Is(err, ErrNotSpeaking) {
		t.Fatalf("Interrupt while silent = %v", err)
	}
	spoke := make(chan error, 1)
	go func() { spoke <- h.srv.Speak(ctx, "G", 50*time.Millisecond) }() // 3 frames
	if got := readText(t, conn); got != `{"command":"voice/speaking","data":{"speaking":true}}` {
		t.Fatalf("first message %s", got)
	}
	if err := h.clock.WaitTickers(ctx, FrameDuration, 1); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Speak(ctx, "G", time.Second); !errors.Is(err, ErrSpeaking) {
		t.Fatalf("second Speak = %v, want ErrSpeaking", err)
	}
	if st := h.srv.State(); !st.Games[0].Speaking {
		t.Fatal("state does not show Neuro speaking")
	}
	for i := 0; i < 3; i++ {
		if i > 0 {
			if err := h.clock.Advance(ctx, FrameDuration); err != nil {
				t.Fatal(err)
			}
		}
		kind, p, err := conn.ReadFrame()
		if err != nil || kind != voice.BinaryFrame || len(p) != 4*960 {
			t.Fatalf("frame %d: %v %d bytes %v", i, kind, len(p), err)
		}
		samples, _ := voice.DecodePCM(nil, p)
		peak := float32(0)
		for _, v := range samples {
			peak = max(peak, v, -v)
		}
		if i > 0 && (peak < 0.01 || peak > 1) { // the first frame starts at a syllable's silent edge
			t.Fatalf("frame %d peak %v", i, peak)
		}
	}
	if got := readText(t, conn); got != `{"command":"voice/speaking","data":{"speaking":false}}` {
		t.Fatalf("last message %s", got)
	}
	if err := <-spoke; err != nil {
		t.Fatalf("Speak = %v", err)
	}
}

func TestSpeakNeedsAStartedSession(t *testing.T) {
	ctx := testCtx(t)
	h := newHarness(t)
	if err := h.srv.Speak(ctx, "Nobody", time.Second); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Speak to unknown game = %v", err)
	}
	conn := h.dial(t, "Idle")
	h.collect(t, conn, "Idle") // connected, not started
	if err := h.srv.Speak(ctx, "Idle", time.Second); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Speak before voice/start = %v", err)
	}
	if err := h.srv.Speak(ctx, "Idle", 0); err == nil {
		t.Fatal("Speak for 0s accepted")
	}
}

func TestSpeakEndsWithTheSession(t *testing.T) {
	for _, how := range []string{"stop", "ctx", "close socket", "server close"} {
		t.Run(how, func(t *testing.T) {
			ctx := testCtx(t)
			h := newHarness(t)
			conn := start(t, h, "G")
			sctx, cancel := context.WithCancel(ctx)
			defer cancel()
			spoke := make(chan error, 1)
			go func() { spoke <- h.srv.Speak(sctx, "G", time.Minute) }()
			if err := h.clock.WaitTickers(ctx, FrameDuration, 1); err != nil {
				t.Fatal(err)
			}
			var want error
			switch how {
			case "stop":
				send(t, conn, voice.TextFrame, msg(voice.CmdStop, "G", ""))
				want = ErrNoSession
			case "ctx":
				cancel()
				want = context.Canceled
			case "close socket":
				_ = conn.CloseNow()
				want = ErrNoSession
			case "server close":
				go func() { _ = h.srv.Close() }() // Close waits for Speak: not on this goroutine
				want = ErrClosed
			}
			select {
			case err := <-spoke:
				if !errors.Is(err, want) {
					t.Fatalf("Speak = %v, want %v", err, want)
				}
			case <-time.After(wait):
				t.Fatal("Speak did not end")
			}
			if how == "ctx" { // she stops speaking: the game releases push-to-talk
				for {
					if got := readText(t, conn); strings.Contains(got, `"speaking":false`) {
						break
					}
				}
			}
		})
	}
}

func TestVoiceOffAnswersUnavailable(t *testing.T) {
	h := newHarness(t, WithEnabled(false))
	conn := h.dial(t, "G")
	send(t, conn, voice.TextFrame, msg(voice.CmdStart, "G", ""))
	if got := readText(t, conn); got != `{"command":"voice/unavailable","data":{"reason":"voice chat is disabled on this server"}}` {
		t.Fatalf("answer %s", got)
	}
	_, _, err := conn.ReadFrame()
	if code, _, ok := transport.CloseCode(err); !ok || code != transport.CloseNormal {
		t.Fatalf("after unavailable: %v, want a normal close", err)
	}
}

func TestNoStartIsWarnedAndClosed(t *testing.T) {
	ctx := testCtx(t)
	h := newHarness(t)
	conn := h.dial(t, "Mute")
	if err := h.clock.WaitTickers(ctx, DefaultStartTimeout, 1); err != nil {
		t.Fatal(err)
	}
	if err := h.clock.Advance(ctx, DefaultStartTimeout); err != nil {
		t.Fatal(err)
	}
	_, _, err := conn.ReadFrame()
	if code, _, _ := transport.CloseCode(err); code != transport.ClosePolicyViolation {
		t.Fatalf("socket end %v, want 1008", err)
	}
	if w := <-h.warns; w.Kind != WarnNoStart || w.Game != "Mute" {
		t.Fatalf("warning %v", w)
	}
	// A started socket is left alone when the timeout passes.
	conn = start(t, h, "Talks")
	if err := h.clock.WaitTickers(ctx, DefaultStartTimeout, 1); err != nil {
		t.Fatal(err)
	}
	if err := h.clock.Advance(ctx, DefaultStartTimeout); err != nil {
		t.Fatal(err)
	}
	if kinds := h.collect(t, conn, "Talks"); len(kinds) != 0 {
		t.Fatalf("warnings %v", kinds)
	}
}

func TestNewerSocketReplacesOlder(t *testing.T) {
	h := newHarness(t)
	old := start(t, h, "G")
	send(t, old, voice.TextFrame, msg(voice.CmdRegister, "G", `{"speakers":[{"id":1,"name":"P1"}]}`))
	h.collect(t, old, "G")
	newer := start(t, h, "G")
	_, _, err := old.ReadFrame()
	if code, reason, _ := transport.CloseCode(err); code != transport.CloseNormal || !strings.Contains(reason, "replaced") {
		t.Fatalf("old socket ended with %v", err)
	}
	// The new socket has its own registrations.
	send(t, newer, voice.BinaryFrame, frame(1, 0, 1, 960))
	if kinds := h.collect(t, newer, "G"); len(kinds) != 1 || kinds[0] != WarnUnknownSpeaker {
		t.Fatalf("warnings %v", kinds)
	}
}

func TestFrameOverReadLimit(t *testing.T) {
	h := newHarness(t, WithReadLimit(1024))
	conn := start(t, h, "Big")
	send(t, conn, voice.BinaryFrame, frame(1, 0, 1, 960)) // 3844 bytes
	_, _, err := conn.ReadFrame()
	if code, _, _ := transport.CloseCode(err); code != transport.CloseMessageTooBig {
		t.Fatalf("socket end %v, want 1009", err)
	}
	if w := <-h.warns; w.Kind != WarnFrameTooBig {
		t.Fatalf("warning %v", w)
	}
}

func TestStateJSON(t *testing.T) {
	h := newHarness(t)
	conn := start(t, h, "My Game")
	send(t, conn, voice.TextFrame, msg(voice.CmdRegister, "My Game", `{"speakers":[{"id":7,"name":"Vedal"}]}`))
	send(t, conn, voice.BinaryFrame, frame(1, 0, 7, 960))
	send(t, conn, voice.BinaryFrame, frame(1, 0, 7, 4800))
	h.collect(t, conn, "My Game")
	b, err := json.Marshal(h.srv.State())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"enabled":true,"sampleRate":48000,"games":[{"game":"My Game","connected":true,"started":true,"speaking":false,` +
		`"speakers":[{"id":7,"name":"Vedal","registered":true,"seconds":0.12,"frames":2,"lastFrame":"2023-11-14T22:13:20Z"}],` +
		`"droppedFrames":0,"spokenFrames":0,"spokenSeconds":0,"warnings":1}]}`
	if string(b) != want {
		t.Fatalf("state\n%s\nwant\n%s", b, want)
	}
}

func TestWarningsAreBounded(t *testing.T) {
	h := newHarness(t, WithMaxWarnings(3))
	conn := start(t, h, "G")
	for i := 0; i < 5; i++ {
		send(t, conn, voice.TextFrame, []byte(`not json`))
	}
	h.collect(t, conn, "G")
	w := h.srv.Warnings()
	if len(w) != 3 || w[0].Kind != WarnMalformed || w[2].Kind != WarnUnknownCommand {
		t.Fatalf("warnings %v", w)
	}
}

func TestServeConnAfterClose(t *testing.T) {
	h := newHarness(t)
	_ = h.srv.Close()
	conn, err := voice.Dial(testCtx(t), h.url+"/game/G/voice")
	if err != nil {
		t.Fatal(err) // the upgrade succeeds; ServeConn then drops the socket
	}
	defer conn.CloseNow()
	if _, _, err := conn.ReadFrame(); err == nil {
		t.Fatal("a socket was served after Close")
	}
	if len(h.srv.State().Games) != 0 {
		t.Fatal("a game was recorded after Close")
	}
}
