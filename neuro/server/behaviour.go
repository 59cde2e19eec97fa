package server

import (
	"fmt"
	"time"
)

// behaviour is how Neuro acts towards games: the group of settings a
// Profile sets, each also an option of its own. Games read it through
// gameSettings; it never changes once the server is made.
type behaviour struct {
	reregister    bool          // send actions/reregister_all on connect
	startupAck    bool          // answer startup with the session
	thinkMin      time.Duration // before answering a force (each attempt)
	thinkMax      time.Duration
	retries       int  // retries of a failed force; < 0: without limit
	stickyRetries bool // a retry sends the same action again
	pendingForce  PendingForce
	resultTimeout time.Duration
	holdContext   bool          // context held while a result is pending
	speechMin     time.Duration // automatic speech; 0 and 0: none
	speechMax     time.Duration
	speechUpdates time.Duration // speech_finished isFinal:false every ...; 0: none
	actEvery      time.Duration // unprompted actions; 0: none
}

// defaultBehaviour is New's behaviour without WithProfile: the real
// server's rules (ProfileNeuro's), without its timing, and with the
// official mock's actions/reregister_all on connect (a path every game
// must handle). Neuro does not speak or act on her own, and answers
// forces after a fixed delay, so that programs that embed the simulator
// and their tests stay fast.
func defaultBehaviour() behaviour {
	return behaviour{
		reregister:    true,
		startupAck:    true,
		thinkMin:      DefaultForceDelay,
		thinkMax:      DefaultForceDelay,
		retries:       DefaultRetries,
		pendingForce:  ForceReplace,
		resultTimeout: DefaultResultTimeout,
		holdContext:   true,
		speechUpdates: DefaultSpeechUpdates,
	}
}

// PendingForce says what the server does with a force that arrives while
// another one of the same game is still pending.
type PendingForce string

const (
	// ForceReplace cancels the pending force and serves the new one, as
	// the real server can (ProfileNeuro, and New's default).
	ForceReplace PendingForce = "replace"
	// ForceQueue serves the new force once the pending one is over, as
	// the official mock does (ProfileRandy). At most 64 forces wait.
	ForceQueue PendingForce = "queue"
)

// ParsePendingForce returns the PendingForce named s ("replace" or
// "queue").
func ParsePendingForce(s string) (PendingForce, error) {
	switch p := PendingForce(s); p {
	case ForceReplace, ForceQueue:
		return p, nil
	}
	return "", fmt.Errorf("server: unknown pending-force mode %q (want %q or %q)", s, ForceReplace, ForceQueue)
}

// WithReregisterOnConnect sets whether the server sends
// actions/reregister_all the moment a game connects, like the official
// mock. Defaults to true; ProfileNeuro turns it off (the real server
// sends it only when it lost its state).
func WithReregisterOnConnect(on bool) Option {
	return optionFunc(func(c *config) { c.behaviour.reregister = on })
}

// WithStartupAck sets whether the server answers a game's startup with
// its own startup message carrying the session (see WithSession), as the
// real server does since July 2026. Defaults to true; ProfileRandy, like
// the official mock, sends none.
func WithStartupAck(on bool) Option {
	return optionFunc(func(c *config) { c.behaviour.startupAck = on })
}

// WithPolicy sets the policy that answers forces. Defaults to a
// RandomPolicy seeded from WithSeed.
func WithPolicy(p Policy) Option {
	return optionFunc(func(c *config) { c.policy = p })
}

// WithForceDelay makes the server think for exactly d before answering a
// force and before each retry: WithThinkTime(d, d). Negative values count
// as zero. Defaults to 500ms.
func WithForceDelay(d time.Duration) Option {
	return WithThinkTime(d, d)
}

// WithThinkTime sets how long Neuro thinks before answering a force, and
// before each retry: a duration drawn uniformly from [lo, hi] each time,
// from the server's seed (see WithSeed). She starts thinking once she is
// free to answer (see WithSpeech for priorities). Negative values count
// as zero; hi below lo counts as lo. Defaults to a fixed 500ms;
// ProfileNeuro thinks from 500ms to 2s.
func WithThinkTime(lo, hi time.Duration) Option {
	return optionFunc(func(c *config) {
		c.behaviour.thinkMin = max(lo, 0)
		c.behaviour.thinkMax = max(hi, c.behaviour.thinkMin)
	})
}

// WithRetries sets how many times a force is retried after failed (or
// timed-out) results. Once they are spent the server gives the force up
// silently, as the real one does: nothing is sent to the game, the force
// ends with ForceGaveUp in the event log and GET /state, and the next
// queued force (if any) is served. A negative n retries without limit,
// like the official mock (ProfileRandy). Defaults to 3.
func WithRetries(n int) Option {
	return optionFunc(func(c *config) { c.behaviour.retries = max(n, -1) })
}

// WithStickyRetries sets whether a retry sends the same action again
// (with new data), as the official mock does, instead of asking the
// policy to choose again among the force's actions. Defaults to false;
// ProfileRandy sets it.
func WithStickyRetries(on bool) Option {
	return optionFunc(func(c *config) { c.behaviour.stickyRetries = on })
}

// WithForceWhilePending sets what happens to a force that arrives while
// another one of the same game is pending: ForceReplace (the default,
// like the real server) or ForceQueue (like the official mock). Either
// way the game gets a FindingForceWhilePending: one force at a time is
// the rule. An unknown mode is ignored.
func WithForceWhilePending(p PendingForce) Option {
	return optionFunc(func(c *config) {
		if p == ForceReplace || p == ForceQueue {
			c.behaviour.pendingForce = p
		}
	})
}

// WithResultTimeout sets how long the server waits for an action/result
// before it counts the action as failed; a later result is discarded with a
// finding. Values <= 0 keep the default of 30s.
func WithResultTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.behaviour.resultTimeout = d
		}
	})
}

// WithHeldContext sets whether context a game sends while one of its
// action results is pending is held back and delivered, in order, once
// no result is pending any more, as the real server does. Held context
// shows in GameState.HeldContext and as EventContextHeld and
// EventContextDelivered; it reaches the context log (and makes Neuro
// speak, see WithSpeech) when delivered. Defaults to true; ProfileRandy
// delivers context at once.
func WithHeldContext(on bool) Option {
	return optionFunc(func(c *config) { c.behaviour.holdContext = on })
}

// WithSpeech makes Neuro speak on her own: after each context message
// that is not silent (once delivered, see WithHeldContext) and after each
// force that ends with a successful result, she talks for a duration
// drawn uniformly from [lo, hi] (from the server's seed). While she
// talks she sends speech_finished with isFinal false now and then (see
// WithSpeechUpdates) and, at the end, exactly one with isFinal true.
// Something else to talk about while she talks makes the utterance last
// longer, never a second one at the same time.
//
// A force waits for her according to its priority: low (the default)
// until she has finished; medium halves what is left of her utterance;
// high lets her end her sentence (at most 250ms) and finishes the
// utterance with cancelled: true, reason "cut short"; critical
// interrupts her at once (cancelled: true, reason "interrupted"). Then
// she thinks (WithThinkTime) and answers.
//
// lo and hi <= 0 turn automatic speech off (the default); Speak and
// FinishSpeaking still work, and forces still wait for them. ProfileNeuro
// speaks from 1s to 4s.
func WithSpeech(lo, hi time.Duration) Option {
	return optionFunc(func(c *config) {
		c.behaviour.speechMin = max(lo, 0)
		c.behaviour.speechMax = max(hi, c.behaviour.speechMin)
	})
}

// WithSpeechUpdates sets how often Neuro sends speech_finished with
// isFinal false while she speaks: every d, jittered by half either way,
// so that an utterance longer than 1.5×d sends at least one and one
// shorter than d/2 none. d <= 0 sends none, only the final message.
// Defaults to 1s.
func WithSpeechUpdates(d time.Duration) Option {
	return optionFunc(func(c *config) { c.behaviour.speechUpdates = max(d, 0) })
}

// WithActEvery makes Neuro act on her own, as the real one does: about
// every d (jittered by half either way, from the server's seed), when the
// game has started up, has actions registered, no force pending and no
// result outstanding, she sends one of its registered actions at random
// with data valid for its schema (GenerateData). Such an action is not a
// force: a failed result is not retried. d <= 0 turns it off (the
// default); ProfileNeuro acts about once a minute.
func WithActEvery(d time.Duration) Option {
	return optionFunc(func(c *config) { c.behaviour.actEvery = max(d, 0) })
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
