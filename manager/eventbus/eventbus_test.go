package eventbus_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	EventBus "github.com/asaskevich/EventBus"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/manager/eventbus"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const deadline = 5 * time.Second

func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(deadline):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func none[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected %s: %v", what, v)
	default:
	}
}

// recorder is a component that sends every event it handles on got.
type recorder struct {
	manager.Base
	events []string
	got    chan manager.Event
	err    error
}

func newRecorder(name string, events ...string) *recorder {
	return &recorder{Base: manager.NewBase(name), events: events, got: make(chan manager.Event, 16)}
}

func (r *recorder) BindHandlers() error {
	for _, e := range r.events {
		if _, err := r.RegisterHandler(e, func(ctx context.Context, ev manager.Event) error {
			r.got <- ev
			return r.err
		}); err != nil {
			return err
		}
	}
	return nil
}

func TestForwarder(t *testing.T) {
	bus := EventBus.New()
	got := make(chan manager.Event, 4)
	if err := bus.Subscribe("neuro", func(ev manager.Event) { got <- ev }); err != nil {
		t.Fatal(err)
	}
	m := manager.New("game")
	if err := m.Add(eventbus.NewForwarder("to-bus", bus, "neuro", "connected", "action")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, ev := range []manager.Event{
		manager.NewEvent("connected", "ws://x"),
		manager.NewEvent("ignored", 1),
		manager.NewEvent("action", 42),
	} {
		if err := m.Raise(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if ev := recv(t, got, "connected"); ev.Name != "connected" || ev.Data != "ws://x" {
		t.Fatalf("forwarded %v", ev)
	}
	if ev := recv(t, got, "action"); ev.Name != "action" || ev.Data != 42 {
		t.Fatalf("forwarded %v", ev)
	}
	none(t, got, "forward of an unchosen event")

	if err := m.Remove("to-bus"); err != nil {
		t.Fatal(err)
	}
	_ = m.Raise(ctx, manager.NewEvent("action", 1))
	none(t, got, "forward after removal")
}

func TestForwarderInvalid(t *testing.T) {
	m := manager.New("game")
	var nilBus *EventBus.EventBus
	for name, f := range map[string]*eventbus.Forwarder{
		"nil bus":     eventbus.NewForwarder("a", nil, "t", "e"),
		"nil pointer": eventbus.NewForwarder("b", nilBus, "t", "e"),
		"no topic":    eventbus.NewForwarder("c", EventBus.New(), "", "e"),
	} {
		if err := m.Add(f); !errors.Is(err, eventbus.ErrInvalid) {
			t.Errorf("%s: Add = %v, want ErrInvalid", name, err)
		}
	}
}

func TestSubscribeRaisesIntoManager(t *testing.T) {
	tests := []struct {
		name string
		opts []eventbus.Option
		pub  []any
		want manager.Event
	}{
		{"one argument", nil, []any{5}, manager.Event{Name: "score", Data: 5}},
		{"no argument", nil, nil, manager.Event{Name: "score"}},
		{"nil argument", nil, []any{nil}, manager.Event{Name: "score"}},
		{"several arguments", nil, []any{1, "two"}, manager.Event{Name: "score", Data: []any{1, "two"}}},
		{"a manager.Event keeps its name and level", nil, []any{manager.NewEvent("other", 3).WithLevel(2)},
			manager.Event{Name: "other", Data: 3, Level: 2}},
		{"WithEvent renames", []eventbus.Option{eventbus.WithEvent("renamed")}, []any{7},
			manager.Event{Name: "renamed", Data: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus := EventBus.New()
			m := manager.New("game")
			rec := newRecorder("rec", "score", "other", "renamed")
			if err := m.Add(rec); err != nil {
				t.Fatal(err)
			}
			sub, err := eventbus.Subscribe(context.Background(), bus, "score", m, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Close()
			bus.Publish("score", tt.pub...)
			// WaitAsync waits for the bus goroutine, which waited for
			// the (waiting-form) Raise: the handler has run.
			bus.WaitAsync()
			select {
			case ev := <-rec.got:
				if fmt.Sprint(ev) != fmt.Sprint(tt.want) || fmt.Sprint(ev.Data) != fmt.Sprint(tt.want.Data) {
					t.Fatalf("raised %v (%v), want %v (%v)", ev, ev.Data, tt.want, tt.want.Data)
				}
			default:
				t.Fatal("nothing raised before WaitAsync returned")
			}
		})
	}
}

func TestSubscribeIntoComponent(t *testing.T) {
	bus := EventBus.New()
	m := manager.New("game")
	rec := newRecorder("rec", "tick")
	if err := m.Add(rec); err != nil {
		t.Fatal(err)
	}
	// A component's Base raises in its manager.
	sub, err := eventbus.Subscribe(context.Background(), bus, "tick", rec)
	if err != nil {
		t.Fatal(err)
	}
	bus.Publish("tick", 1)
	bus.WaitAsync()
	if ev := recv(t, rec.got, "tick"); ev.Data != 1 {
		t.Fatalf("got %v", ev)
	}
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSubscribeErrors(t *testing.T) {
	boom := errors.New("boom")
	t.Run("handler", func(t *testing.T) {
		bus := EventBus.New()
		m := manager.New("game")
		rec := newRecorder("rec", "score")
		rec.err = boom
		if err := m.Add(rec); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 1)
		sub, err := eventbus.Subscribe(context.Background(), bus, "score", m, eventbus.WithErrorHandler(func(err error) { errs <- err }))
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		bus.Publish("score", 1)
		bus.WaitAsync()
		var he *manager.HandlerError
		if err := recv(t, errs, "error"); !errors.Is(err, boom) || !errors.As(err, &he) || he.Component != "rec" {
			t.Fatalf("error handler got %v", err)
		}
	})
	t.Run("logged", func(t *testing.T) {
		core, logs := observer.New(zapcore.ErrorLevel)
		bus := EventBus.New()
		target := raiser(func(context.Context, manager.Event) error { panic("target panicked") })
		sub, err := eventbus.Subscribe(context.Background(), bus, "t", target, eventbus.WithLogger(zap.New(core)))
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		bus.Publish("t", 1)
		bus.WaitAsync()
		entries := logs.All()
		if len(entries) != 1 {
			t.Fatalf("logged %d entries", len(entries))
		}
		if err := fmt.Sprint(entries[0].ContextMap()["error"]); !strings.Contains(err, "target panicked") {
			t.Fatalf("log entry error = %q", err)
		}
	})
}

type raiser func(ctx context.Context, ev manager.Event) error

func (r raiser) Raise(ctx context.Context, ev manager.Event) error { return r(ctx, ev) }

// valueBus is a bus implementation whose dynamic type is not comparable.
type valueBus struct {
	EventBus.BusSubscriber
	_ []int
}

func TestSubscribeInvalid(t *testing.T) {
	bus := EventBus.New()
	m := manager.New("game")
	var nilBus *EventBus.EventBus
	var nilManager *manager.Manager
	tests := []struct {
		name   string
		bus    EventBus.BusSubscriber
		topic  string
		target eventbus.Raiser
	}{
		{"nil bus", nil, "t", m},
		{"nil bus pointer", nilBus, "t", m},
		{"empty topic", bus, "", m},
		{"nil target", bus, "t", nil},
		{"nil manager", bus, "t", nilManager},
		{"bus not comparable", valueBus{BusSubscriber: bus}, "t", m},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := eventbus.Subscribe(context.Background(), tt.bus, tt.topic, tt.target); !errors.Is(err, eventbus.ErrInvalid) {
				t.Fatalf("Subscribe = %v, want ErrInvalid", err)
			}
		})
	}
	if bus.HasCallback("t") {
		t.Fatal("a failed Subscribe left a bus subscription")
	}
}

func TestTwoSubscriptionsOneTopic(t *testing.T) {
	// EventBus unsubscribes by code pointer; closing one subscription must
	// not remove the other's delivery, nor the user's own subscriber.
	bus := EventBus.New()
	own := make(chan int, 4)
	userFn := func(n int) { own <- n }
	if err := bus.Subscribe("t", userFn); err != nil {
		t.Fatal(err)
	}
	m1, m2 := manager.New("m1"), manager.New("m2")
	r1, r2 := newRecorder("r", "t"), newRecorder("r", "t")
	if err := m1.Add(r1); err != nil {
		t.Fatal(err)
	}
	if err := m2.Add(r2); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s1, err := eventbus.Subscribe(ctx, bus, "t", m1)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := eventbus.Subscribe(ctx, bus, "t", m2)
	if err != nil {
		t.Fatal(err)
	}
	bus.Publish("t", 1)
	bus.WaitAsync()
	recv(t, r1.got, "m1")
	recv(t, r2.got, "m2")
	recv(t, own, "user subscriber")

	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	bus.Publish("t", 2)
	bus.WaitAsync()
	none(t, r1.got, "delivery after Close")
	if ev := recv(t, r2.got, "m2 after closing s1"); ev.Data != 2 {
		t.Fatalf("m2 got %v", ev)
	}
	recv(t, own, "user subscriber")

	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s2.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	bus.Publish("t", 3)
	bus.WaitAsync()
	none(t, r2.got, "delivery after Close")
	if got := recv(t, own, "user subscriber"); got != 3 {
		t.Fatalf("user subscriber got %d", got)
	}
	if err := bus.Unsubscribe("t", userFn); err != nil {
		t.Fatal(err)
	}
	if bus.HasCallback("t") {
		t.Fatal("the bridge left a subscription on the bus")
	}
}

func TestCloseCancelsAndWaits(t *testing.T) {
	bus := EventBus.New()
	m := manager.New("game")
	started, ended := make(chan struct{}), make(chan error, 1)
	loop := &recorder{Base: manager.NewBase("loop")}
	if err := m.Add(loop); err != nil {
		t.Fatal(err)
	}
	if _, err := loop.RegisterHandler("run", func(ctx context.Context, _ manager.Event) error {
		close(started)
		<-ctx.Done()
		ended <- ctx.Err()
		return ctx.Err()
	}); err != nil {
		t.Fatal(err)
	}
	sub, err := eventbus.Subscribe(context.Background(), bus, "run", m, eventbus.WithErrorHandler(func(error) {}))
	if err != nil {
		t.Fatal(err)
	}
	bus.Publish("run")
	recv(t, started, "handler start")
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	// Close returned only after the handler did.
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("handler ctx = %v", err)
		}
	default:
		t.Fatal("Close returned before the raise in flight ended")
	}
	bus.WaitAsync()
}

func TestSubscribeContextDone(t *testing.T) {
	bus := EventBus.New()
	m := manager.New("game")
	rec := newRecorder("rec", "t")
	if err := m.Add(rec); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sub, err := eventbus.Subscribe(ctx, bus, "t", m)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	cancel()
	bus.Publish("t", 1)
	bus.WaitAsync()
	none(t, rec.got, "delivery after ctx is done")
}

func TestRoundTrip(t *testing.T) {
	// Manager A → bus → Manager B (supervised).
	bus := EventBus.New()
	a := manager.New("a")
	if err := a.Add(eventbus.NewForwarder("fwd", bus, "bridge", "score")); err != nil {
		t.Fatal(err)
	}
	scope := manager.NewScope(context.Background())
	b := manager.New("b", manager.WithScope(scope))
	rec := newRecorder("rec", "score")
	if err := b.Add(rec); err != nil {
		t.Fatal(err)
	}
	sub, err := eventbus.Subscribe(context.Background(), bus, "bridge", b)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Raise(context.Background(), manager.NewEvent("score", 9)); err != nil {
		t.Fatal(err)
	}
	if ev := recv(t, rec.got, "round trip"); ev.Name != "score" || ev.Data != 9 {
		t.Fatalf("b got %v", ev)
	}
	bus.WaitAsync()
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	if err := scope.Close(); err != nil {
		t.Fatal(err)
	}
}
