package neuro

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/wire"
)

// WindowSpec describes an action window: a moment where the game asks
// Neuro to pick exactly one of a few actions (in the spirit of the
// official Unity SDK's ActionWindow).
type WindowSpec struct {
	// Context, when not empty, is sent as context when the window opens.
	Context string
	// Silent sends Context silently (see SendContext).
	Silent bool
	// Actions are the choices. A nil Handler accepts every use (Success
	// with no message). A handler that fails keeps the window open for
	// Neuro's retry.
	Actions []ActionSpec
	// Force is the force sent once the actions are registered: Query is
	// required; State, EphemeralContext and Priority are optional.
	// ActionNames is ignored: the window forces its own actions.
	Force ForceActions
	// ReforceAfter is how long Neuro may stay quiet on the window's force
	// before the window sends it again: no action for it within that
	// time, counted from the force, her last action or failed result for
	// it, or her last speech_finished, whichever is latest (the real
	// Neuro drops a force silently after a few failed tries). Zero or
	// less: the component's (WithReforceAfter, 30 s by default).
	ReforceAfter time.Duration
	// MaxReforces is how many times the window sends its force again
	// after Neuro went quiet on it; when she stays quiet after the last
	// one, Window fails with ErrForceIgnored. Zero: DefaultMaxReforces
	// (3); negative: never again (Window fails the first time she goes
	// quiet).
	MaxReforces int
}

// WindowResult is the action that closed a window.
type WindowResult struct {
	// Action is the name of the action Neuro chose.
	Action string
	// Data is the JSON document she sent with it ("" when none).
	Data string
}

// Window opens an action window and waits until Neuro successfully uses
// one of its actions, then returns it. In order it: sends spec.Context,
// registers the actions with their handlers (as one HandleTemporaryGroup),
// takes the force slot (waiting its turn behind a force in flight, as
// ForceQueued does), sends the force, and waits.
//
// Races are handled: an action that arrives before the force was sent is
// handled normally (and closes the window if it succeeds); uses are
// handled one at a time, so when two arrive back to back only the first
// success counts and the other is answered with a failed result saying
// the choice is closed; a failed result keeps the window open for Neuro's
// retry. The winning action is unregistered, with the others, before its
// successful result is sent. After a reconnect the actions are registered
// again with the registry and the force is sent again.
//
// When Neuro goes quiet on the force (no action for it within
// spec.ReforceAfter; see there), the force is given up and Window sends
// it again, with a log line and an events.ForceRepeated event, at most
// spec.MaxReforces times; when she is still quiet after that, Window
// closes the window and fails with an error wrapping ErrForceIgnored. So
// a window always ends: with a success, when ctx ends, or with an error.
//
// When ctx ends first, Window closes the window (waiting for a handler of
// it that is running), unregisters its actions and returns ctx.Err(). It
// fails at once for an invalid spec.
func (c *Component) Window(ctx context.Context, spec WindowSpec) (WindowResult, error) {
	if len(spec.Actions) == 0 {
		return WindowResult{}, &ValidationError{Subject: "window", Problem: "at least one action is needed"}
	}
	specs := make([]ActionSpec, len(spec.Actions))
	actions := make([]Action, len(spec.Actions))
	for i, s := range spec.Actions {
		if s.Handler == nil {
			s.Handler = acceptAction
		}
		specs[i] = s
		actions[i] = s.Action
	}
	f := spec.Force
	f.ActionNames = specNames(specs)
	if err := wire.CheckForce(f, nil); err != nil {
		return WindowResult{}, err
	}
	if err := wire.CheckRegister(actions); err != nil {
		return WindowResult{}, err
	}

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	won := make(chan WindowResult, 1)
	g := &group{won: func(act events.Action) {
		won <- WindowResult{Action: act.Name, Data: act.Data}
		cancel()
	}}

	if spec.Context != "" {
		// A full disconnected buffer dropped an older message, not this one
		// (logged): the window goes on.
		if err := c.SendContext(ctx, spec.Context, spec.Silent); err != nil && !errors.Is(err, ErrContextDropped) {
			return WindowResult{}, err
		}
	}
	if err := c.handle(ctx, specs, g); err != nil {
		return WindowResult{}, err
	}
	maxReforces := spec.MaxReforces
	switch {
	case maxReforces == 0:
		maxReforces = DefaultMaxReforces
	case maxReforces < 0:
		maxReforces = 0
	}
	var sent *forceSlot // the force this window sent last, while it may be in flight
	reforces := 0
	for {
		changed := c.connChanged()
		// Wait for the force in flight (ours included, from the second
		// round on) to end: with a success the window is won; after a
		// reset, or when Neuro went quiet on it, we force again.
		slot, err := c.client.acquireForce(wctx, f.ActionNames, true, spec.ReforceAfter)
		if err != nil {
			break
		}
		if quiet, idle := c.client.endedQuiet(sent); quiet {
			if reforces >= maxReforces {
				c.client.releaseForce(slot)
				return c.endWindow(ctx, g, won, fmt.Errorf("%w: no action for %s after the force of %s was sent %d times",
					ErrForceIgnored, idle.Round(time.Millisecond), strings.Join(f.ActionNames, ", "), reforces+1))
			}
			reforces++
			c.log.Info("Neuro went quiet on the window's force; forcing again", zap.Strings("actions", f.ActionNames),
				zap.Duration("quiet", idle), zap.Int("repeat", reforces), zap.Int("max", maxReforces))
			c.events.pushFromGame(events.ForceRepeated, events.ForceRepeatedData{
				Actions: slices.Clone(f.ActionNames), Repeat: reforces, Max: maxReforces, Quiet: idle,
			})
		}
		sent = nil
		err = c.client.sendForce(wctx, slot, f)
		switch {
		case err == nil:
			sent = slot
		case errors.Is(err, ErrInvalid):
			// Our actions are gone: won, or unregistered by the game.
			return c.endWindow(ctx, g, won, err)
		default:
			// Not connected, or the connection failed under the write: try
			// again on the next connection.
			c.log.Debug("window force not sent; waiting for a connection", zap.Error(err))
			select {
			case <-changed:
			case <-wctx.Done():
			}
		}
		if wctx.Err() != nil {
			break
		}
	}
	return c.endWindow(ctx, g, won, ctx.Err())
}

// endWindow ends the window of g, giving up with err, unless a success
// won it first: then, or when one wins it while it closes, it returns
// that success.
func (c *Component) endWindow(ctx context.Context, g *group, won chan WindowResult, err error) (WindowResult, error) {
	if r, ok := wonResult(won); ok {
		return r, nil
	}
	if !c.closeWindow(ctx, g) {
		return <-won, nil // a success closed the window while we were giving up
	}
	return WindowResult{}, err
}

func wonResult(won chan WindowResult) (WindowResult, bool) {
	select {
	case r := <-won:
		return r, true
	default:
		return WindowResult{}, false
	}
}

// closeWindow closes g without a winner and unregisters its actions. It
// reports false when a success had closed g already.
func (c *Component) closeWindow(ctx context.Context, g *group) bool {
	if !g.close() {
		return false
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := c.UnregisterActions(uctx, g.names...); err != nil {
		c.log.Warn("unregistering the actions of a closed window failed", zap.Strings("actions", g.names), zap.Error(err))
	}
	return true
}

// cleanupTimeout bounds the unregistration a cancelled window sends.
const cleanupTimeout = 5 * time.Second

func acceptAction(context.Context, events.Action) Result { return Success("") }
