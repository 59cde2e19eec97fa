// Package eventbus bridges a manager.Manager and an
// github.com/asaskevich/EventBus bus, for games that already run such a
// bus and want Neuro events on it (or bus publications in a Manager).
//
// Manager → bus: a Forwarder is a manager component that registers a
// handler for each chosen event name; the handler publishes the
// manager.Event on a bus topic, so bus subscribers take a
// func(manager.Event). The publication happens in the handler's goroutine:
// synchronous bus subscribers run there, under the bus's own lock.
//
// Bus → Manager: Subscribe subscribes a topic asynchronously
// (SubscribeAsync, not transactional); each publication runs in a
// goroutine the bus starts and that bus.WaitAsync waits for, and is
// raised in the target with the subscription's context. With a waiting
// Manager that goroutine waits for the handlers, so bus.WaitAsync also
// waits for them; with a supervised Manager the handlers run in its scope.
// Close unsubscribes, cancels the subscription's context (reaching
// handlers of raises in flight) and waits for those raises, so no goroutine
// of the subscription outlives Close.
//
// EventBus finds the function to unsubscribe by its code pointer, which
// every closure made by one literal shares. The bridge therefore
// subscribes one function per (bus, topic) pair and fans publications out
// to its subscriptions itself; closing one subscription never removes
// another's, and the user's own subscribers on the topic are untouched.
//
// Caveats inherited from EventBus: a synchronous bus subscriber that
// subscribes, unsubscribes or publishes on the same bus deadlocks; a
// publication with a nil argument after the first one panics inside the
// bus. Forwarding an event to a topic that is subscribed back into the
// same Manager under the same event name loops forever.
package eventbus
