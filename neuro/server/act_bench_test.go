package server

import (
	"context"
	"testing"

	"github.com/neurokit/neurokit/neuro/wire"
)

// BenchmarkActRoundTrip is one Act over transport.Pipe: the action is
// tracked, written and answered, and its result recorded; the game
// answers on a goroutine of its own.
func BenchmarkActRoundTrip(b *testing.B) {
	s := New(WithReregisterOnConnect(false)) // no logger: it would be what is measured
	b.Cleanup(func() { _ = s.Close() })
	g := connect(b, s, "Game")
	g.send(wire.Startup{})
	g.expect(wire.CmdStartup)
	g.send(wire.RegisterActions{Actions: []wire.Action{waveAction}})
	g.sync(s)
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		for {
			frame, err := g.conn.Read(context.Background())
			if err != nil {
				return
			}
			m, err := wire.DecodeServer(frame)
			if err != nil {
				b.Error(err)
				return
			}
			res, err := wire.EncodeGame("Game", wire.ActionResult{ID: m.(wire.ActionRequest).ID, Success: true})
			if err != nil || g.conn.Write(context.Background(), res) != nil {
				return
			}
		}
	}()
	ctx := testCtx(b)
	b.ReportAllocs()
	for b.Loop() {
		if r, err := s.Act(ctx, "Game", "wave", ""); err != nil || !r.Success {
			b.Fatalf("Act: %+v, %v", r, err)
		}
	}
	b.StopTimer()
	_ = g.conn.CloseNow()
	<-answered
}
