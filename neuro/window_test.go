package neuro

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/wire"
)

type windowOutcome struct {
	res WindowResult
	err error
}

// openWindow runs Window in a goroutine.
func openWindow(ctx context.Context, c *Component, spec WindowSpec) <-chan windowOutcome {
	out := make(chan windowOutcome, 1)
	go func() {
		r, err := c.Window(ctx, spec)
		out <- windowOutcome{r, err}
	}()
	return out
}

func waitWindow(t *testing.T, out <-chan windowOutcome) windowOutcome {
	t.Helper()
	select {
	case o := <-out:
		return o
	case <-ctxT(t).Done():
		t.Fatal("Window did not return")
		return windowOutcome{}
	}
}

func cellSpec(fn ActionFunc) WindowSpec {
	return WindowSpec{
		Context: "Your turn. Free cells: 1, 5, 9.",
		Silent:  true,
		Actions: []ActionSpec{
			{Action: actPlay, Handler: fn},
			{Action: actPass},
		},
		Force: ForceActions{Query: "Pick a cell.", State: "board", Priority: PriorityHigh},
	}
}

func TestWindow(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	out := openWindow(ctx, f.c, cellSpec(func(_ context.Context, act events.Action) Result {
		return Success("played")
	}))
	if c := expect[wire.ContextMessage](srv); c.Message != "Your turn. Free cells: 1, 5, 9." || !c.Silent {
		t.Errorf("context %+v", c)
	}
	if got := actionNames(expect[wire.RegisterActions](srv).Actions); !reflect.DeepEqual(got, []string{"play", "pass"}) {
		t.Errorf("registered %v", got)
	}
	force := expect[ForceActions](srv)
	want := ForceActions{Query: "Pick a cell.", State: "board", Priority: PriorityHigh, ActionNames: []string{"play", "pass"}}
	if !reflect.DeepEqual(force, want) {
		t.Errorf("force %+v", force)
	}
	srv.action("w1", "play", `{"cell": 5}`)
	if u := expect[wire.UnregisterActions](srv); !reflect.DeepEqual(u.ActionNames, []string{"play", "pass"}) {
		t.Errorf("unregister %+v", u)
	}
	if r := srv.result("w1"); !r.Success || r.Message != "played" {
		t.Errorf("result %+v", r)
	}
	o := waitWindow(t, out)
	if o.err != nil || o.res != (WindowResult{Action: "play", Data: `{"cell": 5}`}) {
		t.Errorf("Window = %+v, %v", o.res, o.err)
	}
	if f.managerHandles("play") || f.managerHandles("pass") || len(f.c.Registered()) != 0 || f.c.forceInFlight() {
		t.Error("window left handlers, registrations or its force behind")
	}
	srv.quiet()
}

func TestWindowRetryAfterFailure(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	out := openWindow(ctx, f.c, cellSpec(func(_ context.Context, act events.Action) Result {
		if act.Data != `{"cell": 9}` {
			return Failure("that cell is taken; free cells are 9")
		}
		return Success("")
	}))
	expect[wire.ContextMessage](srv)
	expect[wire.RegisterActions](srv)
	expect[ForceActions](srv)
	srv.action("try1", "play", `{"cell": 1}`)
	if r := srv.result("try1"); r.Success {
		t.Fatalf("result %+v", r)
	}
	if !f.c.forceInFlight() || !f.managerHandles("play") {
		t.Fatal("a failure closed the window")
	}
	// Neuro retries.
	srv.action("try2", "play", `{"cell": 9}`)
	expect[wire.UnregisterActions](srv)
	if r := srv.result("try2"); !r.Success {
		t.Errorf("result %+v", r)
	}
	if o := waitWindow(t, out); o.err != nil || o.res.Data != `{"cell": 9}` {
		t.Errorf("Window = %+v, %v", o.res, o.err)
	}
	srv.quiet() // no second force
}

// TestWindowActionBeforeForce: Neuro uses a window's action while the
// window still waits for the force slot; it is handled normally and the
// force is never sent.
func TestWindowActionBeforeForce(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	if err := f.c.HandleAction(ctx, Action{Name: "other", Description: "Other."}, func(context.Context, events.Action) Result { return Success("") }); err != nil {
		t.Fatal(err)
	}
	expect[wire.RegisterActions](srv)
	if err := f.c.Force(ctx, ForceActions{Query: "other first", ActionNames: []string{"other"}}); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](srv)

	out := openWindow(ctx, f.c, cellSpec(func(context.Context, events.Action) Result { return Success("early") }))
	expect[wire.ContextMessage](srv)
	expect[wire.RegisterActions](srv)
	waitWaiters(t, f.c.client, 1) // the window waits for the slot
	srv.action("early", "play", `{"cell": 1}`)
	expect[wire.UnregisterActions](srv)
	if r := srv.result("early"); !r.Success || r.Message != "early" {
		t.Errorf("result %+v", r)
	}
	if o := waitWindow(t, out); o.err != nil || o.res.Action != "play" {
		t.Errorf("Window = %+v, %v", o.res, o.err)
	}
	// The other force is still the one in flight, and the window's never
	// went out.
	if !f.c.forceInFlight() {
		t.Error("the earlier force ended")
	}
	srv.quiet()
}

// TestWindowBackToBack: two uses of a window arrive back to back; only
// one succeeds and the other is answered "closed" without running its
// handler.
func TestWindowBackToBack(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	release := make(chan struct{})
	var calls atomic.Int32
	out := openWindow(ctx, f.c, cellSpec(func(_ context.Context, act events.Action) Result {
		calls.Add(1)
		<-release
		return Success("took " + act.Data)
	}))
	expect[wire.ContextMessage](srv)
	expect[wire.RegisterActions](srv)
	expect[ForceActions](srv)
	srv.action("b1", "play", `{"cell": 1}`)
	srv.action("b2", "play", `{"cell": 5}`)
	srv.quiet() // both passed validation and went to their handlers
	close(release)
	expect[wire.UnregisterActions](srv)
	// The loser may be answered before the winner's result is written
	// (its handler can be gone already when its event is raised): each
	// gets exactly one answer, in either order.
	first := expect[ActionResult](srv)
	second := expect[ActionResult](srv)
	if !first.Success {
		first, second = second, first
	}
	if !first.Success {
		t.Errorf("first result %+v", first)
	}
	if second.Success || !strings.Contains(second.Message, "closed") {
		t.Errorf("second result %+v", second)
	}
	if calls.Load() != 1 {
		t.Errorf("handler ran %d times", calls.Load())
	}
	o := waitWindow(t, out)
	if o.err != nil || "took "+o.res.Data != first.Message {
		t.Errorf("Window = %+v, %v (winner %+v)", o.res, o.err, first)
	}
}

func TestWindowCancel(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	wctx, cancel := context.WithCancel(ctxT(t))
	out := openWindow(wctx, f.c, cellSpec(nil))
	expect[wire.ContextMessage](srv)
	expect[wire.RegisterActions](srv)
	expect[ForceActions](srv)
	cancel()
	if u := expect[wire.UnregisterActions](srv); !reflect.DeepEqual(u.ActionNames, []string{"play", "pass"}) {
		t.Errorf("unregister %+v", u)
	}
	if o := waitWindow(t, out); !errors.Is(o.err, context.Canceled) {
		t.Errorf("Window = %+v, %v", o.res, o.err)
	}
	if f.managerHandles("play") || f.c.forceInFlight() || len(f.c.Registered()) != 0 {
		t.Error("cancelled window left state behind")
	}
	// A late use is answered as unknown.
	srv.action("late", "pass", "")
	if r := srv.result("late"); r.Success {
		t.Errorf("result %+v", r)
	}
}

func TestWindowValidation(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	for name, spec := range map[string]WindowSpec{
		"no actions": {Force: ForceActions{Query: "q"}},
		"no query":   {Actions: []ActionSpec{{Action: actPass}}},
		"bad action": {Actions: []ActionSpec{{Action: Action{Name: "Bad"}}}, Force: ForceActions{Query: "q"}},
	} {
		if _, err := f.c.Window(ctx, spec); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if f.c.forceInFlight() {
		t.Error("an invalid window took the force slot")
	}
}
