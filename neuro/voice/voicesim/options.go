package voicesim

import (
	"net/http"
	"time"

	"go.uber.org/zap"
)

// Defaults, all in one place.
const (
	// SampleRate and Channels are what voice/ready announces.
	SampleRate = 48000
	Channels   = 1

	// DefaultStartTimeout is how long a new socket may wait before sending
	// voice/start; then it gets a warning and is closed.
	DefaultStartTimeout = 10 * time.Second
	// DefaultReadLimit bounds one frame from a game: 64 KiB (100 ms of
	// audio is 19.2 KB; a register message for 32 speakers a few KB).
	DefaultReadLimit int64 = 64 << 10
	// DefaultMaxWarnings is how many warnings are kept (the oldest go).
	DefaultMaxWarnings = 256
	// DefaultMaxGames is how many games are remembered; disconnected ones
	// are forgotten first.
	DefaultMaxGames = 64
	// FrameDuration is the length of each frame of Neuro's voice.
	FrameDuration = 20 * time.Millisecond
)

// maxSpeakerRecords bounds the per-game speaker records (registered and
// since-unregistered).
const maxSpeakerRecords = 64

// Clock is the time source for Speak's pacing and for timestamps; tests
// replace it to run fast and deterministically.
type Clock interface {
	Now() time.Time
	NewTicker(d time.Duration) Ticker
}

// Ticker is a time.Ticker behind an interface.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time { return r.t.C }
func (r realTicker) Stop()               { r.t.Stop() }

// Option configures New.
type Option interface {
	apply(*options)
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

type options struct {
	logger       *zap.Logger
	clock        Clock
	enabled      bool
	reason       string
	startTimeout time.Duration
	readLimit    int64
	maxWarnings  int
	maxGames     int
	onWarning    func(Warning)
	checkOrigin  func(*http.Request) bool
}

func newOptions(opts []Option) *options {
	o := &options{
		logger:       zap.NewNop(),
		clock:        realClock{},
		enabled:      true,
		reason:       "voice chat is disabled on this server",
		startTimeout: DefaultStartTimeout,
		readLimit:    DefaultReadLimit,
		maxWarnings:  DefaultMaxWarnings,
		maxGames:     DefaultMaxGames,
		checkOrigin:  func(*http.Request) bool { return true },
	}
	for _, opt := range opts {
		if opt != nil {
			opt.apply(o)
		}
	}
	return o
}

// WithLogger sets the logger (name "voicesim"): warnings at warn level,
// lifecycle at debug level. Defaults to zap.NewNop().
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(o *options) {
		if l != nil {
			o.logger = l
		}
	})
}

// WithClock sets the clock. Defaults to the system clock.
func WithClock(c Clock) Option {
	return optionFunc(func(o *options) {
		if c != nil {
			o.clock = c
		}
	})
}

// WithEnabled turns voice chat on or off from the start (see SetEnabled).
// Defaults to on.
func WithEnabled(on bool) Option {
	return optionFunc(func(o *options) { o.enabled = on })
}

// WithStartTimeout sets how long a socket may wait before voice/start.
// Zero or less restores the default. Defaults to 10s.
func WithStartTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d <= 0 {
			d = DefaultStartTimeout
		}
		o.startTimeout = d
	})
}

// WithReadLimit sets the largest frame accepted (larger: the socket is
// closed with 1009). Zero or less restores the default. Defaults to 64 KiB.
func WithReadLimit(n int64) Option {
	return optionFunc(func(o *options) {
		if n <= 0 {
			n = DefaultReadLimit
		}
		o.readLimit = n
	})
}

// WithMaxWarnings sets how many warnings Warnings keeps. Values under 1
// restore the default. Defaults to 256.
func WithMaxWarnings(n int) Option {
	return optionFunc(func(o *options) {
		if n < 1 {
			n = DefaultMaxWarnings
		}
		o.maxWarnings = n
	})
}

// WithOnWarning sets a hook called for every warning, on the goroutine
// that found it, with no lock held. It must not block for long. Defaults
// to none.
func WithOnWarning(f func(Warning)) Option {
	return optionFunc(func(o *options) { o.onWarning = f })
}

// WithCheckOrigin sets how ServeHTTP judges a request's Origin header
// (refused: HTTP 403), for a simulator that guards its websocket port
// against web pages. Defaults to allowing every origin: games are not
// browsers.
func WithCheckOrigin(f func(*http.Request) bool) Option {
	return optionFunc(func(o *options) {
		if f != nil {
			o.checkOrigin = f
		}
	})
}
