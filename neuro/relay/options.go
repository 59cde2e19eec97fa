package relay

import (
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// Defaults of the options, all in one place.
const (
	// DefaultName is the game name the relay gives Neuro for itself.
	DefaultName = "Neuro Relay"
	// DefaultMaxGames bounds the games connected at once.
	DefaultMaxGames = 256
	// DefaultForceTimeout is how long a force may stay quiet upstream (no
	// action for it, no result pending, no speech_finished) before the
	// relay counts it as given up and serves the next one. The real Neuro
	// drops a force silently after its retries.
	DefaultForceTimeout = 30 * time.Second
	// DefaultReadLimit is the largest frame accepted from a game or from
	// upstream, 1 MiB.
	DefaultReadLimit int64 = 1 << 20
	// DefaultReconnectInitial and DefaultReconnectMax bound the wait
	// between two dials of upstream: it starts at the first, grows by half
	// at each failure with ±50% jitter, and stops growing at the second.
	DefaultReconnectInitial = 250 * time.Millisecond
	DefaultReconnectMax     = 5 * time.Second
	// DefaultShutdownTimeout bounds the graceful shutdown Run does when
	// its context ends.
	DefaultShutdownTimeout = 5 * time.Second
)

// Fixed bounds: what one peer can make the relay hold.
const (
	maxActionsPerGame = 512  // actions one game may have registered
	maxPending        = 4096 // actions sent to games and not answered yet
	maxHeldContext    = 256  // context messages held while upstream is down
	outboxFrames      = 1024 // frames queued for one connection
	stableSession     = 5 * time.Second
	statusMaxHeader   = 16 << 10
)

// An Option configures a Relay.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	logger           *zap.Logger
	name             string
	dialer           transport.DialFunc
	prefixes         map[string]string
	maxGames         int
	forceTimeout     time.Duration
	readLimit        int64
	reconnectInitial time.Duration
	reconnectMax     time.Duration
	shutdownTimeout  time.Duration
	statusHosts      []string
}

func newConfig(opts []Option) (config, error) {
	c := config{
		logger:           zap.NewNop(),
		name:             DefaultName,
		maxGames:         DefaultMaxGames,
		forceTimeout:     DefaultForceTimeout,
		readLimit:        DefaultReadLimit,
		reconnectInitial: DefaultReconnectInitial,
		reconnectMax:     DefaultReconnectMax,
		shutdownTimeout:  DefaultShutdownTimeout,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	for game, p := range c.prefixes {
		if err := CheckPrefix(p); err != nil {
			return c, fmt.Errorf("prefix of game %q: %w", game, err)
		}
	}
	if c.dialer == nil {
		c.dialer = gorilla.Dialer(gorilla.WithReadLimit(c.readLimit), gorilla.WithLogger(c.logger))
	}
	c.reconnectMax = max(c.reconnectMax, c.reconnectInitial)
	return c, nil
}

// WithLogger sets the logger: connections and reconnects at info level,
// refused or dropped input at warn level, every routing decision at debug
// level, under the name "relay". Defaults to zap.NewNop(); nil keeps it.
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(c *config) {
		if l != nil {
			c.logger = l
		}
	})
}

// WithName sets the game name the relay uses upstream, in every frame it
// sends Neuro. Defaults to DefaultName; "" keeps it.
func WithName(name string) Option {
	return optionFunc(func(c *config) {
		if name != "" {
			c.name = name
		}
	})
}

// WithDialer sets how the relay connects upstream. Defaults to
// gorilla.Dialer with the read limit and logger of the relay.
func WithDialer(d transport.DialFunc) Option {
	return optionFunc(func(c *config) { c.dialer = d })
}

// WithPrefixes sets the prefix of some games by game name, instead of the
// one DerivePrefix gives. Each must pass CheckPrefix, or New fails. A
// second connected game with the same name still gets prefix-2, and so
// on. Defaults to none. Later calls add to earlier ones.
func WithPrefixes(byGame map[string]string) Option {
	return optionFunc(func(c *config) {
		if c.prefixes == nil {
			c.prefixes = make(map[string]string, len(byGame))
		}
		for g, p := range byGame {
			c.prefixes[g] = p
		}
	})
}

// WithMaxGames bounds the games connected at once; one more is refused
// with close code 1008. Defaults to DefaultMaxGames (256); n < 1 keeps it.
func WithMaxGames(n int) Option {
	return optionFunc(func(c *config) {
		if n >= 1 {
			c.maxGames = n
		}
	})
}

// WithForceTimeout sets how long the force in flight upstream may stay
// quiet before the relay gives it up and serves the next game's force
// (see DefaultForceTimeout). Defaults to 30s; d <= 0 keeps it.
func WithForceTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.forceTimeout = d
		}
	})
}

// WithReadLimit sets the largest frame, in bytes, accepted from a game
// (Handler) or from upstream (the default dialer). Defaults to
// DefaultReadLimit (1 MiB); n < 1 keeps it.
func WithReadLimit(n int64) Option {
	return optionFunc(func(c *config) {
		if n >= 1 {
			c.readLimit = n
		}
	})
}

// WithReconnect sets the first and the longest wait between two dials of
// upstream (exponential, ±50% jitter). Defaults to 250ms and 5s; values
// <= 0 keep the default.
func WithReconnect(initial, longest time.Duration) Option {
	return optionFunc(func(c *config) {
		if initial > 0 {
			c.reconnectInitial = initial
		}
		if longest > 0 {
			c.reconnectMax = longest
		}
	})
}

// WithShutdownTimeout bounds the graceful shutdown Run performs when its
// context ends. Defaults to DefaultShutdownTimeout (5s); d <= 0 keeps it.
func WithShutdownTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.shutdownTimeout = d
		}
	})
}

// WithStatusHosts adds host names the status page answers besides the
// loopback ones (localhost, 127.0.0.0/8, ::1), for a status port bound
// beyond loopback on purpose. Defaults to none.
func WithStatusHosts(hosts ...string) Option {
	return optionFunc(func(c *config) { c.statusHosts = append(c.statusHosts, hosts...) })
}
