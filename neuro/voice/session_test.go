package voice_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/transport"
)

func TestSendChecksBeforeTheWire(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t)
	c, rec := newClient(t, s.url, "Checks")
	if err := c.Send(ctx, 1, make([]float32, 960)); !errors.Is(err, voice.ErrNotReady) {
		t.Fatalf("Send before Serve = %v, want ErrNotReady", err)
	}
	if err := c.Register(ctx, 1, "P1"); err != nil {
		t.Fatal(err)
	}
	join := serve(t, ctx, c)
	rec.expect(t, events.VoiceReady)

	if err := c.Send(ctx, 9, make([]float32, 960)); !errors.Is(err, voice.ErrUnknownSpeaker) || !strings.Contains(err.Error(), "9") {
		t.Fatalf("Send from unregistered id = %v, want ErrUnknownSpeaker naming 9", err)
	}
	for _, n := range []int{0, 479, 4801, 48000} {
		if err := c.Send(ctx, 1, make([]float32, n)); !errors.Is(err, voice.ErrFrameDuration) {
			t.Fatalf("Send of %d samples = %v, want ErrFrameDuration", n, err)
		}
	}
	if got := c.Stats().SentFrames; got != 0 {
		t.Fatalf("%d frames went on the wire", got)
	}
	for _, n := range []int{480, 960, 4800} {
		if err := c.Send(ctx, 1, make([]float32, n)); err != nil {
			t.Fatalf("Send of %d samples = %v", n, err)
		}
	}
	// Unregistered again: refused before the wire.
	if err := c.Unregister(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx, 1, make([]float32, 960)); !errors.Is(err, voice.ErrUnknownSpeaker) {
		t.Fatalf("Send after Unregister = %v", err)
	}
	if err := c.Unregister(ctx, 1); !errors.Is(err, voice.ErrUnknownSpeaker) {
		t.Fatalf("second Unregister = %v", err)
	}
	_ = c.Close()
	_ = join()
	_ = s.Close()
	if w := s.Warnings(); len(w) != 0 {
		t.Fatalf("the server saw problems: %v", w)
	}
	sp := s.State().Games[0].Speakers
	if len(sp) != 1 || sp[0].Frames != 3 || sp[0].Registered {
		t.Fatalf("speakers %+v, want P1 with 3 frames, unregistered", sp)
	}
	if c.Stats().SentFrames != 3 {
		t.Fatalf("stats %+v", c.Stats())
	}
}

func TestSpeakerRegistry(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t)
	c, rec := newClient(t, s.url, "Crowd")
	for _, name := range []string{"", strings.Repeat("x", 257), "\xff"} {
		if err := c.Register(ctx, 1, name); err == nil {
			t.Fatalf("Register(%q) accepted", name)
		}
	}
	for id := uint16(0); id < voice.MaxSpeakers; id++ {
		if err := c.Register(ctx, id*1000, fmt.Sprintf("player %d", id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Register(ctx, 7, "one too many"); !errors.Is(err, voice.ErrTooManySpeakers) {
		t.Fatalf("33rd speaker = %v, want ErrTooManySpeakers", err)
	}
	join := serve(t, ctx, c)
	rec.expect(t, events.VoiceReady)
	if err := c.Register(ctx, 0, "renamed"); err != nil { // a rename is not a new speaker
		t.Fatal(err)
	}
	if err := c.Register(ctx, 7, "still too many"); !errors.Is(err, voice.ErrTooManySpeakers) {
		t.Fatalf("33rd speaker while ready = %v", err)
	}
	if err := c.Unregister(ctx, 1000, 2000); err != nil {
		t.Fatal(err)
	}
	if err := c.Register(ctx, 7, "now fits"); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx, 7, make([]float32, 960)); err != nil {
		t.Fatal(err)
	}
	got := c.Speakers()
	if len(got) != 31 || got[0] != (voice.Speaker{ID: 0, Name: "renamed"}) || got[1] != (voice.Speaker{ID: 7, Name: "now fits"}) {
		t.Fatalf("speakers = %v", got)
	}
	_ = c.Close()
	_ = join()
	_ = s.Close()
	if w := s.Warnings(); len(w) != 0 {
		t.Fatalf("warnings %v", w)
	}
	sp := s.State().Games[0].Speakers
	names := map[uint16]string{}
	for _, x := range sp {
		names[x.ID] = x.Name
	}
	if len(sp) != 33 || names[0] != "renamed" || names[7] != "now fits" {
		t.Fatalf("server speakers: %d, %v", len(sp), names)
	}
}

func TestStopStartAndReconnect(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t)
	c, rec := newClient(t, s.url, "Again")
	if err := c.Register(ctx, 5, "P5"); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	join := serve(t, sctx, c)
	rec.expect(t, events.VoiceReady)
	if err := c.Serve(ctx); !errors.Is(err, voice.ErrServing) {
		t.Fatalf("second Serve = %v, want ErrServing", err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx, 5, make([]float32, 960)); !errors.Is(err, voice.ErrNotReady) {
		t.Fatalf("Send after Stop = %v", err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	rec.expect(t, events.VoiceReady)
	if err := c.Send(ctx, 5, make([]float32, 960)); err != nil {
		t.Fatalf("Send after Start = %v", err)
	}
	cancel()
	if err := join(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve after cancel = %v", err)
	}
	rec.expect(t, events.VoiceEnded)
	if err := c.Start(ctx); !errors.Is(err, voice.ErrNotReady) {
		t.Fatalf("Start without a socket = %v", err)
	}

	// Reconnect: the same client serves again and registers P5 again, or
	// the server would refuse its audio.
	join = serve(t, ctx, c)
	rec.expect(t, events.VoiceReady)
	if err := c.Send(ctx, 5, make([]float32, 960)); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	if err := join(); !errors.Is(err, voice.ErrClosed) {
		t.Fatalf("Serve after Close = %v", err)
	}
	if err := c.Serve(ctx); !errors.Is(err, voice.ErrClosed) {
		t.Fatalf("Serve on a closed client = %v", err)
	}
	_ = s.Close()
	if w := s.Warnings(); len(w) != 0 {
		t.Fatalf("warnings %v", w)
	}
	if sp := s.State().Games[0].Speakers; len(sp) != 1 || sp[0].Frames != 2 {
		t.Fatalf("speakers %+v, want P5 with 2 frames", sp)
	}
}

func TestReadyFormatIsRead(t *testing.T) {
	ctx := testCtx(t)
	frames := make(chan int, 4)
	url := fakeServer(t, frames, `{"command":"voice/ready","data":{"sample_rate":44100,"channels":1}}`)
	c, rec := newClient(t, url, "Odd Rate")
	if err := c.Register(ctx, 1, "P1"); err != nil {
		t.Fatal(err)
	}
	serve(t, ctx, c)
	if got := rec.expect(t, events.VoiceReady).data.(events.VoiceReadyData); got.SampleRate != 44100 {
		t.Fatalf("ready %+v", got)
	}
	if err := c.Send(ctx, 1, make([]float32, 441)); err != nil {
		t.Fatalf("10 ms at 44.1 kHz: %v", err)
	}
	if err := c.Send(ctx, 1, make([]float32, 440)); !errors.Is(err, voice.ErrFrameDuration) {
		t.Fatalf("440 samples at 44.1 kHz: %v", err)
	}
	st, _ := c.NewStream(1, voice.Format{Rate: 48000, Channels: 2})
	// 40 ms in: the resampler holds back a few samples, one 20 ms frame goes.
	if err := st.WriteFloat32(ctx, make([]float32, 2*1920)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{441, 882} {
		select {
		case n := <-frames:
			if n != want {
				t.Fatalf("server got a frame of %d samples, want %d", n, want)
			}
		case <-ctx.Done():
			t.Fatalf("no frame of %d samples reached the server", want)
		}
	}
}

func TestUnsupportedFormatIsUnavailable(t *testing.T) {
	for _, ready := range []string{
		`{"command":"voice/ready","data":{"sample_rate":48000,"channels":2}}`,
		`{"command":"voice/ready","data":{"sample_rate":1000000,"channels":1}}`,
		`{"command":"voice/ready","data":{"sample_rate":"fast"}}`,
		`{"command":"voice/ready"}`,
	} {
		t.Run(ready, func(t *testing.T) {
			ctx := testCtx(t)
			url := fakeServer(t, nil, ready)
			c, _ := newClient(t, url, "G")
			if err := c.Serve(ctx); !errors.Is(err, voice.ErrUnavailable) {
				t.Fatalf("Serve = %v, want unavailable", err)
			}
		})
	}
}

func TestVoicesimHandlerRejectsOtherPaths(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t)
	for _, path := range []string{"/game/voice", "/game//voice", "/x/Chess/voice", "/game/Chess", "/game/Chess/voice/x"} {
		_, err := voice.Dial(ctx, s.url+path)
		var he *voice.HandshakeError
		if !errors.As(err, &he) || he.StatusCode != 404 {
			t.Errorf("%s: %v, want HTTP 404", path, err)
		}
	}
}

func TestServerGoingAwayIsRetryable(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t)
	c, rec := newClient(t, s.url, "G")
	join := serve(t, ctx, c)
	rec.expect(t, events.VoiceReady)
	_ = s.Close()
	err := join()
	var ce *transport.CloseError
	if errors.Is(err, voice.ErrUnavailable) || !errors.As(err, &ce) || ce.Code != transport.CloseGoingAway {
		t.Fatalf("Serve = %v, want a retryable close with code 1001", err)
	}
	ended := rec.expect(t, events.VoiceEnded).data.(events.VoiceEndedData)
	if ended.Code != transport.CloseGoingAway || ended.Err == nil {
		t.Fatalf("ended %+v", ended)
	}
}

func TestHandlerPanicIsContained(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t)
	ready := make(chan struct{}, 1)
	c, err := voice.New(s.url, "G", voice.WithHandlers(voice.Handlers{Ready: func(events.VoiceReadyData) {
		ready <- struct{}{}
		panic("game bug")
	}}))
	if err != nil {
		t.Fatal(err)
	}
	serve(t, ctx, c)
	<-ready
	if err := c.Register(ctx, 1, "P1"); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx, 1, make([]float32, 960)); err != nil {
		t.Fatalf("Send after a panicking handler = %v", err)
	}
}

func TestUnavailableAfterReadyEndsTheSession(t *testing.T) {
	ctx := testCtx(t)
	url := fakeServer(t, nil,
		`{"command":"voice/ready","data":{"sample_rate":48000,"channels":1}}`,
		`{"command":"voice/unavailable","data":{"reason":"maintenance"}}`)
	c, rec := newClient(t, url, "G")
	err := c.Serve(ctx)
	var ue *voice.UnavailableError
	if !errors.As(err, &ue) || ue.Reason != "maintenance" {
		t.Fatalf("Serve = %v", err)
	}
	rec.expect(t, events.VoiceReady)
	rec.expect(t, events.VoiceUnavailable)
	if ended := rec.expect(t, events.VoiceEnded).data.(events.VoiceEndedData); !errors.Is(ended.Err, voice.ErrUnavailable) {
		t.Fatalf("ended %+v", ended)
	}
}

func TestSilentPeerIsDeclaredDead(t *testing.T) {
	ctx := testCtx(t)
	release := make(chan struct{})
	url := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		conn, err := voice.Accept(w, r, voice.WithPingInterval(0))
		if err != nil {
			return
		}
		defer conn.CloseNow()
		if _, _, err := conn.ReadFrame(); err != nil { // voice/start
			return
		}
		_ = conn.WriteText(ctx, []byte(`{"command":"voice/ready","data":{"sample_rate":48000,"channels":1}}`))
		<-release // then silence: no reads, so no pongs either
	})
	defer close(release)
	c, rec := newClient(t, url, "G", voice.WithPingInterval(50*time.Millisecond))
	err := c.Serve(ctx)
	var ce *transport.CloseError
	if !errors.As(err, &ce) || ce.Code != transport.CloseAbnormal || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Serve = %v, want 1006 after the pong timeout", err)
	}
	rec.expect(t, events.VoiceReady)
	if ended := rec.expect(t, events.VoiceEnded).data.(events.VoiceEndedData); ended.Code != transport.CloseAbnormal {
		t.Fatalf("ended %+v", ended)
	}
}
