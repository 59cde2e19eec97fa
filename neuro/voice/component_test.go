package voice_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
	"github.com/neurokit/neurokit/transport"
)

// eventLog is a game component that records every voice event raised on
// its manager, in order.
type eventLog struct {
	manager.Base
	ch chan manager.Event
}

func (l *eventLog) BindHandlers() error {
	hs := map[string]manager.Handler{}
	for _, name := range []string{events.VoiceReady, events.VoiceUnavailable, events.VoiceSpeaking, events.VoiceCancelled, events.VoiceEnded} {
		hs[name] = func(_ context.Context, ev manager.Event) error {
			l.ch <- ev
			return nil
		}
	}
	_, err := l.RegisterHandlers(hs)
	return err
}

// expect returns the next voice event, which must be called name.
func (l *eventLog) expect(t *testing.T, name string) manager.Event {
	t.Helper()
	select {
	case ev := <-l.ch:
		if ev.Name != name {
			t.Fatalf("event %s (%+v), want %s", ev.Name, ev.Data, name)
		}
		return ev
	case <-time.After(wait):
		t.Fatalf("no %s event within the deadline", name)
		return manager.Event{}
	}
}

// none fails when a voice event was raised and not expected.
func (l *eventLog) none(t *testing.T) {
	t.Helper()
	select {
	case ev := <-l.ch:
		t.Fatalf("unexpected event %s (%+v)", ev.Name, ev.Data)
	default:
	}
}

// game is a manager with a voice Component (for the game "G") and an
// eventLog, as a game would have next to its Neuro component.
type game struct {
	m    *manager.Manager
	comp *voice.Component
	log  *eventLog
}

func newGame(t *testing.T, opts ...voice.Option) *game {
	t.Helper()
	comp, err := voice.NewComponent("G", append([]voice.Option{voice.WithLogger(zaptest.NewLogger(t))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	g := &game{m: manager.New("game"), comp: comp, log: &eventLog{Base: manager.NewBase("log"), ch: make(chan manager.Event, 64)}}
	if err := g.m.AddAll(comp, g.log); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := comp.Stop(ctx); err != nil {
			t.Errorf("Stop = %v", err)
		}
	})
	return g
}

// lifecycle raises a lifecycle event of the main connection, as the
// Neuro component does (and waits for its handlers, as it does).
func (g *game) lifecycle(t *testing.T, name string, data any) {
	t.Helper()
	if err := g.m.RaiseAndWait(testCtx(t), manager.NewEvent(name, data)); err != nil {
		t.Fatalf("raising %s: %v", name, err)
	}
}

// loopEnds waits until the component's session loop has returned.
func (g *game) loopEnds(t *testing.T) {
	t.Helper()
	done := g.comp.LoopDone()
	if done == nil {
		t.Fatal("no session loop ever ran")
	}
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("the session loop did not end")
	}
}

// waitVoice waits, through Changed, until cond holds for the game's voice
// state on srv.
func waitVoice(t *testing.T, srv *voicesim.Server, cond func(voicesim.GameState) bool) voicesim.GameState {
	t.Helper()
	deadline := time.After(wait)
	for {
		ch := srv.Changed()
		st, _ := srv.Game("G")
		if cond(st) {
			return st
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("voice state never matched; last %+v", st)
		}
	}
}

func registered(names ...string) func(voicesim.GameState) bool {
	return func(st voicesim.GameState) bool {
		var got []string
		for _, sp := range st.Speakers {
			if sp.Registered {
				got = append(got, sp.Name)
			}
		}
		return st.Started && strings.Join(got, ",") == strings.Join(names, ",")
	}
}

func TestComponentOpensVoiceOnceConnected(t *testing.T) {
	s := newSim(t)
	userReady := make(chan int, 1)
	g := newGame(t, voice.WithHandlers(voice.Handlers{Ready: func(d events.VoiceReadyData) { userReady <- d.SampleRate }}))
	ctx := testCtx(t)
	for id, name := range map[uint16]string{1: "Ann", 2: "Bob"} {
		if err := g.comp.Register(ctx, id, name); err != nil {
			t.Fatal(err)
		}
	}
	if g.comp.LoopDone() != nil || len(s.State().Games) != 0 {
		t.Fatal("voice opened before the main connection was up")
	}
	g.lifecycle(t, events.Connected, events.ConnectedData{URL: s.url})
	d := g.log.expect(t, events.VoiceReady).Data.(events.VoiceReadyData)
	if d.SampleRate != 48000 || d.Channels != 1 || d.URL != s.url+"/game/G/voice" || <-userReady != 48000 {
		t.Fatalf("ready %+v", d)
	}
	waitVoice(t, s.Server, registered("Ann", "Bob"))
	if !g.comp.Ready() || g.comp.URL() != d.URL {
		t.Fatalf("Ready %v, URL %q", g.comp.Ready(), g.comp.URL())
	}
	if err := g.comp.Send(ctx, 2, make([]float32, 960)); err != nil {
		t.Fatal(err)
	}
	waitVoice(t, s.Server, func(st voicesim.GameState) bool { return st.Speakers[1].Frames == 1 })
	if ws := s.Warnings(); len(ws) != 0 {
		t.Fatalf("simulator warnings %v", ws)
	}
}

func TestComponentFollowsDisconnectAndReconnect(t *testing.T) {
	s := newSim(t)
	g := newGame(t)
	ctx := testCtx(t)
	_ = g.comp.Register(ctx, 1, "Ann")
	g.lifecycle(t, events.Connected, events.ConnectedData{URL: s.url})
	g.log.expect(t, events.VoiceReady)
	waitVoice(t, s.Server, registered("Ann"))

	g.lifecycle(t, events.Disconnected, events.DisconnectedData{URL: s.url, Code: transport.CloseAbnormal, WillReconnect: true})
	ended := g.log.expect(t, events.VoiceEnded).Data.(events.VoiceEndedData)
	if ended.Code != transport.CloseNormal || ended.Err != nil {
		t.Fatalf("ended %+v, want a local close", ended)
	}
	waitVoice(t, s.Server, func(st voicesim.GameState) bool { return !st.Connected })
	g.loopEnds(t)
	if err := g.comp.Send(ctx, 1, make([]float32, 960)); !errors.Is(err, voice.ErrNotReady) {
		t.Fatalf("Send while disconnected = %v", err)
	}
	_ = g.comp.Register(ctx, 3, "Cid") // while disconnected: announced at the next voice/ready

	g.lifecycle(t, events.Reconnected, events.ReconnectedData{URL: s.url, Attempt: 1})
	g.log.expect(t, events.VoiceReady)
	waitVoice(t, s.Server, registered("Ann", "Cid"))
	g.log.none(t)
}

func TestComponentReopensForANewConnection(t *testing.T) {
	s := newSim(t)
	g := newGame(t)
	_ = g.comp.Register(testCtx(t), 1, "Ann")
	g.lifecycle(t, events.Connected, events.ConnectedData{URL: s.url})
	g.log.expect(t, events.VoiceReady)
	// Reconnected without a Disconnected before it: the old session
	// belongs to the old connection and is replaced.
	g.lifecycle(t, events.Reconnected, events.ReconnectedData{URL: s.url, Attempt: 2})
	g.log.expect(t, events.VoiceEnded)
	g.log.expect(t, events.VoiceReady)
	waitVoice(t, s.Server, registered("Ann"))
}

// counting wraps h and counts its requests.
func counting(n *atomic.Int64, h http.Handler) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	}
}

func TestComponentUnavailableIsSaidOnceAndNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name   string
		server http.Handler
		reason string
		status int
	}{
		{"voice off", voicesim.New(voicesim.WithEnabled(false)), "disabled", 0},
		{"no such path", http.NotFoundHandler(), "HTTP 404", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if srv, ok := tc.server.(*voicesim.Server); ok {
				t.Cleanup(func() { _ = srv.Close() })
			}
			var attempts atomic.Int64
			url := httpServer(t, counting(&attempts, tc.server))
			g := newGame(t, voice.WithReconnect(time.Millisecond, time.Millisecond, 3))
			g.lifecycle(t, events.Connected, events.ConnectedData{URL: url})
			d := g.log.expect(t, events.VoiceUnavailable).Data.(events.VoiceUnavailableData)
			if !strings.Contains(d.Reason, tc.reason) || d.StatusCode != tc.status {
				t.Fatalf("unavailable %+v", d)
			}
			g.loopEnds(t)
			if n := attempts.Load(); n != 1 {
				t.Fatalf("%d attempts, want 1: unavailable is not retried", n)
			}
			// The next main connection tries once more, and only once.
			g.lifecycle(t, events.Reconnected, events.ReconnectedData{URL: url, Attempt: 1})
			g.log.expect(t, events.VoiceUnavailable)
			g.loopEnds(t)
			if n := attempts.Load(); n != 2 {
				t.Fatalf("%d attempts after a reconnect, want 2", n)
			}
			g.log.none(t)
			if err := g.comp.Send(testCtx(t), 1, make([]float32, 960)); !errors.Is(err, voice.ErrNotReady) {
				t.Fatalf("Send without voice = %v", err)
			}
		})
	}
}

func TestComponentReopensADroppedSocket(t *testing.T) {
	s := newSim(t)
	g := newGame(t, voice.WithReconnect(time.Millisecond, time.Millisecond, 3))
	_ = g.comp.Register(testCtx(t), 1, "Ann")
	g.lifecycle(t, events.Connected, events.ConnectedData{URL: s.url})
	g.log.expect(t, events.VoiceReady)
	if err := s.Disconnect("G"); err != nil {
		t.Fatal(err)
	}
	if d := g.log.expect(t, events.VoiceEnded).Data.(events.VoiceEndedData); d.Code != transport.CloseGoingAway {
		t.Fatalf("ended %+v", d)
	}
	g.log.expect(t, events.VoiceReady)
	waitVoice(t, s.Server, registered("Ann"))
}

func TestComponentGivesUpOnAFailingSocket(t *testing.T) {
	var dials atomic.Int64
	refuse := func(context.Context, string) (voice.Conn, error) {
		dials.Add(1)
		return nil, errors.New("connection refused")
	}
	g := newGame(t, voice.WithDialer(refuse), voice.WithReconnect(time.Millisecond, 2*time.Millisecond, 3))
	g.lifecycle(t, events.Connected, events.ConnectedData{URL: "ws://127.0.0.1:1"})
	d := g.log.expect(t, events.VoiceUnavailable).Data.(events.VoiceUnavailableData)
	if !strings.Contains(d.Reason, "4 times") {
		t.Fatalf("unavailable %+v", d)
	}
	g.loopEnds(t)
	if n := dials.Load(); n != 4 {
		t.Fatalf("%d dials, want 1 and 3 retries", n)
	}
}

func TestComponentRaisesNeurosSpeech(t *testing.T) {
	s := newSim(t)
	g := newGame(t)
	ctx := testCtx(t)
	g.lifecycle(t, events.Connected, events.ConnectedData{URL: s.url})
	g.log.expect(t, events.VoiceReady)

	spoke := make(chan error, 1)
	go func() { spoke <- s.Speak(ctx, "G", 60*time.Millisecond) }()
	if d := g.log.expect(t, events.VoiceSpeaking).Data.(events.VoiceSpeakingData); !d.Speaking {
		t.Fatal("speaking false first")
	}
	_ = s.clock.WaitTickers(ctx, voicesim.FrameDuration, 1)
	for i := 0; i < 2; i++ {
		_ = s.clock.Advance(ctx, voicesim.FrameDuration)
	}
	if d := g.log.expect(t, events.VoiceSpeaking).Data.(events.VoiceSpeakingData); d.Speaking {
		t.Fatal("speaking true twice")
	}
	if err := <-spoke; err != nil || g.comp.Buffered() != 3*960 {
		t.Fatalf("Speak = %v, %d samples held", err, g.comp.Buffered())
	}
	got := make([]float32, 4*960)
	if n := g.comp.ReadAudio(got); n != 3*960 {
		t.Fatalf("ReadAudio = %d", n)
	}

	cue := voicesim.NewCue()
	go func() { spoke <- s.SpeakUntil(ctx, "G", cue) }()
	g.log.expect(t, events.VoiceSpeaking)
	_ = s.clock.WaitTickers(ctx, voicesim.FrameDuration, 1)
	_ = s.clock.Advance(ctx, voicesim.FrameDuration)
	cue.Interrupt()
	c := g.log.expect(t, events.VoiceCancelled).Data.(events.VoiceCancelledData)
	if c.DroppedSamples == 0 || c.DroppedSamples%960 != 0 || g.comp.Buffered() != 0 {
		t.Fatalf("cancelled %+v with %d samples still held", c, g.comp.Buffered())
	}
	if d := g.log.expect(t, events.VoiceSpeaking).Data.(events.VoiceSpeakingData); d.Speaking || g.comp.Speaking() {
		t.Fatal("push-to-talk not released after voice/cancelled")
	}
	if err := <-spoke; !errors.Is(err, voicesim.ErrInterrupted) {
		t.Fatalf("SpeakUntil = %v", err)
	}
}

func TestComponentVoiceOnly(t *testing.T) {
	s := newSim(t)
	g := newGame(t)
	if err := g.comp.Open("http://not-a-websocket"); err == nil {
		t.Fatal("Open accepted an http URL")
	}
	_ = g.comp.Register(testCtx(t), 4, "Dee")
	if err := g.comp.Open(s.url); err != nil {
		t.Fatal(err)
	}
	g.log.expect(t, events.VoiceReady)
	waitVoice(t, s.Server, registered("Dee"))
	g.comp.Hangup()
	g.log.expect(t, events.VoiceEnded)
	g.loopEnds(t)
	if err := g.comp.Stop(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := g.comp.Open(s.url); !errors.Is(err, voice.ErrClosed) {
		t.Fatalf("Open after Stop = %v", err)
	}
	if err := g.comp.Register(testCtx(t), 5, "Eve"); !errors.Is(err, voice.ErrClosed) {
		t.Fatalf("Register after Stop = %v", err)
	}
}

// stopper stops the voice component from a handler of voice/ready.
type stopper struct {
	manager.Base
	comp *voice.Component
	err  chan error
}

func (s *stopper) BindHandlers() error {
	_, err := s.RegisterHandler(events.VoiceReady, func(ctx context.Context, _ manager.Event) error {
		s.err <- s.comp.Stop(ctx) // its own goroutine runs this handler: Stop must not wait for it
		return nil
	})
	return err
}

func TestComponentStopFromAHandler(t *testing.T) {
	s := newSim(t)
	g := newGame(t)
	st := &stopper{Base: manager.NewBase("stopper"), comp: g.comp, err: make(chan error, 1)}
	if err := g.m.Add(st); err != nil {
		t.Fatal(err)
	}
	g.lifecycle(t, events.Connected, events.ConnectedData{URL: s.url})
	select {
	case err := <-st.err:
		if err != nil {
			t.Fatalf("Stop from a handler = %v", err)
		}
	case <-time.After(wait):
		t.Fatal("Stop from a handler blocked")
	}
	g.loopEnds(t)
}

func TestComponentRejectsBadPayloads(t *testing.T) {
	g := newGame(t)
	err := g.m.RaiseAndWait(testCtx(t), manager.NewEvent(events.Connected, "ws://wrong-payload"))
	if !errors.Is(err, manager.ErrPayloadType) {
		t.Fatalf("Connected with a string payload = %v", err)
	}
	if g.comp.LoopDone() != nil {
		t.Fatal("a bad payload opened voice")
	}
	if _, err := voice.NewComponent(""); err == nil {
		t.Fatal("NewComponent accepted an empty game name")
	}
}
