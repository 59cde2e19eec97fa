package manager

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// Raise raises ev.
//
// Level: if ev.Level > 0 and m has a parent, the level is decremented and
// the event handed to the parent's Raise instead. Otherwise ev is
// dispatched to every handler of ev.Name in m and, recursively, in every
// child manager.
//
// Waiting form (no scope): Raise runs every handler concurrently, passes
// them ctx, waits for all of them and returns nil, the *HandlerError of
// the only failed handler, or errors.Join of every *HandlerError, so
// errors.Is and errors.As see every cause. A handler's error does not
// cancel its siblings: they all run to the end; cancel ctx to stop them.
// With one handler it runs inline in the calling goroutine; with N, N-1
// run in new goroutines and one inline. No handlers: nil.
//
// Supervised form (WithScope, or a manager without a scope whose nearest
// ancestor has one): Raise starts every handler in that scope and returns
// at once; the handlers get the scope's context, not ctx, and their errors
// go to Scope.Wait. A handler's error does not cancel the scope or its
// siblings (unlike errgroup.WithContext); only Scope.Cancel/Close or the
// scope's parent context does. Raise fails (wrapping ErrScopeClosed) only
// when the scope no longer accepts work.
//
// In a dispatch that reaches child managers, each handler runs in the
// form of its own manager: a child with its own scope starts its handlers
// there even when the raise came through a waiting parent, and a child
// without one follows its parent.
//
// Raise takes no lock and may be called from handlers. Handlers
// registered or removed while a dispatch is under way do not change it.
func (m *Manager) Raise(ctx context.Context, ev Event) error {
	if ev.Level > 0 {
		if p := m.Parent(); p != nil {
			ev.Level--
			return p.Raise(ctx, ev)
		}
	}
	return m.dispatch(ctx, ev, false)
}

// RaiseAndWait raises ev like Raise, but always in the waiting form, even
// in a supervised tree (the original's ExternalRaiseManager
// raise_event_internal): every handler reached, whatever scope its
// manager has, runs with ctx in the calling goroutine or in goroutines
// owned by this call, and RaiseAndWait returns once all of them have
// returned, with their errors joined as Raise does in the waiting form.
// No scope sees those handlers or their errors, and a closed scope does
// not stop them.
//
// Use it when the caller must know that the handlers are done, for
// example to check what they did; in a waiting tree it is Raise. Level
// works as for Raise. It takes no lock and may be called from handlers.
func (m *Manager) RaiseAndWait(ctx context.Context, ev Event) error {
	if ev.Level > 0 {
		if p := m.Parent(); p != nil {
			ev.Level--
			return p.RaiseAndWait(ctx, ev)
		}
	}
	return m.dispatch(ctx, ev, true)
}

// dispatch runs or starts the handlers of ev in m and below; wait forces
// the waiting form for every handler.
func (m *Manager) dispatch(ctx context.Context, ev Event, wait bool) error {
	var regs []reg
	if t := m.handlers.Load(); t != nil {
		regs = (*t)[ev.Name]
	}
	var sc *Scope
	if !wait {
		sc = m.HandlerScope()
	}
	if k := m.children.Load(); k == nil || len(*k) == 0 {
		if sc != nil {
			return start(sc, ev, regs)
		}
		switch len(regs) {
		case 0:
			return nil
		case 1:
			return invoke(ctx, ev, &regs[0])
		}
		return runAll(ctx, ev, regs)
	}

	if sc == nil {
		// Fast path for a waiting tree with at most one handler.
		n, first, scoped := scan(m, ev.Name)
		if !scoped || wait {
			switch n {
			case 0:
				return nil
			case 1:
				return invoke(ctx, ev, first)
			}
		}
	}
	w := walk{waitAll: wait}
	w.collect(m, ev.Name, sc)
	var errs []error
	for _, g := range w.scoped {
		if err := start(g.scope, ev, g.regs); err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	switch len(w.wait) {
	case 0:
	case 1:
		err = invoke(ctx, ev, &w.wait[0])
	default:
		err = runAll(ctx, ev, w.wait)
	}
	if err != nil {
		errs = append(errs, err)
	}
	return joinErrors(errs)
}

// scan counts the handlers of event in the tree below m (m included),
// returns the first one found, and reports whether any manager of the
// tree has a scope.
func scan(m *Manager, event string) (n int, first *reg, scoped bool) {
	scoped = m.scope != nil
	if t := m.handlers.Load(); t != nil {
		if regs := (*t)[event]; len(regs) > 0 {
			n, first = len(regs), &regs[0]
		}
	}
	if k := m.children.Load(); k != nil {
		for _, c := range *k {
			cn, cf, cs := scan(c, event)
			n += cn
			if first == nil {
				first = cf
			}
			scoped = scoped || cs
		}
	}
	return n, first, scoped
}

// walk gathers the registrations of one event across a manager tree.
type walk struct {
	waitAll bool  // put every handler in wait, whatever its scope
	wait    []reg // handlers of the waiting form
	scoped  []scopedRegs
}

type scopedRegs struct {
	scope *Scope
	regs  []reg
}

func (w *walk) collect(m *Manager, event string, inherited *Scope) {
	sc := m.scope
	if sc == nil {
		sc = inherited
	}
	if t := m.handlers.Load(); t != nil {
		if regs := (*t)[event]; len(regs) > 0 {
			w.add(sc, regs)
		} else if sc != nil {
			w.add(sc, nil) // so that a closed scope is reported
		}
	}
	if k := m.children.Load(); k != nil {
		for _, c := range *k {
			w.collect(c, event, sc)
		}
	}
}

func (w *walk) add(sc *Scope, regs []reg) {
	if sc == nil || w.waitAll {
		w.wait = append(w.wait, regs...)
		return
	}
	for i := range w.scoped {
		if w.scoped[i].scope == sc {
			w.scoped[i].regs = append(w.scoped[i].regs, regs...)
			return
		}
	}
	w.scoped = append(w.scoped, scopedRegs{scope: sc, regs: append([]reg(nil), regs...)})
}

// start starts every handler of regs in sc.
func start(sc *Scope, ev Event, regs []reg) error {
	if sc.closed() {
		return fmt.Errorf("%w: raise %q", ErrScopeClosed, ev.Name)
	}
	for i := range regs {
		r := regs[i]
		err := sc.TryGo(func(ctx context.Context) error { return invoke(ctx, ev, &r) })
		if err != nil {
			return fmt.Errorf("%w: raise %q", err, ev.Name)
		}
	}
	return nil
}

// invoke calls one handler, turning its error or panic into a
// *HandlerError.
func invoke(ctx context.Context, ev Event, r *reg) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &HandlerError{Event: ev.Name, Component: r.owner.name, Err: &PanicError{
				Event: ev.Name, Component: r.owner.name, Value: v, Stack: debug.Stack(),
			}}
		}
	}()
	if e := r.h(ctx, ev); e != nil {
		return &HandlerError{Event: ev.Name, Component: r.owner.name, Err: e}
	}
	return nil
}

// fanout runs the handlers of one waiting dispatch.
type fanout struct {
	ctx  context.Context
	ev   Event
	regs []reg
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error
}

func (f *fanout) run(i int) {
	defer f.wg.Done()
	if err := invoke(f.ctx, f.ev, &f.regs[i]); err != nil {
		f.fail(err)
	}
}

func (f *fanout) fail(err error) {
	f.mu.Lock()
	f.errs = append(f.errs, err)
	f.mu.Unlock()
}

// runAll runs regs[1:] in goroutines and regs[0] inline, and waits.
func runAll(ctx context.Context, ev Event, regs []reg) error {
	f := &fanout{ctx: ctx, ev: ev, regs: regs}
	f.wg.Add(len(regs) - 1)
	for i := 1; i < len(regs); i++ {
		go f.run(i)
	}
	if err := invoke(ctx, ev, &regs[0]); err != nil {
		f.fail(err)
	}
	f.wg.Wait()
	return joinErrors(f.errs)
}
