package neuro

import (
	"context"
	"slices"
	"time"

	"github.com/neurokit/neurokit/neuro/wire"
)

// A force is in flight from the moment it is sent until one of:
//   - a successful result is sent for one of its actions;
//   - none of its actions is registered any more and none of them waits
//     for a result (a one-shot action's success is unregistered before
//     its result is sent: the force then ends with that result);
//   - its connection ends (Serve returns, Attach fails) or startup is
//     sent again;
//   - Neuro has been quiet on it for its quiet time (WithReforceAfter;
//     see force_quiet.go): she gave it up, as the real Neuro does
//     silently after a few failed tries.
//
// At most one force is in flight per Client. Force fails with
// ErrForceInFlight while one is; ForceQueued waits for its turn, first
// come first served. The slot is taken before the force is sent, so that
// an action window can send its context and register its actions while
// holding it.

// forceSlot is the right to have one force in flight.
type forceSlot struct {
	names []string
	sent  bool       // the force went on the wire; guarded by Client.mu
	clock quietClock // guarded by Client.mu
}

// forceWaiter is a ForceQueued call waiting for the slot.
type forceWaiter struct {
	slot  *forceSlot
	ready chan struct{} // closed when the slot is granted
}

// Force makes Neuro pick one of f.ActionNames as soon as she can. Every
// name must be registered, the query must not be empty and the priority
// must be one of the four defined (or empty). It returns ErrForceInFlight
// while another force is in flight, ErrNotConnected without a connection,
// and a *ValidationError (also wrapping ErrNotRegistered for unknown
// names) for an invalid force.
//
// The force is in flight until a successful result for one of its
// actions, until none of them is registered or waiting for a result,
// until its connection ends, or until Neuro has been quiet on it for the
// time WithReforceAfter sets (30 s by default, counted from the force,
// her last action or failed result for it, or her last speech_finished,
// whichever is latest): the real Neuro gives a force up silently after a
// few failed tries. A force given up is logged and not sent again; the
// next Force or ForceQueued may go. Window sends its force again.
func (c *Client) Force(ctx context.Context, f ForceActions) error {
	return c.forceWith(ctx, f, false)
}

// ForceQueued is Force, but while another force is in flight it waits
// (until ctx ends) for that one to end and for the forces queued before it
// to be sent, instead of returning ErrForceInFlight. The names are checked
// once more when its turn comes: actions unregistered meanwhile fail it.
// A force in flight ends at the latest when Neuro has been quiet on it
// for the WithReforceAfter time (see Force), so the wait is bounded
// while connected.
func (c *Client) ForceQueued(ctx context.Context, f ForceActions) error {
	return c.forceWith(ctx, f, true)
}

// forceInFlight reports whether a force is in flight (or its slot is
// taken by a force about to be sent).
func (c *Client) forceInFlight() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.force != nil
}

func (c *Client) forceWith(ctx context.Context, f ForceActions, queued bool) error {
	if err := wire.CheckForce(f, nil); err != nil {
		return err
	}
	if err := c.checkForceNames(f); err != nil {
		return err
	}
	slot, err := c.acquireForce(ctx, f.ActionNames, queued, 0)
	if err != nil {
		return err
	}
	return c.sendForce(ctx, slot, f)
}

func (c *Client) checkForceNames(f ForceActions) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return wire.CheckForce(f, c.reg.has)
}

// acquireForce takes the force slot for a force of names, waiting for it
// when queued. quiet is the force's quiet time; 0 is the client's
// (WithReforceAfter).
func (c *Client) acquireForce(ctx context.Context, names []string, queued bool, quiet time.Duration) (*forceSlot, error) {
	slot := &forceSlot{names: slices.Clone(names), clock: quietClock{after: quiet}}
	c.mu.Lock()
	if c.force == nil && len(c.waiters) == 0 {
		c.force = slot
		c.mu.Unlock()
		return slot, nil
	}
	if !queued {
		c.mu.Unlock()
		return nil, ErrForceInFlight
	}
	w := &forceWaiter{slot: slot, ready: make(chan struct{})}
	c.waiters = append(c.waiters, w)
	c.mu.Unlock()
	select {
	case <-w.ready:
		return slot, nil
	case <-ctx.Done():
		c.mu.Lock()
		if c.force == slot {
			c.releaseForceLocked(slot)
		} else {
			c.waiters = slices.DeleteFunc(c.waiters, func(x *forceWaiter) bool { return x == w })
		}
		c.mu.Unlock()
		return nil, ctx.Err()
	}
}

// releaseForce gives the slot up if it is still held by slot.
func (c *Client) releaseForce(slot *forceSlot) {
	c.mu.Lock()
	c.releaseForceLocked(slot)
	c.mu.Unlock()
}

// releaseForceLocked ends slot's force and grants the slot to the first
// waiter. The caller holds c.mu.
func (c *Client) releaseForceLocked(slot *forceSlot) {
	if c.force != slot {
		return
	}
	slot.disarmQuietLocked()
	c.force = nil
	if len(c.waiters) > 0 {
		w := c.waiters[0]
		c.waiters[0] = nil
		c.waiters = c.waiters[1:]
		c.force = w.slot
		close(w.ready)
	}
}

// sendForce sends f, whose slot the caller holds. On any failure the slot
// is released.
func (c *Client) sendForce(ctx context.Context, slot *forceSlot, f ForceActions) error {
	if err := c.lock(ctx); err != nil {
		c.releaseForce(slot)
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	conn := c.conn
	var err error
	switch {
	case c.force != slot:
		err = ErrNotConnected // the slot was taken back: startup was sent meanwhile
	case conn == nil:
		err = ErrNotConnected
	default:
		err = wire.CheckForce(f, c.reg.has)
	}
	if err != nil {
		c.releaseForceLocked(slot)
		c.mu.Unlock()
		return err
	}
	slot.sent = true
	c.armQuietLocked(slot)
	c.mu.Unlock()
	if err := c.write(ctx, conn, f); err != nil {
		c.releaseForce(slot)
		return err
	}
	return nil
}

// resultSentLocked updates the force after a result for an action called
// name was sent. The caller holds c.mu.
func (c *Client) resultSentLocked(name string, success bool) {
	f := c.force
	if f == nil || !f.sent {
		return
	}
	if success && slices.Contains(f.names, name) {
		c.releaseForceLocked(f)
		return
	}
	if !success {
		c.forceSignLocked(name) // she retries after a failed result
	}
	c.checkForceOrphanedLocked()
}

// checkForceOrphanedLocked ends the force in flight when none of its
// actions is registered or waiting for a result. The caller holds c.mu.
func (c *Client) checkForceOrphanedLocked() {
	f := c.force
	if f == nil || !f.sent {
		return
	}
	for _, n := range f.names {
		if c.reg.has(n) {
			return
		}
	}
	for _, p := range c.book.pending {
		if slices.Contains(f.names, p.name) {
			return
		}
	}
	c.releaseForceLocked(f)
}
