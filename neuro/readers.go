package neuro

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/neurokit/neurokit/transport"
)

// Reading a connection, leader/follower style. One goroutine at a time
// (the leader) is in conn.Read. When it reads an action the ledger admits,
// it hands reading to a follower — wakes a parked one, or starts one —
// and keeps the action: it validates it, calls ReceiveAction and writes
// the result itself, with no goroutine hand-off on the way; the wake-up
// of the next reader happens meanwhile, off the action's path. Once the
// action is handled the goroutine parks as a follower (at most
// maxParked park; the others return). Every other frame is handled by
// the leader before it reads the next, so messages keep their order.
//
// A slow handler never stops reading: a reader is always in Read while
// the connection is open, so pings are answered, pongs seen and a dead
// peer detected even while every other reader is in a handler. Readers
// number at most WithMaxActions + 1; when they are all taken, the leader
// answers the action busy itself and reads on.

// maxParked bounds the followers of a connection waiting for their turn
// to read. One is enough for actions that come one at a time; more come
// and go with bursts.
const maxParked = 2

// readers are the goroutines reading one connection served by
// Client.serve.
type readers struct {
	c    *Client
	conn transport.Conn
	gen  uint64
	ctx  context.Context
	wg   *sync.WaitGroup // counts every reader; whoever called serve owns it

	max    int32 // readers at most
	live   atomic.Int32
	parked atomic.Int32
	baton  chan struct{} // unbuffered: hands reading to a parked follower
	ended  chan struct{} // closed once reading ended; err is set then
	err    error
	once   sync.Once
}

func newReaders(c *Client, conn transport.Conn, gen uint64, ctx context.Context, wg *sync.WaitGroup) *readers {
	return &readers{
		c: c, conn: conn, gen: gen, ctx: ctx, wg: wg,
		max:   int32(c.book.max) + 1,
		baton: make(chan struct{}),
		ended: make(chan struct{}),
	}
}

// start starts the first reader.
func (r *readers) start() {
	r.live.Add(1)
	r.wg.Add(1)
	go r.read()
}

// read is the life of one reader: lead until an action makes it hand
// reading over, handle the action, park, and lead again when woken.
func (r *readers) read() {
	defer r.wg.Done()
	defer r.live.Add(-1)
	for {
		frame, err := r.conn.Read(r.ctx)
		if err != nil {
			r.end(err)
			return
		}
		if !r.c.dispatch(r, frame) {
			continue // handled in place: still the leader
		}
		if !r.park() {
			return
		}
	}
}

// handOff makes another goroutine the leader, so that the caller can
// handle the action it read. It reports false when every reader is
// taken: the caller must then stay the leader.
func (r *readers) handOff() bool {
	select {
	case r.baton <- struct{}{}:
		return true
	default:
	}
	if r.live.Add(1) > r.max {
		r.live.Add(-1)
		return false
	}
	r.wg.Add(1) // the caller is counted: the group is not at zero
	go r.read()
	return true
}

// park waits for the baton. It reports false when the reader should
// return instead: reading ended, or enough followers wait already.
func (r *readers) park() bool {
	if r.parked.Add(1) > maxParked {
		r.parked.Add(-1)
		return false
	}
	defer r.parked.Add(-1)
	select {
	case <-r.baton:
		return true
	case <-r.ended:
		return false
	}
}

// end records why reading ended and wakes whoever waits for it.
func (r *readers) end(err error) {
	r.once.Do(func() {
		r.err = err
		close(r.ended)
	})
}

// wait returns the read error once reading ended.
func (r *readers) wait() error {
	<-r.ended
	return r.err
}
