package neuro

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
)

// fakeClock is a clock the test moves by hand: advance runs, on the
// test's goroutine, every timer whose time has come, in time order.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	alarms []*fakeAlarm
}

type fakeAlarm struct {
	at   time.Time
	f    func()
	done bool // fired or stopped
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := &fakeAlarm{at: c.now.Add(d), f: f}
	c.alarms = append(c.alarms, a)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if a.done {
			return false
		}
		a.done = true
		return true
	}
}

// advance moves the clock on by d, firing the timers due.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		var next *fakeAlarm
		for _, a := range c.alarms {
			if !a.done && !a.at.After(end) && (next == nil || a.at.Before(next.at)) {
				next = a
			}
		}
		if next == nil {
			break
		}
		next.done = true
		if next.at.After(c.now) {
			c.now = next.at
		}
		c.mu.Unlock()
		next.f()
		c.mu.Lock()
	}
	c.now = end
	c.alarms = slices.DeleteFunc(c.alarms, func(a *fakeAlarm) bool { return a.done })
	c.mu.Unlock()
}

// armed counts the timers waiting.
func (c *fakeClock) armed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, a := range c.alarms {
		if !a.done {
			n++
		}
	}
	return n
}

const quietTime = 10 * time.Second

// forcedPair is a connected client timed by clk (quiet time quietTime),
// with play and pass registered and forcePass in flight.
func forcedPair(t *testing.T, clk *fakeClock) *clientPair {
	t.Helper()
	p := newClientPair(t, withClock(clk), WithReforceAfter(quietTime))
	if err := p.cl.RegisterActions(ctxT(t), actPlay, actPass); err != nil {
		t.Fatal(err)
	}
	p.start(t, nil)
	expect[wire.Startup](p.srv)
	expect[wire.RegisterActions](p.srv)
	if err := p.cl.Force(ctxT(t), forcePass); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](p.srv)
	return p
}

// TestForceGivenUpWhenQuiet: a force Neuro never acts on is in flight
// for the quiet time, then ends; Force may go again, and nothing is sent
// by itself meanwhile.
func TestForceGivenUpWhenQuiet(t *testing.T) {
	clk := newFakeClock()
	f := newFixture(t, withClock(clk), WithReforceAfter(quietTime))
	srv := f.connect()
	ctx := ctxT(t)
	if err := f.c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result { return Success("") }); err != nil {
		t.Fatal(err)
	}
	expect[wire.RegisterActions](srv)
	if err := f.c.Force(ctx, forcePass); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](srv)
	clk.advance(quietTime - time.Nanosecond)
	if err := f.c.Force(ctx, forcePass); !errors.Is(err, ErrForceInFlight) {
		t.Fatalf("Force before the quiet time = %v, want ErrForceInFlight", err)
	}
	clk.advance(time.Nanosecond)
	if f.c.forceInFlight() {
		t.Fatal("the force is still in flight after the quiet time")
	}
	if clk.armed() != 0 {
		t.Errorf("%d timers armed after the force was given up", clk.armed())
	}
	srv.quiet() // Force does not send it again by itself
	if err := f.c.Force(ctx, forcePass); err != nil {
		t.Fatalf("Force after the quiet time = %v", err)
	}
	expect[ForceActions](srv)
}

// TestForceQuietCountsFromLastSign: the quiet time counts from the
// latest of the force, an action or failed result for it, and a
// speech_finished; an action for another name is no sign.
func TestForceQuietCountsFromLastSign(t *testing.T) {
	clk := newFakeClock()
	p := forcedPair(t, clk)
	ctx := ctxT(t)

	clk.advance(4 * time.Second) // t=4
	p.srv.action("a1", "pass", "")
	act := p.action(t)           // not answered yet
	clk.advance(8 * time.Second) // t=12: 8 s since the action
	if !p.cl.forceInFlight() {
		t.Fatal("the force ended although Neuro acted on it 8 s ago")
	}
	if err := act.Reply(ctx, false, "not yet"); err != nil {
		t.Fatal(err)
	}
	p.srv.result("a1")
	clk.advance(4 * time.Second) // t=16: 12 s since the action, 4 s since the failed result
	if !p.cl.forceInFlight() {
		t.Fatal("the force ended although its failed result went 4 s ago")
	}
	p.srv.send(wire.SpeechFinished{IsFinal: true})
	within(t, p.msgs)
	clk.advance(8 * time.Second) // t=24: 12 s since the failed result, 8 s since she spoke
	if !p.cl.forceInFlight() {
		t.Fatal("the force ended although Neuro spoke 8 s ago")
	}
	// An action outside the force, and its failed result, are no sign.
	p.srv.action("o1", "play", `{"cell": 1}`)
	if err := p.action(t).Reply(ctx, false, "no"); err != nil {
		t.Fatal(err)
	}
	p.srv.result("o1")
	clk.advance(2 * time.Second) // t=26: 10 s since she spoke
	if p.cl.forceInFlight() {
		t.Fatal("the force is in flight 10 s after the last sign")
	}
	p.srv.quiet()
}

// TestForceQueuedAfterQuiet: a queued force waits behind a force Neuro
// went quiet on, and goes once that one is given up.
func TestForceQueuedAfterQuiet(t *testing.T) {
	clk := newFakeClock()
	p := forcedPair(t, clk)
	ctx := ctxT(t)
	queued := make(chan error, 1)
	go func() {
		queued <- p.cl.ForceQueued(ctx, ForceActions{Query: "second", ActionNames: []string{"play"}})
	}()
	waitWaiters(t, p.cl, 1)
	clk.advance(quietTime)
	select {
	case err := <-queued:
		if err != nil {
			t.Fatalf("ForceQueued = %v", err)
		}
	case <-ctx.Done():
		t.Fatal("ForceQueued still waits after the force in flight was given up")
	}
	if f := expect[ForceActions](p.srv); f.Query != "second" {
		t.Errorf("force %+v, want the queued one", f)
	}
}

// TestForceQuietTimerEndsWithTheConnection: a force ended by its
// connection leaves no timer armed.
func TestForceQuietTimerEndsWithTheConnection(t *testing.T) {
	clk := newFakeClock()
	p := forcedPair(t, clk)
	if clk.armed() != 1 {
		t.Fatalf("%d timers armed for a force in flight, want 1", clk.armed())
	}
	_ = p.srv.conn.CloseNow()
	if err := within(t, p.serve); err == nil {
		t.Fatal("Serve returned nil")
	}
	if clk.armed() != 0 || p.cl.forceInFlight() {
		t.Errorf("after the connection ended: %d timers armed, force in flight %v", clk.armed(), p.cl.forceInFlight())
	}
}

// TestWindowReforcesWhenQuiet is the real Neuro giving up: she fails the
// window's first two uses, then goes quiet. The window forces again, with
// an event, and completes with her next use.
func TestWindowReforcesWhenQuiet(t *testing.T) {
	clk := newFakeClock()
	f := newFixture(t, withClock(clk), WithReforceAfter(time.Hour))
	srv := f.connect()
	ctx := ctxT(t)
	spec := cellSpec(func(_ context.Context, act events.Action) Result {
		if act.Data != `{"cell": 9}` {
			return Failure("that cell is taken; free cells are 9")
		}
		return Success("")
	})
	spec.ReforceAfter = quietTime // the window's own, not the component's hour
	out := openWindow(ctx, f.c, spec)
	expect[wire.ContextMessage](srv)
	expect[wire.RegisterActions](srv)
	first := expect[ForceActions](srv)
	for _, id := range []string{"try1", "try2"} {
		srv.action(id, "play", `{"cell": 1}`)
		if r := srv.result(id); r.Success {
			t.Fatalf("result %+v", r)
		}
	}
	clk.advance(quietTime - time.Nanosecond)
	if !f.c.forceInFlight() {
		t.Fatal("the force ended before the window's quiet time")
	}
	clk.advance(time.Nanosecond)
	again := expect[ForceActions](srv)
	if !reflect.DeepEqual(again, first) {
		t.Errorf("forced again with %+v, want %+v", again, first)
	}
	d, err := manager.Payload[events.ForceRepeatedData](f.rec.wait(t, events.ForceRepeated))
	if err != nil {
		t.Fatal(err)
	}
	if want := (events.ForceRepeatedData{Actions: []string{"play", "pass"}, Repeat: 1, Max: DefaultMaxReforces, Quiet: quietTime}); !reflect.DeepEqual(d, want) {
		t.Errorf("ForceRepeated %+v, want %+v", d, want)
	}
	srv.action("try3", "play", `{"cell": 9}`)
	expect[wire.UnregisterActions](srv)
	if r := srv.result("try3"); !r.Success {
		t.Errorf("result %+v", r)
	}
	if o := waitWindow(t, out); o.err != nil || o.res.Data != `{"cell": 9}` {
		t.Errorf("Window = %+v, %v", o.res, o.err)
	}
	if f.c.forceInFlight() || clk.armed() != 0 {
		t.Errorf("after the window: force in flight %v, %d timers armed", f.c.forceInFlight(), clk.armed())
	}
	srv.quiet()
}

// TestWindowGivesUpWhenNeuroStaysQuiet: after MaxReforces forces again
// without an action, the window closes and fails with ErrForceIgnored.
func TestWindowGivesUpWhenNeuroStaysQuiet(t *testing.T) {
	clk := newFakeClock()
	f := newFixture(t, withClock(clk), WithReforceAfter(quietTime))
	srv := f.connect()
	spec := cellSpec(nil)
	spec.MaxReforces = 1
	out := openWindow(ctxT(t), f.c, spec)
	expect[wire.ContextMessage](srv)
	expect[wire.RegisterActions](srv)
	expect[ForceActions](srv)
	clk.advance(quietTime)
	expect[ForceActions](srv)
	if d, _ := manager.Payload[events.ForceRepeatedData](f.rec.wait(t, events.ForceRepeated)); d.Repeat != 1 || d.Max != 1 {
		t.Errorf("ForceRepeated %+v", d)
	}
	clk.advance(quietTime)
	if u := expect[wire.UnregisterActions](srv); !reflect.DeepEqual(u.ActionNames, []string{"play", "pass"}) {
		t.Errorf("unregister %+v", u)
	}
	o := waitWindow(t, out)
	if !errors.Is(o.err, ErrForceIgnored) || !strings.Contains(o.err.Error(), "sent 2 times") {
		t.Errorf("Window = %+v, %v; want ErrForceIgnored after 2 forces", o.res, o.err)
	}
	if f.managerHandles("play") || f.c.forceInFlight() || len(f.c.Registered()) != 0 {
		t.Error("the window left state behind")
	}
	f.rec.none(t, events.ForceRepeated) // one event per force sent again
	srv.quiet()
}

// TestWindowNoReforce: MaxReforces < 0 fails at the first quiet time.
func TestWindowNoReforce(t *testing.T) {
	clk := newFakeClock()
	f := newFixture(t, withClock(clk), WithReforceAfter(quietTime))
	srv := f.connect()
	spec := cellSpec(nil)
	spec.MaxReforces = -1
	out := openWindow(ctxT(t), f.c, spec)
	expect[wire.ContextMessage](srv)
	expect[wire.RegisterActions](srv)
	expect[ForceActions](srv)
	clk.advance(quietTime)
	expect[wire.UnregisterActions](srv)
	if o := waitWindow(t, out); !errors.Is(o.err, ErrForceIgnored) {
		t.Errorf("Window = %+v, %v; want ErrForceIgnored", o.res, o.err)
	}
	f.rec.none(t, events.ForceRepeated)
}
