package voice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/neurokit/neurokit/transport"
)

// wsConn is a Conn over a *websocket.Conn.
//
// Reads run on the caller's goroutine (the single reader) into a buffer
// reused between frames. Writes are serialised by wsem (a channel, so that
// waiting honours ctx). A ping goroutine exists while keep-alive is on;
// Close and CloseNow join it. The read deadline is pushed forward by every
// frame and pong, so a silent peer is declared dead after the pong timeout.
type wsConn struct {
	ws *websocket.Conn
	o  connOptions

	wsem chan struct{}
	rmu  sync.Mutex // held by the reader; Close drains the socket itself when free

	closing     chan struct{}
	closingOnce sync.Once
	isClosing   atomic.Bool

	ended     chan struct{} // closed when a read saw the end of the connection
	endedOnce sync.Once
	endErr    atomic.Pointer[transport.CloseError]

	deadOnce   sync.Once
	pingerDone chan struct{}

	rbuf       []byte // reader only
	lastExtend atomic.Int64
}

func newWSConn(ws *websocket.Conn, o connOptions) *wsConn {
	c := &wsConn{
		ws:         ws,
		o:          o,
		wsem:       make(chan struct{}, 1),
		closing:    make(chan struct{}),
		ended:      make(chan struct{}),
		pingerDone: make(chan struct{}),
		rbuf:       make([]byte, 0, 4<<10),
	}
	ws.SetReadLimit(o.readLimit)
	if o.pingInterval > 0 {
		ws.SetPongHandler(func(string) error { c.extend(); return nil })
		c.extend()
		go c.pingLoop()
	} else {
		close(c.pingerDone)
	}
	return c
}

// ReadFrame implements Conn.
func (c *wsConn) ReadFrame() (FrameKind, []byte, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		kind, p, err := c.read()
		if err != nil {
			c.end(c.mapErr(err))
			if c.isClosing.Load() {
				return 0, nil, transport.ErrClosed
			}
			return 0, nil, c.copyEnd()
		}
		if c.isClosing.Load() {
			continue // closing: drain until the peer's close frame
		}
		return kind, p, nil
	}
}

func (c *wsConn) read() (FrameKind, []byte, error) {
	if e := c.endErr.Load(); e != nil {
		return 0, nil, e
	}
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return 0, nil, err
	}
	buf := c.rbuf[:0]
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
			return 0, nil, err
		}
	}
	c.rbuf = buf
	c.extend()
	if typ == websocket.BinaryMessage {
		return BinaryFrame, buf, nil
	}
	return TextFrame, buf, nil
}

// extend pushes the read deadline forward, at most once per sixteenth of
// the pong timeout (a busy socket does not pay for it on every frame).
func (c *wsConn) extend() {
	if c.o.pingInterval <= 0 {
		return
	}
	now := time.Now()
	last := c.lastExtend.Load()
	if last != 0 && now.UnixNano()-last < int64(c.o.pongTimeout/16) {
		return
	}
	c.lastExtend.Store(now.UnixNano())
	_ = c.ws.SetReadDeadline(now.Add(c.o.pongTimeout))
}

func (c *wsConn) pingLoop() {
	defer close(c.pingerDone)
	t := time.NewTicker(c.o.pingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.closing:
			return
		case <-c.ended:
			return
		case <-t.C:
		}
		if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.o.writeTimeout)); err != nil {
			return // the reader sees the broken socket or the close
		}
	}
}

// WriteText implements Conn.
func (c *wsConn) WriteText(ctx context.Context, p []byte) error {
	return c.write(ctx, websocket.TextMessage, p)
}

// WriteBinary implements Conn.
func (c *wsConn) WriteBinary(ctx context.Context, p []byte) error {
	return c.write(ctx, websocket.BinaryMessage, p)
}

func (c *wsConn) write(ctx context.Context, typ int, p []byte) error {
	select {
	case c.wsem <- struct{}{}:
	default:
		select {
		case c.wsem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		case <-c.closing:
			return transport.ErrClosed
		case <-c.ended:
			return c.copyEnd()
		}
	}
	defer func() { <-c.wsem }()
	if c.isClosing.Load() {
		return transport.ErrClosed
	}
	if e := c.endErr.Load(); e != nil {
		return c.copyEnd()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	deadline := time.Now().Add(c.o.writeTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = c.ws.SetWriteDeadline(deadline)
	if err := c.ws.WriteMessage(typ, p); err != nil {
		if c.isClosing.Load() {
			return transport.ErrClosed
		}
		if errors.Is(err, websocket.ErrCloseSent) {
			return &transport.CloseError{Code: transport.CloseNormal, Err: err}
		}
		// A failed write leaves a partial frame: the socket is unusable.
		c.end(&transport.CloseError{Code: transport.CloseAbnormal, Err: fmt.Errorf("voice: write: %w", err)})
		c.teardown()
		return c.copyEnd()
	}
	return nil
}

// Close implements Conn.
func (c *wsConn) Close(code int, reason string) error {
	first := false
	c.closingOnce.Do(func() {
		first = true
		c.isClosing.Store(true)
		close(c.closing)
	})
	if !first {
		c.teardownWait()
		return nil
	}
	var err error
	if c.endErr.Load() == nil {
		deadline := time.Now().Add(c.o.writeTimeout)
		if len(reason) > 123 {
			reason = reason[:123]
		}
		msg := websocket.FormatCloseMessage(code, reason)
		if werr := c.ws.WriteControl(websocket.CloseMessage, msg, deadline); werr != nil && !errors.Is(werr, websocket.ErrCloseSent) {
			err = fmt.Errorf("voice: close handshake: %w", werr)
		} else {
			err = c.awaitPeerClose(deadline)
		}
	}
	c.teardownWait()
	return err
}

// awaitPeerClose waits for the peer's close frame: read by the reader if one
// is reading, by Close itself otherwise.
func (c *wsConn) awaitPeerClose(deadline time.Time) error {
	if c.rmu.TryLock() {
		_ = c.ws.SetReadDeadline(deadline)
		for {
			if _, _, err := c.read(); err != nil {
				c.end(c.mapErr(err))
				break
			}
		}
		c.rmu.Unlock()
		return nil
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-c.ended:
		return nil
	case <-timer.C:
		return fmt.Errorf("voice: close handshake: no answer within %v: %w", c.o.writeTimeout, os.ErrDeadlineExceeded)
	}
}

// CloseNow implements Conn.
func (c *wsConn) CloseNow() error {
	c.closingOnce.Do(func() {
		c.isClosing.Store(true)
		close(c.closing)
	})
	c.teardownWait()
	return nil
}

func (c *wsConn) teardownWait() {
	c.teardown()
	<-c.pingerDone
}

func (c *wsConn) teardown() {
	c.deadOnce.Do(func() { _ = c.ws.Close() })
}

func (c *wsConn) end(e *transport.CloseError) {
	c.endedOnce.Do(func() {
		c.endErr.Store(e)
		close(c.ended)
	})
}

func (c *wsConn) copyEnd() error {
	e := c.endErr.Load()
	if e == nil {
		return &transport.CloseError{Code: transport.CloseAbnormal}
	}
	cp := *e
	return &cp
}

func (c *wsConn) mapErr(err error) *transport.CloseError {
	var ce *transport.CloseError
	var wce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.Is(err, websocket.ErrReadLimit):
		return &transport.CloseError{Code: transport.CloseMessageTooBig,
			Err: fmt.Errorf("voice: frame over the read limit of %d bytes: %w", c.o.readLimit, err)}
	case errors.As(err, &wce) && wce.Code == websocket.CloseAbnormalClosure:
		return &transport.CloseError{Code: transport.CloseAbnormal, Err: io.ErrUnexpectedEOF}
	case errors.As(err, &wce):
		return &transport.CloseError{Code: wce.Code, Reason: wce.Text}
	case errors.As(err, &ne) && ne.Timeout() && !c.isClosing.Load():
		return &transport.CloseError{Code: transport.CloseAbnormal,
			Err: fmt.Errorf("voice: peer silent for %v: %w", c.o.pongTimeout, os.ErrDeadlineExceeded)}
	default:
		return &transport.CloseError{Code: transport.CloseAbnormal, Err: err}
	}
}

// HandshakeError reports that the server answered the opening handshake
// with an HTTP response instead of a websocket upgrade (404 when it has no
// voice endpoint). The client treats it as voice being unavailable.
type HandshakeError struct {
	URL        string
	StatusCode int
	Status     string
}

// Error implements error.
func (e *HandshakeError) Error() string {
	return fmt.Sprintf("voice: dial %s: upgrade refused: HTTP %s", e.URL, e.Status)
}

// Dial opens a voice socket at url (ws:// or wss://). ctx bounds the
// opening handshake only. A refused upgrade returns a *HandshakeError. The
// connection must be released with Close or CloseNow.
func Dial(ctx context.Context, url string, opts ...Option) (Conn, error) {
	o := newConnOptions(opts)
	d := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: o.handshakeTimeout,
		TLSClientConfig:  o.tlsConfig,
	}
	ws, resp, err := d.DialContext(ctx, url, o.header)
	if err != nil {
		if errors.Is(err, websocket.ErrBadHandshake) && resp != nil {
			return nil, &HandshakeError{URL: url, StatusCode: resp.StatusCode, Status: resp.Status}
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("voice: dial %s: %w: %w", url, ctx.Err(), err)
		}
		return nil, fmt.Errorf("voice: dial %s: %w", url, err)
	}
	return newWSConn(ws, o), nil
}

// Dialer returns a DialFunc that dials with opts.
func Dialer(opts ...Option) DialFunc {
	return func(ctx context.Context, url string) (Conn, error) { return Dial(ctx, url, opts...) }
}

// Accept upgrades an HTTP request to a voice socket, for servers. On failure
// it has already answered the request and returns an error. The connection
// outlives the handler and must be released with Close or CloseNow.
func Accept(w http.ResponseWriter, r *http.Request, opts ...Option) (Conn, error) {
	o := newConnOptions(opts)
	up := websocket.Upgrader{HandshakeTimeout: o.handshakeTimeout, CheckOrigin: o.checkOrigin}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return nil, fmt.Errorf("voice: accept: %w", err)
	}
	return newWSConn(ws, o), nil
}

// Wrap makes a Conn of an open *websocket.Conn, which it then owns: do not
// use ws directly afterwards.
func Wrap(ws *websocket.Conn, opts ...Option) Conn {
	return newWSConn(ws, newConnOptions(opts))
}
