package neuro

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

var forcePass = ForceActions{Query: "your turn", ActionNames: []string{"pass"}}

func TestForceValidation(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)
	if err := p.cl.Force(ctx, ForceActions{Query: "q", ActionNames: []string{"nope"}}); !errors.Is(err, ErrNotRegistered) {
		t.Errorf("unregistered name: %v", err)
	}
	if err := p.cl.Force(ctx, ForceActions{ActionNames: []string{"pass"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("no query: %v", err)
	}
	if err := p.cl.Force(ctx, ForceActions{Query: "q"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("no names: %v", err)
	}
	if p.cl.forceInFlight() {
		t.Error("invalid forces took the slot")
	}
	p.srv.quiet()
}

func TestForceGuardEndsOnSuccess(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)
	if err := p.cl.Force(ctx, forcePass); err != nil {
		t.Fatal(err)
	}
	if f := expect[ForceActions](p.srv); f.Query != "your turn" {
		t.Errorf("force %+v", f)
	}
	if err := p.cl.Force(ctx, forcePass); !errors.Is(err, ErrForceInFlight) {
		t.Fatalf("second force: %v, want ErrForceInFlight", err)
	}
	// A success for an action outside the force does not end it.
	p.srv.action("p1", "play", `{"cell": 1}`)
	if err := p.action(t).Reply(ctx, true, ""); err != nil {
		t.Fatal(err)
	}
	p.srv.result("p1")
	// A failure keeps it: Neuro retries.
	p.srv.action("a1", "pass", "")
	if err := p.action(t).Reply(ctx, false, "not now"); err != nil {
		t.Fatal(err)
	}
	p.srv.result("a1")
	if !p.cl.forceInFlight() {
		t.Fatal("force ended by a failure or by another action")
	}
	p.srv.action("a2", "pass", "")
	if err := p.action(t).Reply(ctx, true, ""); err != nil {
		t.Fatal(err)
	}
	p.srv.result("a2")
	if p.cl.forceInFlight() {
		t.Fatal("force still in flight after a success")
	}
	if err := p.cl.Force(ctx, forcePass); err != nil {
		t.Fatalf("force after the first ended: %v", err)
	}
	expect[ForceActions](p.srv)
}

func TestForceEndsWhenItsActionsAreUnregistered(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)
	if err := p.cl.Force(ctx, ForceActions{Query: "q", ActionNames: []string{"pass", "play"}}); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](p.srv)
	if err := p.cl.UnregisterActions(ctx, "pass"); err != nil {
		t.Fatal(err)
	}
	if !p.cl.forceInFlight() {
		t.Fatal("force ended while one of its actions is registered")
	}
	if err := p.cl.UnregisterActions(ctx, "play"); err != nil {
		t.Fatal(err)
	}
	if p.cl.forceInFlight() {
		t.Fatal("force in flight with none of its actions registered")
	}
}

func TestForceOfOneShotEndsWithItsResult(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)
	if err := p.cl.Force(ctx, forcePass); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](p.srv)
	p.srv.action("a1", "pass", "")
	a := p.action(t)
	// One-shot: unregister first, then answer.
	if err := p.cl.UnregisterActions(ctx, "pass"); err != nil {
		t.Fatal(err)
	}
	if !p.cl.forceInFlight() {
		t.Fatal("force ended before the result of its pending action")
	}
	if err := a.Reply(ctx, true, ""); err != nil {
		t.Fatal(err)
	}
	expect[wire.UnregisterActions](p.srv)
	p.srv.result("a1")
	if p.cl.forceInFlight() {
		t.Fatal("force still in flight")
	}
}

func TestForceEndsWhenTheConnectionResets(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)
	if err := p.cl.Force(ctx, forcePass); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](p.srv)
	_ = p.srv.conn.Close(transport.CloseGoingAway, "")
	<-p.serve
	if p.cl.forceInFlight() {
		t.Fatal("force survived the connection")
	}
	if err := p.cl.Force(ctx, forcePass); !errors.Is(err, ErrNotConnected) {
		t.Errorf("force while disconnected: %v", err)
	}
}

func TestForceQueued(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)
	if err := p.cl.Force(ctx, forcePass); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](p.srv)

	// A queued force whose caller gives up leaves the queue.
	gone, cancel := context.WithCancel(ctx)
	cancelled := make(chan error, 1)
	go func() {
		cancelled <- p.cl.ForceQueued(gone, ForceActions{Query: "never", ActionNames: []string{"play"}})
	}()

	waitWaiters(t, p.cl, 1)
	queued := make(chan error, 1)
	second := ForceActions{Query: "second", ActionNames: []string{"play"}}
	go func() { queued <- p.cl.ForceQueued(ctx, second) }()
	waitWaiters(t, p.cl, 2)
	cancel()
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ForceQueued = %v", err)
	}
	waitWaiters(t, p.cl, 1)

	p.srv.action("a1", "pass", "")
	if err := p.action(t).Reply(ctx, true, "done"); err != nil {
		t.Fatal(err)
	}
	// The result goes out before the queued force.
	p.srv.result("a1")
	if f := expect[ForceActions](p.srv); f.Query != "second" {
		t.Errorf("queued force %+v", f)
	}
	if err := <-queued; err != nil {
		t.Fatal(err)
	}
	if !p.cl.forceInFlight() {
		t.Error("queued force not in flight")
	}
	p.srv.quiet()
}

// waitWaiters waits until n ForceQueued calls wait for the slot.
func waitWaiters(t *testing.T, cl *Client, n int) {
	t.Helper()
	ctx := ctxT(t)
	for {
		cl.mu.Lock()
		got := len(cl.waiters)
		cl.mu.Unlock()
		if got == n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d force waiters, want %d", got, n)
		default:
			runtime.Gosched()
		}
	}
}
