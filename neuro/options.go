package neuro

import (
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
)

// Defaults of the options, in one place.
const (
	// DefaultComponentName is the name of a Component in its manager.
	DefaultComponentName = "neuro"
	// DefaultContextBuffer is how many context messages are kept while
	// there is no connection.
	DefaultContextBuffer = 32
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

// options holds every setting of NewClient and NewComponent.
//
// Defaults: logger zap.NewNop(), named "neuro"; dialer gorilla.Dialer();
// component name "neuro"; no reconnect; no handler timeout; a context
// buffer of 32 messages.
type options struct {
	logger         *zap.Logger
	dialer         transport.DialFunc
	name           string
	reconnect      *ReconnectPolicy
	handlerTimeout time.Duration
	contextBuffer  int
	// newTimer makes the reconnect backoff's timer; tests replace it.
	newTimer func(d time.Duration) (<-chan time.Time, func() bool)
}

func defaultOptions() options {
	return options{
		logger:        zap.NewNop(),
		name:          DefaultComponentName,
		contextBuffer: DefaultContextBuffer,
		newTimer: func(d time.Duration) (<-chan time.Time, func() bool) {
			t := time.NewTimer(d)
			return t.C, t.Stop
		},
	}
}

func buildOptions(opts []Option) options {
	o := defaultOptions()
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&o)
		}
	}
	o.logger = o.logger.Named("neuro")
	return o
}

// Option configures a Client (NewClient) or a Component (NewComponent).
// Options that concern the connection (WithDialer, WithName,
// WithReconnect, WithHandlerTimeout) only matter to a Component; a
// Client ignores them.
type Option interface {
	apply(*options)
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

// WithLogger sets the logger; the client logs through l.Named("neuro").
// Defaults to zap.NewNop(); nil keeps the default.
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(o *options) {
		if l != nil {
			o.logger = l
		}
	})
}

// WithDialer sets the function a Component opens its connections with.
// Defaults to gorilla.Dialer(); nil keeps the default.
func WithDialer(d transport.DialFunc) Option {
	return optionFunc(func(o *options) {
		if d != nil {
			o.dialer = d
		}
	})
}

// WithName sets a Component's name in its manager. Defaults to "neuro";
// "" keeps the default.
func WithName(name string) Option {
	return optionFunc(func(o *options) {
		if name != "" {
			o.name = name
		}
	})
}

// WithReconnect makes a Component reconnect after a dropped connection
// (and retry a failed first connection) following p; see ReconnectPolicy
// for its defaults. Without it a dropped connection leaves the component
// disconnected until the game raises events.Connect again.
func WithReconnect(p ReconnectPolicy) Option {
	return optionFunc(func(o *options) {
		p = p.withDefaults()
		o.reconnect = &p
	})
}

// WithHandlerTimeout bounds how long an incoming action may wait for its
// result: when d passes without one, the component answers a failed
// result saying the game took too long, then cancels the handler's
// context (its cause is ErrHandlerTimeout); the handler's own result is
// then dropped. Neuro waits about 20 seconds for a result and then counts the
// action as failed, so a value well below that (5 to 15 s) lets Neuro
// hear why. Defaults to 0: no timeout.
func WithHandlerTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d > 0 {
			o.handlerTimeout = d
		}
	})
}

// WithContextBuffer sets how many context messages are kept while there is
// no connection; they are sent, in order, right after the registry when a
// connection opens. When the buffer is full the oldest message is dropped
// with a warning. Defaults to 32; n < 0 disables the buffer (context sent
// while disconnected returns ErrNotConnected); 0 keeps the default.
func WithContextBuffer(n int) Option {
	return optionFunc(func(o *options) {
		if n != 0 {
			o.contextBuffer = n
		}
	})
}

// withTimer replaces the reconnect backoff's timer (tests).
func withTimer(f func(d time.Duration) (<-chan time.Time, func() bool)) Option {
	return optionFunc(func(o *options) {
		if f != nil {
			o.newTimer = f
		}
	})
}
