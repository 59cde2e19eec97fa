package neuro

import (
	"errors"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/manager"
)

// maxQueuedFromServer bounds the lifecycle events caused by server
// messages (acknowledgements, shutdown requests, speech, unknown commands) that
// wait for their handlers; beyond it a server flooding the game has the
// newest of them dropped, with a warning. Events of the connection run
// itself (connected, disconnected, ...) are never dropped: there are a
// few per connection.
const maxQueuedFromServer = 256

// lifecycle is a Component's ordered queue of lifecycle events, in the
// manner of nats.go's async callback dispatcher: events are delivered one
// at a time, in the order they were queued, by one goroutine of the
// component, outside every lock, through RaiseAndWait (so that, in a
// supervised manager too, an event's handlers have returned before the
// next event is raised). The goroutine starts with the first event queued
// and returns when the queue is empty; it is counted in the component's
// WaitGroup, which Stop waits for.
type lifecycle struct {
	c *Component

	mu         sync.Mutex
	queue      []queued
	fromServer int  // queued events caused by server messages
	running    bool // the delivering goroutine is running
}

// queued is one event waiting for delivery.
type queued struct {
	ev         manager.Event
	fromServer bool
}

// push queues an event of the connection run. It must be called from a
// goroutine counted in c.wg, so that the WaitGroup is not at zero.
func (q *lifecycle) push(name string, data any) {
	q.add(name, data, false)
}

// pushFromServer queues an event caused by a server message, or drops it
// with a warning when too many such events wait already. The same rule
// as push applies.
func (q *lifecycle) pushFromServer(name string, data any) {
	q.add(name, data, true)
}

// pushFromGame queues an event caused by a call of the game (a window
// forcing again), from a goroutine the component does not count. It
// reports false, and queues nothing, once Stop began: the queue's
// goroutine could no longer be counted in c.wg before Stop waits for it.
func (q *lifecycle) pushFromGame(name string, data any) bool {
	c := q.c
	c.mu.Lock() // Stop sets stopping under c.mu before it waits on c.wg
	defer c.mu.Unlock()
	if c.st.phase >= stopping {
		return false
	}
	q.add(name, data, false)
	return true
}

func (q *lifecycle) add(name string, data any, fromServer bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if fromServer {
		if q.fromServer >= maxQueuedFromServer {
			q.c.log.Warn("too many events from Neuro wait for their handlers; dropping this one",
				zap.String("event", name), zap.Int("queued", q.fromServer))
			return
		}
		q.fromServer++
	}
	q.queue = append(q.queue, queued{ev: manager.NewEvent(name, data), fromServer: fromServer})
	if !q.running {
		q.running = true
		q.c.wg.Add(1)
		go q.deliver()
	}
}

// deliver raises the queued events in order until the queue is empty.
func (q *lifecycle) deliver() {
	defer q.c.wg.Done()
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.queue = nil
			q.running = false
			q.mu.Unlock()
			return
		}
		next := q.queue[0]
		q.queue[0] = queued{}
		q.queue = q.queue[1:]
		if next.fromServer {
			q.fromServer--
		}
		q.mu.Unlock()
		q.c.raise(next.ev)
	}
}

// raise raises a lifecycle event and waits for its handlers; their errors
// are logged.
func (c *Component) raise(ev manager.Event) {
	if err := c.RaiseAndWait(c.hctx, ev); err != nil {
		if errors.Is(err, manager.ErrUnbound) {
			c.log.Debug("event not raised: component not in a manager", zap.String("event", ev.Name))
			return
		}
		c.log.Error("event handler failed", zap.String("event", ev.Name), zap.Error(err))
	}
}
