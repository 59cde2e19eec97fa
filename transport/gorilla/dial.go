package gorilla

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/neurokit/neurokit/transport"
)

// HandshakeError reports that the server answered the opening handshake with
// an HTTP response other than a websocket upgrade (wrong path: 404, refused
// origin: 403, ...). Dial returns it; use errors.As.
type HandshakeError struct {
	URL        string
	StatusCode int    // e.g. 404
	Status     string // e.g. "404 Not Found"
	Body       string // the start of the response body (at most 1 KiB)
}

// Error implements error.
func (e *HandshakeError) Error() string {
	return fmt.Sprintf("gorilla: dial %s: handshake refused: HTTP %s", e.URL, e.Status)
}

// Unwrap returns websocket.ErrBadHandshake.
func (e *HandshakeError) Unwrap() error { return websocket.ErrBadHandshake }

// Dial opens a websocket connection to url (ws:// or wss://) and returns it
// as a transport.Conn. ctx bounds the whole opening handshake (TCP, TLS,
// HTTP upgrade), as does the handshake timeout option; ctx has no effect on
// the connection once Dial returned. A refused handshake returns a
// *HandshakeError that carries the HTTP status.
//
// The connection starts its ping goroutine (when keep-alive is on) at
// once; Close or CloseNow must be called to release it.
func Dial(ctx context.Context, url string, opts ...Option) (transport.Conn, error) {
	return dial(ctx, url, newOptions(opts))
}

// Dialer returns a transport.DialFunc that dials with opts, for injecting
// into the Neuro client. It is safe for concurrent use.
func Dialer(opts ...Option) transport.DialFunc {
	o := newOptions(opts)
	return func(ctx context.Context, url string) (transport.Conn, error) {
		return dial(ctx, url, o)
	}
}

// writeBufferPool lends gorilla its write buffers (4 KiB each, the default
// size) for the time of one frame, for every connection Dial and Accept
// open: an idle connection holds none, which matters with a thousand games
// on one server. gorilla boxes each buffer it returns to the pool: one
// small allocation per frame written.
var writeBufferPool sync.Pool

// aLongTimeAgo is a deadline in the past, used to interrupt blocked I/O.
var aLongTimeAgo = time.Unix(1, 0)

func dial(ctx context.Context, url string, o *options) (transport.Conn, error) {
	// gorilla honours ctx only while connecting and through its deadline;
	// a cancellation during the TLS or HTTP exchange must interrupt it too,
	// so remember the socket and expire its deadline when ctx ends.
	var (
		mu      sync.Mutex
		netConn net.Conn
	)
	d := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: o.handshakeTimeout,
		TLSClientConfig:  o.tlsConfig,
		WriteBufferPool:  &writeBufferPool,
		NetDialContext: func(dctx context.Context, network, addr string) (net.Conn, error) {
			var nd net.Dialer
			c, err := nd.DialContext(dctx, network, addr)
			if err != nil {
				return nil, err
			}
			mu.Lock()
			netConn = c
			mu.Unlock()
			if err := ctx.Err(); err != nil { // cancelled before netConn was known
				_ = c.Close()
				return nil, err
			}
			return c, nil
		},
	}
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if netConn != nil {
			_ = netConn.SetDeadline(aLongTimeAgo)
		}
	})
	ws, resp, err := d.DialContext(ctx, url, o.header)
	stopped := stop()
	if err == nil && !stopped {
		// ctx ended as the handshake completed: the socket's deadline may
		// have been expired after gorilla reset it.
		_ = ws.Close()
		return nil, fmt.Errorf("gorilla: dial %s: %w", url, ctx.Err())
	}
	if err != nil {
		if errors.Is(err, websocket.ErrBadHandshake) && resp != nil {
			body, _ := io.ReadAll(resp.Body) // gorilla kept at most 1 KiB in memory
			return nil, &HandshakeError{URL: url, StatusCode: resp.StatusCode, Status: resp.Status, Body: string(body)}
		}
		if ctxErr := contextEnded(ctx); ctxErr != nil {
			return nil, fmt.Errorf("gorilla: dial %s: %w: %w", url, ctxErr, err)
		}
		return nil, fmt.Errorf("gorilla: dial %s: %w", url, err)
	}
	return newConn(ws, o, "client"), nil
}

// contextEnded is ctx.Err(), also reporting a deadline that passed a moment
// before ctx's own timer fired (gorilla puts ctx's deadline on the socket).
func contextEnded(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

// Accept upgrades an HTTP request to a websocket connection, for servers
// (the Neuro simulator). On failure it has already answered the request
// with an HTTP error and returns an error. The connection outlives the
// handler: the handler may return at once, and Close or CloseNow must be
// called to release it. Options that only concern dialing are ignored.
func Accept(w http.ResponseWriter, r *http.Request, opts ...Option) (transport.Conn, error) {
	o := newOptions(opts)
	up := websocket.Upgrader{
		HandshakeTimeout: o.handshakeTimeout,
		CheckOrigin:      o.checkOrigin,
		WriteBufferPool:  &writeBufferPool,
	}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return nil, fmt.Errorf("gorilla: accept: %w", err)
	}
	return newConn(ws, o, "server"), nil
}
