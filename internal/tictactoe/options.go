package tictactoe

import (
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/transport"
)

// Defaults of the options, in one place.
const (
	// DefaultGameName is the game name sent to Neuro.
	DefaultGameName = "Tic-tac-toe (neurokit demo)"
	// DefaultGames is how many games a session plays.
	DefaultGames = 1
	// DefaultConnectWait is how long Run keeps trying to make the first
	// connection before it gives up with an error.
	DefaultConnectWait = 5 * time.Second
	// DefaultTurnTimeout is how long Neuro has to make a valid move before
	// the turn is asked again (closing the window and opening a new one).
	// Time spent disconnected does not count against her.
	DefaultTurnTimeout = 20 * time.Second
	// DefaultAckWait is how long Run waits for Neuro's acknowledgement of
	// the first startup before it sends the rules. The simulator and the
	// real Neuro answer at once; a server that never acknowledges (one
	// older than the acknowledgement) costs this wait once per session.
	DefaultAckWait = time.Second
	// DefaultSpeechWait bounds how long a turn waits for Neuro to finish
	// talking before it asks for her move anyway. It costs nothing when
	// she is not speaking (a server without speech_finished).
	DefaultSpeechWait = 15 * time.Second
	// DefaultStopTimeout bounds the clean Stop at the end of a session.
	DefaultStopTimeout = 5 * time.Second
	// maxUnansweredTurns is how many times in a row a turn may time out
	// while connected before the session gives up.
	maxUnansweredTurns = 3
)

// DefaultReconnect is the reconnect policy of a session: first retry after
// 250ms, doubling up to 5s, ±20% jitter, and 30 failed dials in a row
// (about two minutes without Neuro) before the session gives up.
var DefaultReconnect = neuro.ReconnectPolicy{
	InitialDelay: 250 * time.Millisecond,
	MaxDelay:     5 * time.Second,
	Jitter:       0.2,
	MaxAttempts:  30,
}

// An Option configures Run.
type Option interface{ apply(*options) }

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

type options struct {
	gameName    string
	games       int
	seed        int64
	logger      *zap.Logger
	dialer      transport.DialFunc
	reconnect   neuro.ReconnectPolicy
	connectWait time.Duration
	turnTimeout time.Duration
	ackWait     time.Duration
	speechWait  time.Duration
	color       bool
	quiet       bool
}

func newOptions(opts []Option) options {
	o := options{
		gameName:    DefaultGameName,
		games:       DefaultGames,
		logger:      zap.NewNop(),
		reconnect:   DefaultReconnect,
		connectWait: DefaultConnectWait,
		turnTimeout: DefaultTurnTimeout,
		ackWait:     DefaultAckWait,
		speechWait:  DefaultSpeechWait,
	}
	for _, opt := range opts {
		opt.apply(&o)
	}
	return o
}

// WithGames sets how many games to play; Neuro moves first in the odd
// ones, the computer in the even ones. Defaults to 1; n < 1 keeps the
// default.
func WithGames(n int) Option {
	return optionFunc(func(o *options) {
		if n >= 1 {
			o.games = n
		}
	})
}

// WithSeed seeds the computer player, so that a match against a seeded
// simulator is repeatable. Defaults to 0.
func WithSeed(seed int64) Option {
	return optionFunc(func(o *options) { o.seed = seed })
}

// WithLogger sets the logger of the session and of its Neuro component.
// Defaults to zap.NewNop(); nil keeps the default.
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(o *options) {
		if l != nil {
			o.logger = l
		}
	})
}

// WithDialer sets the transport the session dials with; the session traces
// it. Defaults to the Neuro component's default (gorilla); nil keeps it.
func WithDialer(d transport.DialFunc) Option {
	return optionFunc(func(o *options) { o.dialer = d })
}

// WithReconnect sets the reconnect policy. Defaults to DefaultReconnect.
func WithReconnect(p neuro.ReconnectPolicy) Option {
	return optionFunc(func(o *options) { o.reconnect = p })
}

// WithConnectWait sets how long the first connection is retried before Run
// gives up. Defaults to DefaultConnectWait (5s); d <= 0 keeps the default.
func WithConnectWait(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d > 0 {
			o.connectWait = d
		}
	})
}

// WithTurnTimeout sets how long Neuro has to make a valid move, while
// connected, before the turn is asked again. Defaults to
// DefaultTurnTimeout (20s); d <= 0 keeps the default.
func WithTurnTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d > 0 {
			o.turnTimeout = d
		}
	})
}

// WithAckWait sets how long Run waits for Neuro's acknowledgement of the
// first startup before it sends the rules; zero does not wait. Defaults to
// DefaultAckWait (1s); d < 0 keeps the default.
func WithAckWait(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d >= 0 {
			o.ackWait = d
		}
	})
}

// WithSpeechWait sets how long a turn waits for Neuro to finish talking
// before it asks for her move anyway. Defaults to DefaultSpeechWait
// (15s); d <= 0 keeps the default.
func WithSpeechWait(d time.Duration) Option {
	return optionFunc(func(o *options) {
		if d > 0 {
			o.speechWait = d
		}
	})
}

// WithColor turns ANSI colours on in the transcript. Defaults to off.
func WithColor(on bool) Option {
	return optionFunc(func(o *options) { o.color = on })
}

// WithQuiet hides the lines of the messages exchanged: the transcript
// keeps the boards, the moves, the outcomes and the connection lines.
// Defaults to off.
func WithQuiet(on bool) Option {
	return optionFunc(func(o *options) { o.quiet = on })
}

// WithGameName sets the game name sent to Neuro. Defaults to
// DefaultGameName; "" keeps the default.
func WithGameName(name string) Option {
	return optionFunc(func(o *options) {
		if name != "" {
			o.gameName = name
		}
	})
}
