package neurotest_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
)

// speakingLog records the voice/speaking events a game's manager sees.
type speakingLog struct {
	manager.Base
	ch chan bool
}

func (l *speakingLog) BindHandlers() error {
	_, err := l.RegisterHandler(events.VoiceSpeaking, func(_ context.Context, ev manager.Event) error {
		d, err := manager.Payload[events.VoiceSpeakingData](ev)
		l.ch <- d.Speaking
		return err
	})
	return err
}

// startVoiceGame connects a game called name with voice (speakers Ann and
// Bob) to url; it stops on cleanup.
func startVoiceGame(t *testing.T, url, name string) (*voice.Component, *speakingLog) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	m := manager.New("game")
	n, err := neuro.NewComponent(name, neuro.WithLogger(zaptest.NewLogger(t).Named("game")))
	if err != nil {
		t.Fatal(err)
	}
	v, err := voice.NewComponent(name, voice.WithLogger(zaptest.NewLogger(t).Named("voice")))
	if err != nil {
		t.Fatal(err)
	}
	log := &speakingLog{Base: manager.NewBase("log"), ch: make(chan bool, 16)}
	if err := m.AddAll(n, v, log); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		_ = v.Stop(ctx)
		_ = n.Stop(ctx, 0, "test over")
	})
	_ = v.Register(ctx, 1, "Ann")
	_ = v.Register(ctx, 2, "Bob")
	if err := n.Connect(ctx, url); err != nil {
		t.Fatal(err)
	}
	return v, log
}

func expectSpeaking(t *testing.T, log *speakingLog, want bool) {
	t.Helper()
	select {
	case got := <-log.ch:
		if got != want {
			t.Fatalf("voice/speaking %v, want %v", got, want)
		}
	case <-time.After(waitFor):
		t.Fatalf("no voice/speaking %v", want)
	}
}

func TestVoiceHelpers(t *testing.T) {
	s := neurotest.NewServer(t)
	v, log := startVoiceGame(t, s.URL(), "Karaoke")
	s.WaitStartup()
	if st := s.WaitVoiceSpeakers("Ann", "Bob"); len(st.Speakers) != 2 {
		t.Fatalf("voice state %+v", st)
	}
	s.FeedVoice(v, 1, 500*time.Millisecond)
	s.FeedVoice(v, 2, 255*time.Millisecond) // 12 frames of 20 ms, then one of 15 ms
	if sp := s.WaitVoiceReceived("Ann", 500*time.Millisecond); sp.Frames != 25 {
		t.Fatalf("Ann: %+v", sp)
	}
	s.WaitVoiceReceived("Bob", 255*time.Millisecond)
	s.RequireVoiceReceived("Ann", 500*time.Millisecond, 0)
	s.RequireVoiceReceived("Bob", 255*time.Millisecond, time.Millisecond)

	// Neuro speaks, in her voice too: for 100 ms, then until told to stop.
	s.Speak(100 * time.Millisecond)
	expectSpeaking(t, log, true)
	expectSpeaking(t, log, false)
	if n := v.Stats().ReceivedSamples; n == 0 || n%960 != 0 {
		t.Fatalf("the game received %d samples of her voice, want whole 20 ms frames", n)
	}
	s.WaitVoiceSpeaking(false)
	s.Speak(0)
	s.WaitVoiceSpeaking(true)
	expectSpeaking(t, log, true)
	s.FinishSpeaking(false)
	s.WaitVoiceSpeaking(false)
	expectSpeaking(t, log, false)
	s.RequireNoVoiceWarnings()
	s.RequireNoWarnings()
}

func TestVoiceHelpersFail(t *testing.T) {
	ft := &fakeT{TB: t}
	s := neurotest.NewServer(ft)
	v, _ := startVoiceGame(t, s.URL(), "Karaoke")
	s.WaitStartup()
	s.WaitVoice()
	short := s.WithTimeout(50 * time.Millisecond)
	msg := mustFail(t, ft, func() { short.WaitVoiceSpeakers("Cid") })
	requireContains(t, msg, `voice speakers ["Cid"]`, `speaker 1 "Ann": registered true`)
	msg = mustFail(t, ft, func() { short.WaitVoiceReceived("Ann", time.Second) })
	requireContains(t, msg, `1s of audio from speaker "Ann"`, "0.000 s in 0 frames")
	s.FeedVoice(v, 1, 100*time.Millisecond)
	s.WaitVoiceReceived("Ann", 100*time.Millisecond)
	msg = mustFail(t, ft, func() { s.RequireVoiceReceived("Ann", 2*time.Second, 100*time.Millisecond) })
	requireContains(t, msg, "sent 0.100 s of audio, want 2s")
	msg = mustFail(t, ft, func() { s.RequireVoiceReceived("Zed", time.Second, 0) })
	requireContains(t, msg, `no speaker "Zed"`)
	msg = mustFail(t, ft, func() { s.WithGame("Nobody").WithTimeout(50 * time.Millisecond).WaitVoice() })
	requireContains(t, msg, "no voice socket of that name ever connected")

	// Audio the simulator must drop: an unregistered speaker, sent by
	// hand since the client refuses it.
	conn, err := voice.Dial(context.Background(), s.URL()+"/game/Karaoke/voice")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	start, _ := voice.EncodeMessage(voice.CmdStart, "Karaoke", nil)
	_ = conn.WriteText(context.Background(), start)
	_ = conn.WriteBinary(context.Background(), voice.AppendFrame(nil, 7, make([]float32, 960)))
	s.WaitForWarning(server.FindingVoice)
	if ws := s.VoiceWarnings(); len(ws) != 1 || ws[0].Kind != voicesim.WarnUnknownSpeaker {
		t.Fatalf("voice warnings %v", ws)
	}
	msg = mustFail(t, ft, func() { s.RequireNoVoiceWarnings() })
	requireContains(t, msg, "1 voice warning(s)", `game "Karaoke": audio from unregistered speaker`)
	if ws := s.WithGame("Other").VoiceWarnings(); len(ws) != 0 {
		t.Fatalf("another game's voice warnings: %v", ws)
	}
}
