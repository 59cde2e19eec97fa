package neuro

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
)

// managerHandles reports whether the fixture's manager has a handler for the
// action called name.
func (f *fixture) managerHandles(name string) bool {
	return f.m.HasHandler(events.ActionEvent(name))
}

func TestHandleAction(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	var calls atomic.Int32
	err := f.c.HandleAction(ctx, actPlay, func(_ context.Context, act events.Action) Result {
		calls.Add(1)
		if act.Data != `{"cell": 5}` {
			return Failure("cell 5 only")
		}
		return Success("played 5")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := actionNames(expect[wire.RegisterActions](srv).Actions); !reflect.DeepEqual(got, []string{"play"}) {
		t.Errorf("registered %v", got)
	}
	if !f.managerHandles("play") {
		t.Fatal("no manager handler after HandleAction")
	}
	srv.action("a1", "play", `{"cell": 5}`)
	if r := srv.result("a1"); !r.Success || r.Message != "played 5" {
		t.Errorf("result %+v", r)
	}
	srv.action("a2", "play", `{"cell": 4}`)
	if r := srv.result("a2"); r.Success || r.Message != "cell 5 only" {
		t.Errorf("result %+v", r)
	}
	// A plain action stays after a success.
	if !f.managerHandles("play") || !reflect.DeepEqual(f.c.Registered(), []string{"play"}) {
		t.Error("plain action gone after use")
	}
	if err := f.c.HandleAction(ctx, actPlay, func(context.Context, events.Action) Result { return Success("") }); err == nil {
		t.Error("second HandleAction for one name accepted")
	}
	if err := f.c.UnregisterActions(ctx, "play"); err != nil {
		t.Fatal(err)
	}
	if u := expect[wire.UnregisterActions](srv); !reflect.DeepEqual(u.ActionNames, []string{"play"}) {
		t.Errorf("unregister %+v", u)
	}
	if f.managerHandles("play") || len(f.c.Registered()) != 0 {
		t.Error("handler or registration left after UnregisterActions")
	}
	if calls.Load() != 2 {
		t.Errorf("handler called %d times", calls.Load())
	}
	srv.quiet()
}

func TestHandleActionRejectsInvalidActions(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	ok := func(context.Context, events.Action) Result { return Success("") }
	for _, a := range []Action{
		{Name: "Bad"},
		{Name: "obj", Schema: Schema{"type": "array"}},
		{Name: "ref", Schema: Schema{"type": "object", "properties": Schema{"x": Schema{"$ref": "http://example.com/x"}}}},
	} {
		if err := f.c.HandleAction(ctx, a, ok); !errors.Is(err, ErrInvalid) {
			t.Errorf("HandleAction(%q) = %v, want ErrInvalid", a.Name, err)
		}
		if f.managerHandles(a.Name) {
			t.Errorf("handler of invalid %q left in the manager", a.Name)
		}
	}
	if _, err := f.c.HandleTemporaryGroup(ctx, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty group: %v", err)
	}
	srv.quiet()
}

func TestHandleActionEmptyFailureGetsAMessage(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	if err := f.c.HandleAction(ctxT(t), actPass, func(context.Context, events.Action) Result { return Failure("") }); err != nil {
		t.Fatal(err)
	}
	expect[wire.RegisterActions](srv)
	srv.action("a", "pass", "")
	if r := srv.result("a"); r.Success || r.Message == "" {
		t.Errorf("result %+v", r)
	}
}

func TestHandleTemporaryAction(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	var calls atomic.Int32
	err := f.c.HandleTemporaryAction(ctx, actPlay, func(_ context.Context, act events.Action) Result {
		if calls.Add(1) == 1 {
			return Failure("cell taken; try 5")
		}
		return Success("played")
	})
	if err != nil {
		t.Fatal(err)
	}
	expect[wire.RegisterActions](srv)
	// A failure keeps it, on the server and in the manager.
	srv.action("a1", "play", `{"cell": 1}`)
	if r := srv.result("a1"); r.Success {
		t.Errorf("result %+v", r)
	}
	if !f.managerHandles("play") || !reflect.DeepEqual(f.c.Registered(), []string{"play"}) {
		t.Fatal("temporary action gone after a failure")
	}
	// The first success unregisters it before its result.
	srv.action("a2", "play", `{"cell": 5}`)
	if u := expect[wire.UnregisterActions](srv); !reflect.DeepEqual(u.ActionNames, []string{"play"}) {
		t.Errorf("unregister %+v", u)
	}
	if r := srv.result("a2"); !r.Success || r.Message != "played" {
		t.Errorf("result %+v", r)
	}
	if f.managerHandles("play") || len(f.c.Registered()) != 0 {
		t.Error("temporary action left after its success")
	}
	// Neuro using it again gets a failure saying it is gone.
	srv.action("a3", "play", `{"cell": 5}`)
	if r := srv.result("a3"); r.Success || !strings.Contains(r.Message, `unknown action "play"`) {
		t.Errorf("result %+v", r)
	}
	// It can be offered again.
	if err := f.c.HandleTemporaryAction(ctx, actPlay, func(context.Context, events.Action) Result { return Success("") }); err != nil {
		t.Fatal(err)
	}
	expect[wire.RegisterActions](srv)
	if calls.Load() != 2 {
		t.Errorf("handler called %d times", calls.Load())
	}
	srv.quiet()
}

func TestHandleTemporaryGroup(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	pick := func(msg string, ok bool) ActionFunc {
		return func(context.Context, events.Action) Result {
			if !ok {
				return Failure(msg)
			}
			return Success(msg)
		}
	}
	names, err := f.c.HandleTemporaryGroup(ctx, []ActionSpec{
		{Action: Action{Name: "rock", Description: "Rock."}, Handler: pick("rock!", true)},
		{Action: Action{Name: "paper", Description: "Paper."}, Handler: pick("no paper left", false)},
		{Action: Action{Name: "scissors", Description: "Scissors."}, Handler: pick("snip", true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{"rock", "paper", "scissors"}) {
		t.Errorf("names %v", names)
	}
	if got := actionNames(expect[wire.RegisterActions](srv).Actions); !reflect.DeepEqual(got, names) {
		t.Errorf("one register message with the group, got %v", got)
	}
	if err := f.c.Force(ctx, ForceActions{Query: "choose", ActionNames: names}); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](srv)
	srv.action("p", "paper", "")
	if r := srv.result("p"); r.Success {
		t.Errorf("result %+v", r)
	}
	for _, n := range names {
		if !f.managerHandles(n) {
			t.Fatalf("group lost %q after a failure", n)
		}
	}
	srv.action("s", "scissors", "")
	if u := expect[wire.UnregisterActions](srv); !reflect.DeepEqual(u.ActionNames, names) {
		t.Errorf("unregister %+v, want the whole group first", u)
	}
	if r := srv.result("s"); !r.Success || r.Message != "snip" {
		t.Errorf("result %+v", r)
	}
	for _, n := range names {
		if f.managerHandles(n) {
			t.Errorf("handler of %q left after the group closed", n)
		}
	}
	if f.c.forceInFlight() {
		t.Error("force still in flight after the group's success")
	}
	srv.quiet()
}

// raw is a game component that subscribes to action events itself.
type raw struct {
	manager.Base
	h map[string]manager.Handler
}

func (r *raw) BindHandlers() error {
	_, err := r.RegisterHandlers(r.h)
	return err
}

func TestRawActionHandlers(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	game := &raw{Base: manager.NewBase("raw"), h: map[string]manager.Handler{
		events.ActionEvent("reply"): func(ctx context.Context, ev manager.Event) error {
			act, err := manager.Payload[events.Action](ev)
			if err != nil {
				return err
			}
			if err := act.Reply(ctx, true, "replied myself"); err != nil {
				return err
			}
			if err := act.Reply(ctx, true, "twice"); !errors.Is(err, ErrAlreadyAnswered) {
				return errors.New("second Reply was not refused")
			}
			return nil
		},
		events.ActionEvent("silent"): func(context.Context, manager.Event) error { return nil },
		events.ActionEvent("fails"):  func(context.Context, manager.Event) error { return errors.New("db down") },
		events.ActionEvent("panics"): func(context.Context, manager.Event) error { panic("oops") },
	}}
	if err := f.m.Add(game); err != nil {
		t.Fatal(err)
	}
	var acts []Action
	for _, n := range []string{"reply", "silent", "fails", "panics"} {
		acts = append(acts, Action{Name: n, Description: n})
	}
	if err := f.c.RegisterActions(ctx, acts...); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	cases := []struct {
		name    string
		success bool
		message string
	}{
		{"reply", true, "replied myself"},
		{"silent", false, "did not answer"}, // returned nil without replying
		{"fails", false, "internal error"},
		{"panics", false, "internal error"},
	}
	for _, tc := range cases {
		srv.action("id-"+tc.name, tc.name, "")
		r := srv.result("id-" + tc.name)
		if r.Success != tc.success || !strings.Contains(r.Message, tc.message) {
			t.Errorf("%s: result %+v", tc.name, r)
		}
	}
	srv.quiet()
}

func TestHandlerTimeout(t *testing.T) {
	f := newFixture(t, WithHandlerTimeout(20*time.Millisecond))
	ctx := ctxT(t)
	done := make(chan error, 1)
	if err := f.c.HandleAction(ctx, actPass, func(hctx context.Context, _ events.Action) Result {
		<-hctx.Done()
		done <- context.Cause(hctx)
		return Success("too late")
	}); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	srv.action("t", "pass", "")
	if r := srv.result("t"); r.Success || !strings.Contains(r.Message, "took longer") {
		t.Errorf("result %+v", r)
	}
	if err := <-done; !errors.Is(err, ErrHandlerTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("handler context: %v", err)
	}
	srv.quiet() // the late success is not sent
}
