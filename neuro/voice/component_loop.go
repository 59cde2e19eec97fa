package voice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// The session loop: one goroutine of the Component, alive while voice is
// wanted, that runs one Serve after another. The handlers of the main
// connection's events only say what is wanted (want, Hangup) and never
// wait for the loop, so that the lifecycle events behind them are not
// held up by a voice close handshake.

// want makes voice follow mainURL: a new connection of the main socket
// (or Open). A session of an older connection is ended so that the loop
// opens one for this connection, registering the speakers again.
func (c *Component) want(mainURL string) {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.mainURL = mainURL
	c.gen++
	if c.cancelRun != nil {
		c.cancelRun()
	}
	if !c.running {
		c.running = true
		c.loopDone = make(chan struct{})
		go c.loop(c.loopDone)
	}
	c.signal()
	c.mu.Unlock()
}

// signal wakes a backoff wait of the loop. It is called under mu, so that
// the loop, which empties wake under mu before each attempt, never sees a
// wake-up from before it.
func (c *Component) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// loop runs Serve for the wanted main URL until voice is not wanted any
// more, Stop was called, or the current connection's attempts are spent:
// the server has no voice chat, or the socket failed more times in a row
// than WithReconnect allows (then VoiceUnavailable is raised once).
func (c *Component) loop(done chan<- struct{}) {
	defer close(done)
	var (
		spent    uint64 // the generation whose attempts are spent
		failures int    // failed attempts in a row, for the backoff
	)
	for {
		c.mu.Lock()
		if c.stopped || c.mainURL == "" || c.gen == spent {
			c.running = false
			c.mu.Unlock()
			return
		}
		gen, mainURL := c.gen, c.mainURL
		ctx, cancel := context.WithCancel(c.stopCtx)
		c.cancelRun = cancel
		select { // a wake-up from before this attempt must not cut its backoff short
		case <-c.wake:
		default:
		}
		c.mu.Unlock()

		err := c.serve(ctx, mainURL)
		cancel()
		c.mu.Lock()
		c.cancelRun = nil
		current := !c.stopped && c.mainURL != "" && c.gen == gen
		c.mu.Unlock()

		switch {
		case errors.Is(err, ErrUnavailable):
			spent, failures = gen, 0 // not again before the next main connection
			continue
		case !current:
			failures = 0 // what is wanted changed: the top of the loop decides
			continue
		}
		// The socket failed or dropped while voice is still wanted.
		if c.sawReady.Load() {
			failures = 0
		}
		failures++
		if failures > c.o.comp.retries {
			// Said once, as VoiceUnavailable: the game plays on without voice.
			_ = c.client.unavailable(&UnavailableError{URL: c.client.URL(), Err: err,
				Reason: fmt.Sprintf("the voice socket failed %d times in a row; no more attempts before the next main connection", failures)})
			spent, failures = gen, 0
			continue
		}
		delay := backoff(c.o.comp.retryMin, c.o.comp.retryMax, failures)
		c.log.Info("voice socket failed; opening it again", zap.Duration("in", delay), zap.Error(err))
		c.sleep(delay)
	}
}

// serve runs one Serve against mainURL's voice socket. A main URL the
// voice URL cannot be derived from makes voice unavailable.
func (c *Component) serve(ctx context.Context, mainURL string) error {
	c.sawReady.Store(false)
	if err := c.client.retarget(mainURL); err != nil {
		e := &UnavailableError{URL: mainURL, Reason: "no voice URL for this main URL", Err: err}
		return c.client.unavailable(e)
	}
	return c.client.Serve(ctx)
}

// backoff returns the wait before attempt n (from 1): lo, doubling, at
// most hi.
func backoff(lo, hi time.Duration, n int) time.Duration {
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// sleep waits d, or less when what is wanted changes or Stop is called.
func (c *Component) sleep(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.wake:
	case <-c.stopCtx.Done():
	}
}
