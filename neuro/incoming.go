package neuro

import (
	"context"
	"fmt"
	"sync/atomic"

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

// ReceiveAction runs act on a worker of the component, never on the
// reader, so that a slow handler never blocks reading.
func (r receiver) ReceiveAction(ctx context.Context, act events.Action) {
	r.c.workers.run(ctx, act)
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

// maxIdleWorkers bounds the workers of a component waiting for an action.
const maxIdleWorkers = 2

// workers run the actions of a Component. A worker that finished waits
// for the next action (at most maxIdleWorkers wait; the others return),
// so a round trip reuses a goroutine whose stack has grown instead of
// starting one. At most max workers exist: the Client keeps at most that
// many actions waiting for a result, so only handlers that keep running
// after their action was answered can use them all, and an action that
// finds none free is answered busy. Waiting workers return when Stop
// begins. Every worker is counted in the component's WaitGroup.
type workers struct {
	c    *Component
	max  int32
	jobs chan job // unbuffered: hands an action to a waiting worker
	live atomic.Int32
	idle atomic.Int32
}

// job is one validated action for a worker.
type job struct {
	ctx context.Context
	act events.Action
}

// run hands act to a waiting worker, or to a new one. It is called by the
// reader, a goroutine counted in the component's WaitGroup.
func (w *workers) run(ctx context.Context, act events.Action) {
	select {
	case w.jobs <- job{ctx: ctx, act: act}:
		return
	default:
	}
	if w.live.Add(1) > w.max {
		w.live.Add(-1)
		w.c.client.settle(ctx, act, noWorker, nil)
		return
	}
	w.c.wg.Add(1)
	go w.loop(job{ctx: ctx, act: act})
}

// loop runs j, then the actions handed to it while it waits, until
// enough workers wait already or Stop begins.
func (w *workers) loop(j job) {
	defer w.c.wg.Done()
	defer w.live.Add(-1)
	for {
		w.c.runAction(j.ctx, j.act)
		if w.idle.Add(1) > maxIdleWorkers {
			w.idle.Add(-1)
			return
		}
		select {
		case j = <-w.jobs:
			w.idle.Add(-1)
		case <-w.c.stopCtx.Done():
			w.idle.Add(-1)
			return
		}
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
