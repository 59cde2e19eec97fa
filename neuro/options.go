package neuro

import (
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
)

// The Neuro websocket URL games connect to.
const (
	// DefaultURL is the community's default Neuro websocket URL; games
	// read the NEURO_SDK_WS_URL environment variable first.
	DefaultURL = "ws://localhost:8000"
	// URLEnv is the environment variable games read the Neuro URL from.
	URLEnv = "NEURO_SDK_WS_URL"
)

// EnvURL returns the Neuro websocket URL a game should connect to: the
// NEURO_SDK_WS_URL environment variable when it is set, DefaultURL
// otherwise.
func EnvURL() string {
	if u := os.Getenv(URLEnv); u != "" {
		return u
	}
	return DefaultURL
}

// Defaults of the options, in one place.
const (
	defaultComponentName = "neuro"
	defaultContextBuffer = 32
	defaultMaxActions    = 128
)

// options holds every setting of NewClient and NewComponent.
//
// Defaults: logger zap.NewNop(), named "neuro"; a context buffer of 32
// messages; at most 128 actions in flight; no handler timeout; a force
// given up after 30 s of quiet; and, for a Component only: dialer
// gorilla.Dialer(), name "neuro", no reconnect.
type options struct {
	// Client and Component (ClientOption).
	logger         *zap.Logger
	contextBuffer  int
	maxActions     int
	handlerTimeout time.Duration
	reforceAfter   time.Duration
	// clock times the forces; tests replace it.
	clock clock

	// Component only (Option).
	dialer    transport.DialFunc
	name      string
	reconnect *ReconnectPolicy
	// newTimer makes the reconnect backoff's timer; tests replace it.
	newTimer func(d time.Duration) (<-chan time.Time, func() bool)
}

func defaultOptions() options {
	return options{
		logger:        zap.NewNop(),
		contextBuffer: defaultContextBuffer,
		maxActions:    defaultMaxActions,
		reforceAfter:  DefaultReforceAfter,
		clock:         realClock{},
		name:          defaultComponentName,
		newTimer: func(d time.Duration) (<-chan time.Time, func() bool) {
			t := time.NewTimer(d)
			return t.C, t.Stop
		},
	}
}

func buildOptions[O Option](opts []O) options {
	o := defaultOptions()
	for _, opt := range opts {
		if Option(opt) != nil {
			opt.apply(&o)
		}
	}
	o.logger = o.logger.Named("neuro")
	return o
}

// Option configures a Component (NewComponent). Every ClientOption is an
// Option too, since a Component speaks through a Client; the options that
// only concern the connection a Component manages (WithDialer, WithName,
// WithReconnect) are Options but not ClientOptions, so NewClient does not
// accept them: no option is ever silently ignored.
type Option interface {
	apply(*options)
}

// ClientOption configures a Client (NewClient) or a Component
// (NewComponent): WithLogger, WithContextBuffer, WithMaxActions,
// WithHandlerTimeout, WithReforceAfter.
type ClientOption interface {
	Option
	client()
}

// componentOption is an Option that only a Component takes.
type componentOption func(*options)

func (f componentOption) apply(o *options) { f(o) }

// clientOption is an Option that a Client takes too.
type clientOption func(*options)

func (f clientOption) apply(o *options) { f(o) }
func (clientOption) client()            {}

// WithLogger sets the logger; the Client or Component logs through
// l.Named("neuro"). Defaults to zap.NewNop(); nil keeps the default.
func WithLogger(l *zap.Logger) ClientOption {
	return clientOption(func(o *options) {
		if l != nil {
			o.logger = l
		}
	})
}

// WithContextBuffer sets how many context messages are kept while there is
// no connection; they are sent, in order, right after the registry when a
// connection opens. When the buffer is full the oldest message is dropped
// and SendContext says so with an error wrapping ErrContextDropped (the
// new message is kept). Defaults to 32; n < 0 disables the buffer
// (context sent while disconnected returns ErrNotConnected); 0 keeps the
// default.
func WithContextBuffer(n int) ClientOption {
	return clientOption(func(o *options) {
		if n != 0 {
			o.contextBuffer = n
		}
	})
}

// WithMaxActions bounds the actions in flight: received and not answered
// yet. An action beyond n is answered at once with a failed result saying
// the game is busy (and a warning is logged), so memory stays bounded
// whatever Neuro sends. It also bounds the goroutines reading a
// connection, which run the handlers (Client.Serve): at most n + 1, so
// that one always reads; an action that finds them all in handlers
// (handlers that go on after answering) is answered busy too. Defaults to
// 128; n <= 0 keeps the default.
func WithMaxActions(n int) ClientOption {
	return clientOption(func(o *options) {
		if n > 0 {
			o.maxActions = n
		}
	})
}

// WithHandlerTimeout bounds how long an incoming action may wait for its
// result, from its arrival: when d passes without one, the game answers a
// failed result saying it took too long, then cancels the context the
// action was delivered with (its cause is ErrHandlerTimeout); the
// handler's own result is then refused with ErrAlreadyAnswered. Neuro
// waits about 20 seconds for a result and then counts the action as
// failed, so a value well below that (5 to 15 s) lets Neuro hear why.
// Defaults to 0: no timeout.
func WithHandlerTimeout(d time.Duration) ClientOption {
	return clientOption(func(o *options) {
		if d > 0 {
			o.handlerTimeout = d
		}
	})
}

// WithReforceAfter sets how long Neuro may stay quiet on a force before
// it is given up: no action for it within d, counted from the force, from
// her last action or failed result for it, or from her last
// speech_finished (a force at priority low waits until she stops
// talking), whichever is latest. The real Neuro drops a force silently
// after a few failed tries, so without this a force would be in flight
// for ever. A given-up force ends: Force and ForceQueued may send the
// next one, and Window sends its force again (see WindowSpec.ReforceAfter
// and MaxReforces). Defaults to DefaultReforceAfter (30 s); d <= 0 keeps
// the default.
func WithReforceAfter(d time.Duration) ClientOption {
	return clientOption(func(o *options) {
		if d > 0 {
			o.reforceAfter = d
		}
	})
}

// withClock replaces the clock that times forces (tests).
func withClock(c clock) ClientOption {
	return clientOption(func(o *options) {
		if c != nil {
			o.clock = c
		}
	})
}

// WithDialer sets the function a Component opens its connections with.
// Defaults to gorilla.Dialer(); nil keeps the default.
func WithDialer(d transport.DialFunc) Option {
	return componentOption(func(o *options) {
		if d != nil {
			o.dialer = d
		}
	})
}

// WithName sets a Component's name in its manager. Defaults to "neuro";
// "" keeps the default.
func WithName(name string) Option {
	return componentOption(func(o *options) {
		if name != "" {
			o.name = name
		}
	})
}

// WithReconnect makes a Component reconnect after a dropped connection
// (and retry a failed first connection) following p; see ReconnectPolicy
// for its defaults. Without it a dropped connection leaves the component
// disconnected until the game connects again.
func WithReconnect(p ReconnectPolicy) Option {
	return componentOption(func(o *options) {
		p = p.withDefaults()
		o.reconnect = &p
	})
}

// withTimer replaces the reconnect backoff's timer (tests).
func withTimer(f func(d time.Duration) (<-chan time.Time, func() bool)) Option {
	return componentOption(func(o *options) {
		if f != nil {
			o.newTimer = f
		}
	})
}
