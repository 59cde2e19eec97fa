package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
)

// Phase v: the voice path (issue "Voice chat"). A voice.Component in a
// manager sends players' 20 ms frames (48 kHz mono float32, 3.8 KB each)
// over a loopback socket to the simulator, which checks and counts every
// frame: v1 is the throughput of that path, v2 its allocations per frame
// (testing.Benchmark; both ends run in this process, so both count).

const (
	voiceSpeakers = voice.MaxSpeakers // players taking turns
	// voiceTalking is what 32 players talking at once need: 50 frames/s
	// each.
	voiceTalking = voiceSpeakers * 50
	voiceGame    = "Bench Voice"
)

// voiceReport is phase v.
type voiceReport struct {
	Speakers int `json:"v_speakers"`
	// Frames went through in Seconds (sent, and counted by the
	// simulator), FramesPerSec of them; VsTalking is that ÷ 1600, the
	// frames/s of 32 players talking at once.
	Frames       int     `json:"v1_frames"`
	Seconds      float64 `json:"v1_seconds"`
	FramesPerSec float64 `json:"v1_frames_per_s"`
	VsTalking    float64 `json:"v1_vs_32_talking"`
	// Send is one frame sent by the Component and received, checked and
	// counted by the simulator: allocations of both ends.
	Send micro `json:"v2_send_loopback"`
}

// voiceRig is a simulator and a voice-only game with 32 speakers.
type voiceRig struct {
	sim  *server.Server
	comp *voice.Component
	pcm  []float32
}

func newVoiceRig(ctx context.Context) (*voiceRig, error) {
	sim := server.New()
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		_ = sim.Close()
		return nil, err
	}
	comp, err := voice.NewComponent(voiceGame)
	if err != nil {
		_ = sim.Close()
		return nil, err
	}
	r := &voiceRig{sim: sim, comp: comp, pcm: make([]float32, voice.FrameSamples(voicesim.SampleRate, voice.RecommendedFrame))}
	var sig voicesim.Signal
	sig.Fill(r.pcm)
	m := manager.New("bench")
	ready := make(chan error, 1)
	say := func(err error) manager.Handler {
		return func(context.Context, manager.Event) error {
			select {
			case ready <- err:
			default:
			}
			return nil
		}
	}
	if _, err := m.RegisterHandlers(map[string]manager.Handler{
		events.VoiceReady:       say(nil),
		events.VoiceUnavailable: say(errors.New("voice unavailable")),
	}); err != nil {
		r.close()
		return nil, err
	}
	for i := range voiceSpeakers {
		_ = comp.Register(ctx, uint16(i), fmt.Sprintf("player %d", i))
	}
	if err = m.Add(comp); err == nil {
		err = comp.Open(sim.URL()) // voice-only: no main connection needed
	}
	if err == nil {
		select {
		case err = <-ready:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	if err != nil {
		r.close()
		return nil, fmt.Errorf("voice rig: %w", err)
	}
	return r, nil
}

func (r *voiceRig) close() {
	ctx, cancel := context.WithTimeout(context.Background(), phaseTimeout)
	defer cancel()
	_ = r.comp.Stop(ctx)
	_ = r.sim.Close()
}

// counted returns the frames the simulator counted, all speakers.
func (r *voiceRig) counted() int64 {
	st, _ := r.sim.VoiceGame(voiceGame)
	var n int64
	for _, sp := range st.Speakers {
		n += sp.Frames
	}
	return n
}

// waitCounted waits until the simulator counted n frames.
func (r *voiceRig) waitCounted(ctx context.Context, n int64) error {
	for {
		changed := r.sim.VoiceChanged()
		if r.counted() >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("the simulator counted %d of %d voice frames: %w", r.counted(), n, ctx.Err())
		}
	}
}

// voicePhase runs v1 (cfg.trips frames) and v2.
func voicePhase(ctx context.Context, cfg config) (v voiceReport, err error) {
	ctx, cancel := context.WithTimeout(ctx, phaseTimeout)
	defer cancel()
	r, err := newVoiceRig(ctx)
	if err != nil {
		return v, err
	}
	defer r.close()
	v.Speakers, v.Frames = voiceSpeakers, cfg.trips
	base := r.counted()
	start := time.Now()
	for i := range v.Frames {
		if err := r.comp.Send(ctx, uint16(i%voiceSpeakers), r.pcm); err != nil {
			return v, fmt.Errorf("voice frame %d: %w", i, err)
		}
	}
	if err := r.waitCounted(ctx, base+int64(v.Frames)); err != nil {
		return v, err
	}
	v.Seconds = time.Since(start).Seconds()
	v.FramesPerSec = float64(v.Frames) / v.Seconds
	v.VsTalking = v.FramesPerSec / voiceTalking

	var sent int64
	if v.Send, err = benchmark(func(b *testing.B, fail func(error)) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := r.comp.Send(ctx, uint16(i%voiceSpeakers), r.pcm); err != nil {
				fail(err)
			}
			i++
		}
		sent += int64(i)
	}); err != nil {
		return v, fmt.Errorf("voice allocations: %w", err)
	}
	// Everything sent arrived, checked: the figure is not of dropped frames.
	return v, r.waitCounted(ctx, base+int64(v.Frames)+sent)
}

// writeVoiceTable prints phase v after the others.
func writeVoiceTable(out io.Writer, v voiceReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nv   voice (neuro/voice): voice.Component → loopback → simulator (checked, counted), %d speakers, 20 ms frames\n", v.Speakers)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "v1  %d frames in %.2fs\t%9.0f frames/s\t%6.1f× 32 players talking (%d frames/s)\n",
		v.Frames, v.Seconds, v.FramesPerSec, v.VsTalking, voiceTalking)
	fmt.Fprintf(tw, "v2  one frame, testing.Benchmark, both ends\t%9.0f ns/frame\t%6d allocs/frame\t%d B/frame\n",
		v.Send.NsPerOp, v.Send.AllocsPerOp, v.Send.BytesPerOp)
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(out, trimLines(b.String()))
	return err
}
