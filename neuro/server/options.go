package server

import (
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
)

// Defaults of the options. They match the official mock server and the
// operational facts of the real one.
const (
	// DefaultForceDelay is how long the server waits before answering a
	// force, and before retrying one after a failed result.
	DefaultForceDelay = 500 * time.Millisecond
	// DefaultRetries is how many times a force is retried after failed
	// results before the server gives up on it.
	DefaultRetries = 5
	// DefaultResultTimeout is how long the server waits for an action/result
	// before it counts the action as failed (the real server waits ~20s).
	DefaultResultTimeout = 20 * time.Second
	// DefaultEventHistory is how many events the server keeps for WaitFor
	// and watchers.
	DefaultEventHistory = 10000
	// DefaultCharacterID and DefaultDisplayName describe the character sent
	// in the startup acknowledgement.
	DefaultCharacterID = "neuro"
	DefaultDisplayName = "Neuro-sama"
)

// Limits on what the server keeps per game and across games; the oldest
// entries are dropped first.
const (
	maxLogEntries     = 1000 // per game: context log, warnings, results
	maxDisconnected   = 100  // disconnected games kept for inspection
	maxExpiredIDs     = 1000 // timed-out action ids remembered per game
	maxHTTPBody       = 1 << 20
	httpShutdownGrace = 5 * time.Second
)

// An Option configures a Server.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	logger        *zap.Logger
	session       events.Session
	reregister    bool
	policy        Policy
	forceDelay    time.Duration
	seed          int64
	seeded        bool
	retries       int
	resultTimeout time.Duration
	errorRate     float64
	eventHistory  int
}

func defaultConfig() config {
	return config{
		logger:        zap.NewNop(),
		session:       events.Session{CharacterID: DefaultCharacterID, DisplayName: DefaultDisplayName},
		reregister:    true,
		forceDelay:    DefaultForceDelay,
		retries:       DefaultRetries,
		resultTimeout: DefaultResultTimeout,
		eventHistory:  DefaultEventHistory,
	}
}

// WithLogger sets the logger. The server logs every frame in both
// directions at debug level, connections at info level and protocol
// warnings at warn level. Defaults to a no-op logger.
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(c *config) {
		if l != nil {
			c.logger = l
		}
	})
}

// WithSession sets the session sent in the startup acknowledgement. Empty
// fields keep their default: a random session id, character "neuro",
// display name "Neuro-sama".
func WithSession(s events.Session) Option {
	return optionFunc(func(c *config) {
		if s.SessionID != "" {
			c.session.SessionID = s.SessionID
		}
		if s.CharacterID != "" {
			c.session.CharacterID = s.CharacterID
		}
		if s.DisplayName != "" {
			c.session.DisplayName = s.DisplayName
		}
	})
}

// WithReregisterOnConnect sets whether the server sends
// actions/reregister_all the moment a game connects, like the official
// mock. Defaults to true.
func WithReregisterOnConnect(on bool) Option {
	return optionFunc(func(c *config) { c.reregister = on })
}

// WithPolicy sets the policy that answers forces. Defaults to a
// RandomPolicy seeded from WithSeed.
func WithPolicy(p Policy) Option {
	return optionFunc(func(c *config) { c.policy = p })
}

// WithForceDelay sets how long the server waits before answering a force
// and before retrying one after a failure. Negative values count as zero.
// Defaults to 500ms.
func WithForceDelay(d time.Duration) Option {
	return optionFunc(func(c *config) { c.forceDelay = max(d, 0) })
}

// WithSeed makes every random choice of the server repeatable: the default
// policy's choices and data, injected errors, the session id and action
// ids. Defaults to a random seed.
func WithSeed(seed int64) Option {
	return optionFunc(func(c *config) { c.seed, c.seeded = seed, true })
}

// WithRetries sets how many times a force is retried after failed (or
// timed-out) results before the server gives up on it and serves the next
// queued force. Negative values count as zero. Defaults to 5.
func WithRetries(n int) Option {
	return optionFunc(func(c *config) { c.retries = max(n, 0) })
}

// WithResultTimeout sets how long the server waits for an action/result
// before it counts the action as failed; a later result is discarded with a
// warning. Values <= 0 keep the default of 20s.
func WithResultTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.resultTimeout = d
		}
	})
}

// WithErrorRate makes the server, with probability p for each action it
// sends in answer to a force, send deliberately bad data instead of the
// policy's: malformed JSON, a missing required property or a property of
// the wrong type. Games' failed-result and retry paths then show. It
// applies to actions that have a schema, whatever the policy. p is clamped
// to [0, 1]. Defaults to 0.
func WithErrorRate(p float64) Option {
	return optionFunc(func(c *config) { c.errorRate = min(max(p, 0), 1) })
}

// WithEventHistory sets how many events the server keeps for WaitFor and
// watchers; older ones are dropped. Values <= 0 keep the default of 10000.
func WithEventHistory(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.eventHistory = n
		}
	})
}
