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
	// DefaultEventHistoryBytes is how many bytes of events (their frames
	// and decoded messages) the server keeps for WaitFor and watchers.
	DefaultEventHistoryBytes = 32 << 20
	// DefaultMaxActions is how many actions one game may have registered
	// at once; registrations beyond it are refused with a finding.
	DefaultMaxActions = 1000
	// DefaultHTTPReadTimeout bounds the reading of one HTTP request,
	// headers and body, on both ports: a client that sends its body slower
	// than that is cut off.
	DefaultHTTPReadTimeout = 30 * time.Second
	// DefaultCharacterID and DefaultDisplayName describe the character sent
	// in the startup acknowledgement.
	DefaultCharacterID = "neuro"
	DefaultDisplayName = "Neuro-sama"
)

// Limits on what the server keeps per game and across games; the oldest
// entries are dropped first. Text longer than its limit is stored cut,
// with its full length noted (see clip).
const (
	maxLogEntries      = 1000     // per game: context log, findings, results
	maxContextBytes    = 4 << 20  // per game: context log
	maxResultBytes     = 4 << 20  // per game: result history
	maxFindingBytes    = 1 << 20  // per game: findings
	maxRegistryBytes   = 8 << 20  // per game: registered actions (names, descriptions, schemas)
	maxQueuedForces    = 64       // per game: forces waiting to be served
	maxStoredFrame     = 64 << 10 // frame bytes kept in an Event
	maxStoredText      = 64 << 10 // a context message as kept in the context log
	maxStoredResult    = 4 << 10  // a result's data or message as kept in the history
	maxDetail          = 1 << 10  // a finding's detail
	maxLoggedFrame     = 512      // frame bytes written to the log
	maxFindingsOfKind  = 10       // findings of one kind listed per frame; the rest are counted
	keptAfterLeave     = 50       // entries of each per-game log kept once the game left
	maxTextAfterLeave  = 512      // text of those entries, and of its actions' names and descriptions
	maxDisconnected    = 100      // disconnected games kept for inspection
	maxExpiredIDs      = 1000     // timed-out action ids remembered per game
	maxOutboxFrames    = 128      // frames queued for one game's writer
	maxOutboxBytes     = 4 << 20  // bytes of the frames queued without a waiting sender
	maxHTTPBody        = 1 << 20
	httpIdleTimeout    = 60 * time.Second
	httpHeaderTimeout  = 10 * time.Second
	httpWriteTimeout   = 60 * time.Second
	maxHTTPHeaderBytes = 64 << 10
)

// An Option configures a Server.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	logger            *zap.Logger
	session           events.Session
	reregister        bool
	policy            Policy
	forceDelay        time.Duration
	seed              int64
	seeded            bool
	retries           int
	resultTimeout     time.Duration
	errorRate         float64
	eventHistory      int
	eventHistoryBytes int
	maxActions        int
	httpReadTimeout   time.Duration
	allowedHosts      []string
	allowedOrigins    []string
}

func defaultConfig() config {
	return config{
		logger:            zap.NewNop(),
		session:           events.Session{CharacterID: DefaultCharacterID, DisplayName: DefaultDisplayName},
		reregister:        true,
		forceDelay:        DefaultForceDelay,
		retries:           DefaultRetries,
		resultTimeout:     DefaultResultTimeout,
		eventHistory:      DefaultEventHistory,
		eventHistoryBytes: DefaultEventHistoryBytes,
		maxActions:        DefaultMaxActions,
		httpReadTimeout:   DefaultHTTPReadTimeout,
	}
}

// WithLogger sets the logger. The server logs every frame in both
// directions at debug level (cut to 512 bytes), connections at info level
// and findings at warn level. Defaults to a no-op logger.
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
// finding. Values <= 0 keep the default of 20s.
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

// WithEventHistoryBytes sets how many bytes of events the server keeps
// for WaitFor and watchers, counting each event's frame and decoded
// message; older events are dropped, the latest one always kept. Values
// <= 0 keep the default of 32 MiB.
func WithEventHistoryBytes(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.eventHistoryBytes = n
		}
	})
}

// WithMaxActions sets how many actions one game may have registered at
// once. Actions beyond it are not registered, and the game gets one
// finding (FindingTooManyActions) per frame that went over. Values <= 0
// keep the default of 1000.
func WithMaxActions(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxActions = n
		}
	})
}

// WithHTTPReadTimeout bounds the reading of one HTTP request, headers and
// body, on both listeners of Start: a client whose body has not arrived
// in time is cut off (the request fails with 408 or the connection is
// closed) and no game receives anything. Headers alone are bounded by the
// smaller of this and 10s; idle keep-alive connections are closed after
// 60s. Websocket connections are not affected once upgraded. Values <= 0
// keep the default of 30s.
func WithHTTPReadTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.httpReadTimeout = d
		}
	})
}

// WithAllowedHosts widens the Host names the server answers, on both
// ports. By default a request that reached the server on a loopback
// address must name a loopback host ("localhost", "127.0.0.1", "[::1]",
// with or without the port), and one that reached it on another address
// must name an IP address or "localhost": a web page on a foreign domain
// that rebinds its name to this machine (DNS rebinding) is refused with
// 403. hosts adds names (without port, case-insensitive, e.g.
// "devbox.local") for use on a LAN; "*" accepts any Host. Later calls add
// to earlier ones.
func WithAllowedHosts(hosts ...string) Option {
	return optionFunc(func(c *config) { c.allowedHosts = append(c.allowedHosts, hosts...) })
}

// WithAllowedOrigins widens the web origins whose pages may open a game
// websocket. By default a websocket request is accepted without an Origin
// header (games, which are not browsers) or from a loopback origin
// ("http://localhost:8080", "http://127.0.0.1:5500", "https://[::1]"...),
// so that a web or WebGL build of a game served locally can connect while
// a page from any other site cannot (403). origins adds full origins
// ("https://mygame.example", compared case-insensitively); "*" accepts
// every origin. The HTTP API (POST /, GET /state) is not affected: it
// only ever accepts requests without an Origin or from the simulator's
// own origin. Later calls add to earlier ones.
func WithAllowedOrigins(origins ...string) Option {
	return optionFunc(func(c *config) { c.allowedOrigins = append(c.allowedOrigins, origins...) })
}
