package neuro

import (
	"context"
	"errors"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// Component is the Neuro API as a manager component: it owns a Client and
// its connection, turns what Neuro sends into manager events, and offers
// the action helpers (HandleAction, HandleTemporaryAction,
// HandleTemporaryGroup, Window).
//
// Lifecycle: add it to a manager, then raise events.Connect with the URL,
// call Connect, or call Serve. A connection run dials; on every connection
// it sends startup, then every registered action, then the context
// buffered while disconnected, and only then raises events.Connected
// (first connection of the run) or events.Reconnected. It reads in one
// goroutine at a time per connection, and runs each incoming action on
// the goroutine that read it, which first hands reading to another (at
// most WithMaxActions + 1 of them), so a slow handler never blocks
// reading and no goroutine hand-off delays an action. Stop closes the
// connection and joins every goroutine the component started.
//
// Events raised (payloads in package events): the lifecycle events
// Connected, Reconnected, ConnectFailed, Disconnected,
// StartupAcknowledged, ShutdownGraceful, ShutdownImmediate,
// SpeechFinished, UnknownCommand and ForceRepeated are delivered one at a
// time, in the order they happened,
// from one ordered queue per component, outside every lock: their
// handlers may call any method of the component, but a handler that
// blocks delays the lifecycle events after it (not actions, not
// reading), and must not wait for a later lifecycle event. The action
// events (ActionEvent(name), one per incoming action) are raised
// concurrently, each on the goroutine that read it, and the component
// waits for their handlers (with RaiseAndWait, in a supervised manager
// too) to make sure every action is answered exactly once.
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

	// stopCtx is cancelled by Stop: it ends runs, their dials and backoff
	// waits.
	stopCtx    context.Context
	stopCancel context.CancelFunc
	// hctx is given to handlers and the reader; it is cancelled when Stop
	// gives up waiting for them. It carries handlerKey.
	hctx    context.Context
	hcancel context.CancelFunc

	// wg counts every goroutine of the component: runs (Serve's caller
	// included), the lifecycle queue, the readers of its connections
	// (action handlers run on them). Add is called under mu by
	// transition (begin), or by a goroutine counted already.
	wg     sync.WaitGroup
	joined chan struct{} // closed once wg is done after Stop

	events     lifecycle
	eventNames sync.Map // action name → action event name

	mu sync.Mutex
	st status // see transition

	ownedMu sync.Mutex
	owned   map[string]manager.HandlerID // action handlers registered by the helpers
}

// handlerKey marks the contexts the component gives to handlers, so Stop
// called from one does not wait for itself.
type handlerKey struct{}

// NewComponent returns a Neuro component for the game called game (its
// display name; it must not be empty). Options: every ClientOption
// (WithLogger, WithContextBuffer, WithMaxActions, WithHandlerTimeout,
// WithReforceAfter),
// and WithDialer (default gorilla.Dialer()), WithName (default "neuro"),
// WithReconnect (default off).
func NewComponent(game string, opts ...Option) (*Component, error) {
	o := buildOptions(opts)
	if o.dialer == nil {
		o.dialer = gorilla.Dialer()
	}
	c := &Component{
		Base:   manager.NewBase(o.name),
		o:      o,
		log:    o.logger,
		joined: make(chan struct{}),
		st:     status{attempt: newAttempt(), changed: make(chan struct{})},
		owned:  make(map[string]manager.HandlerID),
	}
	c.events.c = c
	cl, err := newClient(game, receiver{c}, o)
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

// onConnect handles events.Connect. In a supervised manager the handler
// runs in the scope, so it is the connection run (Serve), which the scope
// owns; in the waiting form Raise waits for its handlers, so the run goes
// to a goroutine of the component.
func (c *Component) onConnect(ctx context.Context, ev manager.Event) error {
	url, err := manager.Payload[string](ev)
	if err != nil {
		return err
	}
	if c.HandlerScope() != nil {
		if err := c.Serve(ctx, url); !errors.Is(err, ErrStopped) {
			return err
		}
		return nil
	}
	_, err = c.start(url)
	return err
}

// Connect starts connecting to url in a goroutine of the component, as
// raising events.Connect does in a waiting manager, and waits until the
// first attempt resolved: it returns nil once connected and the dial
// error otherwise (with WithReconnect the component keeps trying in the
// background). When ctx ends first it returns ctx.Err() and the attempt
// goes on. It returns an error while the component is already connecting
// or connected, and ErrStopped after Stop.
func (c *Component) Connect(ctx context.Context, url string) error {
	a, err := c.start(url)
	if err != nil {
		return err
	}
	return a.wait(ctx)
}

// WaitConnected waits until the first connection attempt of the current
// (or next) run resolved: nil when it connected, the dial error when it
// failed, ErrStopped after Stop, ctx.Err() when ctx ends first.
func (c *Component) WaitConnected(ctx context.Context) error {
	return c.state().attempt.wait(ctx)
}

// Connected reports whether a connection is open and startup, the
// registry and the buffered context were sent on it.
func (c *Component) Connected() bool {
	return c.state().phase == connected
}

// Session returns the session Neuro sent in her acknowledgement of the
// current connection's startup, and false when she did not (yet).
func (c *Component) Session() (events.Session, bool) {
	st := c.state()
	return st.session, st.hasSession
}

// connChanged returns a channel closed at the next new connection.
func (c *Component) connChanged() <-chan struct{} {
	return c.state().changed
}

// Stop closes the connection with code (0 means 1000, normal closure) and
// reason, stops reconnecting (waking a backoff wait at once), and waits
// for every goroutine the component started, in-flight action handlers
// and lifecycle handlers included, and for a running Serve, to return. If
// ctx ends first, it cancels the handlers' context, drops the connection
// without a handshake and returns ctx.Err() without waiting further. Stop
// raises events.Disconnected (with code and reason, Err nil) when a
// connection was open.
//
// Stop is idempotent: later calls wait the same way and return nil. After
// Stop, Connect and Serve return ErrStopped. Called with a context the
// component gave to a handler (or one derived from it), Stop only signals
// and returns, since waiting would wait for that handler itself.
func (c *Component) Stop(ctx context.Context, code int, reason string) error {
	if code == 0 {
		code = transport.CloseNormal
	}
	before, _, _ := c.transition(step{kind: stop, code: code, reason: reason})
	if before.phase < stopping {
		c.stopCancel() // the run closes its connection with code and reason
		go c.join()
	}
	if ctx.Value(handlerKey{}) == c {
		return nil
	}
	select {
	case <-c.joined:
		return nil
	case <-ctx.Done():
		c.hcancel()
		if conn := c.state().conn; conn != nil {
			_ = conn.CloseNow()
		}
		return ctx.Err()
	}
}

// join waits for every goroutine of the component, then marks it stopped.
// Stop starts it once; it is the only goroutine outside c.wg, and ends
// with it.
func (c *Component) join() {
	c.wg.Wait()
	c.transition(step{kind: joined})
	close(c.joined)
}

// ---- game-facing sends (see Client for the rules) ----

// SendContext tells Neuro that something happened in game. With silent
// true it only goes into her memory; with silent false she may react to
// it. While disconnected it is buffered (WithContextBuffer; an error
// wrapping ErrContextDropped says an older message had to go).
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
// flight. The force is in flight until a success for one of its actions,
// until its actions are gone, until its connection ends, or until Neuro
// has been quiet on it for the WithReforceAfter time (she gives a force
// up silently); Force never sends it again, Window does.
func (c *Component) Force(ctx context.Context, f ForceActions) error {
	return c.client.Force(ctx, f)
}

// ForceQueued is Force, waiting its turn behind the force in flight; see
// Client.ForceQueued. The wait is bounded while connected: the force in
// flight ends at the latest once Neuro has been quiet on it for the
// WithReforceAfter time.
func (c *Component) ForceQueued(ctx context.Context, f ForceActions) error {
	return c.client.ForceQueued(ctx, f)
}

// forceInFlight reports whether a force of this component is in flight.
func (c *Component) forceInFlight() bool { return c.client.forceInFlight() }

// SendResult answers a pending action by id; see Client.SendResult.
// Handlers normally call events.Action.Reply instead.
func (c *Component) SendResult(ctx context.Context, r ActionResult) error {
	return c.client.SendResult(ctx, r)
}

// SendShutdownReady tells Neuro the game saved and may be killed.
func (c *Component) SendShutdownReady(ctx context.Context) error {
	return c.client.SendShutdownReady(ctx)
}
