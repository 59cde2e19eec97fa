package voice

import (
	"encoding/binary"
	"math"
	"sync"
	"sync/atomic"
)

// ring holds Neuro's voice between the read loop and ReadAudio: a bounded
// ring of samples that drops the oldest when full.
type ring struct {
	mu   sync.Mutex
	buf  []float32
	r, n int
}

// reset empties the ring and gives it room for size samples (kept when the
// size is unchanged).
func (q *ring) reset(size int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if cap(q.buf) != size {
		q.buf = make([]float32, size)
	}
	q.buf = q.buf[:size]
	q.r, q.n = 0, 0
}

// writePCM appends float32 little-endian samples and returns how many old
// samples were dropped to make room.
func (q *ring) writePCM(p []byte) (lost int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	size := len(q.buf)
	if size == 0 {
		return len(p) / 4
	}
	count := len(p) / 4
	if count > size { // keep the newest size samples of the frame
		lost += count - size
		p = p[4*(count-size):]
		count = size
	}
	if over := q.n + count - size; over > 0 {
		q.r = (q.r + over) % size
		q.n -= over
		lost += over
	}
	w := (q.r + q.n) % size
	for i := 0; i < count; i++ {
		q.buf[w] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
		w++
		if w == size {
			w = 0
		}
	}
	q.n += count
	return lost
}

// read moves up to len(dst) samples into dst.
func (q *ring) read(dst []float32) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	size := len(q.buf)
	k := min(len(dst), q.n)
	for i := 0; i < k; {
		chunk := min(k-i, size-q.r)
		copy(dst[i:i+chunk], q.buf[q.r:q.r+chunk])
		i += chunk
		q.r = (q.r + chunk) % size
	}
	q.n -= k
	return k
}

// clear drops every held sample and returns how many there were.
func (q *ring) clear() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.n
	q.r, q.n = 0, 0
	return n
}

func (q *ring) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// ReadAudio moves up to len(dst) samples of Neuro's voice into dst (mono,
// float32, at SampleRate) and returns how many. It never blocks: 0 means
// nothing is held. Feed them to the game's voice-chat transmit path (keyed
// while Speaking); do not play them locally. Audio held when a session
// ends, stops or is cancelled is dropped. Safe from any goroutine.
func (c *Client) ReadAudio(dst []float32) int { return c.audio.read(dst) }

// Buffered returns how many samples of Neuro's voice ReadAudio can take.
func (c *Client) Buffered() int { return c.audio.len() }

// Stats are the client's counters since New.
type Stats struct {
	// SentFrames counts upstream audio frames written.
	SentFrames int64 `json:"sent_frames"`
	// ReceivedSamples counts samples of Neuro's voice received.
	ReceivedSamples int64 `json:"received_samples"`
	// CancelledSamples counts samples dropped by voice/cancelled.
	CancelledSamples int64 `json:"cancelled_samples"`
	// OverflowSamples counts samples dropped because ReadAudio fell behind
	// by more than the buffer (WithBuffer).
	OverflowSamples int64 `json:"overflow_samples"`
	// MalformedFrames counts frames from the server that could not be read
	// (bad JSON, misaligned audio); IgnoredFrames those that came at the
	// wrong time or carried an unknown command.
	MalformedFrames int64 `json:"malformed_frames"`
	IgnoredFrames   int64 `json:"ignored_frames"`
}

type counters struct {
	sent, received, cancelled, overflow, malformed, ignored atomic.Int64
}

// Stats returns the client's counters.
func (c *Client) Stats() Stats {
	return Stats{
		SentFrames:       c.stats.sent.Load(),
		ReceivedSamples:  c.stats.received.Load(),
		CancelledSamples: c.stats.cancelled.Load(),
		OverflowSamples:  c.stats.overflow.Load(),
		MalformedFrames:  c.stats.malformed.Load(),
		IgnoredFrames:    c.stats.ignored.Load(),
	}
}
