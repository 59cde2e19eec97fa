package voicesim

import (
	"context"
	"sync"
	"time"
)

// ManualClock is a Clock that moves only when Advance is called, for fast
// and deterministic tests of Speak's pacing and of timeouts. Its tickers
// deliver each tick synchronously: Advance returns once every ticker that
// came due has had its tick received (or was stopped).
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	tickers []*manualTicker
	changed chan struct{} // closed and replaced when a ticker is created
}

// NewManualClock returns a clock reading start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start, changed: make(chan struct{})}
}

// Now implements Clock.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTicker implements Clock. Like time.Ticker, it drops ticks its reader
// is too slow for: one Advance delivers at most one tick per ticker. A
// period under 1ns is taken as 1ns.
func (c *ManualClock) NewTicker(d time.Duration) Ticker {
	d = max(d, time.Nanosecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTicker{c: make(chan time.Time), d: d, next: c.now.Add(d), stopped: make(chan struct{})}
	c.tickers = append(c.tickers, t)
	close(c.changed)
	c.changed = make(chan struct{})
	return t
}

// Advance moves the clock forward by d and delivers a tick to every live
// ticker that came due, waiting until each is received or stopped. It
// returns ctx.Err() if ctx ends first.
func (c *ManualClock) Advance(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	var due []*manualTicker
	live := c.tickers[:0]
	for _, t := range c.tickers {
		if t.isStopped() {
			continue
		}
		live = append(live, t)
		if !t.next.After(now) {
			due = append(due, t)
			for !t.next.After(now) {
				t.next = t.next.Add(t.d)
			}
		}
	}
	clear(c.tickers[len(live):])
	c.tickers = live
	c.mu.Unlock()
	for _, t := range due {
		select {
		case t.c <- now:
		case <-t.stopped:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// WaitTickers blocks until at least n live tickers of period d exist, or
// ctx ends.
func (c *ManualClock) WaitTickers(ctx context.Context, d time.Duration, n int) error {
	for {
		c.mu.Lock()
		count := 0
		for _, t := range c.tickers {
			if t.d == d && !t.isStopped() {
				count++
			}
		}
		changed := c.changed
		c.mu.Unlock()
		if count >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

type manualTicker struct {
	c       chan time.Time
	d       time.Duration
	next    time.Time // guarded by the clock's mu
	stopped chan struct{}
	once    sync.Once
}

func (t *manualTicker) C() <-chan time.Time { return t.c }

func (t *manualTicker) Stop() { t.once.Do(func() { close(t.stopped) }) }

func (t *manualTicker) isStopped() bool {
	select {
	case <-t.stopped:
		return true
	default:
		return false
	}
}
