package manager_test

import (
	"context"
	"errors"
	"testing"

	"github.com/neurokit/neurokit/manager"
)

type ctxKey struct{}

// TestRaiseAndWaitInSupervisedTree: in a supervised tree, RaiseAndWait
// runs every handler it reaches (in the root's scope, in a child that
// inherits it and in a child with a scope of its own) with the caller's
// ctx, returns only once all of them returned, and reports their errors
// to the caller, not to any scope.
func TestRaiseAndWaitInSupervisedTree(t *testing.T) {
	rootScope, childScope := manager.NewScope(context.Background()), manager.NewScope(context.Background())
	defer rootScope.Close()
	defer childScope.Close()
	root := manager.New("root", manager.WithScope(rootScope))
	inherits := manager.New("inherits")
	own := manager.New("own", manager.WithScope(childScope))
	mustAdd(t, root, inherits, own)

	h1, h2 := rendezvous() // returns only if two handlers run at once
	done := make(chan string, 3)
	check := func(label string, next manager.Handler, err error) manager.Handler {
		return func(ctx context.Context, ev manager.Event) error {
			if ctx.Value(ctxKey{}) != "caller" {
				t.Errorf("%s: handler ctx is not the caller's", label)
			}
			if next != nil {
				if err := next(ctx, ev); err != nil {
					return err
				}
			}
			done <- label
			return err
		}
	}
	mustAdd(t, root, newComp("r", handles("e", check("root", h1, nil))))
	mustAdd(t, inherits, newComp("i", handles("e", check("inherits", h2, errA))))
	mustAdd(t, own, newComp("o", handles("e", check("own", nil, errB))))

	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), ctxKey{}, "caller"), deadline)
	defer cancel()
	err := root.RaiseAndWait(ctx, manager.NewEvent("e", nil))
	if !errors.Is(err, errA) || !errors.Is(err, errB) {
		t.Fatalf("RaiseAndWait = %v, want both handler errors", err)
	}
	// Every handler returned before RaiseAndWait did.
	if got := len(done); got != 3 {
		t.Fatalf("%d handlers done when RaiseAndWait returned, want 3", got)
	}
	for range 3 {
		<-done
	}
	if err := rootScope.Close(); err != nil {
		t.Errorf("root scope saw %v, want nothing", err)
	}
	if err := childScope.Close(); err != nil {
		t.Errorf("child scope saw %v, want nothing", err)
	}
	// Closed scopes do not stop the waiting form.
	if err := own.RaiseAndWait(ctx, manager.NewEvent("e", nil)); !errors.Is(err, errB) {
		t.Fatalf("RaiseAndWait after the scopes closed = %v", err)
	}
	if err := own.Raise(ctx, manager.NewEvent("e", nil)); !errors.Is(err, manager.ErrScopeClosed) {
		t.Fatalf("Raise after the scope closed = %v, want ErrScopeClosed", err)
	}
}

func TestRaiseAndWaitSingleHandlerAndLevels(t *testing.T) {
	s := manager.NewScope(context.Background())
	defer s.Close()
	root := manager.New("root", manager.WithScope(s))
	child := manager.New("child")
	mustAdd(t, root, child)
	calls := make(chan string, 4)
	mustAdd(t, root, newComp("r", handles("e", sender(calls, "root"))))
	c := newComp("c", handles("e", func(ctx context.Context, ev manager.Event) error {
		calls <- "child"
		panic("boom")
	}))
	mustAdd(t, child, c)

	// Level 1 from the child climbs to the root and reaches both.
	err := c.RaiseAndWait(context.Background(), manager.NewEvent("e", nil).WithLevel(1))
	var pe *manager.PanicError
	if !errors.As(err, &pe) || pe.Component != "c" {
		t.Fatalf("RaiseAndWait = %v, want the child's panic", err)
	}
	if got := len(calls); got != 2 {
		t.Fatalf("%d handlers ran before RaiseAndWait returned, want 2", got)
	}
	drain(t, calls, 2)
	// Level 0 in the child: its own handler only, inline.
	if err := child.RaiseAndWait(context.Background(), manager.NewEvent("e", nil)); !errors.As(err, &pe) {
		t.Fatalf("RaiseAndWait = %v", err)
	}
	drain(t, calls, 1)
	if err := root.RaiseAndWait(context.Background(), manager.NewEvent("none", nil)); err != nil {
		t.Fatalf("RaiseAndWait without handlers = %v", err)
	}
	var unbound manager.Base
	if err := unbound.RaiseAndWait(context.Background(), manager.NewEvent("e", nil)); !errors.Is(err, manager.ErrUnbound) {
		t.Fatalf("unbound RaiseAndWait = %v", err)
	}
}

func TestRaiseAndWaitInWaitingTree(t *testing.T) {
	root, _, grand, calls := tree(t)
	if err := root.RaiseAndWait(context.Background(), manager.NewEvent("e", nil)); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, calls, 3); got["root"] != 1 || got["child"] != 1 || got["grand"] != 1 {
		t.Fatalf("dispatched in %v", got)
	}
	if err := grand.RaiseAndWait(context.Background(), manager.NewEvent("e", nil).WithLevel(1)); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, calls, 2); got["child"] != 1 || got["grand"] != 1 {
		t.Fatalf("dispatched in %v", got)
	}
}

func TestHandles(t *testing.T) {
	root, child, grand := manager.New("root"), manager.New("child"), manager.New("grand")
	mustAdd(t, root, child)
	mustAdd(t, child, grand)
	noop := func(context.Context, manager.Event) error { return nil }
	c := newComp("c", handles("deep", noop))
	mustAdd(t, grand, c)
	side := newComp("side", nil)
	mustAdd(t, root, side)

	for _, tc := range []struct {
		m    *manager.Manager
		want bool
	}{{root, true}, {child, true}, {grand, true}} {
		if got := tc.m.Handles("deep"); got != tc.want {
			t.Errorf("%s.Handles(deep) = %v", tc.m.Name(), got)
		}
		if tc.m.Handles("other") {
			t.Errorf("%s.Handles(other) = true", tc.m.Name())
		}
	}
	if root.HasHandler("deep") {
		t.Error("HasHandler sees child managers")
	}
	if !side.Handles("deep") {
		t.Error("Base.Handles does not see the bound manager's children")
	}
	if err := grand.Remove("c"); err != nil {
		t.Fatal(err)
	}
	if root.Handles("deep") {
		t.Error("Handles true after the only handler's component was removed")
	}
	var unbound manager.Base
	if unbound.Handles("deep") {
		t.Error("unbound Handles = true")
	}
}

func TestHandlerScope(t *testing.T) {
	rootScope, ownScope := manager.NewScope(context.Background()), manager.NewScope(context.Background())
	defer rootScope.Close()
	defer ownScope.Close()
	root := manager.New("root", manager.WithScope(rootScope))
	inherits, own := manager.New("inherits"), manager.New("own", manager.WithScope(ownScope))
	waiting := manager.New("waiting")
	c := newComp("c", nil)
	if c.HandlerScope() != nil {
		t.Error("unbound component has a handler scope")
	}
	mustAdd(t, inherits, c)
	if inherits.HandlerScope() != nil || c.HandlerScope() != nil {
		t.Error("a waiting root has a handler scope")
	}
	mustAdd(t, root, inherits, own)
	if got := inherits.HandlerScope(); got != rootScope {
		t.Errorf("inheriting child: %p, want the root's scope", got)
	}
	if got := c.HandlerScope(); got != rootScope {
		t.Errorf("component of the inheriting child: %p, want the root's scope", got)
	}
	if got := own.HandlerScope(); got != ownScope {
		t.Errorf("child with a scope: %p, want its own", got)
	}
	if waiting.HandlerScope() != nil {
		t.Error("waiting manager has a handler scope")
	}
}
