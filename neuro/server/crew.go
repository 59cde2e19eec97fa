package server

import (
	"context"
	"sync"
)

// crew starts a game's goroutines when there is work for them (the
// writer while frames are queued, the force loop while forces are, the
// brain while something is due), so that an idle game costs no
// goroutine of its own but the one reading it; it also counts the
// frames senders write on their own goroutines (run). ServeConn owns the
// crew: it cancels the connection's context and then stops the crew,
// which waits for every goroutine it started and every run under way;
// nothing starts afterwards.
type crew struct {
	ctx     context.Context // the connection's; every goroutine runs under it
	mu      sync.Mutex
	stopped bool
	wg      sync.WaitGroup
}

// start runs f(ctx) on a goroutine of the crew and reports true, unless
// the crew was stopped (the connection ended); then f does not run. The
// caller keeps the flag that says whether f runs, and f clears it (under
// the same lock) when it returns on its own.
func (c *crew) start(f func(ctx context.Context)) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return false
	}
	c.wg.Go(func() { f(c.ctx) })
	return true
}

// run runs f(ctx) on the caller's goroutine, counted like the crew's
// own goroutines (stop waits for it), and reports true; unless the crew
// was stopped, and then f does not run.
func (c *crew) run(f func(ctx context.Context)) bool {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return false
	}
	c.wg.Add(1)
	c.mu.Unlock()
	defer c.wg.Done()
	f(c.ctx)
	return true
}

// stop keeps the crew from starting anything and waits for what it
// started. Cancel the crew's context first, or stop waits for the
// goroutines to run out of work.
func (c *crew) stop() {
	c.mu.Lock()
	c.stopped = true
	c.mu.Unlock()
	c.wg.Wait()
}
