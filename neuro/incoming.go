package neuro

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
)

// What Neuro sends a Component: its Client hands every validated action
// and every other message to the component's receiver, the Component's
// side of the one seam between them (Receiver).

// receiver is the Receiver of a Component's Client.
type receiver struct{ c *Component }

// ReceiveAction runs act's handlers on the goroutine that read it: the
// Client has handed reading to another goroutine already, so a slow
// handler never blocks reading.
func (r receiver) ReceiveAction(ctx context.Context, act events.Action) {
	r.c.runAction(ctx, act)
}

// ReceiveMessage turns the other server messages into lifecycle events,
// or answers a shutdown request nobody handles.
func (r receiver) ReceiveMessage(ctx context.Context, m wire.Message) {
	c := r.c
	switch m := m.(type) {
	case wire.StartupAck:
		c.transition(step{kind: acknowledged, session: events.Session(m.Session)})
		c.events.pushFromServer(events.StartupAcknowledged, events.Session(m.Session))
	case wire.ShutdownGraceful:
		if c.Handles(events.ShutdownGraceful) {
			c.events.pushFromServer(events.ShutdownGraceful, events.ShutdownGracefulData{WantsShutdown: m.WantsShutdown})
		} else if m.WantsShutdown {
			c.answerShutdown(ctx)
		}
	case wire.ShutdownImmediate:
		if c.Handles(events.ShutdownImmediate) {
			c.events.pushFromServer(events.ShutdownImmediate, events.ShutdownImmediateData{})
		} else {
			c.answerShutdown(ctx)
		}
	case wire.SpeechFinished:
		c.events.pushFromServer(events.SpeechFinished, events.SpeechFinishedData{
			IsFinal: m.IsFinal, Cancelled: m.Cancelled, Reason: m.Reason,
		})
	case wire.Unknown:
		c.log.Warn("unknown command from Neuro", zap.String("command", m.Cmd), zap.ByteString("data", truncate(m.Data, 200)))
		c.events.pushFromServer(events.UnknownCommand, events.UnknownCommandData{Command: m.Cmd, Data: m.Data})
	default:
		c.log.Warn("unexpected message from Neuro", zap.String("command", m.Command()))
	}
}

// answerShutdown answers a shutdown request nobody handles, as the
// original does: there is nothing to save, so the game is ready.
func (c *Component) answerShutdown(ctx context.Context) {
	if err := c.client.SendShutdownReady(ctx); err != nil {
		c.log.Warn("answering shutdown/ready failed", zap.Error(err))
	}
}

// runAction raises the event of one validated action, waits for its
// handlers (in a supervised manager too), and tells the Client's ledger
// what happened, which answers the action unless a handler did.
func (c *Component) runAction(ctx context.Context, act events.Action) {
	event := c.actionEvent(act.Name)
	if !c.Handles(event) {
		c.client.settle(ctx, act, notHandled, nil)
		return
	}
	if err := c.raiseAction(ctx, event, act); err != nil {
		c.client.settle(ctx, act, handlerFailed, err)
		return
	}
	// Every handler returned nil. If none of them answered (or none ran:
	// the handlers were removed after the check above, when a one-shot
	// group closed), the action fails: a success is never claimed for the
	// game.
	c.client.settle(ctx, act, noReply, nil)
}

// raiseAction raises the action event and waits for its handlers,
// turning a panic into an error.
func (c *Component) raiseAction(ctx context.Context, event string, act events.Action) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("neuro: panic while raising %q: %v", event, v)
		}
	}()
	return c.RaiseAndWait(ctx, manager.NewEvent(event, act))
}

// actionEvent returns events.ActionEvent(name), computed once per name.
// Only registered names reach it, so the cache is bounded by the actions
// the game ever registered.
func (c *Component) actionEvent(name string) string {
	if ev, ok := c.eventNames.Load(name); ok {
		return ev.(string)
	}
	ev := events.ActionEvent(name)
	c.eventNames.Store(name, ev)
	return ev
}
