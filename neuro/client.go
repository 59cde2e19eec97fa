package neuro

import (
	"context"
	"errors"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// Client speaks the Neuro API for one game over one transport.Conn at a
// time. It keeps the registry of registered actions (replayed on every new
// connection and on actions/reregister_all), the actions waiting for a
// result, the force in flight and the context buffered while there is no
// connection.
//
// Connection lifecycle: Attach binds a connection and sends startup, the
// whole registry and the buffered context, in that order; Serve reads
// from it until it ends and then detaches it. Each attached connection
// gets a new generation: a result for an action received on an earlier
// connection is dropped with a log (the server forgot the action).
//
// While no connection is attached: RegisterActions and UnregisterActions
// update the registry and return nil (the registry is sent when the next
// connection opens); SendContext buffers the message (see
// WithContextBuffer); Force, SendResult and SendShutdownReady return
// ErrNotConnected.
//
// Every incoming action gets exactly one result: from the Receiver
// (act.Reply), or from the Client when the action is malformed, unknown, a
// duplicate, invalid, beyond WithMaxActions, or not answered within
// WithHandlerTimeout. A Client has no goroutine of its own besides the
// readers of Serve and the timers of WithHandlerTimeout, which Serve joins
// before it returns.
//
// Every method is safe for concurrent use. Sends are serialised by the
// Client so that the wire order is the order in which the calls took
// effect.
type Client struct {
	game   string
	enc    *wire.GameEncoder // the game name, encoded once
	log    *zap.Logger
	recv   Receiver
	bufMax int
	// clock times forces; reforceAfter is their default quiet time.
	clock        clock
	reforceAfter time.Duration

	// sendLock (capacity 1) serialises every state change that goes on the
	// wire together with its write, so the wire order matches the state.
	// It is a channel so that waiting for it honours a context.
	sendLock chan struct{}

	mu      sync.Mutex
	conn    transport.Conn
	gen     uint64
	reg     registry
	book    ledger // the actions waiting for their result
	buf     []wire.ContextMessage
	force   *forceSlot
	waiters []*forceWaiter
	talk    *utterance // what Neuro is saying; nil when she is not speaking
}

// NewClient returns a Client for the game called game (its display name,
// sent with every message; it must not be empty). r receives what Neuro
// sends; nil is ReceiverFuncs{} (every action failed as not handled).
func NewClient(game string, r Receiver, opts ...ClientOption) (*Client, error) {
	return newClient(game, r, buildOptions(opts))
}

func newClient(game string, r Receiver, o options) (*Client, error) {
	if strings.TrimSpace(game) == "" {
		return nil, &ValidationError{Subject: "game name", Problem: "must not be empty"}
	}
	if r == nil {
		r = ReceiverFuncs{}
	}
	c := &Client{
		game:     game,
		enc:      wire.NewGameEncoder(game),
		log:      o.logger,
		recv:     r,
		bufMax:   o.contextBuffer,
		clock:    o.clock,
		sendLock: make(chan struct{}, 1),

		reforceAfter: o.reforceAfter,
	}
	c.book = newLedger(c, o.maxActions, o.handlerTimeout)
	return c, nil
}

// Connected reports whether a connection is attached.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn != nil
}

// Registered returns the names of the registered actions, in registration
// order.
func (c *Client) Registered() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reg.names()
}

// hasAction reports whether the action called name is registered.
func (c *Client) hasAction(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reg.has(name)
}

// lock takes the send lock, or returns ctx.Err().
func (c *Client) lock(ctx context.Context) error {
	select {
	case c.sendLock <- struct{}{}:
		return nil
	default:
	}
	select {
	case c.sendLock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) unlock() { <-c.sendLock }

// write encodes m and writes it on conn.
func (c *Client) write(ctx context.Context, conn transport.Conn, m wire.Message) error {
	frame, err := c.enc.Append(nil, m)
	if err != nil {
		return err
	}
	return conn.Write(ctx, frame)
}

// Attach binds conn to the client and sends startup, then every registered
// action, then the context buffered while disconnected. Nothing else is
// written on conn before these. It returns an error when a connection is
// attached already, and the first write error, in which case conn is
// detached again (it is never closed by the Client) and the context
// messages that were not written, the failed one included, stay buffered
// for the next connection.
func (c *Client) Attach(ctx context.Context, conn transport.Conn) error {
	if conn == nil {
		return errors.New("neuro: Attach: nil connection")
	}
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	if c.conn != nil {
		c.mu.Unlock()
		return errAttached
	}
	c.gen++
	gen := c.gen
	c.conn = conn
	c.book.attached()
	acts := c.reg.actions()
	buf := c.buf
	c.buf = nil
	c.mu.Unlock()

	err := c.write(ctx, conn, wire.Startup{})
	if err == nil && len(acts) > 0 {
		err = c.write(ctx, conn, wire.RegisterActions{Actions: acts})
	}
	sent := 0
	for err == nil && sent < len(buf) {
		if err = c.write(ctx, conn, buf[sent]); err == nil {
			sent++
		}
	}
	if err != nil {
		c.mu.Lock()
		// Keep what was not sent, the failed message first, for the next
		// connection. Sends wait for the send lock, so nothing was
		// buffered meanwhile.
		c.buf = append(buf[sent:len(buf):len(buf)], c.buf...)
		c.mu.Unlock()
		c.detach(gen)
		return err
	}
	return nil
}

// detach unbinds the connection of generation gen without closing it: the
// actions waiting for a result are forgotten (their results will be
// dropped), their timeouts disarmed, and the force in flight ends. It
// does nothing when that connection is not attached any more.
func (c *Client) detach(gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil || c.gen != gen {
		return
	}
	c.conn = nil
	c.gen++
	c.book.forget()
	if c.force != nil && c.force.sent {
		c.releaseForceLocked(c.force)
	}
	c.speechLostLocked()
}

// Serve reads the attached connection until reading fails, handling every
// frame: actions are validated and passed to the Receiver, reregister_all
// is answered with the registry, other messages go to the Receiver;
// malformed frames are logged (and a malformed action whose id is
// readable is answered with a failed result), and reading goes on.
//
// Serve reads on goroutines of its own (see Receiver): the goroutine that
// reads an action hands reading to another and handles the action
// itself, so a slow ReceiveAction never stops reading. At most
// WithMaxActions + 1 of them run; Serve returns only once every one of
// them has returned, every ReceiveAction call included.
//
// It returns the read error (a *transport.CloseError when the peer
// closed, transport.ErrClosed after a local close, ctx.Err() when ctx
// ended) after detaching the connection and joining its goroutines and
// timeout callbacks. It does not close the connection, but ctx ending
// while a frame is awaited closes it without a close handshake, as
// transport.Conn.Read does: to end gracefully, Close the connection
// instead, and Serve returns transport.ErrClosed. It returns
// ErrNotConnected when no connection is attached.
func (c *Client) Serve(ctx context.Context) error {
	var wg sync.WaitGroup
	err := c.serve(ctx, &wg)
	wg.Wait()
	return err
}

// serve is Serve without joining the readers: it returns once reading
// ended and the connection is detached, while readers still in
// ReceiveAction finish; wg counts them, and whoever passed it joins it.
func (c *Client) serve(ctx context.Context, wg *sync.WaitGroup) error {
	c.mu.Lock()
	conn, gen, timers := c.conn, c.gen, c.book.timers
	c.mu.Unlock()
	if conn == nil {
		return ErrNotConnected
	}
	r := newReaders(c, conn, gen, ctx, wg)
	r.start()
	err := r.wait()
	c.detach(gen)
	timers.Wait() // the timeouts of this connection's actions
	return err
}

// dispatch handles one frame read by the leader of r. It reports whether
// the frame was an action the leader kept, once handOff let it.
func (c *Client) dispatch(r *readers, frame []byte, handOff func() bool) (kept bool) {
	ctx, gen := r.ctx, r.gen
	m, err := wire.DecodeServer(frame)
	if err != nil {
		var de *wire.DecodeError
		if errors.As(err, &de) && de.Command == wire.CmdAction && de.ID != "" {
			c.book.refuseMalformed(ctx, gen, de)
			return false
		}
		c.log.Warn("ignoring a malformed frame", zap.Error(err), zap.ByteString("frame", truncate(frame, 200)))
		return false
	}
	switch m := m.(type) {
	case wire.ActionRequest:
		return c.book.receive(ctx, gen, m, handOff)
	case wire.ReregisterAll:
		if err := c.reregisterAll(ctx); err != nil {
			c.log.Warn("answering actions/reregister_all failed", zap.Error(err))
		}
	case wire.SpeechFinished:
		c.heard(m) // Speaking is current by the time the Receiver hears it
		c.receiveMessage(ctx, m)
	default:
		c.receiveMessage(ctx, m)
	}
	return false
}

// receiveMessage hands m to the Receiver; a panic is logged, not spread.
func (c *Client) receiveMessage(ctx context.Context, m wire.Message) {
	defer func() {
		if v := recover(); v != nil {
			c.log.Error("message receiver panicked", zap.String("command", m.Command()),
				zap.Any("panic", v), zap.ByteString("stack", debug.Stack()))
		}
	}()
	c.recv.ReceiveMessage(ctx, m)
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// resultFrame encodes an action/result of this client's game.
func (c *Client) resultFrame(id string, success bool, message string) []byte {
	frame, _ := c.enc.Append(nil, ActionResult{ID: id, Success: success, Message: message}) // an ActionResult always encodes
	return frame
}
