package test

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
	"github.com/neurokit/neurokit/neuro/wire"
)

const voiceGameName = "Voice Game"

// voiceEvent is one voice event the game saw, with the samples of
// Neuro's voice it held at that moment.
type voiceEvent struct {
	name     string
	data     any
	buffered int
}

// voiceE2EGame is a game with a Neuro component and a voice component on
// one manager, as a real game has them; it records the voice events.
type voiceE2EGame struct {
	manager.Base
	neuro  *neuro.Component
	voice  *voice.Component
	events chan voiceEvent
	dodges chan struct{} // one per dodge the game performed
}

func (g *voiceE2EGame) BindHandlers() error {
	hs := map[string]manager.Handler{}
	for _, name := range []string{events.VoiceReady, events.VoiceUnavailable, events.VoiceSpeaking, events.VoiceCancelled, events.VoiceEnded} {
		hs[name] = func(_ context.Context, ev manager.Event) error {
			g.events <- voiceEvent{name: ev.Name, data: ev.Data, buffered: g.voice.Buffered()}
			return nil
		}
	}
	_, err := g.RegisterHandlers(hs)
	return err
}

var dodgeAction = neuro.Action{Name: "dodge", Description: "Dodge the incoming attack."}

// startVoiceE2EGame connects the game to url, with speakers Ann (1) and
// Bob (2); it stops on cleanup.
func startVoiceE2EGame(t *testing.T, url string, opts ...voice.Option) *voiceE2EGame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	log := zaptest.NewLogger(t)
	n, err := neuro.NewComponent(voiceGameName, neuro.WithLogger(log.Named("game")))
	if err != nil {
		t.Fatal(err)
	}
	v, err := voice.NewComponent(voiceGameName, append([]voice.Option{voice.WithLogger(log.Named("game"))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	g := &voiceE2EGame{Base: manager.NewBase("game"), neuro: n, voice: v, events: make(chan voiceEvent, 64), dodges: make(chan struct{}, 16)}
	if err := manager.New("root").AddAll(n, v, g); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := v.Stop(ctx); err != nil {
			t.Errorf("stopping voice: %v", err)
		}
		if err := n.Stop(ctx, 0, "test over"); err != nil {
			t.Errorf("stopping the game: %v", err)
		}
	})
	if err := n.HandleAction(ctx, dodgeAction, func(context.Context, events.Action) neuro.Result {
		g.dodges <- struct{}{}
		return neuro.Success("Dodged.")
	}); err != nil {
		t.Fatal(err)
	}
	for id, name := range map[uint16]string{1: "Ann", 2: "Bob"} {
		if err := v.Register(ctx, id, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Connect(ctx, url); err != nil {
		t.Fatalf("connecting: %v", err)
	}
	return g
}

func (g *voiceE2EGame) expect(t *testing.T, name string) voiceEvent {
	t.Helper()
	select {
	case e := <-g.events:
		if e.name != name {
			t.Fatalf("voice event %s (%+v), want %s", e.name, e.data, name)
		}
		return e
	case <-time.After(waitFor):
		t.Fatalf("no %s within %v", name, waitFor)
		return voiceEvent{}
	}
}

// playsOn shows that the game works: Neuro is forced, acts, and the game
// answers.
func (g *voiceE2EGame) playsOn(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := g.neuro.Force(ctx, neuro.ForceActions{Query: "Dodge!", ActionNames: []string{"dodge"}}); err != nil {
		t.Fatal(err)
	}
	g.dodged(t)
}

// dodged waits until the game performed a dodge Neuro sent.
func (g *voiceE2EGame) dodged(t *testing.T) {
	t.Helper()
	select {
	case <-g.dodges:
	case <-time.After(waitFor):
		t.Fatal("Neuro's forced action never reached the game")
	}
}

// streamVoice streams d of a speaker's microphone, in format in, in
// 20 ms chunks, as fast as the socket takes them.
func streamVoice(ctx context.Context, v *voice.Component, id uint16, in voice.Format, d time.Duration) error {
	st, err := v.NewStream(id, in)
	if err != nil {
		return err
	}
	chunk := in.Rate / 50
	var gen voicesim.Signal // voice-like, 48 kHz; good enough as any rate's test tone
	mono := make([]float32, chunk)
	pcm := make([]int16, chunk*in.Channels)
	for left := int(d.Seconds() * float64(in.Rate)); left > 0; left -= chunk {
		gen.Fill(mono)
		for i, x := range mono {
			for c := 0; c < in.Channels; c++ {
				pcm[i*in.Channels+c] = int16(x * math.MaxInt16)
			}
		}
		if err := st.WriteInt16(ctx, pcm[:min(chunk, left)*in.Channels]); err != nil {
			return err
		}
	}
	return st.Flush(ctx)
}

// TestVoiceE2E: a game with two speakers streams 2 s each to the
// simulator, over real sockets; GET /state shows about 2 s per speaker;
// Neuro's speech reaches the game (speaking true, PCM, speaking false);
// a critical force during her speech cancels it and the game drops what
// it held.
func TestVoiceE2E(t *testing.T) {
	sim := server.New(server.WithLogger(zaptest.NewLogger(t).Named("sim")), server.WithForceDelay(time.Millisecond),
		server.WithReregisterOnConnect(false), server.WithSpeechUpdates(0))
	if err := sim.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	g := startVoiceE2EGame(t, sim.URL())
	if d := g.expect(t, events.VoiceReady).data.(events.VoiceReadyData); d.SampleRate != 48000 || d.Channels != 1 {
		t.Fatalf("voice/ready %+v", d)
	}

	// Two speakers, 2 s each, at once, from two microphone formats.
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for id, in := range map[uint16]voice.Format{1: {Rate: 44100, Channels: 2}, 2: {Rate: 48000, Channels: 1}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- streamVoice(ctx, g.voice, id, in, 2*time.Second)
		}()
	}
	wg.Wait()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("streaming: %v", err)
		}
	}
	sent := g.voice.Stats().SentFrames
	for {
		changed := sim.VoiceChanged()
		st, _ := sim.VoiceGame(voiceGameName)
		if len(st.Speakers) == 2 && st.Speakers[0].Frames+st.Speakers[1].Frames == sent {
			break
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("the simulator counted %+v, the game sent %d frames", st.Speakers, sent)
		}
	}
	st := getState(t, httpClient(t), "http://"+sim.HTTPAddr())
	if len(st.Games) != 1 || st.Games[0].Voice == nil {
		t.Fatalf("GET /state has no voice for the game: %+v", st.Games)
	}
	for _, sp := range st.Games[0].Voice.Speakers {
		t.Logf("GET /state: speaker %d %q: %.3f s in %d frames", sp.ID, sp.Name, sp.Seconds, sp.Frames)
		if math.Abs(sp.Seconds-2) > 0.03 {
			t.Errorf("speaker %q: %.3f s received, want 2 s", sp.Name, sp.Seconds)
		}
	}

	// Neuro speaks for 200 ms: speaking true, her voice, speaking false.
	if err := sim.Speak(voiceGameName, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	on := g.expect(t, events.VoiceSpeaking)
	off := g.expect(t, events.VoiceSpeaking)
	if !on.data.(events.VoiceSpeakingData).Speaking || off.data.(events.VoiceSpeakingData).Speaking || off.buffered <= on.buffered {
		t.Fatalf("speaking %+v (%d held) then %+v (%d held), want true, PCM, false", on.data, on.buffered, off.data, off.buffered)
	}
	heard := make([]float32, off.buffered)
	g.voice.ReadAudio(heard)
	peak := float32(0)
	for _, x := range heard {
		peak = max(peak, x, -x)
	}
	t.Logf("Neuro's voice: %d samples (%.2f s), peak %.2f", len(heard), float64(len(heard))/48000, peak)
	if peak < 0.01 {
		t.Fatal("her voice is silence")
	}

	// A critical force while she speaks: voice/cancelled, audio dropped.
	if err := sim.Speak(voiceGameName, 0); err != nil {
		t.Fatal(err)
	}
	g.expect(t, events.VoiceSpeaking)
	for spoken := off.buffered / 960; ; { // wait until three more frames are on their way
		changed := sim.VoiceChanged()
		if vs, _ := sim.VoiceGame(voiceGameName); int(vs.SpokenFrames) >= spoken+3 {
			break
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatal("her voice did not flow")
		}
	}
	if err := g.neuro.Force(ctx, neuro.ForceActions{Query: "Dodge now!", ActionNames: []string{"dodge"}, Priority: wire.PriorityCritical}); err != nil {
		t.Fatal(err)
	}
	c := g.expect(t, events.VoiceCancelled)
	if dropped := c.data.(events.VoiceCancelledData).DroppedSamples; dropped < 3*960 || c.buffered != 0 {
		t.Fatalf("voice/cancelled dropped %d samples and left %d held, want >= 2880 dropped, none held", dropped, c.buffered)
	}
	if g.expect(t, events.VoiceSpeaking).data.(events.VoiceSpeakingData).Speaking {
		t.Fatal("push-to-talk not released after voice/cancelled")
	}
	g.dodged(t) // the critical force is served: she answered instead of speaking
	if fs := sim.Findings(); len(fs) > 0 {
		t.Fatalf("findings: %v", fs)
	}
	if ws := sim.VoiceWarnings(); len(ws) > 0 {
		t.Fatalf("voice warnings: %v", ws)
	}
}

// TestVoiceRefusedGamePlaysOn: a server that refuses voice (voice off,
// a server that does not serve the path, one that upgrades any path like
// the official mock and never answers voice/start): the game gets one
// VoiceUnavailable, tries once, and plays on.
func TestVoiceRefusedGamePlaysOn(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []server.Option
		mount  func(sim http.Handler) http.Handler
		reason string
	}{
		{name: "voice off", opts: []server.Option{server.WithVoice(false)}, reason: "disabled"},
		{name: "path not served", reason: "HTTP 404", mount: func(sim http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/voice") {
					http.NotFound(w, r)
					return
				}
				sim.ServeHTTP(w, r)
			})
		}},
		{name: "any path is a game", reason: "no answer to voice/start", mount: func(sim http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.URL.Path, r.URL.RawPath = "/", "" // what the official mock does with a path
				sim.ServeHTTP(w, r)
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := server.New(append([]server.Option{server.WithLogger(zaptest.NewLogger(t).Named("sim")),
				server.WithForceDelay(time.Millisecond), server.WithReregisterOnConnect(false)}, tc.opts...)...)
			var voiceTries atomic.Int64
			h := sim.Handler()
			if tc.mount != nil {
				h = tc.mount(h)
			}
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/voice") {
					voiceTries.Add(1)
				}
				h.ServeHTTP(w, r)
			}))
			t.Cleanup(func() { _ = sim.Close(); ts.Close() })
			g := startVoiceE2EGame(t, "ws://"+ts.Listener.Addr().String(),
				voice.WithHandshakeTimeout(2*time.Second), voice.WithReconnect(time.Millisecond, time.Millisecond, 5))
			d := g.expect(t, events.VoiceUnavailable).data.(events.VoiceUnavailableData)
			if !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("voice/unavailable %+v, want a reason with %q", d, tc.reason)
			}
			g.playsOn(t)
			select {
			case e := <-g.events:
				t.Fatalf("after voice/unavailable: %s (%+v)", e.name, e.data)
			default:
			}
			if n := voiceTries.Load(); n != 1 {
				t.Fatalf("%d voice socket attempts, want 1 (no retry once voice is unavailable)", n)
			}
			t.Logf("voice refused (%s: %q): the game got one voice/unavailable, made one attempt, and played on (Neuro's forced action was answered)", tc.name, d.Reason)
		})
	}
}
