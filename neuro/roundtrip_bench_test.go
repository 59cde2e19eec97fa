package neuro_test

import (
	"context"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/internal/memconn"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// BenchmarkGameActionRoundTrip counts what the game side costs per action
// round trip, without a schema: frame read → decode → dispatch through the
// Manager to a HandleAction handler → result encoded → frame written. The
// connection is memconn.Conn, driven by the benchmark: it hands the game a
// pre-encoded action frame and is told, from inside Write, that the result
// went out. Its only allocation is the copy Read returns (as
// transport/gorilla's reader makes one per frame); everything else counted
// by ReportAllocs is the SDK's. cmd/neurobench runs the same round trip
// (allocs_per_roundtrip).
func BenchmarkGameActionRoundTrip(b *testing.B) {
	play := neuro.Action{Name: "play", Description: "Play a move."}
	benchRoundTrips(b, func(ctx context.Context, c *neuro.Component) error {
		return c.HandleAction(ctx, play, func(context.Context, events.Action) neuro.Result {
			return neuro.Success("")
		})
	}, wire.ActionRequest{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Name: "play"})
}

// benchRoundTrips times action round trips of req on a Component in a
// Manager, connected over a memconn.Conn, after register set up its
// actions.
func benchRoundTrips(b *testing.B, register func(ctx context.Context, c *neuro.Component) error, req wire.ActionRequest) {
	conn := memconn.New()
	c, err := neuro.NewComponent("Bench Game", neuro.WithDialer(func(context.Context, string) (transport.Conn, error) {
		return conn, nil
	}))
	if err != nil {
		b.Fatal(err)
	}
	m := manager.New("game")
	if err := m.Add(c); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := register(ctx, c); err != nil {
		b.Fatal(err)
	}
	if err := c.Connect(ctx, "ws://memconn"); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := c.Stop(ctx, 0, ""); err != nil {
			b.Error(err)
		}
	}()
	frame, err := wire.EncodeServer(req)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := conn.RoundTrip(ctx, frame); err != nil {
			b.Fatal(err)
		}
	}
}
