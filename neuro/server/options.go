package server

import (
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
)

// Defaults of the options. The protocol's match the real server's
// operational facts; its timing is kept out of the defaults (see
// WithProfile).
const (
	// DefaultForceDelay is how long the server waits before answering a
	// force, and before retrying one after a failed result, unless
	// WithThinkTime or a profile says otherwise.
	DefaultForceDelay = 500 * time.Millisecond
	// DefaultRetries is how many times a force is retried after failed
	// results before the server gives it up, silently, like the real one.
	DefaultRetries = 3
	// DefaultResultTimeout is how long the server waits for an action/result
	// before it counts the action as failed (the real server waits ~30s).
	DefaultResultTimeout = 30 * time.Second
	// DefaultSpeechUpdates is how often Neuro sends speech_finished with
	// isFinal false while she speaks (jittered by half either way).
	DefaultSpeechUpdates = time.Second
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
	behaviour         behaviour
	policy            Policy
	seed              int64
	seeded            bool
	errorRate         float64
	advice            bool
	adviceLimits      AdviceLimits
	eventHistory      int
	eventHistoryBytes int
	maxActions        int
	httpReadTimeout   time.Duration
	allowedHosts      []string
	allowedOrigins    []string
	voice             bool
}

func defaultConfig() config {
	return config{
		logger:            zap.NewNop(),
		session:           events.Session{CharacterID: DefaultCharacterID, DisplayName: DefaultDisplayName},
		behaviour:         defaultBehaviour(),
		advice:            true,
		adviceLimits:      DefaultAdviceLimits(),
		eventHistory:      DefaultEventHistory,
		eventHistoryBytes: DefaultEventHistoryBytes,
		maxActions:        DefaultMaxActions,
		httpReadTimeout:   DefaultHTTPReadTimeout,
		voice:             true,
	}
}

// Options groups options into one, applied in order: a set of options
// can be passed around as one value (as neurotest.FailThenSilent does).
func Options(opts ...Option) Option {
	return optionFunc(func(c *config) {
		for _, o := range opts {
			if o != nil {
				o.apply(c)
			}
		}
	})
}

// WithLogger sets the logger. The server logs every frame in both
// directions at debug level (cut to 512 bytes), connections and advice at
// info level and findings at warn level. Defaults to a no-op logger.
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

// WithSeed makes every random choice of the server repeatable: the default
// policy's choices and data, injected errors, think times, speech
// durations and updates, her own actions, the session id and action ids.
// (What the timing of the machine decides, such as which of two frames
// arrives first, stays as it is.) Defaults to a random seed.
func WithSeed(seed int64) Option {
	return optionFunc(func(c *config) { c.seed, c.seeded = seed, true })
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
