package neuro

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// ErrHandlerTimeout is the cause (context.Cause) of the cancellation of
// an action handler's context when the handler timeout passed (see
// WithHandlerTimeout). It wraps context.DeadlineExceeded.
var ErrHandlerTimeout = fmt.Errorf("neuro: action handler timed out: %w", context.DeadlineExceeded)

// errRunning is returned by Connect while the component is connecting or
// connected.
var errRunning = errors.New("neuro: already connecting or connected")

// Component is the Neuro API as a manager component: it owns a Client and
// its connection, turns what Neuro sends into manager events, and offers
// the action helpers (HandleAction, HandleTemporaryAction,
// HandleTemporaryGroup, Window).
//
// Lifecycle: add it to a manager, then raise events.Connect with the URL
// (or call Connect). The component dials in a goroutine it owns; on every
// connection it sends startup, then every registered action, then the
// context buffered while disconnected, and only then raises
// events.Connected (first connection) or events.Reconnected. It reads in
// one goroutine per connection and runs each incoming action in its own
// goroutine, so a slow handler never blocks reading. Stop closes the
// connection and joins every goroutine the component started.
//
// Events raised (payloads in package events): Connected, Reconnected,
// ConnectFailed, Disconnected, StartupAcknowledged, ShutdownGraceful,
// ShutdownImmediate, UnknownCommand, and ActionEvent(name) per incoming
// action. ConnectFailed and Disconnected are raised from the connection
// goroutine, in order with the reconnect attempts, and the component
// waits for their handlers (waiting-form manager): those handlers must
// not wait for a new connection. Stop with the handler's own context is
// fine. Every other event is raised from a goroutine of its own, so its
// handlers may call any method, and block.
//
// While disconnected (see Client): registering and unregistering update
// the registry and return nil, context is buffered, and Force, SendResult
// and SendShutdownReady return ErrNotConnected.
//
// Every method is safe for concurrent use.
type Component struct {
	manager.Base

	client *Client
	o      options
	log    *zap.Logger

	// stopCtx is cancelled by Stop: it ends dials and backoff waits.
	stopCtx    context.Context
	stopCancel context.CancelFunc
	// hctx is given to handlers and the reader; it is cancelled when Stop
	// gives up waiting for them. It carries handlerKey.
	hctx    context.Context
	hcancel context.CancelFunc

	wg     sync.WaitGroup // every goroutine the component started
	joined chan struct{}  // closed once wg is done after Stop

	// Actions run on worker goroutines of the component, never on the
	// reader. A worker that finished waits on work for the next action
	// (at most maxIdleWorkers wait; the others return), so a round trip
	// reuses a goroutine whose stack has grown instead of starting one.
	// Waiting workers return when Stop begins.
	work        chan actionJob // unbuffered
	idleWorkers atomic.Int32

	mu         sync.Mutex
	stopping   bool
	stopCode   int
	stopReason string
	running    bool           // a connection run is active
	conn       transport.Conn // the connection being set up or served
	up         bool           // conn is attached and startup went out
	attempt    *attempt       // first attempt of the current or next run
	newConn    chan struct{}  // closed (and replaced) at every new connection
	session    events.Session
	hasSession bool
	owned      map[string]manager.HandlerID // action handlers registered by the helpers
}

// attempt is the outcome of a run's first connection attempt.
type attempt struct {
	done chan struct{}
	err  error
}

func newAttempt() *attempt { return &attempt{done: make(chan struct{})} }

// handlerKey marks the contexts the component gives to handlers, so Stop
// called from one does not wait for itself.
type handlerKey struct{}

// NewComponent returns a Neuro component for the game called game (its
// display name; it must not be empty). Options: WithLogger, WithDialer
// (default gorilla.Dialer()), WithName (default "neuro"), WithReconnect
// (default off), WithHandlerTimeout (default off), WithContextBuffer
// (default 32).
func NewComponent(game string, opts ...Option) (*Component, error) {
	o := buildOptions(opts)
	if o.dialer == nil {
		o.dialer = gorilla.Dialer()
	}
	c := &Component{
		Base:    manager.NewBase(o.name),
		o:       o,
		log:     o.logger,
		joined:  make(chan struct{}),
		attempt: newAttempt(),
		newConn: make(chan struct{}),
		owned:   make(map[string]manager.HandlerID),
		work:    make(chan actionJob),
	}
	cl, err := newClient(game, componentHandler{c}, o)
	if err != nil {
		return nil, err
	}
	c.client = cl
	c.stopCtx, c.stopCancel = context.WithCancel(context.Background())
	c.hctx, c.hcancel = context.WithCancel(context.WithValue(context.Background(), handlerKey{}, c))
	return c, nil
}

// BindHandlers registers the component's handler for events.Connect; the
// manager calls it on Add.
func (c *Component) BindHandlers() error {
	_, err := c.RegisterHandler(events.Connect, c.onConnect)
	return err
}

func (c *Component) onConnect(_ context.Context, ev manager.Event) error {
	url, err := manager.Payload[string](ev)
	if err != nil {
		return err
	}
	_, err = c.start(url)
	return err
}

// Connect starts connecting to url, as raising events.Connect does, and
// waits until the first attempt resolved: it returns nil once connected
// and the dial error otherwise (with WithReconnect the component keeps
// trying in the background). When ctx ends first it returns ctx.Err() and
// the attempt goes on. It returns an error while the component is already
// connecting or connected, and ErrStopped after Stop.
func (c *Component) Connect(ctx context.Context, url string) error {
	a, err := c.start(url)
	if err != nil {
		return err
	}
	return a.wait(ctx)
}

func (a *attempt) wait(ctx context.Context) error {
	select {
	case <-a.done:
		return a.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// start starts a connection run in a goroutine of the component.
func (c *Component) start(url string) (*attempt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.stopping:
		return nil, ErrStopped
	case c.running:
		return nil, errRunning
	}
	c.running = true
	select {
	case <-c.attempt.done:
		c.attempt = newAttempt()
	default:
	}
	a := c.attempt
	c.wg.Add(1)
	go c.run(url, a)
	return a, nil
}

// resolve settles the first attempt of a run, once.
func (c *Component) resolve(a *attempt, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-a.done:
	default:
		a.err = err
		close(a.done)
	}
}

// WaitConnected waits until the first connection attempt of the current
// (or next) run resolved: nil when it connected, the dial error when it
// failed, ErrStopped after Stop, ctx.Err() when ctx ends first.
func (c *Component) WaitConnected(ctx context.Context) error {
	c.mu.Lock()
	a := c.attempt
	c.mu.Unlock()
	return a.wait(ctx)
}

// Connected reports whether a connection is open and startup was sent on
// it.
func (c *Component) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.up
}

// NotConnected is !Connected, the original's "not connected?" question.
func (c *Component) NotConnected() bool { return !c.Connected() }

// Session returns the session Neuro sent in her acknowledgement of the
// current connection's startup, and false when she did not (yet).
func (c *Component) Session() (events.Session, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session, c.hasSession
}

// run dials url and serves connections until the component stops, the
// connection ends without reconnect, or reconnecting gives up.
func (c *Component) run(url string, first *attempt) {
	defer c.wg.Done()
	// finish lets the game connect again; it runs before the last event
	// of the run, so that a handler of that event may call Connect.
	finished := false
	finish := func() {
		if !finished {
			finished = true
			c.mu.Lock()
			c.running = false
			c.mu.Unlock()
		}
	}
	defer finish()
	var (
		policy    = c.o.reconnect
		connected bool      // a connection of this run was served
		downSince time.Time // when the last connection dropped
		attempts  int       // dials that failed in a row, plus the current one
		delays    interface{ NextBackOff() time.Duration }
	)
	if policy != nil {
		delays = policy.backoff()
	}
	for {
		attempts++
		conn, err := c.o.dialer(c.stopCtx, url)
		if err == nil {
			err = c.setUp(conn)
		}
		if err != nil {
			if c.isStopping() {
				c.resolve(first, ErrStopped)
				return
			}
			c.log.Warn("connecting to Neuro failed", zap.String("url", url), zap.Int("attempt", attempts), zap.Error(err))
			failed := events.ConnectFailedData{URL: url, Err: err, Attempts: attempts}
			if policy == nil || policy.exhausted(attempts) {
				c.resolve(first, err)
				finish()
				c.raise(events.ConnectFailed, failed)
				return
			}
			if !connected && attempts == 1 {
				c.resolve(first, err) // WaitConnected reports it; retries go on
				c.raise(events.ConnectFailed, failed)
			}
			if !c.sleep(delays.NextBackOff()) {
				c.resolve(first, ErrStopped)
				return
			}
			continue
		}

		// Attached: startup, registry and buffered context are out.
		c.resolve(first, nil)
		if !connected {
			c.goRaise(events.Connected, events.ConnectedData{URL: url})
		} else {
			c.goRaise(events.Reconnected, events.ReconnectedData{URL: url, Attempt: attempts, Downtime: time.Since(downSince)})
		}
		connected = true

		readErr := c.client.Serve(c.hctx)

		c.mu.Lock()
		c.conn, c.up = nil, false
		stopping, code, reason := c.stopping, c.stopCode, c.stopReason
		c.mu.Unlock()
		if !stopping {
			_ = conn.CloseNow() // release it; Stop closes it with its handshake otherwise
		}
		willReconnect := policy != nil && !stopping
		d := events.DisconnectedData{URL: url, Code: code, Reason: reason, WillReconnect: willReconnect}
		if !stopping {
			d.Err = readErr
			var ok bool
			if d.Code, d.Reason, ok = transport.CloseCode(readErr); !ok {
				d.Code, d.Reason = transport.CloseAbnormal, ""
			}
			c.log.Warn("connection to Neuro lost", zap.String("url", url), zap.Int("code", d.Code),
				zap.String("reason", d.Reason), zap.Bool("will_reconnect", willReconnect), zap.Error(readErr))
		}
		if !willReconnect {
			finish()
			c.raise(events.Disconnected, d)
			return
		}
		c.raise(events.Disconnected, d)
		downSince = time.Now()
		attempts = 0
		delays = policy.backoff()
		if !c.sleep(delays.NextBackOff()) {
			return
		}
	}
}

// setUp attaches a freshly dialled conn: startup, registry, buffered
// context. On failure conn is closed.
func (c *Component) setUp(conn transport.Conn) error {
	c.mu.Lock()
	if c.stopping {
		code, reason := c.stopCode, c.stopReason
		c.mu.Unlock()
		_ = conn.Close(code, reason)
		return ErrStopped
	}
	c.conn = conn
	c.hasSession = false
	c.mu.Unlock()
	if err := c.client.Attach(c.hctx, conn); err != nil {
		c.mu.Lock()
		c.conn = nil
		c.mu.Unlock()
		_ = conn.CloseNow()
		return fmt.Errorf("neuro: sending startup: %w", err)
	}
	c.mu.Lock()
	c.up = true
	close(c.newConn)
	c.newConn = make(chan struct{})
	c.mu.Unlock()
	return nil
}

func (c *Component) isStopping() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopping
}

// connChanged returns a channel closed at the next new connection.
func (c *Component) connChanged() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.newConn
}

// raise raises an event and waits for its handlers; errors are logged.
func (c *Component) raise(name string, data any) {
	if err := c.Raise(c.hctx, manager.NewEvent(name, data)); err != nil {
		if errors.Is(err, manager.ErrUnbound) {
			c.log.Debug("event not raised: component not in a manager", zap.String("event", name))
			return
		}
		c.log.Error("event handler failed", zap.String("event", name), zap.Error(err))
	}
}

// goRaise raises an event from a new goroutine of the component. It must
// be called from a goroutine the component owns (so wg is not zero).
func (c *Component) goRaise(name string, data any) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.raise(name, data)
	}()
}

// Stop closes the connection with code (0 means 1000, normal closure) and
// reason, stops reconnecting (waking a backoff wait at once), and waits
// for every goroutine the component started, in-flight action handlers
// included, to return. If ctx ends first, it cancels the handlers'
// context, drops the connection without a handshake and returns
// ctx.Err() without waiting further. Stop raises events.Disconnected
// (with code and reason, Err nil) when a connection was open.
//
// Stop is idempotent: later calls wait the same way and return nil. After
// Stop, Connect returns ErrStopped. Called with a context the component
// gave to a handler (or one derived from it), Stop only signals and
// returns, since waiting would wait for that handler itself.
func (c *Component) Stop(ctx context.Context, code int, reason string) error {
	if code == 0 {
		code = transport.CloseNormal
	}
	c.mu.Lock()
	first := !c.stopping
	if first {
		c.stopping, c.stopCode, c.stopReason = true, code, reason
	}
	conn := c.conn
	a := c.attempt
	c.mu.Unlock()
	if first {
		c.stopCancel()
		c.resolve(a, ErrStopped)
		if conn != nil {
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				_ = conn.Close(code, reason)
			}()
		}
		go func() {
			c.wg.Wait()
			close(c.joined)
		}()
	}
	if ctx.Value(handlerKey{}) == c {
		return nil
	}
	select {
	case <-c.joined:
		return nil
	case <-ctx.Done():
		c.hcancel()
		if conn != nil {
			_ = conn.CloseNow()
		}
		return ctx.Err()
	}
}

// ---- game-facing sends (see Client for the rules) ----

// SendContext tells Neuro that something happened in game. With silent
// true it only goes into her memory; with silent false she may react to
// it. While disconnected it is buffered (WithContextBuffer).
func (c *Component) SendContext(ctx context.Context, message string, silent bool) error {
	return c.client.SendContext(ctx, message, silent)
}

// RegisterActions registers actions without a handler in the manager; see
// Client.RegisterActions. Games normally use HandleAction instead, or
// subscribe to events.ActionEvent(name) themselves and call Reply.
func (c *Component) RegisterActions(ctx context.Context, actions ...Action) error {
	return c.client.RegisterActions(ctx, actions...)
}

// UnregisterActions unregisters the named actions on the server and
// removes the manager handlers this component registered for them
// (HandleAction and friends); handlers of other components stay.
func (c *Component) UnregisterActions(ctx context.Context, names ...string) error {
	// Handlers first: once the message is on the wire, they are gone.
	c.dropOwned(names)
	return c.client.UnregisterActions(ctx, names...)
}

// Registered returns the names of the registered actions, in order.
func (c *Component) Registered() []string { return c.client.Registered() }

// Force makes Neuro pick one of f.ActionNames; see Client.Force. It
// returns ErrForceInFlight while another force of this component is in
// flight.
func (c *Component) Force(ctx context.Context, f ForceActions) error {
	return c.client.Force(ctx, f)
}

// ForceQueued is Force, waiting its turn behind the force in flight; see
// Client.ForceQueued.
func (c *Component) ForceQueued(ctx context.Context, f ForceActions) error {
	return c.client.ForceQueued(ctx, f)
}

// ForceInFlight reports whether a force of this component is in flight.
func (c *Component) ForceInFlight() bool { return c.client.ForceInFlight() }

// SendResult answers a pending action by id; see Client.SendResult.
// Handlers normally call events.Action.Reply instead.
func (c *Component) SendResult(ctx context.Context, r ActionResult) error {
	return c.client.SendResult(ctx, r)
}

// SendShutdownReady tells Neuro the game saved and may be killed.
func (c *Component) SendShutdownReady(ctx context.Context) error {
	return c.client.SendShutdownReady(ctx)
}

// ---- incoming ----

// componentHandler is the Client's Handler for a Component.
type componentHandler struct{ c *Component }

// HandleAction is not used: the Client calls handlePending.
func (h componentHandler) HandleAction(ctx context.Context, act events.Action) {
	h.handlePending(ctx, act, nil)
}

// handlePending runs the action on a waiting worker of the component, or
// on a new one; never on the caller (the reader).
func (h componentHandler) handlePending(_ context.Context, act events.Action, p *pendingAction) {
	c := h.c
	select {
	case c.work <- actionJob{act: act, p: p}:
		return
	default:
	}
	c.wg.Add(1)
	go c.worker(act, p)
}

// actionJob is one validated action for a worker.
type actionJob struct {
	act events.Action
	p   *pendingAction
}

// maxIdleWorkers bounds the workers of a component waiting for an action.
const maxIdleWorkers = 2

// worker runs act, then the actions handed to it while it waits, until
// enough workers wait already or Stop begins.
func (c *Component) worker(act events.Action, p *pendingAction) {
	defer c.wg.Done()
	for {
		c.runAction(act, p)
		if c.idleWorkers.Add(1) > maxIdleWorkers {
			c.idleWorkers.Add(-1)
			return
		}
		select {
		case j := <-c.work:
			c.idleWorkers.Add(-1)
			act, p = j.act, j.p
		case <-c.stopCtx.Done():
			c.idleWorkers.Add(-1)
			return
		}
	}
}

// HandleMessage turns the other server messages into events.
func (h componentHandler) HandleMessage(ctx context.Context, m Message) {
	c := h.c
	switch m := m.(type) {
	case StartupAck:
		c.mu.Lock()
		c.session, c.hasSession = events.Session(m.Session), true
		c.mu.Unlock()
		c.goRaise(events.StartupAcknowledged, events.Session(m.Session))
	case ShutdownGraceful:
		if c.hasHandler(events.ShutdownGraceful) {
			c.goRaise(events.ShutdownGraceful, events.ShutdownGracefulData{WantsShutdown: m.WantsShutdown})
		} else if m.WantsShutdown {
			c.answerShutdown(ctx)
		}
	case ShutdownImmediate:
		if c.hasHandler(events.ShutdownImmediate) {
			c.goRaise(events.ShutdownImmediate, events.ShutdownImmediateData{})
		} else {
			c.answerShutdown(ctx)
		}
	case Unknown:
		c.log.Warn("unknown command from Neuro", zap.String("command", m.Cmd), zap.ByteString("data", truncate(m.Data, 200)))
		c.goRaise(events.UnknownCommand, events.UnknownCommandData{Command: m.Cmd, Data: m.Data})
	default:
		c.log.Warn("unexpected message from Neuro", zap.String("command", m.Command()))
	}
}

// answerShutdown answers a shutdown request nobody handles, as the
// original does: there is nothing to save, so the game is ready.
func (c *Component) answerShutdown(ctx context.Context) {
	if err := c.client.SendShutdownReady(ctx); err != nil {
		c.log.Warn("answering shutdown/ready failed", zap.Error(err))
	}
}

// hasHandler reports whether the component's manager, or one of its
// child managers (which Raise reaches too), has a handler for event.
func (c *Component) hasHandler(event string) bool {
	if c.HasHandler(event) {
		return true
	}
	m, err := c.Manager()
	return err == nil && childHasHandler(m, event)
}

func childHasHandler(m *manager.Manager, event string) bool {
	for _, name := range m.ComponentNames() {
		comp, err := m.Component(name)
		if err != nil {
			continue
		}
		if child, ok := comp.(*manager.Manager); ok && (child.HasHandler(event) || childHasHandler(child, event)) {
			return true
		}
	}
	return false
}

// inSupervisedManager reports whether the component's manager (or an
// ancestor) starts handlers in a scope: Raise then returns before the
// handlers ran.
func (c *Component) inSupervisedManager() bool {
	m, err := c.Manager()
	if err != nil {
		return false
	}
	for ; m != nil; m = m.Parent() {
		if m.Scope() != nil {
			return true
		}
	}
	return false
}

const internalErrorMessage = "internal error in the game while handling this action; try again or choose another action"

// runAction raises the event of one validated action and makes sure it
// is answered exactly once.
func (c *Component) runAction(act events.Action, p *pendingAction) {
	ctx := c.hctx
	if d := c.o.handlerTimeout; d > 0 {
		// The failed result goes out first, then the handler's context is
		// cancelled: a handler that gives up on ctx cannot answer before
		// the timeout's result.
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
		fired := make(chan struct{})
		t := time.AfterFunc(d, func() {
			defer close(fired)
			err := act.Reply(c.hctx, false, fmt.Sprintf("the game took longer than %s to handle action %q; try again", d, act.Name))
			if err == nil {
				c.log.Warn("action handler timed out; answered a failed result",
					zap.String("action", act.Name), zap.String("id", act.ID), zap.Duration("timeout", d))
			}
			cancel(ErrHandlerTimeout)
		})
		defer func() {
			if !t.Stop() {
				<-fired
			}
		}()
	}
	var event string
	if p != nil {
		event = p.event // computed at registration
	} else {
		event = events.ActionEvent(act.Name)
	}
	if !c.hasHandler(event) {
		c.log.Warn("action without a handler; answering a failed result", zap.String("action", act.Name), zap.String("id", act.ID))
		c.reply(ctx, act, false, c.unansweredMessage(act.Name, notHandledMessage(act.Name)))
		return
	}
	err := c.raiseAction(ctx, event, act)
	if err != nil {
		c.log.Error("action handler failed", zap.String("action", act.Name), zap.String("id", act.ID), zap.Error(err))
		c.reply(ctx, act, false, internalErrorMessage)
		return
	}
	if p != nil && p.isAnswered() {
		return // the usual case, checked first: no message to build
	}
	if c.inSupervisedManager() {
		return // the handlers run in the scope; they answer, or the timeout does
	}
	// Every handler returned nil. If none of them answered (or none ran:
	// the handlers were removed after the check above, when a one-shot
	// group closed), the action fails: a success is never claimed for
	// the game. When a handler did answer this is a no-op.
	msg := c.unansweredMessage(act.Name, fmt.Sprintf("the game did not answer action %q; try again", act.Name))
	if err := act.Reply(c.replyCtx(ctx), false, msg); err == nil {
		c.log.Warn("action handlers returned without replying; answered a failed result",
			zap.String("action", act.Name), zap.String("id", act.ID))
	} else if !errors.Is(err, ErrAlreadyAnswered) {
		c.log.Warn("sending an action result failed", zap.String("action", act.Name), zap.String("id", act.ID), zap.Error(err))
	}
}

// unansweredMessage is the failure message for an action that reached no
// handler: msg, unless the action was unregistered meanwhile (a one-shot
// action or group that closed), which Neuro is told instead.
func (c *Component) unansweredMessage(name, msg string) string {
	if !c.client.IsRegistered(name) {
		return closedMessage(name)
	}
	return msg
}

// replyCtx is ctx, or the handlers' context when ctx has ended (a timed
// out handler context must not stop the answer).
func (c *Component) replyCtx(ctx context.Context) context.Context {
	if ctx.Err() != nil {
		return c.hctx
	}
	return ctx
}

// raiseAction raises the action event, turning a panic into an error.
func (c *Component) raiseAction(ctx context.Context, event string, act events.Action) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("neuro: panic while raising %q: %v", event, v)
		}
	}()
	return c.Raise(ctx, manager.NewEvent(event, act))
}

// reply answers act unless it was answered; other errors are logged.
func (c *Component) reply(ctx context.Context, act events.Action, success bool, message string) {
	err := act.Reply(c.replyCtx(ctx), success, message)
	if err != nil && !errors.Is(err, ErrAlreadyAnswered) {
		c.log.Warn("sending an action result failed", zap.String("action", act.Name), zap.String("id", act.ID), zap.Error(err))
	}
}
