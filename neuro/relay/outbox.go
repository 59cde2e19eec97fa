package relay

import (
	"context"
	"errors"
	"sync"

	"github.com/neurokit/neurokit/transport"
)

// errOverflow ends a connection whose peer does not read its frames fast
// enough: its outbox filled up.
var errOverflow = errors.New("relay: peer too slow, its outgoing queue is full")

// outbox is the bounded queue of frames for one connection, written by
// one writer goroutine (run) so that the state never waits on a socket.
// push may be called from any goroutine and never blocks.
type outbox struct {
	conn  transport.Conn
	limit int
	wake  chan struct{} // capacity 1

	mu       sync.Mutex
	queue    [][]byte
	overflow bool // the queue filled up: run ends the connection
	stopping bool // stop was called: run writes what is queued, then returns
	dead     bool // run returned: push drops frames
}

func newOutbox(conn transport.Conn, limit int) *outbox {
	return &outbox{conn: conn, limit: limit, wake: make(chan struct{}, 1)}
}

// push queues frame. Past the limit the queue is dropped and the
// connection will be ended by run. Frames are shared, never modified.
func (o *outbox) push(frame []byte) {
	o.mu.Lock()
	switch {
	case o.dead || o.overflow:
	case len(o.queue) >= o.limit:
		o.overflow = true
		clear(o.queue)
		o.queue = o.queue[:0]
	default:
		o.queue = append(o.queue, frame)
	}
	o.mu.Unlock()
	o.signal()
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// stop asks run to write what is queued and return.
func (o *outbox) stop() {
	o.mu.Lock()
	o.stopping = true
	o.mu.Unlock()
	o.signal()
}

// run writes queued frames in order until stop (after the queue is
// written), a write error, ctx ending, or an overflow. On an overflow it
// closes the connection with code 1008 (the reader then sees it end);
// on a write error it releases it. It returns nil after stop.
func (o *outbox) run(ctx context.Context) error {
	err := o.loop(ctx)
	o.mu.Lock()
	o.dead = true
	clear(o.queue)
	o.queue = nil
	o.mu.Unlock()
	switch {
	case errors.Is(err, errOverflow):
		_ = o.conn.Close(transport.ClosePolicyViolation, "relay: too slow reading its frames")
	case err != nil:
		_ = o.conn.CloseNow()
	}
	return err
}

func (o *outbox) loop(ctx context.Context) error {
	var batch [][]byte
	for {
		o.mu.Lock()
		batch, o.queue = o.queue, batch[:0]
		overflow, stopping := o.overflow, o.stopping
		o.mu.Unlock()
		if overflow {
			return errOverflow
		}
		for i, frame := range batch {
			if err := o.conn.Write(ctx, frame); err != nil {
				return err
			}
			batch[i] = nil
		}
		if len(batch) > 0 {
			continue
		}
		if stopping {
			return nil
		}
		select {
		case <-o.wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
