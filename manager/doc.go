// Package manager is neurokit's component framework: a Go port of the
// trio-based "libcomponent" event system.
//
// A Manager holds named components and, per event name, the handlers they
// registered. Raising an Event calls every handler of its name, in this
// manager and in every child manager, concurrently. Components embed Base,
// which gives them their name, their binding and the manager-facing calls
// (register handlers, raise, look up other components); a component that
// implements Binder registers its handlers when it is added.
//
//	type Game struct{ manager.Base }
//
//	func (g *Game) BindHandlers() error {
//		_, err := g.RegisterHandler("tick", g.onTick)
//		return err
//	}
//
//	m := manager.New("root")
//	err := m.Add(&Game{Base: manager.NewBase("game")})
//	err = m.Raise(ctx, manager.NewEvent("tick", 1))
//
// # Two forms of Raise
//
// A Manager made without a scope is in the waiting form: Raise runs the
// handlers and returns once all of them have returned, with every handler
// error joined (errors.Is and errors.As work through the result). A
// handler error does not stop its siblings.
//
// A Manager made WithScope is supervised (the "external raise" form):
// Raise starts the handlers in the Scope and returns at once. The scope's
// owner waits on it (Scope.Wait), sees every handler error there, and
// stops the handlers with Scope.Cancel or Scope.Close. A handler error
// does not cancel the scope. Use it for long-running handlers such as a
// connection's read loop. A child manager without a scope of its own
// follows its nearest ancestor's: in a supervised tree every Raise starts
// handlers and returns at once. HandlerScope tells a component which
// scope, if any, runs the handlers of its manager.
//
// RaiseAndWait is the waiting form on demand (the original's
// raise_event_internal): in any tree, supervised or not, it runs every
// handler it reaches with the caller's ctx and returns once all of them
// have returned, with their errors. A component uses it when it must know
// what the handlers did, for example whether they answered a request.
// Handles reports whether a Raise would reach any handler at all, in the
// manager or below.
//
// # Levels and nesting
//
// A Manager is a Component, so managers nest. An event with Level n raised
// in a child goes n managers up before it is dispatched; dispatching
// always reaches every child manager below.
//
// # Concurrency
//
// Every exported function and method is safe for concurrent use. No lock
// is held while a handler (or BindHandlers) runs, so handlers may register
// and unregister handlers, add and remove components, and raise further
// events. The handler table is copy-on-write behind an atomic pointer, so
// Raise takes no lock; with a single handler in the waiting form the
// handler runs in the caller's goroutine and Raise allocates nothing.
// Handler panics are recovered into a *PanicError wrapped in a
// *HandlerError that names the event and the component.
package manager
