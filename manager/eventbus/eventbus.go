package eventbus

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	EventBus "github.com/asaskevich/EventBus"
	"go.uber.org/zap"

	"github.com/neurokit/neurokit/manager"
)

// Errors returned by the bridge.
var (
	// ErrInvalid is returned for a nil bus, target or an empty topic, and
	// for a bus whose dynamic type is not comparable (the bridge keys its
	// subscriptions by bus; use a pointer, as EventBus.New returns).
	ErrInvalid = errors.New("eventbus: invalid argument")
)

// Forwarder is a manager component that publishes chosen events on a bus
// topic: when added to a Manager it registers a handler for each event
// name, and each handler calls bus.Publish(topic, ev) with the
// manager.Event. Remove it from the Manager to stop forwarding. It is
// safe for concurrent use.
type Forwarder struct {
	manager.Base
	bus    EventBus.BusPublisher
	topic  string
	events []string
}

// NewForwarder returns a Forwarder component called name that forwards
// the events named events to topic on bus.
func NewForwarder(name string, bus EventBus.BusPublisher, topic string, events ...string) *Forwarder {
	return &Forwarder{Base: manager.NewBase(name), bus: bus, topic: topic, events: slices.Clone(events)}
}

// BindHandlers registers the forwarding handlers; Manager.Add calls it.
func (f *Forwarder) BindHandlers() error {
	if isNil(f.bus) || f.topic == "" {
		return fmt.Errorf("%w: forwarder %q needs a bus and a topic", ErrInvalid, f.Name())
	}
	hs := make(map[string]manager.Handler, len(f.events))
	for _, e := range f.events {
		hs[e] = f.forward
	}
	_, err := f.RegisterHandlers(hs)
	return err
}

func (f *Forwarder) forward(_ context.Context, ev manager.Event) error {
	f.bus.Publish(f.topic, ev)
	return nil
}

// Raiser is what a Subscription raises into: a *manager.Manager, or any
// component (its *manager.Base raises in its manager).
type Raiser interface {
	Raise(ctx context.Context, ev manager.Event) error
}

// Option configures Subscribe.
type Option interface{ apply(*options) }

type options struct {
	event   string      // defaults to "": see WithEvent
	logger  *zap.Logger // defaults to zap.NewNop()
	onError func(error) // defaults to nil: errors are logged
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

// WithEvent sets the name of the raised event. By default a publication of
// a single manager.Event keeps its own name, and any other publication is
// raised under the topic's name.
func WithEvent(name string) Option {
	return optionFunc(func(o *options) { o.event = name })
}

// WithLogger sets the logger for raise errors (at error level) when no
// WithErrorHandler is given. Defaults to zap.NewNop(); nil keeps it.
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(o *options) {
		if l != nil {
			o.logger = l
		}
	})
}

// WithErrorHandler sets a function that receives the non-nil error of
// every raise, instead of logging it. It is called from bus goroutines,
// possibly concurrently.
func WithErrorHandler(fn func(error)) Option {
	return optionFunc(func(o *options) { o.onError = fn })
}

// Subscription raises the publications of a bus topic into a Raiser. Close
// it when done; its methods are safe for concurrent use.
type Subscription struct {
	bus    EventBus.BusSubscriber
	topic  string
	target Raiser
	opts   options
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	closed   bool
	closeErr error
	inflight sync.WaitGroup // raises under way; Add only under mu while open
}

// Subscribe raises every publication on topic into target, until Close or
// until ctx is done (after which publications are dropped; Close is still
// needed to unsubscribe).
//
// The raised event's payload is the publication's only argument, nil for
// none, or a []any of all of them; a single manager.Event (what a
// Forwarder publishes) contributes its Data, Level and, without
// WithEvent, its Name. Raises use a context derived from ctx that Close
// cancels. Raise errors go to WithErrorHandler or are logged.
func Subscribe(ctx context.Context, bus EventBus.BusSubscriber, topic string, target Raiser, opts ...Option) (*Subscription, error) {
	if isNil(bus) || topic == "" || isNil(target) {
		return nil, fmt.Errorf("%w: Subscribe needs a bus, a topic and a target", ErrInvalid)
	}
	if !reflect.TypeOf(bus).Comparable() {
		return nil, fmt.Errorf("%w: bus type %T is not comparable", ErrInvalid, bus)
	}
	o := options{logger: zap.NewNop()}
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&o)
		}
	}
	s := &Subscription{bus: bus, topic: topic, target: target, opts: o}
	s.ctx, s.cancel = context.WithCancel(ctx)
	if err := registry.add(s); err != nil {
		s.cancel()
		return nil, err
	}
	return s, nil
}

// Close unsubscribes, cancels the context of raises in flight and waits
// for them to return. It is idempotent; it returns the error of
// unsubscribing from the bus, if any.
func (s *Subscription) Close() error {
	s.mu.Lock()
	if s.closed {
		err := s.closeErr
		s.mu.Unlock()
		return err
	}
	s.closed = true
	s.mu.Unlock()

	err := registry.remove(s)
	s.cancel()
	s.inflight.Wait()

	s.mu.Lock()
	s.closeErr = err
	s.mu.Unlock()
	return err
}

// deliver raises one publication; it runs in a bus goroutine.
func (s *Subscription) deliver(args []any) {
	s.mu.Lock()
	if s.closed || s.ctx.Err() != nil {
		s.mu.Unlock()
		return
	}
	s.inflight.Add(1)
	s.mu.Unlock()
	defer s.inflight.Done()

	ev := s.event(args)
	if err := s.raise(ev); err != nil {
		if s.opts.onError != nil {
			s.opts.onError(err)
			return
		}
		s.opts.logger.Error("eventbus: raise failed",
			zap.String("topic", s.topic), zap.String("event", ev.Name), zap.Error(err))
	}
}

func (s *Subscription) raise(ev manager.Event) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &manager.PanicError{Event: ev.Name, Value: v, Stack: debug.Stack()}
		}
	}()
	return s.target.Raise(s.ctx, ev)
}

// event turns the arguments of a publication into an Event.
func (s *Subscription) event(args []any) manager.Event {
	ev := manager.Event{Name: s.topic}
	switch len(args) {
	case 0:
	case 1:
		ev.Data = args[0]
		if v, ok := ev.Data.([]any); ok && v == nil {
			// EventBus turns a nil argument into the zero value of the
			// parameter type, []any for our variadic function.
			ev.Data = nil
		}
		if in, ok := ev.Data.(manager.Event); ok {
			ev = in
		}
	default:
		ev.Data = args
	}
	if s.opts.event != "" {
		ev.Name = s.opts.event
	}
	return ev
}

// registry keeps one bus subscription per (bus, topic) and fans each
// publication out to the Subscriptions on it.
var registry = hub{fans: make(map[hubKey]*fan)}

type hub struct {
	mu   sync.Mutex
	fans map[hubKey]*fan
}

type hubKey struct {
	bus   EventBus.BusSubscriber
	topic string
}

type fan struct {
	subs atomic.Pointer[[]*Subscription] // copy-on-write under hub.mu
	fn   func(args ...any)               // the one function subscribed on the bus
}

func (f *fan) deliver(args []any) {
	for _, s := range *f.subs.Load() {
		s.deliver(args)
	}
}

func (h *hub) add(s *Subscription) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := hubKey{s.bus, s.topic}
	f := h.fans[k]
	if f == nil {
		f = &fan{}
		f.subs.Store(&[]*Subscription{})
		f.fn = func(args ...any) { f.deliver(args) }
		if err := s.bus.SubscribeAsync(s.topic, f.fn, false); err != nil {
			return fmt.Errorf("eventbus: subscribe %q: %w", s.topic, err)
		}
		h.fans[k] = f
	}
	subs := append(slices.Clone(*f.subs.Load()), s)
	f.subs.Store(&subs)
	return nil
}

func (h *hub) remove(s *Subscription) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := hubKey{s.bus, s.topic}
	f := h.fans[k]
	if f == nil {
		return nil
	}
	subs := slices.DeleteFunc(slices.Clone(*f.subs.Load()), func(x *Subscription) bool { return x == s })
	f.subs.Store(&subs)
	if len(subs) > 0 {
		return nil
	}
	delete(h.fans, k)
	if err := s.bus.Unsubscribe(s.topic, f.fn); err != nil {
		return fmt.Errorf("eventbus: unsubscribe %q: %w", s.topic, err)
	}
	return nil
}

// isNil reports whether v is nil or a nil pointer inside an interface.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
