package neuro

import (
	"context"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// BenchmarkComponentActionRoundTrip measures one action round trip on the
// game side over an in-memory pipe: frame read, decode, validation,
// dispatch through the Manager to a HandleAction handler, result encoded
// and written. The fake server only writes a pre-encoded frame and reads
// the answer (the pipe copies each frame once).
func BenchmarkComponentActionRoundTrip(b *testing.B) {
	for _, bc := range []struct {
		name string
		act  Action
		data string
	}{
		{"no-schema", actPass, ""},
		{"schema", actPlay, `{"cell": 5}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			server := make(chan transport.Conn, 1)
			c, err := NewComponent(testGame, WithDialer(func(context.Context, string) (transport.Conn, error) {
				g, s := transport.Pipe()
				server <- s
				return g, nil
			}))
			if err != nil {
				b.Fatal(err)
			}
			m := manager.New("game")
			if err := m.Add(c); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if err := c.HandleAction(ctx, bc.act, func(context.Context, events.Action) Result { return Success("") }); err != nil {
				b.Fatal(err)
			}
			if err := c.Connect(ctx, "ws://bench"); err != nil {
				b.Fatal(err)
			}
			srv := <-server
			defer func() {
				_ = c.Stop(ctx, 0, "")
				_ = srv.CloseNow()
			}()
			for range 2 { // startup, register
				if _, err := srv.Read(ctx); err != nil {
					b.Fatal(err)
				}
			}
			frame, err := wire.EncodeServer(wire.ActionRequest{ID: "bench-id", Name: bc.act.Name, Data: bc.data, HasData: bc.data != ""})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := srv.Write(ctx, frame); err != nil {
					b.Fatal(err)
				}
				if _, err := srv.Read(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
