package gorilla

import (
	"context"
)

// Watching the ctx of Read. A Read in the socket cannot be interrupted
// without leaving gorilla's read side corrupt, so a ctx that ends while a
// Read is there closes the connection (abort). The watch is a
// context.AfterFunc registration kept from one Read to the next while they
// pass the same ctx (as a reading loop does): registering and releasing it
// on every Read would cost two allocations and a lock of ctx per frame.
//
// Each registration has a generation. A Read publishes the generation of
// its ctx's registration in inSocket while it is in the socket; the
// registration's function aborts the connection only if it takes that
// generation out of inSocket first (compare-and-swap to readAborted), and
// the Read, when it leaves the socket, only returns normally if it takes
// it back first. So a ctx that ends between Reads, or the stale
// registration of a ctx no Read uses any more, closes nothing.

// readAborted in inSocket means the watch aborted the Read in the socket.
const readAborted = ^uint64(0)

// ctxWatch is the registration of one ctx's end.
type ctxWatch struct {
	done <-chan struct{} // ctx.Done(): the same channel for the same ctx
	gen  uint64
	stop func() bool
}

// enterSocket is called by the holder of rsem before it reads the socket
// on behalf of a Read with ctx. It returns the generation to give to
// leaveSocket, or ctx.Err() when ctx has ended.
func (c *conn) enterSocket(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	done := ctx.Done()
	if done == nil { // never ends: nothing to watch
		return 0, nil
	}
	gen := c.watchFor(ctx, done)
	c.inSocket.Store(gen)
	// ctx may have ended before the store, when the registration's
	// function found no Read in the socket: nobody would abort this one.
	if err := ctx.Err(); err != nil {
		if c.leaveSocket(gen) {
			return 0, err
		}
		return 0, c.aborted(ctx)
	}
	return gen, nil
}

// leaveSocket reports whether the Read of generation gen left the socket
// before its ctx's end aborted it. Holder of rsem only.
func (c *conn) leaveSocket(gen uint64) bool {
	return gen == 0 || c.inSocket.CompareAndSwap(gen, 0)
}

// aborted waits until the abort that ctx's end started has released the
// connection, and returns ctx's error for the Read.
func (c *conn) aborted(ctx context.Context) error {
	c.abort() // once: returns when the abort in progress is done
	c.wait()
	return ctx.Err()
}

// watchFor returns the generation of ctx's registration, registering ctx
// unless the last Read passed the same one. Holder of rsem only.
func (c *conn) watchFor(ctx context.Context, done <-chan struct{}) uint64 {
	if w := c.watch.Load(); w != nil && w.done == done {
		return w.gen
	}
	c.watchGen++
	w := &ctxWatch{done: done, gen: c.watchGen}
	gen := w.gen
	w.stop = context.AfterFunc(ctx, func() { c.ctxEnded(gen) })
	if old := c.watch.Swap(w); old != nil {
		old.stop()
	}
	select {
	case <-c.dead: // teardown may have run before the swap and missed w
		c.unwatch()
	default:
	}
	return gen
}

// ctxEnded runs when the ctx of registration gen ends: it aborts the
// connection if a Read with that ctx is in the socket.
func (c *conn) ctxEnded(gen uint64) {
	if c.inSocket.CompareAndSwap(gen, readAborted) {
		c.abort()
	}
}

// unwatch releases the registration, so that a ctx that outlives the
// connection does not keep it reachable. Any goroutine.
func (c *conn) unwatch() {
	if w := c.watch.Swap(nil); w != nil {
		w.stop()
	}
}
