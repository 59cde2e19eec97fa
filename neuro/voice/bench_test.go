package voice_test

import (
	"context"
	"math"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice"
)

const speakers = voice.MaxSpeakers

// mono20ms returns one 20 ms frame at 48 kHz per speaker.
func mono20ms() [][]float32 {
	frames := make([][]float32, speakers)
	for s := range frames {
		frames[s] = make([]float32, 960)
		for i := range frames[s] {
			frames[s][i] = float32(0.3 * math.Sin(2*math.Pi*float64(200+10*s)*float64(i)/48000))
		}
	}
	return frames
}

// stereo44k returns one 20 ms chunk of 44.1 kHz stereo int16 per speaker.
func stereo44k() [][]int16 {
	chunks := make([][]int16, speakers)
	for s := range chunks {
		chunks[s] = make([]int16, 2*882)
		for i := 0; i < 882; i++ {
			v := int16(9000 * math.Sin(2*math.Pi*float64(200+10*s)*float64(i)/44100))
			chunks[s][2*i], chunks[s][2*i+1] = v, v
		}
	}
	return chunks
}

// BenchmarkSend: 32 speakers taking turns, one 20 ms frame per op (at
// 1600 frames/s this is 32 talking players); the client's own cost, over
// an in-memory Conn.
func BenchmarkSend(b *testing.B) {
	c, conn, stop := memClient(b, speakers)
	defer stop()
	frames := mono20ms()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Send(ctx, uint16(i%speakers), frames[i%speakers]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if conn.frames.Load() != int64(b.N) {
		b.Fatalf("%d frames written, want %d", conn.frames.Load(), b.N)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)*1600/1e9*100, "%core@1600fps")
}

// BenchmarkStream44kStereo: the same 32 speakers, each from 44.1 kHz
// stereo int16 (downmix + resample to 48 kHz + framing); one 20 ms input
// chunk per op, which yields one frame per op on average.
func BenchmarkStream44kStereo(b *testing.B) {
	c, conn, stop := memClient(b, speakers)
	defer stop()
	chunks := stereo44k()
	streams := make([]*voice.Stream, speakers)
	for s := range streams {
		st, err := c.NewStream(uint16(s), voice.Format{Rate: 44100, Channels: 2})
		if err != nil {
			b.Fatal(err)
		}
		streams[s] = st
		for w := 0; w < 3; w++ { // warm up: buffers reach their steady size
			if err := st.WriteInt16(context.Background(), chunks[s]); err != nil {
				b.Fatal(err)
			}
		}
	}
	ctx := context.Background()
	before := conn.frames.Load()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := streams[i%speakers].WriteInt16(ctx, chunks[i%speakers]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	sent := conn.frames.Load() - before
	b.ReportMetric(float64(sent)/float64(b.N), "frames/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)*1600/1e9*100, "%core@1600fps")
}

// BenchmarkSendLoopback: BenchmarkSend over a real loopback socket into
// voicesim, which checks and counts every frame. gorilla's client side
// allocates one message writer per frame written.
func BenchmarkSendLoopback(b *testing.B) {
	ready := make(chan struct{})
	c, err := voice.New(newBenchSim(b), "Bench",
		voice.WithHandlers(voice.Handlers{Ready: func(events.VoiceReadyData) { close(ready) }}))
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Serve(context.Background()) }()
	defer func() { _ = c.Close(); <-done }()
	select {
	case <-ready:
	case err := <-done:
		b.Fatalf("Serve = %v", err)
	}
	ctx := context.Background()
	for i := 0; i < speakers; i++ {
		if err := c.Register(ctx, uint16(i), "player"); err != nil {
			b.Fatal(err)
		}
	}
	frames := mono20ms()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Send(ctx, uint16(i%speakers), frames[i%speakers]); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSendAndStreamAllocateNothing(t *testing.T) {
	c, _, stop := memClient(t, speakers)
	defer stop()
	ctx := context.Background()
	frames := mono20ms()
	chunks := stereo44k()
	st, err := c.NewStream(3, voice.Format{Rate: 44100, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	for w := 0; w < 3; w++ {
		_ = c.Send(ctx, 3, frames[3])
		_ = st.WriteInt16(ctx, chunks[3])
	}
	if a := testing.AllocsPerRun(200, func() { _ = c.Send(ctx, 3, frames[3]) }); a != 0 {
		t.Errorf("Send: %.2f allocations per frame, want 0", a)
	}
	if a := testing.AllocsPerRun(200, func() { _ = st.WriteInt16(ctx, chunks[3]) }); a != 0 {
		t.Errorf("Stream.WriteInt16: %.2f allocations per 20 ms chunk, want 0", a)
	}
	if err := c.Send(ctx, 99, frames[0]); err == nil {
		t.Fatal("the in-memory client accepted an unregistered speaker")
	}
}
