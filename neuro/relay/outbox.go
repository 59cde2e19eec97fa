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

// outbox is the bounded queue of frames for one connection, and the
// writer role: whoever holds it is the only one writing to conn, so
// frames go out in the order they were pushed. Two kinds of holder:
//
//   - the connection's writer goroutine (run), for queued frames;
//   - a goroutine that pushed a frame, with a direct batch, while the
//     outbox was idle (nothing queued, nobody writing): it claims the
//     role and writes the frame itself once it has released the relay's
//     mutex (direct.flush). That is the write-through fast path: a
//     relayed frame costs no goroutine wake-up, which on a small machine
//     costs more than the write (issue 15). A push that finds the role
//     taken queues its frame, and the claimer hands the queue to run
//     when it releases the role.
//
// push may be called from any goroutine and never blocks: it never
// writes. The blocking a claimer accepts by writing itself is bounded by
// the state, which only lets a frame be claimed when the peer cannot be
// stuck (state.toGame); see direct.
type outbox struct {
	conn  transport.Conn
	limit int
	wake  chan struct{} // capacity 1

	mu       sync.Mutex
	queue    [][]byte
	writing  bool    // the writer role is held (by run, or by claimed)
	claimed  *direct // the batch holding the role, nil when none or run
	claimedN int     // frames claimed holds for this outbox
	failed   error   // a direct write failed: run releases the connection
	overflow bool    // the queue filled up: run ends the connection
	stopping bool    // stop was called: run writes what is queued, then returns
	dead     bool    // run returned: push drops frames

	flushErr error // a direct write failed; owned by the batch holding the role
}

func newOutbox(conn transport.Conn, limit int) *outbox {
	return &outbox{conn: conn, limit: limit, wake: make(chan struct{}, 1)}
}

// push queues frame, or gives it to d (nil: queue only) when nothing is
// queued and the role is free or already d's. Past the limit the queue
// is dropped and the connection will be ended by run. Frames are shared,
// never modified.
func (o *outbox) push(frame []byte, d *direct) {
	o.mu.Lock()
	switch {
	case o.dead || o.overflow || o.failed != nil:
	case d != nil && len(o.queue) == 0 && !o.stopping && (!o.writing || o.claimed == d && o.claimedN < o.limit):
		first := !o.writing
		if first {
			o.writing, o.claimed, o.claimedN = true, d, 0
		}
		o.claimedN++
		o.mu.Unlock()
		d.items = append(d.items, directItem{o: o, frame: frame, first: first})
		return // no wake-up: the claimer writes it
	case len(o.queue) >= o.limit:
		o.overflow = true
		clear(o.queue)
		o.queue = o.queue[:0]
	default:
		o.queue = append(o.queue, frame)
	}
	held := o.claimed != nil // its release wakes run
	o.mu.Unlock()
	if !held {
		o.signal()
	}
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// release gives up the role a direct batch claimed, and wakes run when
// there is work for it: frames queued meanwhile, or an end to act on.
func (o *outbox) release() {
	o.mu.Lock()
	o.writing, o.claimed, o.claimedN = false, nil, 0
	if o.flushErr != nil {
		o.failed, o.flushErr = o.flushErr, nil
	}
	work := len(o.queue) > 0 || o.failed != nil || o.overflow || o.stopping
	o.mu.Unlock()
	if work {
		o.signal()
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
// written and no direct write is in progress), a write error (its own or
// a direct one), ctx ending, or an overflow. On an overflow it closes
// the connection with code 1008 (the reader then sees it end); on a
// write error it releases it. It returns nil after stop.
func (o *outbox) run(ctx context.Context) error {
	err := o.loop(ctx)
	o.mu.Lock()
	o.dead = true
	if o.claimed == nil { // else (ctx ended) the claimer still holds it
		o.writing = false
	}
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
		if o.writing { // a direct batch holds the role: its release wakes us
			o.mu.Unlock()
			if err := o.await(ctx); err != nil {
				return err
			}
			continue
		}
		if err := o.failed; err != nil {
			o.mu.Unlock()
			return err
		}
		if o.overflow {
			o.mu.Unlock()
			return errOverflow
		}
		batch, o.queue = o.queue, batch[:0]
		stopping := o.stopping
		o.writing = len(batch) > 0
		o.mu.Unlock()
		if len(batch) == 0 {
			if stopping {
				return nil
			}
			if err := o.await(ctx); err != nil {
				return err
			}
			continue
		}
		for i, frame := range batch {
			if err := o.conn.Write(ctx, frame); err != nil {
				return err
			}
			batch[i] = nil
		}
		o.mu.Lock()
		o.writing = false
		o.mu.Unlock()
	}
}

func (o *outbox) await(ctx context.Context) error {
	select {
	case <-o.wake:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// direct is the frames one goroutine claimed, under the relay's mutex,
// to write itself once it has released it (flush): the write-through
// path of outbox. It belongs to that goroutine (a connection's reader)
// and is reused from frame to frame, so the path allocates nothing.
//
// What a claimer risks: a write blocks only while the peer's kernel
// buffers are full, and then for at most the transport's write timeout
// (gorilla: 5 s), after which the connection is failed. The state lets a
// game's frame be claimed only while the bytes the game has not proved
// it read stay under directBudget, far below what the kernel absorbs
// (state.toGame), so a game that stops reading cannot stall the reader
// that writes to it (upstream's): its frames go to its queue and its
// writer goroutine, and a full queue disconnects it, as before. Frames
// for upstream are always claimable: when upstream stops reading, the
// reader that writes to it (a game's, or upstream's own) waits at most
// the write timeout, and no frame can go anywhere useful meanwhile. The
// force timer never claims.
type direct struct {
	ctx   context.Context // for the writes: the relay's hard-close context
	items []directItem
}

type directItem struct {
	o     *outbox
	frame []byte
	first bool // the item that claimed o: release o after the batch
}

// flush writes the claimed frames in order (after a failed write to a
// connection, its later frames are dropped: run ends it), then releases
// the roles. Call it without the relay's mutex.
func (d *direct) flush() {
	if len(d.items) == 0 {
		return
	}
	for i := range d.items {
		if it := &d.items[i]; it.o.flushErr == nil {
			it.o.flushErr = it.o.conn.Write(d.ctx, it.frame)
		}
	}
	for i := range d.items {
		if it := &d.items[i]; it.first {
			it.o.release()
		}
	}
	clear(d.items)
	d.items = d.items[:0]
}
