package neuro

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
)

// Reading a connection, leader/follower style. One goroutine at a time
// (the leader) is in conn.Read. When it reads an action the ledger
// admits, it keeps the action: it validates it, calls ReceiveAction and
// writes the result itself, with no goroutine hand-off on the way. Every
// other frame is handled by the leader before it reads the next, so
// messages keep their order.
//
// Reading must go on while the action runs, or a slow handler would stop
// the game from hearing Neuro. Two ways, picked per action:
//
//   - a follower is parked: the leader leaves a vacancy and arms a timer
//     (rescueAfter). When the action is done first — the usual case, a
//     handler takes microseconds — the leader takes its place back and
//     reads on, and nobody was woken. When the timer fires first, a
//     parked follower takes the vacancy and reads; the leader parks once
//     its action is done. Waking a goroutine costs more than a whole
//     round trip's work on a busy 2-core machine (BenchmarkReaders,
//     neurobench b), so it is only paid for slow actions.
//   - no follower is parked (the connection's first action, or every
//     follower is in a handler): the leader wakes or starts one to read
//     now, before it runs the action.
//
// A reader is always in Read, or about to be within rescueAfter, while the
// connection is open: pings are answered, pongs seen and a dead peer
// detected even while every other reader is in a handler. Readers number
// at most WithMaxActions + 1; when they are all taken, the leader answers
// the action busy itself and reads on. At most maxParked followers park;
// the others return.

// rescueAfter is how long an action may keep the leader before a parked
// follower takes over reading.
const rescueAfter = time.Millisecond

// maxParked bounds the followers of a connection waiting for their turn
// to read.
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

	// vacancy is the turn of the leader running an action while nobody
	// reads (0: none); watch fires when that has lasted rescueAfter.
	vacancy atomic.Uint64
	turns   atomic.Uint64
	watch   *time.Timer
}

func newReaders(c *Client, conn transport.Conn, gen uint64, ctx context.Context, wg *sync.WaitGroup) *readers {
	watch := time.NewTimer(time.Hour)
	watch.Stop()
	return &readers{
		c: c, conn: conn, gen: gen, ctx: ctx, wg: wg,
		max:   int32(c.book.max) + 1,
		baton: make(chan struct{}),
		ended: make(chan struct{}),
		watch: watch,
	}
}

// start starts the first reader.
func (r *readers) start() {
	r.live.Add(1)
	r.wg.Add(1)
	go r.read()
}

// turn is one reader's hold on the action it kept.
type turn struct {
	r       *readers
	vacancy uint64 // the vacancy it left, 0 when it handed reading over
}

// handOff lets the reader keep the action it read: it leaves a vacancy
// watched by a parked follower, or makes another goroutine the leader. It
// reports false when every reader is taken: the caller must then stay
// the leader.
func (t *turn) handOff() bool {
	r := t.r
	if r.parked.Load() > 0 {
		t.vacancy = r.turns.Add(1)
		r.vacancy.Store(t.vacancy)
		r.watch.Reset(rescueAfter)
		return true
	}
	t.vacancy = 0
	return r.handOffNow()
}

// back reports whether the reader that left a vacancy is still the
// leader once its action is done: nobody took its place.
func (t *turn) back() bool {
	if t.vacancy == 0 {
		return false
	}
	t.r.watch.Stop()
	return t.r.vacancy.CompareAndSwap(t.vacancy, 0)
}

// read is the life of one reader: lead until it keeps an action, handle
// the action, lead on when nobody took its place, or else park, and lead
// again when woken.
func (r *readers) read() {
	defer r.wg.Done()
	defer r.live.Add(-1)
	t := &turn{r: r}
	for {
		frame, err := r.conn.Read(r.ctx)
		if err != nil {
			r.end(err)
			return
		}
		if !r.c.dispatch(r, frame, t.handOff) || t.back() {
			continue // still the leader
		}
		if !r.park() {
			return
		}
	}
}

// handOffNow makes another goroutine the leader at once. It reports
// false when every reader is taken.
func (r *readers) handOffNow() bool {
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

// park waits for the baton, or for a vacancy that lasts. It reports false
// when the reader should return instead: reading ended, or enough
// followers wait already.
func (r *readers) park() bool {
	if r.parked.Add(1) > maxParked {
		r.parked.Add(-1)
		return false
	}
	defer r.parked.Add(-1)
	for {
		select {
		case <-r.baton:
			return true
		case <-r.watch.C:
			if v := r.vacancy.Load(); v != 0 && r.vacancy.CompareAndSwap(v, 0) {
				r.c.log.Debug("an action runs long; another goroutine reads meanwhile", zap.Duration("after", rescueAfter))
				return true
			}
		case <-r.ended:
			return false
		}
	}
}

// end records why reading ended and wakes whoever waits for it.
func (r *readers) end(err error) {
	r.once.Do(func() {
		r.err = err
		r.watch.Stop()
		close(r.ended)
	})
}

// wait returns the read error once reading ended.
func (r *readers) wait() error {
	<-r.ended
	return r.err
}
