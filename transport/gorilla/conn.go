package gorilla

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
)

const (
	// readAhead is how many frames the reader goroutine may hold for Read
	// before it waits. It keeps control frames (pings, pongs, the peer's
	// close) flowing while the caller is briefly busy.
	readAhead = 16

	// Reader scratch buffer: initial size, and the largest size kept between
	// frames (a rare large frame must not pin its buffer forever).
	scratchInitial = 1 << 10
	scratchKeep    = 64 << 10

	// maxCloseReason is the longest close reason a close frame can carry
	// (125-byte control payload minus the 2-byte code).
	maxCloseReason = 123
)

// conn is a transport.Conn over a *websocket.Conn.
//
// Goroutines: a reader goroutine owns every call into the websocket's read
// side (gorilla allows one reader, and a timed-out read leaves it corrupt,
// so context cancellation cannot be implemented with read deadlines) and
// hands frames to Read through a channel; a ping goroutine exists while
// keep-alive is on. Both are joined by Close and CloseNow, and both end on
// their own once the connection is dead.
//
// Writes are serialised by wsem and run on the caller's goroutine: no hop,
// no allocation on the server side (gorilla's client side allocates one
// message writer per frame).
type conn struct {
	ws  *websocket.Conn
	log *zap.Logger

	readLimit    int64
	keepAlive    bool
	pongTimeout  time.Duration
	writeTimeout time.Duration
	onBinary     func()

	frames chan []byte   // reader goroutine → Read; closed when the reader stops
	wsem   chan struct{} // write lock (capacity 1) so a waiting Write can honour ctx

	closing     chan struct{} // closed when Close or CloseNow is first called
	closingOnce sync.Once
	isClosing   atomic.Bool

	dead     chan struct{} // closed once the socket is closed
	deadOnce sync.Once

	err    atomic.Pointer[transport.CloseError] // why the connection ended (peer or network); first wins
	failed chan struct{}                        // closed once err is set

	readerDone chan struct{}
	pingerDone chan struct{}

	// Owned by the reader goroutine.
	scratch    []byte
	lastExtend time.Time
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
		frames:       make(chan []byte, readAhead),
		wsem:         make(chan struct{}, 1),
		closing:      make(chan struct{}),
		dead:         make(chan struct{}),
		failed:       make(chan struct{}),
		readerDone:   make(chan struct{}),
		pingerDone:   make(chan struct{}),
		scratch:      make([]byte, 0, scratchInitial),
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

	go c.readLoop()
	if c.keepAlive {
		go c.pingLoop(o.pingInterval)
	} else {
		close(c.pingerDone)
	}
	return c
}

// Read implements transport.Conn. Frames are read ahead by the reader
// goroutine, so a cancelled ctx returns at once and loses nothing: the next
// Read gets the next frame. It is safe to call from several goroutines, each
// frame going to one of them.
func (c *conn) Read(ctx context.Context) ([]byte, error) {
	if c.isClosing.Load() {
		return nil, transport.ErrClosed
	}
	select { // fast path: a frame is already waiting
	case f, ok := <-c.frames:
		if !ok {
			return nil, c.endErr()
		}
		return f, nil
	default:
	}
	select {
	case f, ok := <-c.frames:
		if !ok {
			return nil, c.endErr()
		}
		return f, nil
	case <-c.closing:
		return nil, transport.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
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
		// The reader goroutine sent a close frame (the answer to the
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

// Close implements transport.Conn. It sends a close frame with code and
// reason (a reason over 123 bytes is cut), waits until the peer answers
// (its close frame or end of stream) for at most the write timeout, then
// closes the socket and waits for the connection's goroutines. It returns an
// error when the handshake could not be completed (the connection is
// released all the same) or when code may not be sent (1005, 1006, 1015,
// out of range: a close frame without a code is sent instead). A second call,
// concurrent or not, waits for the first to release the connection and
// returns nil. After the peer closed first there is nothing to answer and
// Close just releases the connection.
func (c *conn) Close(code int, reason string) error {
	if !c.startClosing() {
		c.wait()
		return nil
	}
	err := c.closeHandshake(code, reason)
	c.teardown()
	c.wait()
	c.log.Debug("connection closed", zap.Int("code", code), zap.String("reason", reason), zap.Error(err))
	return err
}

// CloseNow implements transport.Conn: it closes the socket without a
// handshake (the peer sees 1006), aborts a Close in progress, and waits for
// the connection's goroutines. It always returns nil.
func (c *conn) CloseNow() error {
	if c.startClosing() {
		c.log.Debug("connection closed without handshake")
	}
	c.teardown()
	c.wait()
	return nil
}

func (c *conn) closeHandshake(code int, reason string) error {
	if c.err.Load() != nil {
		return nil // the peer or the network ended it already
	}
	var codeErr error
	var payload []byte
	if validCloseCode(code) {
		payload = websocket.FormatCloseMessage(code, truncateReason(reason))
	} else {
		codeErr = fmt.Errorf("gorilla: close code %d may not be sent; sent a close frame without a code", code)
	}
	deadline := time.Now().Add(c.writeTimeout)
	if err := c.ws.WriteControl(websocket.CloseMessage, payload, deadline); err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		// ErrCloseSent: the reader goroutine is answering the peer's close
		// right now; wait for it below.
		return errors.Join(codeErr, fmt.Errorf("gorilla: close handshake: %w", err))
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-c.failed: // the peer's close frame, end of stream, or a broken socket
		return codeErr
	case <-c.dead: // CloseNow
		return codeErr
	case <-timer.C:
		return errors.Join(codeErr, fmt.Errorf("gorilla: close handshake: no answer from peer within %v: %w", c.writeTimeout, os.ErrDeadlineExceeded))
	}
}

func (c *conn) startClosing() (first bool) {
	c.closingOnce.Do(func() {
		c.isClosing.Store(true)
		close(c.closing)
		first = true
	})
	return first
}

// teardown closes the socket once; the reader and pinger then end.
func (c *conn) teardown() {
	c.deadOnce.Do(func() {
		close(c.dead)
		_ = c.ws.Close()
	})
}

func (c *conn) wait() {
	<-c.readerDone
	<-c.pingerDone
}

// fail records why the connection ended, if nothing was recorded before.
func (c *conn) fail(e *transport.CloseError) {
	if c.err.CompareAndSwap(nil, e) {
		close(c.failed)
	}
}

// endErr is what Read and Write return once the connection ended.
func (c *conn) endErr() error {
	if c.isClosing.Load() {
		return transport.ErrClosed
	}
	if e := c.err.Load(); e != nil {
		return copyErr(e)
	}
	return &transport.CloseError{Code: transport.CloseAbnormal}
}

// copyErr gives each caller its own error value to keep.
func copyErr(e *transport.CloseError) error {
	cp := *e
	return &cp
}

// readLoop is the reader goroutine.
func (c *conn) readLoop() {
	defer close(c.readerDone)
	for {
		frame, err := c.readFrame()
		if err != nil {
			c.readFailed(err)
			return
		}
		select {
		case c.frames <- frame:
		case <-c.closing:
			// Closed locally: nobody wants frames any more; keep reading
			// until the peer's close frame ends the handshake.
		}
		c.extendReadDeadline()
	}
}

func (c *conn) readFrame() ([]byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	buf := c.scratch[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	frame := make([]byte, len(buf))
	copy(frame, buf)
	if cap(buf) <= scratchKeep {
		c.scratch = buf[:0]
	} else {
		c.scratch = make([]byte, 0, scratchInitial)
	}
	if typ == websocket.BinaryMessage {
		c.binaryFrame(len(frame))
	}
	return frame, nil
}

func (c *conn) binaryFrame(size int) {
	c.log.Warn("protocol: binary frame received; the Neuro API uses text frames only, decoding it as text", zap.Int("bytes", size))
	if c.onBinary == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("binary frame hook panicked", zap.Any("panic", p))
		}
	}()
	c.onBinary()
}

// readFailed ends the reader: it records the cause, wakes Read, and closes
// the socket.
func (c *conn) readFailed(err error) {
	ce := c.mapReadErr(err)
	c.fail(ce)
	close(c.frames)
	if !c.isClosing.Load() {
		c.log.Debug("connection ended", zap.Int("code", ce.Code), zap.String("reason", ce.Reason), zap.NamedError("cause", ce.Err))
	}
	if errors.Is(err, websocket.ErrReadLimit) {
		c.linger()
	}
	c.teardown()
}

// linger drains the socket for at most the write timeout after gorilla sent
// its 1009 close frame, until the peer answers or hangs up. Closing a socket
// with unread data resets the connection, and the peer could lose the close
// frame that tells it why.
func (c *conn) linger() {
	nc := c.ws.NetConn()
	_ = nc.SetReadDeadline(time.Now().Add(c.writeTimeout))
	_, _ = io.Copy(io.Discard, nc)
}

func (c *conn) mapReadErr(err error) *transport.CloseError {
	var wce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		return &transport.CloseError{
			Code: transport.CloseMessageTooBig,
			Err:  fmt.Errorf("gorilla: frame over the read limit of %d bytes: %w", c.readLimit, err),
		}
	case errors.As(err, &wce) && wce.Code == websocket.CloseAbnormalClosure:
		// gorilla reports end of stream in the middle of a frame this way.
		return &transport.CloseError{Code: transport.CloseAbnormal, Err: io.ErrUnexpectedEOF}
	case errors.As(err, &wce):
		return &transport.CloseError{Code: wce.Code, Reason: wce.Text}
	case c.keepAlive && errors.As(err, &ne) && ne.Timeout():
		return &transport.CloseError{
			Code: transport.CloseAbnormal,
			Err:  fmt.Errorf("gorilla: no pong or frame from peer within %v: %w", c.pongTimeout, os.ErrDeadlineExceeded),
		}
	default:
		return &transport.CloseError{Code: transport.CloseAbnormal, Err: err}
	}
}

// validCloseCode reports whether code may be sent in a close frame: RFC 6455
// section 7.4 and the IANA registry, restricted to the codes gorilla peers
// accept (1014 is registered but refused by them).
func validCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1013:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

func truncateReason(reason string) string {
	if len(reason) <= maxCloseReason {
		return reason
	}
	cut := maxCloseReason
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut]
}
