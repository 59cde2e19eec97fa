package neuro_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
)

// benchMove is the data of the benchmarks' "play" action.
type benchMove struct {
	Cell int    `json:"cell" jsonschema:"minimum=1,maximum=9"`
	Mark string `json:"mark" jsonschema:"enum=x,enum=o"`
}

// BenchmarkTypedActionRoundTrip compares, on BenchmarkGameActionRoundTrip's
// in-memory connection, one action round trip with a schema: validated
// only (untyped, the handler ignores the data), validated then decoded by
// hand in the handler (untyped+unmarshal), and through HandleTyped (typed:
// validate, decode once, handler), with a OneOf rule on top (typed+rule).
func BenchmarkTypedActionRoundTrip(b *testing.B) {
	free := []int{1, 2, 3, 4, 5, 6, 7, 8, 9}
	register := map[string]func(ctx context.Context, c *neuro.Component) error{
		"untyped": func(ctx context.Context, c *neuro.Component) error {
			a, err := neuro.ActionOf[benchMove]("play", "Play a move.")
			if err != nil {
				return err
			}
			return c.HandleAction(ctx, a, func(context.Context, events.Action) neuro.Result { return neuro.Success("") })
		},
		"untyped+unmarshal": func(ctx context.Context, c *neuro.Component) error {
			a, err := neuro.ActionOf[benchMove]("play", "Play a move.")
			if err != nil {
				return err
			}
			return c.HandleAction(ctx, a, func(_ context.Context, act events.Action) neuro.Result {
				var m benchMove
				if err := json.Unmarshal([]byte(act.Data), &m); err != nil || m.Cell != 5 {
					return neuro.Failure("bad move")
				}
				return neuro.Success("")
			})
		},
		"typed": func(ctx context.Context, c *neuro.Component) error {
			return neuro.HandleTyped(ctx, c, "play", "Play a move.", func(_ context.Context, m benchMove) neuro.Result {
				if m.Cell != 5 {
					return neuro.Failure("bad move")
				}
				return neuro.Success("")
			})
		},
		"typed+rule": func(ctx context.Context, c *neuro.Component) error {
			return neuro.HandleTyped(ctx, c, "play", "Play a move.", func(_ context.Context, m benchMove) neuro.Result {
				return neuro.Success("")
			}, neuro.OneOf("cell", func() []int { return free }))
		},
	}
	for _, name := range []string{"untyped", "untyped+unmarshal", "typed", "typed+rule"} {
		b.Run(name, func(b *testing.B) {
			benchRoundTrips(b, register[name], wire.ActionRequest{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Name: "play",
				Data: `{"cell": 5, "mark": "x"}`, HasData: true})
		})
	}
}
