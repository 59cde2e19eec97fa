package neuro

import (
	"context"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/wire"
)

// Receiver receives what Neuro sends, once the Client has dealt with what
// it answers itself (actions/reregister_all; malformed, unknown,
// duplicate, invalid and excess actions). It is the one seam between a
// Client and whatever runs the game: a Component is a Receiver of its
// Client like any other.
//
// Its methods are called from the goroutines reading the connection
// (Client.Serve). ReceiveMessage is called by the one goroutine reading at
// the time, in the order the messages arrived, and a ReceiveMessage that
// blocks stops reading. ReceiveAction is called on the goroutine that read
// the action, after it handed reading to another goroutine: calls run
// concurrently with each other and with ReceiveMessage, and a slow one
// does not stop reading (at most WithMaxActions run at once; beyond, the
// Client answers the action busy). A panic in either method is recovered
// by the Client and logged; a panicking ReceiveAction has its action
// answered with a failed result.
type Receiver interface {
	// ReceiveAction is called for an action that passed validation: its
	// name is registered, its data matches the action's schema and its id
	// is not already waiting for a result. act carries the action's one
	// result: act.Reply sends it (only the first call is sent), and
	// act.Answered reports whether it was sent. The receiver must make
	// sure act.Reply is called once, as soon as the action is validated in
	// game (Neuro waits about 20 seconds for it). ctx is the context Serve
	// was called with, or, with WithHandlerTimeout, the action's own
	// context, which also ends (cause ErrHandlerTimeout) when the timeout
	// answered the action.
	ReceiveAction(ctx context.Context, act events.Action)
	// ReceiveMessage is called for every other message: StartupAck,
	// ShutdownGraceful, ShutdownImmediate, SpeechFinished (after the
	// Client updated Speaking with it) and Unknown.
	ReceiveMessage(ctx context.Context, m wire.Message)
}

// ReceiverFuncs is a Receiver made of two funcs. A nil Action answers
// every action with a failed result saying the game does not handle it; a
// nil Message ignores the other messages.
type ReceiverFuncs struct {
	Action  func(ctx context.Context, act events.Action)
	Message func(ctx context.Context, m wire.Message)
}

// ReceiveAction calls r.Action, or fails the action when it is nil.
func (r ReceiverFuncs) ReceiveAction(ctx context.Context, act events.Action) {
	if r.Action == nil {
		_ = act.Reply(ctx, false, notHandledMessage(act.Name))
		return
	}
	r.Action(ctx, act)
}

// ReceiveMessage calls r.Message when it is set.
func (r ReceiverFuncs) ReceiveMessage(ctx context.Context, m wire.Message) {
	if r.Message != nil {
		r.Message(ctx, m)
	}
}
