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
	gameDone := answerEvery(ctx, gFar, result)
	roundTrips(b, ctx, upFar, action, nil)
	_ = r.Close()
	<-served
	<-conned
	_ = upFar.CloseNow()
	_ = gFar.CloseNow()
	<-gameDone
}

// discardConn is a transport.Conn whose writes go nowhere.
type discardConn struct{ transport.Conn }

func (discardConn) Write(context.Context, []byte) error { return nil }

// BenchmarkRelayWork is the relay's own work per round trip, without a
// transport or a goroutine hand-off: what upstream's reader does for an
// action frame (lock, decide, unlock, write through) and what the game's
// reader does for its result. BenchmarkRoundTrip adds the pipes and the
// scheduler to it.
func BenchmarkRelayWork(b *testing.B) {
	r, err := New("ws://bench.invalid")
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	up, g := newOutbox(discardConn{}, outboxFrames), newOutbox(discardConn{}, outboxFrames)
	upD, gD := r.newDirect(), r.newDirect()
	step := func(d *direct, f func()) {
		r.mu.Lock()
		r.st.direct = d
		f()
		r.st.direct = nil
		r.mu.Unlock()
		d.flush()
	}
	var gm *game
	step(upD, func() { r.st.upConnected(up) })
	step(gD, func() {
		gm, err = r.st.addGame(g, "")
		if err != nil {
			b.Fatal(err)
		}
	})
	enc := func(m message) []byte {
		f, err := encodeGame("Bench", m)
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	step(gD, func() { r.st.gameFrame(gm, enc(startupMsg{})) })
	step(gD, func() { r.st.gameFrame(gm, enc(registerMsg{Actions: []wireAction{{Name: "play"}}})) })
	action, err := encodeServer(actionMsg{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Name: "bench__play"})
	if err != nil {
		b.Fatal(err)
	}
	result := enc(resultMsg{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Success: true})
	before := r.Status().Counters
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step(upD, func() { r.st.upFrame(action) })
		step(gD, func() { r.st.gameFrame(gm, result) })
	}
	b.StopTimer()
	if c := r.Status().Counters; c.Results-before.Results != c.Actions-before.Actions || c.Results == before.Results {
		b.Fatalf("counters %+v: every action must have had its result", c)
	}
}

// BenchmarkRoundTripForwarder is BenchmarkRoundTrip's floor: the same
// four pipe hops with a middle that does no work (each side's reader
// writes the frame it read, unchanged, to the other side). The relay's
// own cost per round trip is BenchmarkRoundTrip minus this.
func BenchmarkRoundTripForwarder(b *testing.B) {
	ctx := context.Background()
	upNear, upFar := transport.Pipe()
	gNear, gFar := transport.Pipe()
	forward := func(from, to transport.Conn) <-chan struct{} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				f, err := from.Read(ctx)
				if err != nil {
					return
				}
				if err := to.Write(ctx, f); err != nil {
					return
				}
			}
		}()
		return done
	}
	down, up := forward(upNear, gNear), forward(gNear, upNear)
	action, err := encodeServer(actionMsg{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Name: "bench__play"})
	if err != nil {
		b.Fatal(err)
	}
	result, err := encodeGame("Bench", resultMsg{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Success: true})
	if err != nil {
		b.Fatal(err)
	}
	gameDone := answerEvery(ctx, gFar, result)
	roundTrips(b, ctx, upFar, action, nil)
	for _, c := range []transport.Conn{upNear, upFar, gNear, gFar} {
		_ = c.CloseNow()
	}
	<-down
	<-up
	<-gameDone
}

// answerEvery answers every frame read on conn with result, as a game
// that acts at once, until conn ends; the channel closes then.
func answerEvery(ctx context.Context, conn transport.Conn, result []byte) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, err := conn.Read(ctx); err != nil {
				return
			}
			if err := conn.Write(ctx, result); err != nil {
				return
			}
		}
	}()
	return done
}

// roundTrips times b's loop of writing action on conn and reading the
// answer, which check (when not nil) inspects; the timer is stopped after.
func roundTrips(b *testing.B, ctx context.Context, conn transport.Conn, action []byte, check func(got []byte)) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := conn.Write(ctx, action); err != nil {
			b.Fatal(err)
		}
		got, err := conn.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if check != nil {
			check(got)
		}
	}
	b.StopTimer()
}
