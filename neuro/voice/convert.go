package voice

import (
	"errors"
	"fmt"
)

// Format describes PCM as a game has it: interleaved samples at Rate Hz
// with Channels channels.
type Format struct {
	Rate     int
	Channels int
}

// Bounds of the formats a Converter accepts.
const (
	minRate     = 1000
	maxRate     = 384000
	maxChannels = 8
)

func (f Format) check() error {
	if f.Rate < minRate || f.Rate > maxRate {
		return fmt.Errorf("voice: sample rate %d Hz outside %d–%d", f.Rate, minRate, maxRate)
	}
	if f.Channels < 1 || f.Channels > maxChannels {
		return fmt.Errorf("voice: %d channels outside 1–%d", f.Channels, maxChannels)
	}
	return nil
}

// Converter turns a game's PCM (int16 or float32, any channel count, any
// rate) into the wire's: mono float32 at the server's rate. Channels are
// averaged; the rate is changed by a windowed-sinc polyphase resampler
// (see resample.go) that keeps state between calls, so a stream may be fed
// in chunks of any size. A Converter is not safe for concurrent use: keep
// one per speaker. After warm-up it allocates nothing when dst has room.
type Converter struct {
	in   Format
	out  int
	rs   *resampler // nil when the rates are equal
	mono []float32
}

// NewConverter returns a converter from in to mono at outRate Hz.
func NewConverter(in Format, outRate int) (*Converter, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	if err := (Format{Rate: outRate, Channels: 1}).check(); err != nil {
		return nil, err
	}
	c := &Converter{in: in, out: outRate}
	if in.Rate != outRate {
		t, err := tableFor(in.Rate, outRate)
		if err != nil {
			return nil, err
		}
		c.rs = newResampler(t)
	}
	return c, nil
}

// In returns the input format; Out the output rate.
func (c *Converter) In() Format { return c.in }

// Out returns the output sample rate.
func (c *Converter) Out() int { return c.out }

var errPartialFrame = errors.New("voice: PCM length is not a multiple of the channel count")

// Float32 converts interleaved float32 samples (nominally in [-1, 1]),
// appends the result to dst and returns it.
func (c *Converter) Float32(dst, src []float32) ([]float32, error) {
	ch := c.in.Channels
	if len(src)%ch != 0 {
		return dst, fmt.Errorf("%w (%d samples, %d channels)", errPartialFrame, len(src), ch)
	}
	if ch == 1 {
		return c.resample(dst, src), nil
	}
	frames := len(src) / ch
	mono := c.monoBuf(frames)
	scale := 1 / float32(ch)
	for i := range mono {
		var sum float32
		for _, v := range src[i*ch : i*ch+ch] {
			sum += v
		}
		mono[i] = sum * scale
	}
	return c.resample(dst, mono), nil
}

// Int16 converts interleaved int16 samples (full scale ±32768 → ±1),
// appends the result to dst and returns it.
func (c *Converter) Int16(dst []float32, src []int16) ([]float32, error) {
	ch := c.in.Channels
	if len(src)%ch != 0 {
		return dst, fmt.Errorf("%w (%d samples, %d channels)", errPartialFrame, len(src), ch)
	}
	frames := len(src) / ch
	mono := c.monoBuf(frames)
	scale := 1 / (32768 * float32(ch))
	switch ch {
	case 1:
		for i, v := range src {
			mono[i] = float32(v) * scale
		}
	case 2:
		for i := range mono {
			mono[i] = float32(int32(src[2*i])+int32(src[2*i+1])) * scale
		}
	default:
		for i := range mono {
			var sum int32
			for _, v := range src[i*ch : i*ch+ch] {
				sum += int32(v)
			}
			mono[i] = float32(sum) * scale
		}
	}
	return c.resample(dst, mono), nil
}

// Flush appends what the resampler still holds (the last few samples of
// the input, delayed by the filter) and resets it, so the next input starts
// a new signal. Call it at the end of a talk spurt.
func (c *Converter) Flush(dst []float32) []float32 {
	if c.rs == nil {
		return dst
	}
	return c.rs.flush(dst)
}

// Reset drops the resampler's history without producing output.
func (c *Converter) Reset() {
	if c.rs != nil {
		c.rs.reset()
	}
}

func (c *Converter) resample(dst, mono []float32) []float32 {
	if c.rs == nil {
		return append(dst, mono...)
	}
	return c.rs.process(dst, mono)
}

func (c *Converter) monoBuf(n int) []float32 {
	if cap(c.mono) < n {
		c.mono = make([]float32, n)
	}
	return c.mono[:n]
}
