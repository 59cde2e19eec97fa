package neuro

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// sequence is a component that records the lifecycle events it sees, in
// the order their handlers run, and calls the component from each
// handler (which would deadlock if an event were raised under a lock).
type sequence struct {
	manager.Base
	c   *Component
	seq chan string
}

func (s *sequence) BindHandlers() error {
	hs := map[string]manager.Handler{}
	for _, name := range []string{events.Connected, events.StartupAcknowledged, events.Disconnected, events.Reconnected, events.ConnectFailed} {
		hs[name] = func(context.Context, manager.Event) error {
			runtime.Gosched() // give a later event every chance to overtake
			_ = s.c.Connected()
			_, _ = s.c.Session()
			s.seq <- name
			return nil
		}
	}
	_, err := s.RegisterHandlers(hs)
	return err
}

// TestLifecycleEventsInOrder: connected comes before startup-acknowledged,
// and disconnected before reconnected, every time (100 runs, each with
// its own component).
func TestLifecycleEventsInOrder(t *testing.T) {
	want := []string{events.Connected, events.StartupAcknowledged, events.Disconnected, events.Reconnected, events.StartupAcknowledged}
	for i := range 100 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			timers := newFakeTimers()
			f := newFixture(t, WithReconnect(fastPolicy), timers.option())
			s := &sequence{Base: manager.NewBase("sequence"), c: f.c, seq: make(chan string, 16)}
			if err := f.m.Add(s); err != nil {
				t.Fatal(err)
			}
			ack := wire.StartupAck{Session: wire.Session{SessionID: fmt.Sprint("s-", i), CharacterID: "neuro"}}
			if err := f.m.Raise(ctxT(t), manager.NewEvent(events.Connect, "ws://order")); err != nil {
				t.Fatal(err)
			}
			srv := f.d.accept(t)
			expect[wire.Startup](srv)
			srv.send(ack) // read only once Connected is queued
			_ = srv.conn.Close(transport.CloseGoingAway, "bye")
			timers.elapse(t)
			srv2 := f.d.accept(t)
			expect[wire.Startup](srv2)
			srv2.send(ack)
			var got []string
			for range want {
				select {
				case name := <-s.seq:
					got = append(got, name)
				case <-ctxT(t).Done():
					t.Fatalf("events so far %v, want %v", got, want)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("events %v, want %v", got, want)
			}
		})
	}
}

// TestComponentServe: the blocking form of the connection run.
func TestComponentServe(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(ctxT(t))
	served := make(chan error, 1)
	go func() { served <- f.c.Serve(ctx, "ws://serve") }()
	srv := f.d.accept(t)
	expect[wire.Startup](srv)
	f.rec.wait(t, events.Connected)
	if err := f.c.Serve(ctxT(t), "ws://other"); !errors.Is(err, errRunning) {
		t.Errorf("second Serve = %v, want errRunning", err)
	}
	if err := f.c.Connect(ctxT(t), "ws://other"); !errors.Is(err, errRunning) {
		t.Errorf("Connect while serving = %v, want errRunning", err)
	}

	// Its context ending ends the run: going away, and Serve returns.
	cancel()
	d, _ := manager.Payload[events.DisconnectedData](f.rec.wait(t, events.Disconnected))
	if d.Code != transport.CloseGoingAway || !errors.Is(d.Err, context.Canceled) || d.WillReconnect {
		t.Errorf("Disconnected %+v", d)
	}
	if err := <-served; !errors.Is(err, context.Canceled) {
		t.Errorf("Serve = %v, want context.Canceled", err)
	}
	<-srv.done
	if code, _, _ := transport.CloseCode(srv.err); code != transport.CloseGoingAway {
		t.Errorf("server saw %v, want 1001", srv.err)
	}
	if f.c.Connected() {
		t.Error("connected after Serve returned")
	}

	// The component may be served again; Stop ends that run.
	go func() { served <- f.c.Serve(ctxT(t), "ws://serve") }()
	srv = f.d.accept(t)
	expect[wire.Startup](srv)
	f.rec.wait(t, events.Connected) // a new run starts with Connected
	if err := f.c.Stop(ctxT(t), 4000, "done"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-served:
		if !errors.Is(err, ErrStopped) {
			t.Errorf("Serve after Stop = %v, want ErrStopped", err)
		}
	case <-ctxT(t).Done():
		t.Fatal("Serve did not return after Stop")
	}
	if d, _ := manager.Payload[events.DisconnectedData](f.rec.wait(t, events.Disconnected)); d.Code != 4000 || d.Reason != "done" || d.Err != nil {
		t.Errorf("Disconnected %+v", d)
	}
	if err := f.c.Serve(ctxT(t), "ws://serve"); !errors.Is(err, ErrStopped) {
		t.Errorf("Serve after Stop = %v, want ErrStopped", err)
	}
}

// TestComponentInSupervisedManager: in a manager with a scope, the
// events.Connect handler is the connection run, owned by the scope;
// action handlers are still waited for, so an action they leave
// unanswered is answered for them.
func TestComponentInSupervisedManager(t *testing.T) {
	scope := manager.NewScope(context.Background())
	m := manager.New("game", manager.WithScope(scope))
	d := newPipeDialer()
	c, err := NewComponent(testGame, WithDialer(d.dial))
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(allEvents...)
	game := &raw{Base: manager.NewBase("raw"), h: map[string]manager.Handler{
		events.ActionEvent("silent"): func(context.Context, manager.Event) error { return nil },
		events.ActionEvent("reply"): func(ctx context.Context, ev manager.Event) error {
			act, err := manager.Payload[events.Action](ev)
			if err != nil {
				return err
			}
			return act.Reply(ctx, true, "replied")
		},
	}}
	if err := m.AddAll(c, rec, game); err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	if err := c.RegisterActions(ctx, Action{Name: "silent", Description: "s"}, Action{Name: "reply", Description: "r"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Raise(ctx, manager.NewEvent(events.Connect, "ws://scoped")); err != nil {
		t.Fatal(err)
	}
	srv := d.accept(t)
	expect[wire.Startup](srv)
	expect[wire.RegisterActions](srv)
	rec.wait(t, events.Connected)
	srv.action("s", "silent", "")
	if r := srv.result("s"); r.Success || !strings.Contains(r.Message, "did not answer") {
		t.Errorf("unanswered action in a supervised manager: %+v", r)
	}
	srv.action("r", "reply", "")
	if r := srv.result("r"); !r.Success || r.Message != "replied" {
		t.Errorf("result %+v", r)
	}

	// Closing the scope ends the run it owns.
	if err := scope.Close(); err != nil {
		t.Errorf("scope = %v, want no error", err)
	}
	if d, _ := manager.Payload[events.DisconnectedData](rec.wait(t, events.Disconnected)); d.Code != transport.CloseGoingAway {
		t.Errorf("Disconnected %+v", d)
	}
	if c.Connected() {
		t.Error("connected after the scope closed")
	}
	if err := c.Stop(ctx, 0, ""); err != nil {
		t.Fatal(err)
	}
}
