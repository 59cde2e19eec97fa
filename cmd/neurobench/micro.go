package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	EventBus "github.com/asaskevich/EventBus"

	"github.com/neurokit/neurokit/internal/memconn"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// micro is one testing.Benchmark result.
type micro struct {
	N           int     `json:"n"`
	NsPerOp     float64 `json:"ns_per_op"`
	AllocsPerOp int64   `json:"allocs_per_op"`
	BytesPerOp  int64   `json:"bytes_per_op"`
}

// benchmark runs f under testing.Benchmark (about a second). f reports a
// failure through fail, which stops the benchmark; its error is returned.
func benchmark(f func(b *testing.B, fail func(error))) (micro, error) {
	var (
		mu       sync.Mutex
		firstErr error
	)
	r := testing.Benchmark(func(b *testing.B) {
		f(b, func(err error) {
			mu.Lock()
			if firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
			b.FailNow()
		})
	})
	mu.Lock()
	defer mu.Unlock()
	if firstErr != nil {
		return micro{}, firstErr
	}
	if r.N == 0 {
		return micro{}, errors.New("benchmark did not run")
	}
	return micro{N: r.N, NsPerOp: float64(r.T.Nanoseconds()) / float64(r.N), AllocsPerOp: r.AllocsPerOp(), BytesPerOp: r.AllocedBytesPerOp()}, nil
}

// The same work for both dispatchers, as in manager/bench_test.go: one
// handler adds to a counter.
var work atomic.Int64

// worker is a component with one handler, for "work".
type worker struct{ manager.Base }

func (w *worker) BindHandlers() error {
	_, err := w.RegisterHandler("work", func(context.Context, manager.Event) error {
		work.Add(1)
		return nil
	})
	return err
}

// benchRaise is e's first half: manager.Raise, waiting form (no scope),
// one handler: Raise returns once the handler did.
func benchRaise(b *testing.B, fail func(error)) {
	m := manager.New("root")
	if err := m.Add(&worker{Base: manager.NewBase("worker")}); err != nil {
		fail(err)
	}
	ctx := context.Background()
	ev := manager.NewEvent("work", 1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := m.Raise(ctx, ev); err != nil {
			fail(err)
		}
	}
}

// benchEventBus is the baseline: EventBus with one async subscriber,
// Publish then WaitAsync, so that each operation also waits for the
// handler.
func benchEventBus(b *testing.B, fail func(error)) {
	bus := EventBus.New()
	if err := bus.SubscribeAsync("work", func(manager.Event) { work.Add(1) }, false); err != nil {
		fail(err)
	}
	ev := manager.NewEvent("work", 1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		bus.Publish("work", ev)
		bus.WaitAsync()
	}
}

// benchRoundTripAllocs is the game-side round trip of
// neuro/roundtrip_bench_test.go (BenchmarkGameActionRoundTrip), the same
// code: frame read → decode → dispatch through the Manager → result
// encoded → frame written, over memconn.Conn, no schema.
func benchRoundTripAllocs(b *testing.B, fail func(error)) {
	benchGameTrip(b, fail, wire.ActionRequest{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Name: playAction.Name},
		func(ctx context.Context, c *neuro.Component) error { return c.HandleAction(ctx, playAction, succeed) })
}

// benchValidatedRoundTripAllocs is benchRoundTripAllocs with c's action
// and data: the data is checked against placeAction's schema, and the
// handler ignores it.
func benchValidatedRoundTripAllocs(b *testing.B, fail func(error)) {
	benchGameTrip(b, fail, wire.ActionRequest{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a02", Name: placeAction.Name, Data: placeData, HasData: true},
		func(ctx context.Context, c *neuro.Component) error { return c.HandleAction(ctx, placeAction, succeed) })
}

// benchTypedRoundTripAllocs is benchRoundTripAllocs with c2's typed
// action and c's data: checked against the schema of placeMove, decoded
// into one, and compared by the typed handler.
func benchTypedRoundTripAllocs(b *testing.B, fail func(error)) {
	benchGameTrip(b, fail, wire.ActionRequest{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a03", Name: typedActionName, Data: placeData, HasData: true},
		handleTypedPlace)
}

// benchGameTrip measures the game's side of one action round trip over
// memconn.Conn: a Component, in a manager of its own, on which register
// registers the action, answers req. memconn.Conn.RoundTrip fails when
// the game answers a failed result.
func benchGameTrip(b *testing.B, fail func(error), req wire.ActionRequest, register func(context.Context, *neuro.Component) error) {
	conn := memconn.New()
	c, err := neuro.NewComponent("Bench Game", neuro.WithDialer(func(context.Context, string) (transport.Conn, error) {
		return conn, nil
	}))
	if err != nil {
		fail(err)
	}
	if err := manager.New("game").Add(c); err != nil {
		fail(err)
	}
	ctx := context.Background()
	defer func() { _ = stopGame(c) }()
	if err := register(ctx, c); err != nil {
		fail(err)
	}
	if err := c.Connect(ctx, "ws://memconn"); err != nil {
		fail(err)
	}
	frame, err := wire.EncodeServer(req)
	if err != nil {
		fail(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := conn.RoundTrip(ctx, frame); err != nil {
			fail(err)
		}
	}
}
