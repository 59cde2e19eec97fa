package neuro

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

func TestNewComponent(t *testing.T) {
	if _, err := NewComponent(""); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty game name: %v", err)
	}
	c, err := NewComponent(testGame)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "neuro" {
		t.Errorf("name %q", c.Name())
	}
	if c, _ := NewComponent(testGame, WithName("neuro-2")); c.Name() != "neuro-2" {
		t.Errorf("WithName: %q", c.Name())
	}
	if c.Connected() {
		t.Error("connected before Connect")
	}
	// Stop before Connect is fine, and final.
	if err := c.Stop(ctxT(t), 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctxT(t), "ws://x"); !errors.Is(err, ErrStopped) {
		t.Errorf("Connect after Stop: %v", err)
	}
	if err := c.WaitConnected(ctxT(t)); !errors.Is(err, ErrStopped) {
		t.Errorf("WaitConnected after Stop: %v", err)
	}
}

// TestComponentConnectOrder: startup, then the registry, then the
// buffered context, and only then the Connected event (whose handlers'
// sends come after all of these).
func TestComponentConnectOrder(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	if err := f.c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result { return Success("") }); err != nil {
		t.Fatal(err)
	}
	if err := f.c.SendContext(ctx, "before connect", true); err != nil {
		t.Fatal(err)
	}
	hello := &greeter{Base: manager.NewBase("greeter"), c: f.c}
	if err := f.m.Add(hello); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	if got := actionNames(expect[wire.RegisterActions](srv).Actions); !reflect.DeepEqual(got, []string{"pass"}) {
		t.Errorf("registry %v", got)
	}
	if c := expect[wire.ContextMessage](srv); c.Message != "before connect" {
		t.Errorf("buffered context %+v", c)
	}
	if c := expect[wire.ContextMessage](srv); c.Message != "hello from Connected" {
		t.Errorf("context %+v", c)
	}
	if !f.c.Connected() {
		t.Error("not Connected")
	}
}

// greeter sends context when the component connects.
type greeter struct {
	manager.Base
	c *Component
}

func (g *greeter) BindHandlers() error {
	_, err := g.RegisterHandler(events.Connected, func(ctx context.Context, _ manager.Event) error {
		return g.c.SendContext(ctx, "hello from Connected", false)
	})
	return err
}

func TestComponentConnectMethod(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	done := make(chan error, 1)
	go func() { done <- f.c.Connect(ctx, "ws://x") }()
	srv := f.d.accept(t)
	expect[wire.Startup](srv)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := f.c.Connect(ctx, "ws://x"); !errors.Is(err, errRunning) {
		t.Errorf("second Connect: %v", err)
	}
	if err := f.m.Raise(ctx, manager.NewEvent(events.Connect, 42)); !errors.Is(err, manager.ErrPayloadType) {
		t.Errorf("connect event with a bad payload: %v", err)
	}
}

func TestComponentConnectFailed(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("handshake refused")
	f.d.failNext(boom)
	ctx := ctxT(t)
	if err := f.c.Connect(ctx, "ws://nowhere"); !errors.Is(err, boom) {
		t.Fatalf("Connect = %v, want %v", err, boom)
	}
	ev := f.rec.wait(t, events.ConnectFailed)
	d, err := manager.Payload[events.ConnectFailedData](ev)
	if err != nil {
		t.Fatal(err)
	}
	if d.URL != "ws://nowhere" || !errors.Is(d.Err, boom) || d.Attempts != 1 {
		t.Errorf("ConnectFailed %+v", d)
	}
	if err := f.c.WaitConnected(ctx); !errors.Is(err, boom) {
		t.Errorf("WaitConnected = %v", err)
	}
	if f.c.Connected() {
		t.Error("connected after a failure")
	}
	// The game may try again.
	f.connect()
}

func TestComponentPeerCloseRaisesDisconnected(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	_ = srv.conn.Close(4001, "server going down")
	d, err := manager.Payload[events.DisconnectedData](f.rec.wait(t, events.Disconnected))
	if err != nil {
		t.Fatal(err)
	}
	if d.Code != 4001 || d.Reason != "server going down" || d.WillReconnect || d.Err == nil || d.URL != "ws://test" {
		t.Errorf("Disconnected %+v", d)
	}
	if f.c.Connected() {
		t.Error("still connected")
	}
	// Sends after the drop behave as documented.
	if err := f.c.SendShutdownReady(ctxT(t)); !errors.Is(err, ErrNotConnected) {
		t.Errorf("SendShutdownReady: %v", err)
	}
}

func TestComponentStop(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	if err := f.c.Stop(ctx, 4000, "bye"); err != nil {
		t.Fatal(err)
	}
	d, _ := manager.Payload[events.DisconnectedData](f.rec.wait(t, events.Disconnected))
	if d.Code != 4000 || d.Reason != "bye" || d.Err != nil || d.WillReconnect {
		t.Errorf("Disconnected %+v", d)
	}
	<-srv.done
	var ce *transport.CloseError
	if !errors.As(srv.err, &ce) || ce.Code != 4000 || ce.Reason != "bye" {
		t.Errorf("server saw %v", srv.err)
	}
	if err := f.c.Stop(ctx, 0, ""); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if f.c.Connected() {
		t.Error("connected after Stop")
	}
	if err := f.c.Connect(ctx, "ws://x"); !errors.Is(err, ErrStopped) {
		t.Errorf("Connect after Stop: %v", err)
	}
}

func TestComponentStopDefaultsToNormalClosure(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	if err := f.c.Stop(ctxT(t), 0, ""); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	if code, _, _ := transport.CloseCode(srv.err); code != transport.CloseNormal {
		t.Errorf("close code %d, want 1000", code)
	}
}

func TestComponentStopFromAnActionHandler(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	stopped := make(chan error, 1)
	if err := f.c.HandleAction(ctx, Action{Name: "quit", Description: "Quit."}, func(hctx context.Context, _ events.Action) Result {
		stopped <- f.c.Stop(hctx, 0, "quit")
		return Success("bye")
	}); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	srv.action("q", "quit", "")
	if err := <-stopped; err != nil {
		t.Fatalf("Stop from a handler: %v", err)
	}
	f.rec.wait(t, events.Disconnected)
	<-srv.done
}

func TestComponentStopBoundedByContext(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	entered := make(chan struct{})
	left := make(chan struct{})
	if err := f.c.HandleAction(ctx, actPass, func(hctx context.Context, _ events.Action) Result {
		close(entered)
		<-hctx.Done() // a handler that only stops when told to
		close(left)
		return Failure("stopped")
	}); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	srv.action("slow", "pass", "")
	<-entered
	expired, cancel := context.WithCancel(ctx)
	cancel()
	if err := f.c.Stop(expired, 0, ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("Stop with an expired context = %v", err)
	}
	<-left // the handlers' context was cancelled
	if err := f.c.Stop(ctx, 0, ""); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

func TestComponentSlowHandlerDoesNotBlockReading(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	release := make(chan struct{})
	if err := f.c.HandleAction(ctx, Action{Name: "slow", Description: "Slow."}, func(context.Context, events.Action) Result {
		<-release
		return Success("slow done")
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result { return Success("fast") }); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	srv.action("s", "slow", "")
	srv.action("f", "pass", "")
	if r := srv.result("f"); r.Message != "fast" {
		t.Errorf("fast result %+v", r)
	}
	close(release)
	if r := srv.result("s"); r.Message != "slow done" {
		t.Errorf("slow result %+v", r)
	}
}

func TestComponentStartupAcknowledged(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	if _, ok := f.c.Session(); ok {
		t.Error("session before the acknowledgement")
	}
	want := events.Session{SessionID: "abc", CharacterID: "neuro", DisplayName: "Neuro-sama"}
	srv.send(wire.StartupAck{Session: wire.Session(want)})
	got, err := manager.Payload[events.Session](f.rec.wait(t, events.StartupAcknowledged))
	if err != nil || got != want {
		t.Errorf("event %+v, %v", got, err)
	}
	if s, ok := f.c.Session(); !ok || s != want {
		t.Errorf("Session() = %+v, %v", s, ok)
	}
}

func TestComponentShutdownWithoutHandlerAnswersReady(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	srv.send(wire.ShutdownGraceful{WantsShutdown: true})
	expect[wire.ShutdownReady](srv)
	srv.send(wire.ShutdownGraceful{WantsShutdown: false}) // a cancellation needs no answer
	srv.quiet()
	srv.send(wire.ShutdownImmediate{})
	expect[wire.ShutdownReady](srv)
}

func TestComponentShutdownEvents(t *testing.T) {
	f := newFixture(t)
	rec := newRecorder(events.ShutdownGraceful, events.ShutdownImmediate)
	rec.Base = manager.NewBase("shutdown-recorder")
	if err := f.m.Add(rec); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	srv.send(wire.ShutdownGraceful{WantsShutdown: true})
	d, _ := manager.Payload[events.ShutdownGracefulData](rec.wait(t, events.ShutdownGraceful))
	if !d.WantsShutdown {
		t.Errorf("payload %+v", d)
	}
	srv.send(wire.ShutdownImmediate{})
	if _, err := manager.Payload[events.ShutdownImmediateData](rec.wait(t, events.ShutdownImmediate)); err != nil {
		t.Error(err)
	}
	srv.quiet() // the game answers when it is ready, not the component
	if err := f.c.SendShutdownReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	expect[wire.ShutdownReady](srv)
}

// TestComponentBadInput sends one bad frame per case, checks what the
// game did about it, and checks that reading goes on (a valid action is
// answered right after).
func TestComponentBadInput(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	f := newFixture(t, WithLogger(zap.New(core)))
	ctx := ctxT(t)
	ok := func(context.Context, events.Action) Result { return Success("ok") }
	release := make(chan struct{})
	for _, spec := range []ActionSpec{
		{Action: actPlay, Handler: ok},
		{Action: actPass, Handler: ok},
		{Action: Action{Name: "boom", Description: "Panics."}, Handler: func(context.Context, events.Action) Result { panic("kaboom") }},
		{Action: Action{Name: "hold", Description: "Blocks."}, Handler: func(context.Context, events.Action) Result { <-release; return Success("held") }},
	} {
		if err := f.c.HandleAction(ctx, spec.Action, spec.Handler); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.c.RegisterActions(ctx, Action{Name: "orphan", Description: "Nobody handles it."}); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	if got := actionNames(expect[wire.RegisterActions](srv).Actions); len(got) != 5 {
		t.Fatalf("registered %v", got)
	}

	type outcome int
	const (
		logged  outcome = iota // a warning is logged, nothing is answered
		failed                 // a failed result for id "bad" whose message holds want
		unknown                // an UnknownCommand event
	)
	cases := []struct {
		name  string
		frame string
		out   outcome
		want  string
	}{
		{"invalid JSON", `{"command":`, logged, "malformed frame"},
		{"not an object", `[1,2,3]`, logged, "malformed frame"},
		{"empty frame", ``, logged, "malformed frame"},
		{"missing command", `{"data":{}}`, logged, "malformed frame"},
		{"command not a string", `{"command":7}`, logged, "malformed frame"},
		{"empty command", `{"command":""}`, logged, "malformed frame"},
		{"data not an object", `{"command":"action","data":"x"}`, logged, "malformed frame"},
		{"action without data", `{"command":"action"}`, logged, "malformed frame"},
		{"action without id", `{"command":"action","data":{"name":"pass"}}`, logged, "malformed frame"},
		{"action id not a string", `{"command":"action","data":{"id":5,"name":"pass"}}`, logged, "malformed frame"},
		{"action without name", `{"command":"action","data":{"id":"bad"}}`, failed, "data.name"},
		{"action name not a string", `{"command":"action","data":{"id":"bad","name":["pass"]}}`, failed, "data.name"},
		{"action data of the wrong type", `{"command":"action","data":{"id":"bad","name":"play","data":{"cell":1}}}`, failed, "data.data"},
		{"graceful without wants_shutdown", `{"command":"shutdown/graceful","data":{}}`, logged, "malformed frame"},
		{"unregistered action", `{"command":"action","data":{"id":"bad","name":"nope"}}`, failed, `unknown action "nope"; available actions: play, pass, boom, hold, orphan`},
		{"schema-invalid data", `{"command":"action","data":{"id":"bad","name":"play","data":"{\"cell\": 12}"}}`, failed, "cell"},
		{"data not valid JSON", `{"command":"action","data":{"id":"bad","name":"play","data":"{\"cell\": "}}`, failed, "not valid JSON"},
		{"required data missing", `{"command":"action","data":{"id":"bad","name":"play"}}`, failed, "needs data"},
		{"panicking handler", `{"command":"action","data":{"id":"bad","name":"boom"}}`, failed, "internal error"},
		{"registered action nobody handles", `{"command":"action","data":{"id":"bad","name":"orphan"}}`, failed, "does not handle"},
		{"unknown command", `{"command":"future/command","data":{"x":1}}`, unknown, "future/command"},
	}
	unk := newRecorder(events.UnknownCommand)
	unk.Base = manager.NewBase("unknown-recorder")
	if err := f.m.Add(unk); err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		func() {
			before := logs.FilterMessageSnippet(tc.want).Len()
			srv.sendRaw(tc.frame)
			switch tc.out {
			case failed:
				r := srv.result("bad")
				if r.Success || !strings.Contains(r.Message, tc.want) {
					t.Errorf("%s: result %+v, want a failure containing %q", tc.name, r, tc.want)
				}
			case unknown:
				d, err := manager.Payload[events.UnknownCommandData](unk.wait(t, events.UnknownCommand))
				if err != nil || d.Command != tc.want || string(d.Data) != `{"x":1}` {
					t.Errorf("%s: UnknownCommand %+v, %v", tc.name, d, err)
				}
			}
			// Reading goes on.
			id := "ok-" + string(rune('a'+i))
			srv.action(id, "pass", "")
			if r := srv.result(id); !r.Success {
				t.Fatalf("%s: valid action after the bad frame: %+v", tc.name, r)
			}
			if tc.out == logged && logs.FilterMessageSnippet(tc.want).Len() <= before {
				t.Errorf("%s: no %q warning logged", tc.name, tc.want)
			}
		}()
	}

	// Duplicate id while pending: answered failed, the handler runs once.
	{
		srv.action("dup", "hold", "")
		srv.action("dup", "hold", "")
		if r := srv.result("dup"); r.Success || !strings.Contains(r.Message, "already being handled") {
			t.Errorf("duplicate %+v", r)
		}
		close(release)
		if r := srv.result("dup"); !r.Success || r.Message != "held" {
			t.Errorf("result %+v", r)
		}
		srv.quiet() // the handler ran once
	}
	if !f.c.Connected() {
		t.Error("bad input disconnected the component")
	}
}

// TestComponentCloseDuringHandler: the connection closes while an action
// is being handled; its result is dropped, the component raises
// Disconnected and nothing panics.
func TestComponentCloseDuringHandler(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	if err := f.c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result {
		close(entered)
		<-release
		return Success("too late")
	}); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	srv.action("late", "pass", "")
	<-entered
	_ = srv.conn.CloseNow()
	f.rec.wait(t, events.Disconnected)
	close(release)
	// Stop joins the handler, whose result went nowhere.
	if err := f.c.Stop(ctx, 0, ""); err != nil {
		t.Fatal(err)
	}
}

func TestComponentConcurrentSends(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	ctx := ctxT(t)
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch i % 3 {
			case 0:
				err = f.c.SendContext(ctx, "ctx", true)
			case 1:
				name := "act-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
				err = f.c.RegisterActions(ctx, Action{Name: name, Description: "d"})
			default:
				err = f.c.SendShutdownReady(ctx)
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	counts := map[string]int{}
	for range n {
		counts[srv.next().Command()]++
	}
	want := map[string]int{wire.CmdContext: 17, wire.CmdRegister: 17, wire.CmdShutdownReady: 16}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("frames %v, want %v", counts, want)
	}
	srv.quiet()
	if got := len(f.c.Registered()); got != 17 {
		t.Errorf("%d registered", got)
	}
}

func TestComponentRaisesWithoutManager(t *testing.T) {
	// A component outside any manager still answers: no handler, so
	// actions fail, and events go nowhere.
	d := newPipeDialer()
	c, err := NewComponent(testGame, WithDialer(d.dial))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	defer func() { _ = c.Stop(ctx, 0, "") }()
	if err := c.HandleAction(ctx, actPass, nil); err == nil {
		t.Error("HandleAction with a nil func accepted")
	}
	if err := c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result { return Success("") }); !errors.Is(err, manager.ErrUnbound) {
		t.Errorf("HandleAction unbound: %v", err)
	}
	if err := c.RegisterActions(ctx, actPass); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx, "ws://x"); err != nil {
		t.Fatal(err)
	}
	srv := d.accept(t)
	expect[wire.Startup](srv)
	expect[wire.RegisterActions](srv)
	srv.action("x", "pass", "")
	if r := srv.result("x"); r.Success {
		t.Errorf("result %+v", r)
	}
	srv.send(wire.Unknown{Cmd: "new_thing", Data: json.RawMessage(`{}`)})
	srv.quiet()
}

// TestComponentStopFromDisconnectedHandler: a handler of an event the
// component raises may call Stop with its context without deadlock.
func TestComponentStopFromDisconnectedHandler(t *testing.T) {
	f := newFixture(t)
	stopped := make(chan error, 1)
	if _, err := f.m.RegisterHandler(events.Disconnected, func(ctx context.Context, _ manager.Event) error {
		stopped <- f.c.Stop(ctx, 0, "")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	_ = srv.conn.Close(4003, "kicked")
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("Stop from a Disconnected handler: %v", err)
		}
	case <-ctxT(t).Done():
		t.Fatal("Stop from a handler deadlocked")
	}
	if err := f.c.Connect(ctxT(t), "ws://x"); !errors.Is(err, ErrStopped) {
		t.Errorf("Connect after Stop: %v", err)
	}
}
