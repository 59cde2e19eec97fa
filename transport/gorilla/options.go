package gorilla

import (
	"crypto/tls"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// Defaults, all in one place. Each option's comment repeats the value it
// falls back to.
const (
	// DefaultHandshakeTimeout bounds the opening handshake (TCP, TLS and
	// HTTP upgrade).
	DefaultHandshakeTimeout = 10 * time.Second

	// DefaultReadLimit is the largest frame accepted from the peer: 1 MiB.
	// The biggest legitimate Neuro frame is an actions/register carrying many
	// actions with their JSON schemas, or an action whose data was generated
	// from a schema; both are a few kilobytes to a few tens of kilobytes in
	// practice, far below this limit. Without a limit a broken or hostile
	// peer can make the reader buffer an arbitrarily large frame.
	DefaultReadLimit int64 = 1 << 20

	// DefaultPingInterval is how often a ping is sent to keep the link
	// honest.
	DefaultPingInterval = 10 * time.Second

	// DefaultWriteTimeout bounds each frame write and the close handshake.
	DefaultWriteTimeout = 5 * time.Second
)

// Option configures Dial, Dialer and Accept.
type Option interface {
	apply(*options)
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

type options struct {
	logger           *zap.Logger
	tlsConfig        *tls.Config
	header           http.Header
	handshakeTimeout time.Duration
	readLimit        int64
	pingInterval     time.Duration
	pongTimeout      time.Duration // 0: 2 × pingInterval
	writeTimeout     time.Duration
	onBinary         func()
	checkOrigin      func(*http.Request) bool
}

func newOptions(opts []Option) *options {
	o := &options{
		logger:           zap.NewNop(),
		handshakeTimeout: DefaultHandshakeTimeout,
		readLimit:        DefaultReadLimit,
		pingInterval:     DefaultPingInterval,
		writeTimeout:     DefaultWriteTimeout,
		checkOrigin:      func(*http.Request) bool { return true },
	}
	for _, opt := range opts {
		if opt != nil {
			opt.apply(o)
		}
	}
	o.logger = o.logger.Named("gorilla")
	if o.pongTimeout <= 0 {
		o.pongTimeout = 2 * o.pingInterval
	}
	return o
}

// WithLogger sets the logger. Connections log lifecycle events at debug level
// and protocol oddities (a binary frame) at warn level, under the name
// "gorilla". Defaults to zap.NewNop().
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(o *options) {
		if l != nil {
			o.logger = l
		}
	})
}

// WithTLSConfig sets the TLS configuration used to dial wss:// URLs. The
// configuration is cloned; ServerName defaults to the URL's host. Dial side
// only. Defaults to the zero tls.Config (system roots).
func WithTLSConfig(cfg *tls.Config) Option {
	return optionFunc(func(o *options) { o.tlsConfig = cfg })
}

// WithHeader adds request headers to the opening handshake (for example an
// Authorization or User-Agent header). The websocket headers themselves
// (Upgrade, Connection, Sec-WebSocket-*) cannot be overridden. Dial side
// only; Accept ignores it. Defaults to none.
func WithHeader(h http.Header) Option {
	return optionFunc(func(o *options) { o.header = h.Clone() })
}

// WithHandshakeTimeout bounds the opening handshake, on top of the context
// given to Dial. Zero or less means only the context bounds it. Defaults to
// 10s.
func WithHandshakeTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d < 0 {
			d = 0
		}
		o.handshakeTimeout = d
	})
}

// WithReadLimit sets the largest frame, in bytes, accepted from the peer. A
// frame over the limit makes the connection send a close frame with code
// 1009 (message too big) and end; Read then returns a
// *transport.CloseError with Code 1009, so the caller can reconnect. Zero or
// less removes the limit, which is not recommended. Defaults to 1 MiB (see
// DefaultReadLimit).
func WithReadLimit(n int64) Option {
	return optionFunc(func(o *options) {
		if n < 0 {
			n = 0
		}
		o.readLimit = n
	})
}

// WithPingInterval sets how often a ping is sent to the peer. Zero or less
// disables the keep-alive: no pings are sent and a silent peer is never
// declared dead. Defaults to 10s.
func WithPingInterval(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d < 0 {
			d = 0
		}
		o.pingInterval = d
	})
}

// WithPongTimeout sets how long the peer may stay silent (no pong and no
// other frame) while a Read is in progress before the connection is
// declared dead: it is then released and Read returns a
// *transport.CloseError with Code 1006 whose Err is a timeout
// (errors.Is(err, os.ErrDeadlineExceeded)). Each Read gives the peer the
// whole timeout again. It should exceed the ping interval and only applies
// while pings are enabled. Zero or less restores the default: twice the
// ping interval.
func WithPongTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) { o.pongTimeout = d })
}

// WithWriteTimeout bounds each frame write and the close handshake. A write
// that times out leaves a partial frame on the wire, so the connection is
// released and the write returns a *transport.CloseError with Code 1006.
// Zero or less restores the default. Defaults to 5s.
func WithWriteTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d <= 0 {
			d = DefaultWriteTimeout
		}
		o.writeTimeout = d
	})
}

// WithOnBinaryFrame sets a hook called, on the goroutine in Read, each
// time a binary frame arrives. The Neuro API only uses text
// frames: a binary frame is still returned by Read as if it were text, and
// logged as a protocol warning. The hook must not block; a panic in it is
// recovered and logged. Defaults to none.
func WithOnBinaryFrame(f func()) Option {
	return optionFunc(func(o *options) { o.onBinary = f })
}

// WithCheckOrigin sets the function Accept uses to accept or refuse a
// request's Origin header (refused: HTTP 403). Accept side only. Defaults to
// allowing every origin: game clients are not browsers, and the Neuro API
// carries no cookies or ambient credentials to protect.
func WithCheckOrigin(f func(*http.Request) bool) Option {
	return optionFunc(func(o *options) {
		if f != nil {
			o.checkOrigin = f
		}
	})
}
