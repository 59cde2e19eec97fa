package dashboard

import (
	"time"

	"go.uber.org/zap"
)

// Defaults of the options, all in one place.
const (
	// DefaultMaxClients bounds the live-update streams open at once; the
	// next tab gets 503 until one closes.
	DefaultMaxClients = 8
	// DefaultFlushInterval is how often a stream sends what happened since
	// its last write: events are coalesced into one message per interval.
	DefaultFlushInterval = 100 * time.Millisecond
	// DefaultBatchLimit is the most events one stream write carries. When
	// more happened since the last write, the oldest are skipped and the
	// page is told how many (the export still has them).
	DefaultBatchLimit = 2000
	// DefaultSummaryInterval is the least time between two game summaries
	// on a stream.
	DefaultSummaryInterval = 500 * time.Millisecond
	// DefaultRequestTimeout bounds each request: reading its body, the
	// simulator call it makes and writing its answer. Streams use it per
	// write.
	DefaultRequestTimeout = 10 * time.Second
	// DefaultKeepAlive is how often an idle stream sends a comment, so
	// that a dead tab is noticed.
	DefaultKeepAlive = 15 * time.Second
	// DefaultForceTimeout is the Operator's wait for a person before the
	// fallback policy answers a force: 0, wait as long as the force lives.
	DefaultForceTimeout = time.Duration(0)

	// maxBody bounds every request body.
	maxBody = 1 << 20
	// maxHistoryPage bounds the events of one history answer.
	maxHistoryPage = 20000
	// exportTimeout bounds writing an export, which may be large.
	exportTimeout = 2 * time.Minute
)

// An Option configures a Dashboard.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	logger          *zap.Logger
	operator        *Operator
	hosts           []string
	maxClients      int
	flushInterval   time.Duration
	batchLimit      int
	summaryInterval time.Duration
	requestTimeout  time.Duration
	keepAlive       time.Duration
	retries         int
	seed            int64
	seeded          bool
}

func defaultConfig() config {
	return config{
		logger:          zap.NewNop(),
		maxClients:      DefaultMaxClients,
		flushInterval:   DefaultFlushInterval,
		batchLimit:      DefaultBatchLimit,
		summaryInterval: DefaultSummaryInterval,
		requestTimeout:  DefaultRequestTimeout,
		keepAlive:       DefaultKeepAlive,
		retries:         -1,
	}
}

// WithLogger sets the logger (requests refused, streams dropped).
// Defaults to a no-op logger.
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(c *config) {
		if l != nil {
			c.logger = l
		}
	})
}

// WithOperator puts op on the page: its toggle and the forces waiting for
// a person. The same op must be the simulator's policy
// (server.WithPolicy). Defaults to none: the page has no operator panel.
func WithOperator(op *Operator) Option {
	return optionFunc(func(c *config) { c.operator = op })
}

// WithAllowedHosts adds host names (without port) that the Host header may
// carry, besides the loopback ones ("localhost", 127.0.0.0/8, "::1") that
// are always allowed. Use it only when the port is reachable from other
// machines on purpose: anyone who can load the page can drive the
// simulator. Defaults to none.
func WithAllowedHosts(hosts ...string) Option {
	return optionFunc(func(c *config) { c.hosts = append(c.hosts, hosts...) })
}

// WithMaxClients bounds the live-update streams open at once. Values <= 0
// keep the default of 8.
func WithMaxClients(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxClients = n
		}
	})
}

// WithStreamLimits sets how often a stream writes (interval) and the most
// events one write carries (batch). Values <= 0 keep the defaults of
// 100ms and 2000.
func WithStreamLimits(interval time.Duration, batch int) Option {
	return optionFunc(func(c *config) {
		if interval > 0 {
			c.flushInterval = interval
		}
		if batch > 0 {
			c.batchLimit = batch
		}
	})
}

// WithRequestTimeout bounds each request (body read, simulator call,
// answer write; each write of a stream). Values <= 0 keep the default of
// 10s.
func WithRequestTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.requestTimeout = d
		}
	})
}

// WithRetries tells the page the simulator's retry limit
// (server.WithRetries), so that it shows a force's attempts as "2 of 6".
// It changes nothing on the simulator. Defaults to unknown: the page
// shows the attempts alone.
func WithRetries(n int) Option {
	return optionFunc(func(c *config) { c.retries = max(n, 0) })
}

// WithSeed makes the data the page is offered for its editor repeatable.
// Defaults to a random seed.
func WithSeed(seed int64) Option {
	return optionFunc(func(c *config) { c.seed, c.seeded = seed, true })
}
