package gorilla

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
)

const (
	// Read scratch buffers (scratchPool): initial size, and the largest
	// size kept for the next frame (a rare large frame must not pin its
	// buffer forever).
	scratchInitial = 1 << 10
	scratchKeep    = 64 << 10

	// maxCloseReason is the longest close reason a close frame can carry
	// (125-byte control payload minus the 2-byte code).
	maxCloseReason = 123
)

// conn is a transport.Conn over a *websocket.Conn.
//
// Reading runs on the goroutine that calls Read: gorilla's own reader,
// with no goroutine in between. gorilla allows one reader at a time, so
// rsem admits one Read (or Close's wait for the peer's close frame) into
// the socket's read side; the others wait for it, honouring their ctx. A
// read cannot be interrupted without leaving gorilla's read side corrupt,
// so a ctx that ends during the socket read closes the connection
// (abort): the rule of coder/websocket. watch.go arranges that cheaply.
//
// Writes run on the caller's goroutine too, serialised by wsem. The only
// goroutine a conn starts is the pinger, while keep-alive is on; Close and
// CloseNow join it, and it ends on its own once the connection is dead.
type conn struct {
	ws  *websocket.Conn
	log *zap.Logger

	readLimit    int64
	keepAlive    bool
	pongTimeout  time.Duration
	writeTimeout time.Duration
	onBinary     func()

	rsem chan struct{} // read token (capacity 1): one goroutine in the socket's read side; waiting honours ctx
	wsem chan struct{} // write token (capacity 1) so a waiting Write can honour ctx

	closing     chan struct{} // closed when the connection is first closed locally (Close, CloseNow, abort)
	closingOnce sync.Once
	isClosing   atomic.Bool

	dead     chan struct{} // closed once the socket is closed
	deadOnce sync.Once

	err    atomic.Pointer[transport.CloseError] // why the connection ended (peer or network); first wins
	failed chan struct{}                        // closed once err is set

	pingerDone chan struct{}

	watch    atomic.Pointer[ctxWatch] // the registration of the last Read's ctx (watch.go)
	inSocket atomic.Uint64            // generation of the watch of the Read in the socket, 0 or readAborted

	// Owned by the holder of rsem.
	lastExtend time.Time
	watchGen   uint64
}

func newConn(ws *websocket.Conn, o *options, side string) *conn {
	c := &conn{
		ws:           ws,
		log:          o.logger.With(zap.String("side", side), zap.Stringer("remote", ws.RemoteAddr())),
		readLimit:    o.readLimit,
		keepAlive:    o.pingInterval > 0,
		pongTimeout:  o.pongTimeout,
		writeTimeout: o.writeTimeout,
		onBinary:     o.onBinary,
		rsem:         make(chan struct{}, 1),
		wsem:         make(chan struct{}, 1),
		closing:      make(chan struct{}),
		dead:         make(chan struct{}),
		failed:       make(chan struct{}),
		pingerDone:   make(chan struct{}),
	}
	ws.SetReadLimit(o.readLimit)
	ws.SetPingHandler(c.handlePing)
	if c.keepAlive {
		ws.SetPongHandler(func(string) error {
			c.extendReadDeadline()
			return nil
		})
		c.lastExtend = time.Now()
		_ = ws.SetReadDeadline(c.lastExtend.Add(c.pongTimeout))
	}
	c.log.Debug("connection open")

	if c.keepAlive {
		go c.pingLoop(o.pingInterval)
	} else {
		close(c.pingerDone)
	}
	return c
}

// Read implements transport.Conn. It reads on the caller's goroutine;
// calls from several goroutines are served one at a time, each frame going
// to one of them. While it waits for another Read, or before it starts,
// an ended ctx just returns ctx.Err(). Once it reads from the socket, ctx
// ending closes the connection without a handshake (as CloseNow) and Read
// returns ctx.Err() after the connection was released.
func (c *conn) Read(ctx context.Context) ([]byte, error) {
	if err := c.lockRead(ctx); err != nil {
		return nil, err
	}
	defer func() { <-c.rsem }()
	if c.isClosing.Load() {
		return nil, transport.ErrClosed
	}
	if e := c.err.Load(); e != nil {
		return nil, copyErr(e)
	}
	gen, err := c.enterSocket(ctx)
	if err != nil {
		return nil, err
	}
	c.extendReadDeadline() // time spent outside Read is not held against the peer
	frame, err := c.readData()
	if !c.leaveSocket(gen) {
		// ctx ended while reading: the connection is closed, whatever
		// the read returned.
		return nil, c.aborted(ctx)
	}
	if err != nil {
		return nil, c.readFailed(err)
	}
	return frame, nil
}

// lockRead takes the read token, or returns the reason it cannot.
func (c *conn) lockRead(ctx context.Context) error {
	select { // fast path: nobody else is reading
	case c.rsem <- struct{}{}:
		return nil
	default:
	}
	select {
	case c.rsem <- struct{}{}:
		return nil
	case <-c.closing:
		return transport.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readData reads the next data frame. Frames that arrive after the
// connection was closed locally are dropped: reading goes on until the
// peer's close frame, which the close handshake waits for, or until the
// socket is closed. Holder of rsem only.
func (c *conn) readData() ([]byte, error) {
	for {
		frame, err := c.readFrame()
		if err != nil || !c.isClosing.Load() {
			return frame, err
		}
	}
}

// Write implements transport.Conn: one text frame, writes serialised.
// Waiting for another Write honours ctx; the write itself is bounded by the
// write timeout and by ctx's deadline, not by a cancellation without
// deadline. A write that fails or times out leaves the connection unusable,
// so it is released and the error is a *transport.CloseError with Code 1006
// (also wrapping ctx.Err() when ctx's deadline was the cause).
func (c *conn) Write(ctx context.Context, frame []byte) error {
	select {
	case c.wsem <- struct{}{}:
	default:
		select {
		case c.wsem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		case <-c.closing:
			return transport.ErrClosed
		case <-c.dead:
			return c.endErr()
		}
	}
	defer func() { <-c.wsem }()

	if c.isClosing.Load() {
		return transport.ErrClosed
	}
	if e := c.err.Load(); e != nil {
		return copyErr(e)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	deadline := time.Now().Add(c.writeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = c.ws.SetWriteDeadline(deadline) // stored by gorilla, applied per frame
	if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		return c.writeFailed(ctx, err)
	}
	return nil
}

func (c *conn) writeFailed(ctx context.Context, err error) error {
	if c.isClosing.Load() {
		return transport.ErrClosed
	}
	if errors.Is(err, websocket.ErrCloseSent) {
		// The goroutine in Read sent a close frame (the answer to the
		// peer's close, or a read-limit or protocol-error close) and is
		// about to record why.
		select {
		case <-c.failed:
			return c.endErr()
		case <-c.closing:
			return transport.ErrClosed
		}
	}
	c.fail(&transport.CloseError{Code: transport.CloseAbnormal, Err: fmt.Errorf("gorilla: write: %w", err)})
	c.teardown()
	end := c.endErr()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%w: %w", ctxErr, end)
	}
	return end
}
