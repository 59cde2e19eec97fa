package manager_test

import (
	"context"
	"errors"
	"testing"

	"github.com/neurokit/neurokit/manager"
)

func TestSupervisedRaiseReturnsAtOnce(t *testing.T) {
	s := manager.NewScope(context.Background())
	m := manager.New("root", manager.WithScope(s))
	release := make(chan struct{})
	got := make(chan error, 1)
	mustAdd(t, m, newComp("loop", handles("connect", func(ctx context.Context, _ manager.Event) error {
		<-release // long-running, like a read loop
		got <- ctx.Err()
		return nil
	})))
	raiseCtx, cancel := context.WithCancel(context.Background())
	if err := m.Raise(raiseCtx, manager.NewEvent("connect", "ws://x")); err != nil {
		t.Fatalf("Raise = %v", err)
	}
	cancel() // the raise ctx ends; the handler runs on the scope's ctx
	close(release)
	if err := recv(t, got, "handler"); err != nil {
		t.Fatalf("handler ctx = %v, want live scope ctx", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
}

func TestSupervisedErrorDoesNotCancelSiblings(t *testing.T) {
	s := manager.NewScope(context.Background())
	failed := make(chan struct{})
	manager.SetScopeErrorHook(s, func(error) { close(failed) })
	m := manager.New("root", manager.WithScope(s))
	siblingCtx := make(chan error, 1)
	mustAdd(t, m,
		newComp("long", handles("e", func(ctx context.Context, _ manager.Event) error {
			<-failed // the sibling's error has been recorded by the scope
			siblingCtx <- ctx.Err()
			return nil
		})),
		newComp("bad", handles("e", func(context.Context, manager.Event) error { return errA })),
	)
	if err := m.Raise(context.Background(), manager.NewEvent("e", nil)); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, siblingCtx, "sibling"); err != nil {
		t.Fatalf("sibling's ctx after a failure = %v, want nil", err)
	}
	err := s.Close()
	var he *manager.HandlerError
	if !errors.Is(err, errA) || !errors.As(err, &he) || he.Component != "bad" {
		t.Fatalf("Close = %v, want bad's error", err)
	}
}

func TestSupervisedChildManagers(t *testing.T) {
	rootScope, childScope := manager.NewScope(context.Background()), manager.NewScope(context.Background())
	root := manager.New("root", manager.WithScope(rootScope))
	inherits := manager.New("inherits")
	own := manager.New("own", manager.WithScope(childScope))
	mustAdd(t, root, inherits, own)
	release := make(chan struct{})
	started := make(chan string, 4)
	block := func(label string) manager.Handler {
		return func(ctx context.Context, _ manager.Event) error {
			started <- label
			<-release
			if label == "own" {
				return errB
			}
			return errA
		}
	}
	mustAdd(t, inherits, newComp("i", handles("e", block("inherits"))))
	mustAdd(t, own, newComp("o", handles("e", block("own"))))

	// Raised in the root: both start, Raise returns without waiting.
	if err := root.Raise(context.Background(), manager.NewEvent("e", nil)); err != nil {
		t.Fatal(err)
	}
	// Raised directly in a child without a scope: it uses the root's.
	if err := inherits.Raise(context.Background(), manager.NewEvent("e", nil)); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, started, 3); got["inherits"] != 2 || got["own"] != 1 {
		t.Fatalf("started = %v", got)
	}
	close(release)
	if err := rootScope.Close(); !errors.Is(err, errA) || errors.Is(err, errB) {
		t.Fatalf("root scope = %v, want only the inheriting child's errors", err)
	}
	if err := childScope.Close(); !errors.Is(err, errB) || errors.Is(err, errA) {
		t.Fatalf("child scope = %v, want only its own handler's error", err)
	}
}

func TestSupervisedCancelReachesHandlers(t *testing.T) {
	s := manager.NewScope(context.Background())
	m := manager.New("root", manager.WithScope(s))
	started := make(chan struct{})
	mustAdd(t, m, newComp("loop", handles("connect", func(ctx context.Context, _ manager.Event) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})))
	if err := m.Raise(context.Background(), manager.NewEvent("connect", nil)); err != nil {
		t.Fatal(err)
	}
	recv(t, started, "handler")
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v (context.Canceled from the shutdown is not an error)", err)
	}
	if err := m.Raise(context.Background(), manager.NewEvent("connect", nil)); !errors.Is(err, manager.ErrScopeClosed) {
		t.Fatalf("Raise after Close = %v, want ErrScopeClosed", err)
	}
}

func TestSupervisedConcurrencyAndReentrancy(t *testing.T) {
	s := manager.NewScope(context.Background())
	m := manager.New("root", manager.WithScope(s))
	h1, h2 := rendezvous()
	chained := make(chan struct{})
	c := newComp("chain", nil)
	c.bind = func(c *comp) error {
		_, err := c.RegisterHandlers(map[string]manager.Handler{
			"meet": func(ctx context.Context, ev manager.Event) error {
				if err := h1(ctx, ev); err != nil {
					return err
				}
				// Raise while the owner is in Wait: the new handler
				// joins the same scope.
				return c.Raise(ctx, manager.NewEvent("next", nil))
			},
			"next": func(context.Context, manager.Event) error { close(chained); panic("late") },
		})
		return err
	}
	mustAdd(t, m, c, newComp("other", handles("meet", h2)))
	if err := m.Raise(context.Background(), manager.NewEvent("meet", nil)); err != nil {
		t.Fatal(err)
	}
	err := s.Wait()
	recv(t, chained, "chained handler")
	var pe *manager.PanicError
	if !errors.As(err, &pe) || pe.Event != "next" || pe.Component != "chain" {
		t.Fatalf("Wait = %v, want the chained handler's panic", err)
	}
	_ = s.Close()
}
