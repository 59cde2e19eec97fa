package voice

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Wire constants of the voice side channel.
const (
	// FrameVersion is the version byte of an upstream frame.
	FrameVersion = 1
	// HeaderSize is the size of an upstream frame's header: version, flags,
	// speaker id (uint16 little-endian).
	HeaderSize = 4
	// MaxSpeakers is how many speakers one socket may register; the server
	// refuses more.
	MaxSpeakers = 32

	// MinFrame and MaxFrame bound the audio one upstream frame may carry.
	MinFrame = 10 * time.Millisecond
	MaxFrame = 100 * time.Millisecond
	// RecommendedFrame is the frame length the API recommends (960 samples
	// at 48 kHz).
	RecommendedFrame = 20 * time.Millisecond
)

// Frame errors. ParseFrame and DecodePCM wrap them with details; test with
// errors.Is.
var (
	ErrFrameShort      = errors.New("voice: frame shorter than its 4-byte header")
	ErrFrameVersion    = errors.New("voice: unknown frame version")
	ErrFrameFlags      = errors.New("voice: frame flags not zero")
	ErrFrameMisaligned = errors.New("voice: audio payload not a whole number of float32 samples")
	ErrFrameDuration   = errors.New("voice: frame length outside 10–100 ms")
)

// Header is the header of an upstream frame (game → server).
type Header struct {
	Version uint8
	Flags   uint8
	Speaker uint16
}

// AppendFrame appends an upstream frame to dst: the header (version 1,
// flags 0, speaker) followed by samples as float32 little-endian, and
// returns the extended slice. It allocates only when dst is too small.
func AppendFrame(dst []byte, speaker uint16, samples []float32) []byte {
	dst = append(dst, FrameVersion, 0, byte(speaker), byte(speaker>>8))
	return AppendPCM(dst, samples)
}

// AppendPCM appends samples as float32 little-endian (a downstream frame is
// exactly this) and returns the extended slice.
func AppendPCM(dst []byte, samples []float32) []byte {
	n := len(dst)
	need := n + 4*len(samples)
	if cap(dst) < need {
		grown := make([]byte, n, need)
		copy(grown, dst)
		dst = grown
	}
	dst = dst[:need]
	b := dst[n:]
	for i, s := range samples {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(s))
	}
	return dst
}

// ParseFrame splits an upstream frame into its header and its PCM payload
// (a sub-slice of frame). The header is filled whenever the frame has 4
// bytes, even when an error reports a wrong version or flags, so a server
// can say what it saw. Checks, in order: length, version, flags, payload
// alignment. It never panics and does not allocate unless it fails.
func ParseFrame(frame []byte) (Header, []byte, error) {
	if len(frame) < HeaderSize {
		return Header{}, nil, fmt.Errorf("%w (%d bytes)", ErrFrameShort, len(frame))
	}
	h := Header{Version: frame[0], Flags: frame[1], Speaker: binary.LittleEndian.Uint16(frame[2:4])}
	payload := frame[HeaderSize:]
	switch {
	case h.Version != FrameVersion:
		return h, payload, fmt.Errorf("%w %d (want %d)", ErrFrameVersion, h.Version, FrameVersion)
	case h.Flags != 0:
		return h, payload, fmt.Errorf("%w (0x%02x)", ErrFrameFlags, h.Flags)
	case len(payload)%4 != 0:
		return h, payload, fmt.Errorf("%w (%d bytes)", ErrFrameMisaligned, len(payload))
	}
	return h, payload, nil
}

// DecodePCM appends the float32 little-endian samples of pcm to dst and
// returns the extended slice. pcm must be a whole number of samples.
func DecodePCM(dst []float32, pcm []byte) ([]float32, error) {
	if len(pcm)%4 != 0 {
		return dst, fmt.Errorf("%w (%d bytes)", ErrFrameMisaligned, len(pcm))
	}
	n := len(dst)
	need := n + len(pcm)/4
	if cap(dst) < need {
		grown := make([]float32, n, need)
		copy(grown, dst)
		dst = grown
	}
	dst = dst[:need]
	out := dst[n:]
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(pcm[4*i:]))
	}
	return dst, nil
}

// FrameSamples is how many samples of one channel last d at rate Hz,
// rounded down.
func FrameSamples(rate int, d time.Duration) int {
	return int(int64(rate) * int64(d) / int64(time.Second))
}

// CheckFrameLength reports whether n samples at rate Hz last between 10 and
// 100 ms inclusive (ErrFrameDuration otherwise). The bounds are exact: at
// 44.1 kHz, 441 to 4410 samples.
func CheckFrameLength(rate, n int) error {
	if rate <= 0 {
		return fmt.Errorf("voice: sample rate %d", rate)
	}
	// 10 ms ≤ n/rate ≤ 100 ms  ⇔  100·n ≥ rate and 10·n ≤ rate.
	if int64(n)*100 < int64(rate) || int64(n)*10 > int64(rate) {
		return fmt.Errorf("%w: %d samples at %d Hz is %v", ErrFrameDuration, n, rate, FrameDuration(rate, n))
	}
	return nil
}

// FrameDuration is how long n samples of one channel last at rate Hz.
func FrameDuration(rate, n int) time.Duration {
	if rate <= 0 {
		return 0
	}
	return time.Duration(int64(n) * int64(time.Second) / int64(rate))
}
