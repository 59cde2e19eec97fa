package voice

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/transport"
)

// Client is the game's side of the voice channel: one socket, one voice
// session at a time, any number of speakers.
//
// Serve opens the socket, sends voice/start and reads until the session
// ends; the game calls Register, Send (or a Stream) and ReadAudio from any
// goroutines meanwhile. The speaker registry outlives a session: call Serve
// again (the caller owns reconnecting and its backoff) and the same
// speakers are registered once the server is ready. Close is idempotent and
// ends a running Serve.
type Client struct {
	url  string
	game string
	o    *options
	log  *zap.Logger

	closeOnce sync.Once
	closed    chan struct{}

	regMu sync.Mutex // orders registry changes with the frames announcing them

	mu       sync.RWMutex
	speakers map[uint16]string
	conn     Conn // nil when not serving
	serving  bool
	started  bool // voice/start sent and no voice/stop since
	rate     int  // > 0 while ready
	speaking bool

	wmu  sync.Mutex // Send's encode buffer
	wbuf []byte

	audio ring
	stats counters
}

// New returns a client for game whose main websocket URL is mainURL; the
// voice URL is derived from it by URL. It opens nothing: call Serve.
func New(mainURL, game string, opts ...Option) (*Client, error) {
	u, err := URL(mainURL, game)
	if err != nil {
		return nil, err
	}
	c := newClient(game, opts)
	c.url = u
	c.log = c.log.With(zap.String("url", u))
	return c, nil
}

// newClient returns a client without a URL (the Component sets it with
// retarget before each Serve).
func newClient(game string, opts []Option) *Client {
	o := newOptions(opts)
	if o.dial == nil {
		o.dial = Dialer(opts...)
	}
	return &Client{
		game:     game,
		o:        o,
		log:      o.logger.Named("voice"),
		closed:   make(chan struct{}),
		speakers: make(map[uint16]string),
	}
}

// URL returns the voice socket's URL.
func (c *Client) URL() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.url
}

// retarget points the client at the voice socket of another main URL,
// between two Serve calls: the Component follows the main connection's
// URL. url and log are written only here, under mu and while not serving,
// so that Serve, which sets serving under mu first, reads them safely.
func (c *Client) retarget(mainURL string) error {
	u, err := URL(mainURL, c.game)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.serving {
		return ErrServing
	}
	if u != c.url {
		c.url = u
		c.log = c.o.logger.Named("voice").With(zap.String("url", u))
	}
	return nil
}

// SampleRate returns the server's sample rate while a session is ready, 0
// otherwise.
func (c *Client) SampleRate() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.rate
}

// Speaking reports whether Neuro is speaking into the game's voice chat.
func (c *Client) Speaking() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.speaking
}

// Serve opens the voice socket, starts a voice session and reads until the
// socket ends, ctx ends or Close is called. It blocks; one Serve runs at a
// time (ErrServing otherwise) and it may be called again after it returned.
//
// It returns a *UnavailableError (errors.Is(err, ErrUnavailable)) when the
// server has no voice chat: carry on without voice and do not retry.
// Otherwise it returns ctx.Err() when ctx ended, ErrClosed after Close, or
// an error wrapping the *transport.CloseError that ended the socket (which
// a caller may retry with backoff). Handlers run on Serve's goroutine.
func (c *Client) Serve(ctx context.Context) error {
	c.mu.Lock()
	switch {
	case c.isClosed():
		c.mu.Unlock()
		return ErrClosed
	case c.serving:
		c.mu.Unlock()
		return ErrServing
	}
	c.serving = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.serving, c.conn, c.started, c.rate, c.speaking = false, nil, false, 0, false
		c.mu.Unlock()
		c.audio.clear()
	}()

	dctx, cancel := context.WithTimeout(ctx, c.o.handshakeTimeout)
	conn, err := c.o.dial(dctx, c.url)
	cancel()
	if err != nil {
		var he *HandshakeError
		if errors.As(err, &he) {
			return c.unavailable(&UnavailableError{URL: c.url, Reason: "HTTP " + he.Status, StatusCode: he.StatusCode, Err: err})
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("voice: %w", err)
	}
	c.mu.Lock()
	if c.isClosed() {
		c.mu.Unlock()
		_ = conn.CloseNow()
		return ErrClosed
	}
	c.conn = conn
	c.mu.Unlock()
	c.log.Debug("voice socket open")

	s := &session{c: c, conn: conn, ready: make(chan struct{}), done: make(chan struct{})}
	watcherDone := make(chan struct{})
	go s.watch(ctx, watcherDone)
	err = s.run(ctx)
	close(s.done)
	<-watcherDone
	_ = conn.Close(transport.CloseNormal, "")
	return err
}

// Start sends voice/start again after Stop, on the same socket. The server
// answers voice/ready (Handlers.Ready; speakers are registered again) or
// voice/unavailable (Serve returns). It does nothing while a session is
// started already, and returns ErrNotReady without a socket.
func (c *Client) Start(ctx context.Context) error {
	c.mu.Lock()
	conn := c.conn
	if conn == nil {
		c.mu.Unlock()
		return ErrNotReady
	}
	if c.started {
		c.mu.Unlock()
		return nil
	}
	c.started = true
	c.mu.Unlock()
	return c.writeControl(ctx, conn, CmdStart, nil)
}

// Stop sends voice/stop: the session ends (Send returns ErrNotReady, the
// audio held for ReadAudio is dropped) but the socket stays open for
// Start. ErrNotReady without a socket.
func (c *Client) Stop(ctx context.Context) error {
	c.mu.Lock()
	conn := c.conn
	if conn == nil {
		c.mu.Unlock()
		return ErrNotReady
	}
	c.started, c.rate, c.speaking = false, 0, false
	c.mu.Unlock()
	c.audio.clear()
	return c.writeControl(ctx, conn, CmdStop, nil)
}

// Close makes a running Serve close its socket (with a close handshake)
// and return ErrClosed, and every later Serve fail with ErrClosed. It only
// signals: the goroutine that runs Serve is the caller's to join (the
// Client starts no goroutine outside Serve). It is idempotent, safe from
// any goroutine and from handlers.
func (c *Client) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}

func (c *Client) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

func (c *Client) writeControl(ctx context.Context, conn Conn, command string, data any) error {
	b, err := EncodeMessage(command, c.game, data)
	if err != nil {
		return err
	}
	if err := conn.WriteText(ctx, b); err != nil {
		return fmt.Errorf("voice: send %s: %w", command, err)
	}
	return nil
}

func (c *Client) unavailable(e *UnavailableError) error {
	c.log.Info("voice chat unavailable", zap.String("reason", e.Reason), zap.Int("status", e.StatusCode))
	if h := c.o.handlers.Unavailable; h != nil {
		c.call("unavailable", func() {
			h(events.VoiceUnavailableData{URL: e.URL, Reason: e.Reason, StatusCode: e.StatusCode})
		})
	}
	return e
}

// call runs a handler, recovering a panic.
func (c *Client) call(name string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("voice handler panicked", zap.String("handler", name), zap.Any("panic", p))
		}
	}()
	f()
}
