package neuro

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
)

// Result is what an ActionFunc decided about an action: the action/result
// sent to Neuro. Build it with Success or Failure.
type Result struct {
	Success bool
	// Message is read by Neuro. A failure should say how to succeed
	// ("that cell is taken; free cells are 1, 5, 9").
	Message string
}

// Success returns a successful Result; message may be empty.
func Success(message string) Result { return Result{Success: true, Message: message} }

// Failure returns a failed Result. When Neuro acts within a force, a
// failure makes her retry the force. To turn an action down without a
// retry, return a Success whose message explains.
func Failure(message string) Result { return Result{Message: message} }

// ActionFunc handles one validated action (its data matches the schema)
// and returns its result, which the component sends. It runs on the
// goroutine of the component that read the action, concurrently with
// other actions (another goroutine reads meanwhile); ctx is
// cancelled when the handler timeout passes (see WithHandlerTimeout) or
// when Stop gives up waiting. A panic is answered with a failed "internal
// error" result and logged.
type ActionFunc func(ctx context.Context, act events.Action) Result

// ActionSpec is an action with its handler.
type ActionSpec struct {
	Action  Action
	Handler ActionFunc
}

// HandleAction registers a on the server and fn as the handler of its
// event (events.ActionEvent(a.Name)) in the component's manager, owned by
// this component; fn's result is sent automatically, exactly once. The
// component must be in a manager. Actions already registered on the
// server are not sent again. It fails when the component already has a
// helper handler for that action, and when a is invalid (nothing is then
// registered anywhere). UnregisterActions removes both registrations.
func (c *Component) HandleAction(ctx context.Context, a Action, fn ActionFunc) error {
	return c.handle(ctx, []ActionSpec{{Action: a, Handler: fn}}, nil)
}

// HandleTemporaryAction is HandleAction for a one-shot action: after its
// first successful use it is unregistered, on the server and in the
// manager, before the successful result is sent, so that Neuro cannot use
// it twice. A failed use keeps it. Uses of it are handled one at a time;
// a use arriving after the success is answered with a failed result
// saying it is no longer available.
func (c *Component) HandleTemporaryAction(ctx context.Context, a Action, fn ActionFunc) error {
	return c.handle(ctx, []ActionSpec{{Action: a, Handler: fn}}, &group{})
}

// HandleTemporaryGroup registers a group of one-shot actions: after the
// first successful use of any of them, all of them are unregistered (on
// the server and in the manager) before that success's result is sent.
// Failures keep the group. The handlers of a group run one at a time. It
// returns the names of the actions, in order, ready for a force.
func (c *Component) HandleTemporaryGroup(ctx context.Context, specs []ActionSpec) ([]string, error) {
	if err := c.handle(ctx, specs, &group{}); err != nil {
		return nil, err
	}
	return specNames(specs), nil
}

func specNames(specs []ActionSpec) []string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Action.Name
	}
	return names
}

// group is a set of one-shot actions that close together after the first
// success. Its handlers run one at a time (sem), which is what makes "only
// one succeeds" race-free.
type group struct {
	names  []string
	sem    chan struct{}
	closed bool // guarded by sem
	// won, when set, is called after the winning success's result was sent.
	won func(act events.Action)
}

// handle registers specs: manager handlers first (all or none), then the
// actions on the server in one message. g is nil for plain actions.
func (c *Component) handle(ctx context.Context, specs []ActionSpec, g *group) error {
	if len(specs) == 0 {
		return &ValidationError{Subject: "register", Problem: "at least one action is needed"}
	}
	actions := make([]Action, len(specs))
	for i, s := range specs {
		if s.Handler == nil {
			return &ValidationError{Subject: fmt.Sprintf("action %q", s.Action.Name), Problem: "has no handler"}
		}
		actions[i] = s.Action
	}
	if err := wire.CheckRegister(actions); err != nil {
		return err
	}
	if g != nil {
		g.names = specNames(specs)
		g.sem = make(chan struct{}, 1)
	}
	if err := c.reserve(g, specs); err != nil {
		return err
	}
	hs := make(map[string]manager.Handler, len(specs))
	for _, s := range specs {
		hs[events.ActionEvent(s.Action.Name)] = c.actionHandler(s.Handler, g)
	}
	ids, err := c.RegisterHandlers(hs)
	if err != nil {
		c.release(specNames(specs), nil)
		return err
	}
	// ids come in the order of the sorted event names.
	byEvent := make(map[string]manager.HandlerID, len(ids))
	for i, event := range slices.Sorted(maps.Keys(hs)) {
		byEvent[event] = ids[i]
	}
	c.ownedMu.Lock()
	for _, s := range specs {
		c.owned[s.Action.Name] = byEvent[events.ActionEvent(s.Action.Name)]
	}
	c.ownedMu.Unlock()
	if err := c.client.RegisterActions(ctx, actions...); err != nil {
		c.release(specNames(specs), ids)
		return err
	}
	return nil
}

// reserve claims the action names for helper handlers of this component.
func (c *Component) reserve(g *group, specs []ActionSpec) error {
	c.ownedMu.Lock()
	defer c.ownedMu.Unlock()
	for _, s := range specs {
		if _, dup := c.owned[s.Action.Name]; dup {
			return fmt.Errorf("neuro: action %q already has a handler from this component; unregister it first", s.Action.Name)
		}
	}
	for _, s := range specs {
		c.owned[s.Action.Name] = 0
	}
	return nil
}

// release gives names back and unregisters handler ids.
func (c *Component) release(names []string, ids []manager.HandlerID) {
	c.ownedMu.Lock()
	for _, n := range names {
		delete(c.owned, n)
	}
	c.ownedMu.Unlock()
	for _, id := range ids {
		_ = c.UnregisterHandler(id)
	}
}

// dropOwned removes the helper handlers of names from the manager.
func (c *Component) dropOwned(names []string) {
	var ids []manager.HandlerID
	c.ownedMu.Lock()
	for _, n := range names {
		if id, ok := c.owned[n]; ok {
			delete(c.owned, n)
			if id != 0 {
				ids = append(ids, id)
			}
		}
	}
	c.ownedMu.Unlock()
	for _, id := range ids {
		if err := c.UnregisterHandler(id); err != nil && !errors.Is(err, manager.ErrUnbound) {
			c.log.Debug("removing an action handler", zap.Error(err))
		}
	}
}

// actionHandler wraps fn as the manager handler of one action.
func (c *Component) actionHandler(fn ActionFunc, g *group) manager.Handler {
	return func(ctx context.Context, ev manager.Event) error {
		act, err := manager.Payload[events.Action](ev)
		if err != nil {
			return err
		}
		if g != nil {
			c.runGrouped(ctx, g, fn, act)
			return nil
		}
		res := callActionFunc(ctx, c.log, fn, act)
		c.client.reply(ctx, act, res.Success, res.Message)
		return nil
	}
}

// runGrouped runs fn for an action of a one-shot group.
func (c *Component) runGrouped(ctx context.Context, g *group, fn ActionFunc, act events.Action) {
	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		c.client.settle(c.replyCtx(ctx), act, choiceBusy, nil)
		return
	}
	defer func() { <-g.sem }()
	if g.closed {
		c.client.settle(ctx, act, choiceClosed, nil)
		return
	}
	res := callActionFunc(ctx, c.log, fn, act)
	if res.Success {
		g.closed = true
		// Unregister before the result, so Neuro cannot use the group twice.
		if err := c.UnregisterActions(c.replyCtx(ctx), g.names...); err != nil {
			c.log.Warn("unregistering a used one-shot action failed", zap.Strings("actions", g.names), zap.Error(err))
		}
	}
	c.client.reply(c.replyCtx(ctx), act, res.Success, res.Message)
	if res.Success && g.won != nil {
		g.won(act)
	}
}

// replyCtx is ctx, or the handlers' context when ctx has ended (a timed
// out action's context must not stop what follows its use).
func (c *Component) replyCtx(ctx context.Context) context.Context {
	if ctx.Err() != nil {
		return c.hctx
	}
	return ctx
}

// close closes g without a winner (a cancelled window), waiting for a
// handler of g that is running. It reports false when g had closed with a
// success already.
func (g *group) close() bool {
	g.sem <- struct{}{}
	defer func() { <-g.sem }()
	if g.closed {
		return false
	}
	g.closed = true
	return true
}
