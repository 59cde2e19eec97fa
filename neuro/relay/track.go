package relay

import (
	"context"
	"sync"
)

// tracker counts the running calls of one kind (game connections, or
// the upstream side and the listeners) so that Shutdown and Close can
// wait for them.
type tracker struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed once closed and n == 0
}

func newTracker() *tracker { return &tracker{idle: make(chan struct{})} }

// enter counts one more call, unless the tracker is closed.
func (t *tracker) enter() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.n++
	return true
}

// leave ends a call counted by enter.
func (t *tracker) leave() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	t.signalLocked()
}

// close refuses new calls and returns the channel closed once none runs.
func (t *tracker) close() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	t.signalLocked()
	return t.idle
}

func (t *tracker) signalLocked() {
	if t.closed && t.n == 0 {
		select {
		case <-t.idle:
		default:
			close(t.idle)
		}
	}
}

// wait waits for idle or ctx, whichever first.
func wait(ctx context.Context, idle <-chan struct{}) error {
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// merge returns a context that ends with ctx or with also, whichever
// ends first. The returned cancel must be called.
func merge(ctx, also context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(also, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}
