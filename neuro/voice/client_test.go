package voice_test

import (
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
)

func TestTwoSpeakersStreamTwoSeconds(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t)
	c, rec := newClient(t, s.url, "Duet")
	if err := c.Register(ctx, 1, "Alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.Register(ctx, 2, "Bob"); err != nil {
		t.Fatal(err)
	}
	join := serve(t, ctx, c)
	ready := rec.expect(t, events.VoiceReady).data.(events.VoiceReadyData)
	if ready.SampleRate != 48000 || ready.Channels != 1 || c.SampleRate() != 48000 {
		t.Fatalf("ready = %+v", ready)
	}

	// Alice: 44.1 kHz stereo int16 in 10 ms chunks. Bob: 48 kHz mono float32
	// in 20 ms chunks.
	alice, err := c.NewStream(1, voice.Format{Rate: 44100, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := c.NewStream(2, voice.Format{Rate: 48000, Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	chunkA := make([]int16, 2*441)
	chunkB := make([]float32, 960)
	for i := 0; i < 200; i++ {
		for j := 0; j < 441; j++ {
			v := int16(8000 * math.Sin(2*math.Pi*220*float64(i*441+j)/44100))
			chunkA[2*j], chunkA[2*j+1] = v, v
		}
		if err := alice.WriteInt16(ctx, chunkA); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			for j := range chunkB {
				chunkB[j] = float32(0.3 * math.Sin(2*math.Pi*330*float64(i/2*960+j)/48000))
			}
			if err := bob.WriteFloat32(ctx, chunkB); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := alice.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := bob.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	if err := join(); !errors.Is(err, voice.ErrClosed) {
		t.Fatalf("Serve after Close = %v, want ErrClosed", err)
	}
	if ended := rec.expect(t, events.VoiceEnded).data.(events.VoiceEndedData); ended.Err != nil || ended.Code != 1000 {
		t.Fatalf("ended = %+v", ended)
	}
	_ = s.Close() // every frame read before the sockets' close: the state is final

	if w := s.Warnings(); len(w) != 0 {
		t.Fatalf("warnings: %v", w)
	}
	st := s.State()
	if len(st.Games) != 1 || st.Games[0].Game != "Duet" {
		t.Fatalf("state = %+v", st)
	}
	sp := st.Games[0].Speakers
	if len(sp) != 2 || sp[0].Name != "Alice" || sp[1].Name != "Bob" {
		t.Fatalf("speakers = %+v", sp)
	}
	for _, x := range sp {
		// 2 s in at either rate is exactly 96000 samples out: 100 frames.
		if x.Seconds != 2 || x.Frames != 100 || x.LastFrame.IsZero() {
			t.Errorf("speaker %d (%s): %.4f s in %d frames, last %v; want 2 s in 100 frames", x.ID, x.Name, x.Seconds, x.Frames, x.LastFrame)
		}
	}
	if got := c.Stats().SentFrames; got != sp[0].Frames+sp[1].Frames {
		t.Errorf("client sent %d frames, server counted %d", got, sp[0].Frames+sp[1].Frames)
	}
}

func TestNeuroSpeaks(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t)
	c, rec := newClient(t, s.url, "Talker")
	serve(t, ctx, c)
	rec.expect(t, events.VoiceReady)

	spoke := make(chan error, 1)
	go func() { spoke <- s.Speak(ctx, "Talker", 200*time.Millisecond) }()
	if err := s.clock.WaitTickers(ctx, voicesim.FrameDuration, 1); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 10; i++ { // frame 0 goes at once, one frame per tick after it
		if err := s.clock.Advance(ctx, voicesim.FrameDuration); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-spoke; err != nil {
		t.Fatalf("Speak = %v", err)
	}

	on := rec.expect(t, events.VoiceSpeaking)
	if !on.data.(events.VoiceSpeakingData).Speaking || on.buffered != 0 {
		t.Fatalf("first speaking event %+v, want true with nothing buffered", on)
	}
	off := rec.expect(t, events.VoiceSpeaking)
	if off.data.(events.VoiceSpeakingData).Speaking || off.buffered != 9600 {
		t.Fatalf("second speaking event %+v, want false after 9600 samples", off)
	}
	if c.Speaking() {
		t.Fatal("Speaking() after speaking false")
	}
	pcm := make([]float32, 20000)
	n := c.ReadAudio(pcm)
	if n != 9600 {
		t.Fatalf("ReadAudio = %d samples, want 9600", n)
	}
	var sum float64
	for _, v := range pcm[:n] {
		sum += float64(v) * float64(v)
	}
	if rms := math.Sqrt(sum / float64(n)); rms < 0.01 || rms > 0.5 {
		t.Fatalf("RMS of Neuro's voice %.4f: not a voice-like signal", rms)
	}
	if c.ReadAudio(pcm) != 0 || c.Buffered() != 0 {
		t.Fatal("audio left after reading it all")
	}
}

func TestInterruptDropsBufferedAudio(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t)
	c, rec := newClient(t, s.url, "Talker")
	serve(t, ctx, c)
	rec.expect(t, events.VoiceReady)

	spoke := make(chan error, 1)
	go func() { spoke <- s.Speak(ctx, "Talker", time.Second) }()
	if err := s.clock.WaitTickers(ctx, voicesim.FrameDuration, 1); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if err := s.clock.Advance(ctx, voicesim.FrameDuration); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Interrupt("Talker"); err != nil {
		t.Fatalf("Interrupt = %v", err)
	}
	if err := <-spoke; !errors.Is(err, voicesim.ErrInterrupted) {
		t.Fatalf("Speak = %v, want ErrInterrupted", err)
	}
	rec.expect(t, events.VoiceSpeaking)
	cancelled := rec.expect(t, events.VoiceCancelled)
	dropped := cancelled.data.(events.VoiceCancelledData).DroppedSamples
	// Frames 0-3 were written before the fourth tick was taken; a fifth may
	// have followed before the interruption was seen.
	if dropped != 4*960 && dropped != 5*960 {
		t.Fatalf("cancelled dropped %d samples, want 3840 or 4800", dropped)
	}
	if cancelled.buffered != 0 || c.Buffered() != 0 {
		t.Fatalf("audio still held after cancelled: %d", c.Buffered())
	}
	st := c.Stats()
	if st.ReceivedSamples != int64(dropped) || st.CancelledSamples != int64(dropped) {
		t.Fatalf("stats %+v, dropped %d", st, dropped)
	}
	if off := rec.expect(t, events.VoiceSpeaking); off.data.(events.VoiceSpeakingData).Speaking {
		t.Fatal("no speaking false after cancelled")
	}
	if err := s.Interrupt("Talker"); !errors.Is(err, voicesim.ErrNotSpeaking) {
		t.Fatalf("second Interrupt = %v, want ErrNotSpeaking", err)
	}
}

func TestVoiceOffIsUnavailable(t *testing.T) {
	ctx := testCtx(t)
	s := newSim(t, voicesim.WithEnabled(false))
	c, rec := newClient(t, s.url, "Quiet")
	if err := c.Register(ctx, 1, "P1"); err != nil {
		t.Fatal(err)
	}
	for attempt := 0; attempt < 2; attempt++ { // and again: no crash, same answer
		err := c.Serve(ctx)
		var ue *voice.UnavailableError
		if !errors.Is(err, voice.ErrUnavailable) || !errors.As(err, &ue) || !strings.Contains(ue.Reason, "disabled") {
			t.Fatalf("Serve = %v, want unavailable (disabled)", err)
		}
		got := rec.expect(t, events.VoiceUnavailable).data.(events.VoiceUnavailableData)
		if got.Reason != ue.Reason || got.StatusCode != 0 {
			t.Fatalf("unavailable event %+v, error %+v", got, ue)
		}
	}
	// The game carries on: sending is refused cleanly.
	if err := c.Send(ctx, 1, make([]float32, 960)); !errors.Is(err, voice.ErrNotReady) {
		t.Fatalf("Send = %v, want ErrNotReady", err)
	}
	// Turned on, the same client gets voice.
	s.SetEnabled(true)
	serve(t, ctx, c)
	rec.expect(t, events.VoiceReady)
}

func TestRefusedPathIsUnavailable(t *testing.T) {
	ctx := testCtx(t)
	url := httpServer(t, http.NotFound)
	c, rec := newClient(t, url, "Chess")
	err := c.Serve(ctx)
	var ue *voice.UnavailableError
	if !errors.As(err, &ue) || !errors.Is(err, voice.ErrUnavailable) || ue.StatusCode != 404 || ue.Reason != "HTTP 404 Not Found" {
		t.Fatalf("Serve = %v, want unavailable with HTTP 404", err)
	}
	if got := rec.expect(t, events.VoiceUnavailable).data.(events.VoiceUnavailableData); got.StatusCode != 404 {
		t.Fatalf("unavailable event %+v", got)
	}
}

func TestNoAnswerIsUnavailable(t *testing.T) {
	ctx := testCtx(t)
	url := fakeServer(t, nil) // knows nothing of voice: reads and never answers
	c, _ := newClient(t, url, "Chess", voice.WithHandshakeTimeout(300*time.Millisecond))
	err := c.Serve(ctx)
	var ue *voice.UnavailableError
	if !errors.As(err, &ue) || !strings.Contains(ue.Reason, "no answer to voice/start") {
		t.Fatalf("Serve = %v, want unavailable (no answer)", err)
	}
}
