package relay

import (
	"context"
	"testing"

	"github.com/neurokit/neurokit/transport"
)

// BenchmarkRoundTrip is one action from upstream to a game and its
// result back, through the relay, over in-memory pipes. The pipes copy
// each frame they carry (two of the allocations); the rest is the
// relay's: decode, route, encode, twice.
func BenchmarkRoundTrip(b *testing.B) {
	upNear, upFar := transport.Pipe()
	r, err := New("ws://bench.invalid", WithDialer(func(context.Context, string) (transport.Conn, error) { return upNear, nil }))
	if err != nil {
		b.Fatal(err)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = r.Serve(context.Background())
	}()
	gNear, gFar := transport.Pipe()
	conned := make(chan struct{})
	go func() {
		defer close(conned)
		_ = r.ServeConn(context.Background(), gNear)
	}()
	ctx := context.Background()
	enc := func(m message) []byte {
		f, err := encodeGame("Bench", m)
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	for _, m := range []message{startupMsg{}, registerMsg{Actions: []wireAction{{Name: "play"}}}} {
		if err := gFar.Write(ctx, enc(m)); err != nil {
			b.Fatal(err)
		}
	}
	for { // startup, then the registration
		f, err := upFar.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, m, _ := decodeGame(f); m != nil && m.Command() == "actions/register" {
			break
		}
	}
	action, err := encodeServer(actionMsg{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Name: "bench__play"})
	if err != nil {
		b.Fatal(err)
	}
	result := enc(resultMsg{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Success: true})
	gameDone := make(chan struct{})
	go func() {
		defer close(gameDone)
		for {
			if _, err := gFar.Read(ctx); err != nil {
				return
			}
			if err := gFar.Write(ctx, result); err != nil {
				return
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := upFar.Write(ctx, action); err != nil {
			b.Fatal(err)
		}
		if _, err := upFar.Read(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	_ = r.Close()
	<-served
	<-conned
	_ = upFar.CloseNow()
	_ = gFar.CloseNow()
	<-gameDone
}
