package gorilla

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/gorilla/websocket"

	"github.com/neurokit/neurokit/transport"
)

// Wrap returns ws, a websocket connection the game opened itself with
// gorilla/websocket (its own websocket.Dialer, an Upgrader in its own HTTP
// server, a connection shared with other code), as a transport.Conn for
// the Neuro client. It behaves exactly like a connection from Dial or
// Accept: text frames, reads on the caller's goroutine, writes serialised,
// keep-alive, read limit and close handshake as the package documentation
// describes.
//
// These options apply: WithReadLimit (1 MiB by default), WithPingInterval
// and WithPongTimeout (keep-alive on, a ping every 10s, by default; a zero
// interval turns it off), WithWriteTimeout, WithOnBinaryFrame and
// WithLogger. The handshake options (WithTLSConfig, WithHeader,
// WithHandshakeTimeout, WithCheckOrigin) are ignored: the handshake is done.
//
// Wrap takes ws over. It sets ws's read limit, its ping and pong handlers
// and, with keep-alive on, its read deadline, and starts the ping goroutine
// at once. From then on the caller must not read from, write to, configure
// or close ws directly: gorilla allows one reader and one writer, and the
// returned Conn is both. Frames the
// caller read before Wrap are not seen again. Close or CloseNow must be
// called to release the connection; they close ws.
//
// A nil ws yields a Conn that is already dead: Read and Write return a
// *transport.CloseError with Code 1006 whose Err says ws was nil (and
// transport.ErrClosed after Close), so a game's reconnect logic sees a
// dropped connection rather than a panic.
func Wrap(ws *websocket.Conn, opts ...Option) transport.Conn {
	o := newOptions(opts)
	if ws == nil {
		o.logger.Warn("Wrap: nil *websocket.Conn; returning a dead connection")
		return &nilConn{}
	}
	return newConn(ws, o, "wrapped")
}

// errNilConn is the cause carried by the Conn that Wrap returns for a nil
// socket.
var errNilConn = errors.New("gorilla: Wrap: nil *websocket.Conn")

// nilConn is the Conn of Wrap(nil): dead from the start.
type nilConn struct {
	closed atomic.Bool
}

func (c *nilConn) err() error {
	if c.closed.Load() {
		return transport.ErrClosed
	}
	return &transport.CloseError{Code: transport.CloseAbnormal, Err: errNilConn}
}

// Read implements transport.Conn.
func (c *nilConn) Read(context.Context) ([]byte, error) { return nil, c.err() }

// Write implements transport.Conn.
func (c *nilConn) Write(context.Context, []byte) error { return c.err() }

// Close implements transport.Conn: there is nothing to close.
func (c *nilConn) Close(int, string) error {
	c.closed.Store(true)
	return nil
}

// CloseNow implements transport.Conn: there is nothing to close.
func (c *nilConn) CloseNow() error {
	c.closed.Store(true)
	return nil
}
