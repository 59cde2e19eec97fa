package neuro

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// DefaultReconnectMaxAttempts is how many dials in a row a ReconnectPolicy
// with a zero MaxAttempts allows.
const DefaultReconnectMaxAttempts = 60

// The other defaults of a ReconnectPolicy.
const (
	defaultReconnectInitialDelay = 500 * time.Millisecond
	defaultReconnectMaxDelay     = 30 * time.Second
)

// ReconnectPolicy says how a Component reconnects (see WithReconnect).
//
// After a connection drops, the component waits, dials again, and repeats
// with exponentially growing waits until a dial succeeds or MaxAttempts
// dials in a row failed. A failed first connection is retried the same
// way. Every new connection sends startup, then the whole registry, then
// the buffered context, and then raises events.Reconnected (or
// events.Connected for the first one). Stop wakes the component from a
// wait at once.
type ReconnectPolicy struct {
	// InitialDelay is the wait before the first new dial. Defaults to
	// 500ms.
	InitialDelay time.Duration
	// MaxDelay caps the wait (before jitter). Defaults to 30s.
	MaxDelay time.Duration
	// Jitter randomises each wait by up to ±Jitter of it (0.2: ±20%), so
	// that many games do not reconnect in step. Clamped to [0, 1].
	// Defaults to 0: no jitter.
	Jitter float64
	// MaxAttempts is how many dials in a row may fail before the component
	// gives up and raises events.ConnectFailed. Negative: retry forever.
	// Defaults to 60.
	MaxAttempts int
}

func (p ReconnectPolicy) withDefaults() ReconnectPolicy {
	if p.InitialDelay <= 0 {
		p.InitialDelay = defaultReconnectInitialDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = defaultReconnectMaxDelay
	}
	if p.MaxDelay < p.InitialDelay {
		p.MaxDelay = p.InitialDelay
	}
	p.Jitter = min(max(p.Jitter, 0), 1)
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultReconnectMaxAttempts
	}
	return p
}

// backoff returns the policy's delay sequence, doubling from InitialDelay
// up to MaxDelay.
func (p ReconnectPolicy) backoff() *backoff.ExponentialBackOff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     p.InitialDelay,
		RandomizationFactor: p.Jitter,
		Multiplier:          2,
		MaxInterval:         p.MaxDelay,
	}
	b.Reset()
	return b
}

// exhausted reports whether attempts failed dials in a row use up the
// policy.
func (p ReconnectPolicy) exhausted(attempts int) bool {
	return p.MaxAttempts >= 0 && attempts >= p.MaxAttempts
}

// sleep waits d on the component's timer, or returns false at once when
// ctx (the run's context, which Stop ends) ends first.
func (c *Component) sleep(ctx context.Context, d time.Duration) bool {
	ch, stop := c.o.newTimer(d)
	select {
	case <-ch:
		return true
	case <-ctx.Done():
		stop()
		return false
	}
}
