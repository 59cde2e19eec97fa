package voice

import (
	"crypto/tls"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
)

// Defaults, all in one place. Each option's comment repeats the value it
// falls back to.
const (
	// DefaultHandshakeTimeout bounds the opening handshake and, after it,
	// the wait for the server's answer to voice/start.
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultReadLimit is the largest frame accepted from the peer: 1 MiB
	// (100 ms of 48 kHz audio is 19.2 KB).
	DefaultReadLimit int64 = 1 << 20
	// DefaultPingInterval is how often a ping is sent on an idle socket.
	DefaultPingInterval = 10 * time.Second
	// DefaultWriteTimeout bounds each frame write and the close handshake.
	DefaultWriteTimeout = 5 * time.Second
	// DefaultBuffer is how much of Neuro's voice the client holds for
	// ReadAudio before it drops the oldest samples.
	DefaultBuffer = 5 * time.Second
)

// Handlers are the client's callbacks, one per event of package events
// (VoiceReady, VoiceUnavailable, VoiceSpeaking, VoiceCancelled,
// VoiceEnded). Each may be nil. They run on the goroutine that runs
// Serve, one at a time, in the order the server's messages arrived, and
// never with a lock held; they may call the Client's methods but should
// return quickly (audio is not read while one runs). A panic in one is
// recovered and logged.
type Handlers struct {
	Ready       func(events.VoiceReadyData)
	Unavailable func(events.VoiceUnavailableData)
	Speaking    func(events.VoiceSpeakingData)
	Cancelled   func(events.VoiceCancelledData)
	Ended       func(events.VoiceEndedData)
}

// Option configures New, NewComponent, Dial, Accept and Wrap. Options
// that concern only the client (handlers, dialer, buffer) are ignored by
// Dial, Accept and Wrap, those of the Component (WithComponentName,
// WithReconnect) by everything else; dial-only and accept-only options
// say so.
type Option interface {
	apply(*options)
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

type connOptions struct {
	handshakeTimeout time.Duration
	readLimit        int64
	pingInterval     time.Duration
	pongTimeout      time.Duration
	writeTimeout     time.Duration
	header           http.Header
	tlsConfig        *tls.Config
	checkOrigin      func(*http.Request) bool
}

type options struct {
	connOptions
	logger   *zap.Logger
	dial     DialFunc
	buffer   time.Duration
	handlers Handlers
	comp     componentOptions
}

func newOptions(opts []Option) *options {
	o := &options{
		connOptions: connOptions{
			handshakeTimeout: DefaultHandshakeTimeout,
			readLimit:        DefaultReadLimit,
			pingInterval:     DefaultPingInterval,
			writeTimeout:     DefaultWriteTimeout,
			checkOrigin:      func(*http.Request) bool { return true },
		},
		logger: zap.NewNop(),
		buffer: DefaultBuffer,
		comp:   defaultComponentOptions(),
	}
	for _, opt := range opts {
		if opt != nil {
			opt.apply(o)
		}
	}
	if o.pongTimeout <= 0 {
		o.pongTimeout = 2 * o.pingInterval
	}
	return o
}

func newConnOptions(opts []Option) connOptions { return newOptions(opts).connOptions }

// WithLogger sets the logger, used under the name "voice": lifecycle at
// debug level, protocol oddities (malformed or unexpected frames, dropped
// audio) at warn level. Defaults to zap.NewNop().
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(o *options) {
		if l != nil {
			o.logger = l
		}
	})
}

// WithHandlers sets the client's callbacks. Defaults to none.
func WithHandlers(h Handlers) Option {
	return optionFunc(func(o *options) { o.handlers = h })
}

// WithDialer sets how the client opens its socket (tests, other websocket
// libraries). Defaults to Dial with the client's options.
func WithDialer(d DialFunc) Option {
	return optionFunc(func(o *options) { o.dial = d })
}

// WithBuffer sets how much of Neuro's voice the client holds for
// ReadAudio; past it the oldest samples are dropped and counted in
// Stats.Overflow. Values under 100 ms are raised to 100 ms. Defaults to 5s.
func WithBuffer(d time.Duration) Option {
	return optionFunc(func(o *options) { o.buffer = max(d, 100*time.Millisecond) })
}

// WithHandshakeTimeout bounds the opening handshake and the wait for the
// answer to the first voice/start (no answer: the server is taken to have
// no voice chat). Zero or less restores the default. Defaults to 10s.
func WithHandshakeTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d <= 0 {
			d = DefaultHandshakeTimeout
		}
		o.handshakeTimeout = d
	})
}

// WithReadLimit sets the largest frame accepted from the peer; a larger
// one ends the connection with code 1009. Zero or less restores the
// default. Defaults to 1 MiB.
func WithReadLimit(n int64) Option {
	return optionFunc(func(o *options) {
		if n <= 0 {
			n = DefaultReadLimit
		}
		o.readLimit = n
	})
}

// WithPingInterval sets how often a ping is sent; the peer is declared dead
// after twice that without any frame or pong. Zero or less disables
// keep-alive. Defaults to 10s.
func WithPingInterval(d time.Duration) Option {
	return optionFunc(func(o *options) { o.pingInterval = max(d, 0) })
}

// WithWriteTimeout bounds each frame write and the close handshake. Zero
// or less restores the default. Defaults to 5s.
func WithWriteTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d <= 0 {
			d = DefaultWriteTimeout
		}
		o.writeTimeout = d
	})
}

// WithHeader adds request headers to the opening handshake. Dial side
// only. Defaults to none.
func WithHeader(h http.Header) Option {
	return optionFunc(func(o *options) { o.header = h.Clone() })
}

// WithTLSConfig sets the TLS configuration for wss:// URLs. Dial side
// only. Defaults to the zero tls.Config (system roots).
func WithTLSConfig(cfg *tls.Config) Option {
	return optionFunc(func(o *options) { o.tlsConfig = cfg })
}

// WithCheckOrigin sets how Accept judges a request's Origin header
// (refused: HTTP 403). Accept side only. Defaults to allowing every
// origin: games are not browsers.
func WithCheckOrigin(f func(*http.Request) bool) Option {
	return optionFunc(func(o *options) {
		if f != nil {
			o.checkOrigin = f
		}
	})
}
