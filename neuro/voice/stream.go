package voice

import (
	"context"
	"fmt"
)

// Stream sends one speaker's voice from the game's own PCM format: it
// converts (downmix, resample to the server's rate), cuts the result into
// 20 ms frames and sends each with Client.Send. Feed it while the player
// transmits and call Flush when they stop. A Stream is not safe for
// concurrent use (one per speaker, fed by one goroutine); after warm-up it
// allocates nothing per frame. It follows the server's rate across
// sessions: a new rate rebuilds its converter.
type Stream struct {
	c       *Client
	id      uint16
	in      Format
	conv    *Converter
	pending []float32 // converted samples not yet sent
}

// NewStream returns a Stream for speaker id fed with PCM in format in. The
// speaker is checked when audio is sent, so it may be registered later.
func (c *Client) NewStream(id uint16, in Format) (*Stream, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	return &Stream{c: c, id: id, in: in}, nil
}

// WriteInt16 converts interleaved int16 PCM and sends every whole 20 ms
// frame; the remainder waits for the next write or Flush.
func (s *Stream) WriteInt16(ctx context.Context, pcm []int16) error {
	rate, err := s.prepare()
	if err != nil {
		return err
	}
	if s.pending, err = s.conv.Int16(s.pending, pcm); err != nil {
		return err
	}
	return s.sendFrames(ctx, rate)
}

// WriteFloat32 converts interleaved float32 PCM and sends every whole
// 20 ms frame; the remainder waits for the next write or Flush.
func (s *Stream) WriteFloat32(ctx context.Context, pcm []float32) error {
	rate, err := s.prepare()
	if err != nil {
		return err
	}
	if s.pending, err = s.conv.Float32(s.pending, pcm); err != nil {
		return err
	}
	return s.sendFrames(ctx, rate)
}

// Flush ends a talk spurt: it drains the resampler, sends what is left
// (padded with silence to the 10 ms minimum) and resets, so the next write
// starts a new spurt.
func (s *Stream) Flush(ctx context.Context) error {
	if s.conv == nil {
		return nil
	}
	rate := s.conv.Out()
	s.pending = s.conv.Flush(s.pending)
	if err := s.sendFrames(ctx, rate); err != nil {
		return err
	}
	if len(s.pending) == 0 {
		return nil
	}
	if lo := FrameSamples(rate, MinFrame); len(s.pending) < lo {
		for len(s.pending) < lo {
			s.pending = append(s.pending, 0)
		}
	}
	err := s.c.Send(ctx, s.id, s.pending)
	s.pending = s.pending[:0]
	return err
}

// prepare returns the server's rate, building the converter for it.
func (s *Stream) prepare() (int, error) {
	rate := s.c.SampleRate()
	if rate == 0 {
		s.drop()
		return 0, ErrNotReady
	}
	if s.conv == nil || s.conv.Out() != rate {
		conv, err := NewConverter(s.in, rate)
		if err != nil {
			return 0, fmt.Errorf("voice: speaker %d: %w", s.id, err)
		}
		s.conv = conv
		s.pending = s.pending[:0]
	}
	return rate, nil
}

func (s *Stream) drop() {
	s.pending = s.pending[:0]
	if s.conv != nil {
		s.conv.Reset()
	}
}

func (s *Stream) sendFrames(ctx context.Context, rate int) error {
	frame := FrameSamples(rate, RecommendedFrame)
	sent := 0
	var err error
	for len(s.pending)-sent >= frame {
		if err = s.c.Send(ctx, s.id, s.pending[sent:sent+frame]); err != nil {
			break
		}
		sent += frame
	}
	if err != nil {
		s.drop() // the session is gone or the speaker unknown: start afresh
		return err
	}
	n := copy(s.pending, s.pending[sent:])
	s.pending = s.pending[:n]
	return nil
}
