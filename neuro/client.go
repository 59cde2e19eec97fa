package neuro

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/transport"
)

// Handler receives what Neuro sends, once the Client has dealt with what it
// answers itself (actions/reregister_all, malformed and invalid actions,
// duplicate action ids). Its methods are called from the goroutine running
// Serve, one at a time: a method that blocks stops reading, so slow work
// belongs in another goroutine.
type Handler interface {
	// HandleAction is called for an action that passed validation: its
	// name is registered, its data matches the action's schema and its id
	// is not already waiting for a result. The handler must make sure
	// act.Reply is called exactly once, as soon as the action is validated
	// in game (Neuro waits about 20 seconds for it).
	HandleAction(ctx context.Context, act events.Action)
	// HandleMessage is called for every other message: StartupAck,
	// ShutdownGraceful, ShutdownImmediate and Unknown.
	HandleMessage(ctx context.Context, m Message)
}

// HandlerFuncs is a Handler made of two funcs. A nil Action answers every
// action with a failed result saying the game does not handle it; a nil
// Message ignores the other messages.
type HandlerFuncs struct {
	Action  func(ctx context.Context, act events.Action)
	Message func(ctx context.Context, m Message)
}

// HandleAction calls h.Action, or fails the action when it is nil.
func (h HandlerFuncs) HandleAction(ctx context.Context, act events.Action) {
	if h.Action == nil {
		_ = act.Reply(ctx, false, notHandledMessage(act.Name))
		return
	}
	h.Action(ctx, act)
}

// HandleMessage calls h.Message when it is set.
func (h HandlerFuncs) HandleMessage(ctx context.Context, m Message) {
	if h.Message != nil {
		h.Message(ctx, m)
	}
}

func notHandledMessage(name string) string {
	return fmt.Sprintf("the game does not handle action %q right now; try another action", name)
}

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
// Every method is safe for concurrent use. Sends are serialised by the
// Client so that the wire order is the order in which the calls took
// effect.
type Client struct {
	game     string
	gameJSON []byte
	log      *zap.Logger
	h        Handler
	bufMax   int

	// sendLock (capacity 1) serialises every state change that goes on the
	// wire together with its write, so the wire order matches the state.
	// It is a channel so that waiting for it honours a context.
	sendLock chan struct{}

	mu      sync.Mutex
	conn    transport.Conn
	gen     uint64
	reg     registry
	pending map[string]*pendingAction
	buf     []Context
	force   *forceSlot
	waiters []*forceWaiter
}

// NewClient returns a Client for the game called game (its display name,
// sent with every message; it must not be empty). h receives what Neuro
// sends; nil is HandlerFuncs{} (every action failed as not handled). Of
// the options, WithLogger and WithContextBuffer apply.
func NewClient(game string, h Handler, opts ...Option) (*Client, error) {
	return newClient(game, h, buildOptions(opts))
}

func newClient(game string, h Handler, o options) (*Client, error) {
	if strings.TrimSpace(game) == "" {
		return nil, &ValidationError{Subject: "game name", Problem: "must not be empty"}
	}
	if h == nil {
		h = HandlerFuncs{}
	}
	return &Client{
		game:     game,
		gameJSON: appendJSONString(nil, game),
		log:      o.logger,
		h:        h,
		bufMax:   o.contextBuffer,
		sendLock: make(chan struct{}, 1),
		pending:  make(map[string]*pendingAction),
	}, nil
}

// Game returns the game name given to NewClient.
func (c *Client) Game() string { return c.game }

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

// IsRegistered reports whether the action called name is registered.
func (c *Client) IsRegistered(name string) bool {
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
func (c *Client) write(ctx context.Context, conn transport.Conn, m Message) error {
	frame, err := EncodeGame(c.game, m)
	if err != nil {
		return err
	}
	return conn.Write(ctx, frame)
}

// errAttached is returned by Attach while another connection is attached.
var errAttached = errors.New("neuro: a connection is already attached")

// Attach binds conn to the client and sends startup, then every registered
// action, then the context buffered while disconnected. Nothing else is
// written on conn before these. It returns an error wrapping errAttached
// when a connection is attached already, and the first write error, in
// which case conn is detached again (it is never closed by the Client).
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
	acts := c.reg.actions()
	buf := c.buf
	c.buf = nil
	c.mu.Unlock()

	err := c.write(ctx, conn, Startup{})
	if err == nil && len(acts) > 0 {
		err = c.write(ctx, conn, RegisterActions{Actions: acts})
	}
	sent := 0
	for ; err == nil && sent < len(buf); sent++ {
		err = c.write(ctx, conn, buf[sent])
	}
	if err != nil {
		c.mu.Lock()
		// Keep what was not sent for the next connection.
		c.buf = append(buf[sent:len(buf):len(buf)], c.buf...)
		c.mu.Unlock()
		c.detach(gen)
		return err
	}
	return nil
}

// Detach unbinds the attached connection without closing it: the actions
// waiting for a result are forgotten (their results will be dropped) and
// the force in flight ends. It does nothing when no connection is
// attached. Serve detaches on its own when it returns.
func (c *Client) Detach() {
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	c.detach(gen)
}

func (c *Client) detach(gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil || c.gen != gen {
		return
	}
	c.conn = nil
	c.gen++
	clear(c.pending)
	if c.force != nil && c.force.sent {
		c.releaseForceLocked(c.force)
	}
}

// Serve reads the attached connection until reading fails, handling every
// frame: actions are validated and passed to the Handler, reregister_all
// is answered with the registry, other messages go to the Handler;
// malformed frames are logged (and a malformed action whose id is
// readable is answered with a failed result), and reading goes on. It
// returns the read error (a *transport.CloseError when the peer closed,
// transport.ErrClosed after a local close, ctx.Err() when ctx ended) after
// detaching the connection; it does not close it. It returns
// ErrNotConnected when no connection is attached.
func (c *Client) Serve(ctx context.Context) error {
	c.mu.Lock()
	conn, gen := c.conn, c.gen
	c.mu.Unlock()
	if conn == nil {
		return ErrNotConnected
	}
	defer c.detach(gen)
	for {
		frame, err := conn.Read(ctx)
		if err != nil {
			return err
		}
		c.dispatch(ctx, gen, frame)
	}
}

// dispatch handles one frame read on the connection of generation gen.
func (c *Client) dispatch(ctx context.Context, gen uint64, frame []byte) {
	if req, ok := decodeActionFast(frame); ok { // the usual frame, unboxed
		c.handleAction(ctx, gen, req)
		return
	}
	m, err := decodeServerSlow(frame)
	if err != nil {
		var de *DecodeError
		if errors.As(err, &de) && de.Command == CmdAction && de.ID != "" {
			c.log.Warn("malformed action; answering a failed result", zap.String("id", de.ID), zap.Error(err))
			c.fail(ctx, gen, de.ID, fmt.Sprintf("malformed action message: field %s: %v", de.Field, de.Err))
			return
		}
		c.log.Warn("ignoring a malformed frame", zap.Error(err), zap.ByteString("frame", truncate(frame, 200)))
		return
	}
	switch m := m.(type) {
	case ActionRequest:
		c.handleAction(ctx, gen, m)
	case ReregisterAll:
		if err := c.reregisterAll(ctx); err != nil {
			c.log.Warn("answering actions/reregister_all failed", zap.Error(err))
		}
	default:
		c.h.HandleMessage(ctx, m)
	}
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// handleAction validates an incoming action and passes it to the handler,
// or answers it with a failed result.
func (c *Client) handleAction(ctx context.Context, gen uint64, req ActionRequest) {
	c.mu.Lock()
	e, ok := c.reg.get(req.Name)
	if !ok {
		names := c.reg.names()
		c.mu.Unlock()
		c.log.Warn("action for an unregistered name; answering a failed result",
			zap.String("action", req.Name), zap.String("id", req.ID))
		c.fail(ctx, gen, req.ID, unknownActionMessage(req.Name, names))
		return
	}
	if _, dup := c.pending[req.ID]; dup {
		c.mu.Unlock()
		c.log.Warn("duplicate action id; answering a failed result",
			zap.String("action", req.Name), zap.String("id", req.ID))
		c.fail(ctx, gen, req.ID, fmt.Sprintf("action id %q is already being handled; wait for its result", req.ID))
		return
	}
	schema := e.schema
	p := &pendingAction{c: c, id: req.ID, name: req.Name, event: e.event, gen: gen}
	// Claim the id before checking the data, so that a duplicate arriving
	// meanwhile cannot slip through; a failed check answers through p.
	if c.gen == gen && c.conn != nil {
		c.pending[req.ID] = p
	}
	c.mu.Unlock()

	if schema != nil {
		if err := schema.Check(req.Data, req.HasData); err != nil {
			msg := err.Error()
			var de *DataError
			if errors.As(err, &de) {
				msg = de.Message
			}
			c.log.Info("action data does not match the schema; answering a failed result",
				zap.String("action", req.Name), zap.String("id", req.ID), zap.Error(err))
			if rerr := p.Reply(ctx, false, msg); rerr != nil {
				c.log.Warn("answering an invalid action failed", zap.String("id", req.ID), zap.Error(rerr))
			}
			return
		}
	}
	act := events.Action{ID: req.ID, Name: req.Name, Data: req.Data, Reply: p.Reply}
	if ph, ok := c.h.(pendingHandler); ok {
		ph.handlePending(ctx, act, p)
		return
	}
	c.h.HandleAction(ctx, act)
}

// pendingHandler is implemented by the Component's handler, which needs
// the pending action itself (to know whether it was answered).
type pendingHandler interface {
	handlePending(ctx context.Context, act events.Action, p *pendingAction)
}

func unknownActionMessage(name string, available []string) string {
	if len(available) == 0 {
		return fmt.Sprintf("unknown action %q; no actions are available right now", name)
	}
	return fmt.Sprintf("unknown action %q; available actions: %s", name, strings.Join(available, ", "))
}

// fail answers the action id of connection gen with a failed result that
// is not tracked as pending (the action never reached a handler).
func (c *Client) fail(ctx context.Context, gen uint64, id, message string) {
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	c.mu.Lock()
	conn := c.conn
	if c.gen != gen {
		conn = nil
	}
	c.mu.Unlock()
	if conn == nil {
		return
	}
	if err := conn.Write(ctx, appendResult(nil, c.gameJSON, id, false, message)); err != nil {
		c.log.Warn("sending a failed result failed", zap.String("id", id), zap.Error(err))
	}
}

// pendingAction is an action handed to the Handler and waiting for its
// result.
type pendingAction struct {
	c        *Client
	id, name string
	event    string // events.ActionEvent(name)
	gen      uint64
	answered bool // guarded by c.mu
}

// isAnswered reports whether Reply got through for p.
func (p *pendingAction) isAnswered() bool {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	return p.answered
}

// Reply sends the action's result; see events.Action.Reply. Only the first
// call is sent (later ones return an error wrapping ErrAlreadyAnswered);
// a failure needs a message. A result for an action received on a
// connection that has ended is dropped with a log and Reply returns nil:
// the server forgot that action. Once Reply got past ctx and validation
// the action counts as answered, even if the write fails.
func (p *pendingAction) Reply(ctx context.Context, success bool, message string) error {
	c := p.c
	if !success && strings.TrimSpace(message) == "" {
		return CheckResult(ActionResult{ID: p.id, Success: success, Message: message})
	}
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	if p.answered {
		c.mu.Unlock()
		return fmt.Errorf("%w: action %q (id %q)", ErrAlreadyAnswered, p.name, p.id)
	}
	p.answered = true
	conn := c.conn
	if p.gen != c.gen || conn == nil {
		c.mu.Unlock()
		c.log.Warn("dropping the result of an action received on a connection that has ended",
			zap.String("action", p.name), zap.String("id", p.id), zap.Bool("success", success))
		return nil
	}
	delete(c.pending, p.id)
	// The force state changes before the write, under the send lock: a
	// queued force still goes out after this result, and the state is
	// current by the time Neuro sees the result.
	c.resultSentLocked(p.name, success)
	c.mu.Unlock()
	return conn.Write(ctx, appendResult(nil, c.gameJSON, p.id, success, message))
}

// SendResult answers the pending action whose id is r.ID; it is the same
// as calling Reply on the events.Action the Handler received. It returns
// ErrNotConnected without a connection, an error wrapping
// ErrAlreadyAnswered when no action with that id is waiting for a result
// on the attached connection (answered already, never received, or
// received on a connection that has ended), and a *ValidationError for a
// failure without a message.
func (c *Client) SendResult(ctx context.Context, r ActionResult) error {
	if err := CheckResult(r); err != nil {
		return err
	}
	c.mu.Lock()
	p, connected := c.pending[r.ID], c.conn != nil
	c.mu.Unlock()
	if !connected {
		return ErrNotConnected
	}
	if p == nil {
		return fmt.Errorf("%w: no action with id %q is waiting for a result", ErrAlreadyAnswered, r.ID)
	}
	return p.Reply(ctx, r.Success, r.Message)
}

// reregisterAll answers actions/reregister_all: the whole registry in one
// actions/register message, or nothing when it is empty.
func (c *Client) reregisterAll(ctx context.Context) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	conn := c.conn
	var acts []Action
	if c.reg.len() > 0 {
		acts = c.reg.actions()
	}
	c.mu.Unlock()
	if conn == nil || len(acts) == 0 {
		return nil
	}
	return c.write(ctx, conn, RegisterActions{Actions: acts})
}

// Startup sends startup, which makes the server forget every action of the
// game: the Client forgets them too (Registered becomes empty) and the
// force in flight ends. A new connection sends startup on its own (see
// Attach), so games rarely need this. Without a connection it only clears
// the registry and returns nil.
func (c *Client) Startup(ctx context.Context) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	c.reg.reset()
	if c.force != nil {
		c.releaseForceLocked(c.force)
	}
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		return nil
	}
	return c.write(ctx, conn, Startup{})
}

// SendContext tells Neuro that something happened in game. With silent
// true the message is added to her memory without prompting her to
// react; with silent false she may comment on it. The message must not be
// empty. Without a connection it is buffered (see WithContextBuffer) and
// sent, in order, right after the registry when the next connection
// opens.
func (c *Client) SendContext(ctx context.Context, message string, silent bool) error {
	m := Context{Message: message, Silent: silent}
	if err := CheckContext(m); err != nil {
		return err
	}
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	conn := c.conn
	if conn == nil {
		defer c.mu.Unlock()
		return c.bufferLocked(m)
	}
	c.mu.Unlock()
	return c.write(ctx, conn, m)
}

func (c *Client) bufferLocked(m Context) error {
	if c.bufMax < 0 {
		return ErrNotConnected
	}
	if len(c.buf) >= c.bufMax {
		c.log.Warn("context buffer full while disconnected; dropping the oldest message",
			zap.String("dropped", c.buf[0].Message), zap.Int("size", c.bufMax))
		c.buf = append(c.buf[:0], c.buf[1:]...)
	}
	c.buf = append(c.buf, m)
	return nil
}

// RegisterActions registers actions: each is checked (name, schema; the
// poorly supported schema keywords are logged as warnings naming the
// action and keyword) and its schema compiled, all before anything is
// sent; an invalid action fails the whole call. Actions whose name is
// registered already are skipped, as the server would ignore them (with a
// warning when their definition differs: unregister first to change an
// action). The registry is updated whether or not a connection is
// attached, and the call returns nil once it is: without a connection, or
// when the write fails (the connection is dying; the error is logged), the
// registry goes out with the next connection. It fails only for invalid
// actions (nothing is registered then) or when ctx ends before the
// registry could be updated.
func (c *Client) RegisterActions(ctx context.Context, actions ...Action) error {
	entries, err := c.prepare(actions)
	if err != nil {
		return err
	}
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	added := c.addLocked(entries)
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil || len(added) == 0 {
		return nil
	}
	if err := c.write(ctx, conn, RegisterActions{Actions: added}); err != nil {
		c.log.Warn("sending actions/register failed; the registry goes out again with the next connection", zap.Error(err))
	}
	return nil
}

// prepare checks actions and compiles their schemas.
func (c *Client) prepare(actions []Action) ([]*registered, error) {
	warnings, err := CheckRegister(actions)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		c.log.Warn("schema keyword poorly supported by Neuro",
			zap.String("action", w.Action), zap.String("keyword", w.Keyword), zap.String("path", w.Path))
	}
	entries := make([]*registered, len(actions))
	for i, a := range actions {
		cs, err := CompileSchema(a) // its error names the action
		if err != nil {
			return nil, err
		}
		entries[i] = &registered{action: a, schema: cs, event: events.ActionEvent(a.Name)}
	}
	return entries, nil
}

// addLocked adds entries to the registry (the caller holds the send lock)
// and returns the actions that were not registered yet.
func (c *Client) addLocked(entries []*registered) []Action {
	c.mu.Lock()
	defer c.mu.Unlock()
	var added []Action
	for _, e := range entries {
		ok, differs := c.reg.add(e)
		switch {
		case ok:
			added = append(added, e.action)
		case differs:
			c.log.Warn("action already registered with another definition; keeping the registered one (unregister it first to change it)",
				zap.String("action", e.action.Name))
		}
	}
	return added
}

// UnregisterActions unregisters the named actions. Names that are not
// registered are skipped; when none is registered nothing is sent. A
// force whose actions are all unregistered ends (once the results of its
// pending actions are sent). As with RegisterActions, the registry is
// updated and the call returns nil with or without a connection (a write
// error is logged); it fails only when ctx ends first.
func (c *Client) UnregisterActions(ctx context.Context, names ...string) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	removed := c.reg.remove(names)
	c.checkForceOrphanedLocked()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil || len(removed) == 0 {
		return nil
	}
	if err := c.write(ctx, conn, UnregisterActions{ActionNames: removed}); err != nil {
		c.log.Warn("sending actions/unregister failed; the next connection starts without these actions", zap.Error(err))
	}
	return nil
}

// SendShutdownReady tells Neuro that progress is saved and the game may be
// killed (shutdown proposal). It returns ErrNotConnected without a
// connection.
func (c *Client) SendShutdownReady(ctx context.Context) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		return ErrNotConnected
	}
	return c.write(ctx, conn, ShutdownReady{})
}
