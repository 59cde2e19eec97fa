package neuro

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// fakeTimers replaces the backoff timer: each wait shows up on waits and
// ends when the test fires it.
type fakeTimers struct{ waits chan fakeTimer }

type fakeTimer struct {
	d    time.Duration
	fire chan time.Time
}

func newFakeTimers() *fakeTimers { return &fakeTimers{waits: make(chan fakeTimer, 16)} }

func (f *fakeTimers) option() Option {
	return withTimer(func(d time.Duration) (<-chan time.Time, func() bool) {
		t := fakeTimer{d: d, fire: make(chan time.Time, 1)}
		f.waits <- t
		return t.fire, func() bool { return true }
	})
}

// next returns the next wait the component started.
func (f *fakeTimers) next(t *testing.T) fakeTimer {
	t.Helper()
	select {
	case w := <-f.waits:
		return w
	case <-ctxT(t).Done():
		t.Fatal("the component did not wait")
		return fakeTimer{}
	}
}

// elapse fires the next wait and returns its duration.
func (f *fakeTimers) elapse(t *testing.T) time.Duration {
	t.Helper()
	w := f.next(t)
	w.fire <- time.Now()
	return w.d
}

var fastPolicy = ReconnectPolicy{InitialDelay: 100 * time.Millisecond, MaxDelay: 400 * time.Millisecond, MaxAttempts: -1}

// TestReconnectOrder: after a drop the component sends startup, then the
// registry, then what was buffered meanwhile, and only then raises
// Reconnected.
func TestReconnectOrder(t *testing.T) {
	timers := newFakeTimers()
	f := newFixture(t, WithReconnect(fastPolicy), timers.option())
	ctx := ctxT(t)
	if err := f.c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result { return Success("") }); err != nil {
		t.Fatal(err)
	}
	hello := &greeter{Base: manager.NewBase("greeter"), c: f.c}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	if err := f.m.Add(&reconnectGreeter{greeter: hello}); err != nil {
		t.Fatal(err)
	}

	_ = srv.conn.Close(transport.CloseGoingAway, "restarting")
	d, _ := manager.Payload[events.DisconnectedData](f.rec.wait(t, events.Disconnected))
	if d.Code != transport.CloseGoingAway || d.Reason != "restarting" || !d.WillReconnect {
		t.Errorf("Disconnected %+v", d)
	}
	// Sends while disconnected: documented behaviour.
	if err := f.c.SendContext(ctx, "while away", true); err != nil {
		t.Errorf("SendContext: %v", err)
	}
	if err := f.c.RegisterActions(ctx, Action{Name: "later", Description: "Registered while away."}); err != nil {
		t.Errorf("RegisterActions: %v", err)
	}
	if err := f.c.Force(ctx, forcePass); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Force: %v", err)
	}
	if err := f.c.SendShutdownReady(ctx); !errors.Is(err, ErrNotConnected) {
		t.Errorf("SendShutdownReady: %v", err)
	}
	if got := timers.elapse(t); got != fastPolicy.InitialDelay {
		t.Errorf("first wait %s, want %s", got, fastPolicy.InitialDelay)
	}

	srv2 := f.d.accept(t)
	expect[wire.Startup](srv2)
	if got := actionNames(expect[wire.RegisterActions](srv2).Actions); !reflect.DeepEqual(got, []string{"pass", "later"}) {
		t.Errorf("registry after reconnect %v", got)
	}
	if c := expect[wire.ContextMessage](srv2); c.Message != "while away" {
		t.Errorf("buffered context %+v", c)
	}
	if c := expect[wire.ContextMessage](srv2); c.Message != "hello again" {
		t.Errorf("context from the Reconnected handler %+v", c)
	}
	r, _ := manager.Payload[events.ReconnectedData](f.rec.wait(t, events.Reconnected))
	if r.Attempt != 1 || r.URL != "ws://test" || r.Downtime <= 0 {
		t.Errorf("Reconnected %+v", r)
	}
	f.rec.none(t, events.Connected)
	if !f.c.Connected() {
		t.Error("not connected after reconnecting")
	}
	// Actions work on the new connection.
	srv2.action("x", "pass", "")
	if r := srv2.result("x"); !r.Success {
		t.Errorf("result %+v", r)
	}
}

// reconnectGreeter sends context when the component reconnects.
type reconnectGreeter struct {
	*greeter
}

func (g *reconnectGreeter) BindHandlers() error {
	_, err := g.RegisterHandler(events.Reconnected, func(ctx context.Context, _ manager.Event) error {
		return g.c.SendContext(ctx, "hello again", false)
	})
	return err
}

func TestReconnectBackoffAndGiveUp(t *testing.T) {
	timers := newFakeTimers()
	policy := ReconnectPolicy{InitialDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond, MaxAttempts: 4}
	f := newFixture(t, WithReconnect(policy), timers.option())
	srv := f.connect()
	down := errors.New("connection refused")
	f.d.failNext(down, down, down, down)
	_ = srv.conn.CloseNow()
	f.rec.wait(t, events.Disconnected)
	var waits []time.Duration
	for range 4 {
		waits = append(waits, timers.elapse(t))
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond}
	if !reflect.DeepEqual(waits, want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
	cf, _ := manager.Payload[events.ConnectFailedData](f.rec.wait(t, events.ConnectFailed))
	if cf.Attempts != 4 || !errors.Is(cf.Err, down) {
		t.Errorf("ConnectFailed %+v", cf)
	}
	// Gave up: the game may connect again.
	f.rec.none(t, events.ConnectFailed)
	f.connect()
}

func TestReconnectRetriesTheFirstConnection(t *testing.T) {
	timers := newFakeTimers()
	f := newFixture(t, WithReconnect(fastPolicy), timers.option())
	refused := errors.New("refused")
	f.d.failNext(refused)
	if err := f.m.Raise(ctxT(t), manager.NewEvent(events.Connect, "ws://test")); err != nil {
		t.Fatal(err)
	}
	if err := f.c.WaitConnected(ctxT(t)); !errors.Is(err, refused) {
		t.Errorf("WaitConnected = %v", err)
	}
	cf, _ := manager.Payload[events.ConnectFailedData](f.rec.wait(t, events.ConnectFailed))
	if cf.Attempts != 1 {
		t.Errorf("ConnectFailed %+v", cf)
	}
	timers.elapse(t)
	srv := f.d.accept(t)
	expect[wire.Startup](srv)
	f.rec.wait(t, events.Connected) // the first connection, even after a retry
	f.rec.none(t, events.Reconnected)
}

// TestReconnectStopDuringBackoff: Stop wakes the component from a long
// backoff wait at once (a real one-minute timer).
func TestReconnectStopDuringBackoff(t *testing.T) {
	f := newFixture(t, WithReconnect(ReconnectPolicy{InitialDelay: time.Minute, MaxAttempts: -1}))
	srv := f.connect()
	_ = srv.conn.CloseNow()
	if d, _ := manager.Payload[events.DisconnectedData](f.rec.wait(t, events.Disconnected)); !d.WillReconnect {
		t.Fatalf("Disconnected %+v", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := f.c.Stop(ctx, 0, ""); err != nil {
		t.Fatalf("Stop during backoff = %v (a minute-long wait was not woken)", err)
	}
	if n := len(f.d.dials); n != 1 {
		t.Errorf("%d dials, want only the first", n)
	}
}

func TestReconnectDropsResultsOfTheDeadConnection(t *testing.T) {
	timers := newFakeTimers()
	f := newFixture(t, WithReconnect(fastPolicy), timers.option())
	ctx := ctxT(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	if err := f.c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result {
		close(entered)
		<-release
		return Success("stale")
	}); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	srv.action("old", "pass", "")
	<-entered
	_ = srv.conn.CloseNow()
	f.rec.wait(t, events.Disconnected)
	timers.elapse(t)
	srv2 := f.d.accept(t)
	expect[wire.Startup](srv2)
	expect[wire.RegisterActions](srv2)
	f.rec.wait(t, events.Reconnected)
	close(release)
	if err := f.c.Stop(ctx, 0, ""); err != nil { // joins the handler
		t.Fatal(err)
	}
	<-srv2.done
	for len(srv2.frames) > 0 {
		if r, ok := (<-srv2.frames).(ActionResult); ok && r.ID == "old" {
			t.Fatalf("stale result sent on the new connection: %+v", r)
		}
	}
}

// TestWindowSurvivesReconnect: a window's force dies with its connection;
// the window registers again with the registry and forces again.
func TestWindowSurvivesReconnect(t *testing.T) {
	timers := newFakeTimers()
	f := newFixture(t, WithReconnect(fastPolicy), timers.option())
	srv := f.connect()
	ctx := ctxT(t)
	out := openWindow(ctx, f.c, cellSpec(nil))
	expect[wire.ContextMessage](srv)
	expect[wire.RegisterActions](srv)
	expect[ForceActions](srv)
	_ = srv.conn.CloseNow()
	f.rec.wait(t, events.Disconnected)
	timers.elapse(t)
	srv2 := f.d.accept(t)
	expect[wire.Startup](srv2)
	if got := actionNames(expect[wire.RegisterActions](srv2).Actions); !reflect.DeepEqual(got, []string{"play", "pass"}) {
		t.Errorf("registry %v", got)
	}
	if fa := expect[ForceActions](srv2); !reflect.DeepEqual(fa.ActionNames, []string{"play", "pass"}) {
		t.Errorf("force again %+v", fa)
	}
	srv2.action("p", "pass", "")
	expect[wire.UnregisterActions](srv2)
	srv2.result("p")
	if o := waitWindow(t, out); o.err != nil || o.res.Action != "pass" {
		t.Errorf("Window = %+v, %v", o.res, o.err)
	}
}

func TestReconnectPolicyDefaults(t *testing.T) {
	p := ReconnectPolicy{Jitter: 3}.withDefaults()
	want := ReconnectPolicy{InitialDelay: defaultReconnectInitialDelay, MaxDelay: defaultReconnectMaxDelay, Jitter: 1, MaxAttempts: DefaultReconnectMaxAttempts}
	if p != want {
		t.Errorf("defaults %+v", p)
	}
	if !p.exhausted(60) || p.exhausted(59) {
		t.Error("exhausted")
	}
	if (ReconnectPolicy{MaxAttempts: -1}).withDefaults().exhausted(1 << 30) {
		t.Error("negative MaxAttempts is not forever")
	}
}
