package neuro

import (
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"
)

// A force Neuro has gone quiet on. The real Neuro retries a force only a
// few times after failed results and then drops it silently: nothing
// tells the game. So a force in flight has a clock: when no action comes
// for it within its quiet time (WithReforceAfter, or
// WindowSpec.ReforceAfter), counted from the last sign that she is on it,
// the force is given up and its slot ends like any other force's. The
// signs are: the force being sent, an action for one of its names, a
// failed result for one of them (she retries after it), and any
// speech_finished (a force at priority low waits until she stops
// talking, so the time counts from her last word).
//
// The clock needs no goroutine of the Client's: one timer per force in
// flight, armed when the force is sent, which looks at the last sign
// when it fires and arms itself again for the rest of the time when
// there was one since. Signs only record the time, so the round trip of
// an action costs nothing more. The timer counts in the connection's
// timers, which Serve joins.

// Defaults of the force clock.
const (
	// DefaultReforceAfter is how long Neuro may stay quiet on a force
	// before it is given up (see WithReforceAfter).
	DefaultReforceAfter = 30 * time.Second
	// DefaultMaxReforces is how many times a Window sends its force again
	// after Neuro went quiet on it before it fails (see
	// WindowSpec.MaxReforces).
	DefaultMaxReforces = 3
)

// clock is the time source of the force clock; tests replace it
// (withClock).
type clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed, unless
	// stop, called first, returns true.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// realClock is the clock of the time package.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// quietClock is the clock of one force in flight. Its fields are guarded
// by Client.mu.
type quietClock struct {
	after  time.Duration   // the quiet time; 0 until the force is sent
	last   time.Time       // the last sign that Neuro is on the force
	stop   func() bool     // stops the armed timer; nil when none is armed
	timers *sync.WaitGroup // the connection's timers, which count the armed one
	quiet  bool            // the force was given up: Neuro went quiet on it
	idle   time.Duration   // how long she was quiet when it was given up
}

// armQuietLocked starts the clock of slot, just sent on the attached
// connection. The caller holds c.mu.
func (c *Client) armQuietLocked(slot *forceSlot) {
	q := &slot.clock
	if q.after <= 0 {
		q.after = c.reforceAfter
	}
	q.last = c.clock.Now()
	q.timers = c.book.timers
	c.startQuietTimerLocked(slot, q.after)
}

// startQuietTimerLocked arms the timer of slot's clock for d. The caller
// holds c.mu.
func (c *Client) startQuietTimerLocked(slot *forceSlot, d time.Duration) {
	slot.clock.timers.Add(1)
	slot.clock.stop = c.clock.AfterFunc(d, func() { c.quietTimerFired(slot) })
}

// disarmQuietLocked stops the timer of slot's clock, if armed. The
// caller holds c.mu.
func (slot *forceSlot) disarmQuietLocked() {
	q := &slot.clock
	if q.stop == nil {
		return
	}
	if q.stop() {
		q.timers.Done() // else the timer fires, or fired, and counts itself out
	}
	q.stop = nil
}

// quietTimerFired gives slot's force up when Neuro has been quiet on it
// for its quiet time, or arms the timer again for the rest of it. It
// runs on the timer's goroutine.
func (c *Client) quietTimerFired(slot *forceSlot) {
	q := &slot.clock
	c.mu.Lock()
	timers := q.timers
	defer timers.Done()
	if c.force != slot || q.stop == nil {
		c.mu.Unlock()
		return // the force ended meanwhile
	}
	idle := c.clock.Now().Sub(q.last)
	if idle < q.after {
		c.startQuietTimerLocked(slot, q.after-idle)
		c.mu.Unlock()
		return
	}
	q.stop = nil
	q.quiet, q.idle = true, idle
	c.releaseForceLocked(slot)
	c.mu.Unlock()
	c.log.Warn("Neuro has been quiet on the force; giving it up (she drops a force silently after her retries)",
		zap.Strings("actions", slot.names), zap.Duration("quiet", idle))
}

// forceSignLocked records a sign that Neuro is on the force in flight: an
// action called name, or a failed result for it, when name is one of the
// force's. The caller holds c.mu.
func (c *Client) forceSignLocked(name string) {
	if f := c.force; f != nil && f.clock.stop != nil && slices.Contains(f.names, name) {
		f.clock.last = c.clock.Now()
	}
}

// speechSignLocked records a speech_finished as a sign for the force in
// flight: a force at priority low waits until she stops talking. The
// caller holds c.mu.
func (c *Client) speechSignLocked() {
	if f := c.force; f != nil && f.clock.stop != nil {
		f.clock.last = c.clock.Now()
	}
}

// endedQuiet reports whether slot's force was given up because Neuro went
// quiet on it, and for how long she was; false for nil.
func (c *Client) endedQuiet(slot *forceSlot) (bool, time.Duration) {
	if slot == nil {
		return false, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return slot.clock.quiet, slot.clock.idle
}
