package relay

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// BenchmarkRoundTripSockets is BenchmarkRoundTrip over loopback
// websockets (transport/gorilla), as neurobench's phase r1 runs it: a
// "Neuro" that accepts one connection, and a game that answers every
// action with a fixed result. direct: the game connects to Neuro;
// forwarded: to a middle that passes frames unchanged over two
// websockets of its own (twice the hops, no work: the floor of any
// relay); relayed: to a relay. relayed minus forwarded is what the
// relay costs beyond its hops. The kernel's share makes it noisy.
func BenchmarkRoundTripSockets(b *testing.B) {
	for _, mode := range []string{"direct", "forwarded", "relayed"} {
		b.Run(mode, func(b *testing.B) { benchSockets(b, mode) })
	}
}

// forwarder passes frames unchanged between the games it accepts on ln
// and one connection to upstream per game; it returns once stopped and
// every goroutine it started returned.
func forwarder(ctx context.Context, ln net.Listener, upstream string) (stop func()) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []transport.Conn
	keep := func(c transport.Conn) {
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
	}
	pass := func(from, to transport.Conn) {
		defer wg.Done()
		for {
			f, err := from.Read(ctx)
			if err != nil {
				_ = to.CloseNow()
				return
			}
			if err := to.Write(ctx, f); err != nil {
				_ = from.CloseNow()
				return
			}
		}
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		game, err := gorilla.Accept(w, r)
		if err != nil {
			return
		}
		keep(game)
		up, err := gorilla.Dial(ctx, upstream)
		if err != nil {
			_ = game.CloseNow()
			return
		}
		keep(up)
		wg.Add(2)
		go pass(up, game)
		go pass(game, up)
	})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	return func() {
		_ = srv.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			_ = c.CloseNow()
		}
		mu.Unlock()
		wg.Wait()
	}
}

// neuroListener accepts websocket connections on 127.0.0.1 and hands
// them over on conns.
func neuroListener(b *testing.B) (url string, conns <-chan transport.Conn, stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ch := make(chan transport.Conn, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := gorilla.Accept(w, r)
		if err == nil {
			ch <- c
		}
	})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	return "ws://" + ln.Addr().String(), ch, func() {
		_ = srv.Close()
		<-done
	}
}

func benchSockets(b *testing.B, mode string) {
	ctx := context.Background()
	neuroURL, accepted, stopNeuro := neuroListener(b)
	defer stopNeuro()
	gameURL, gameName, actionName := neuroURL, "Bench", "play"
	var r *Relay
	ran := make(chan error, 1)
	if mode != "direct" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		gameURL = "ws://" + ln.Addr().String()
		if mode == "forwarded" {
			defer forwarder(ctx, ln, neuroURL)()
		} else {
			if r, err = New(neuroURL); err != nil {
				b.Fatal(err)
			}
			go func() { ran <- r.Run(ctx, ln, nil) }()
			gameName, actionName = DefaultName, "bench__play"
		}
	}
	game, err := gorilla.Dial(ctx, gameURL)
	if err != nil {
		b.Fatal(err)
	}
	enc := func(m message) []byte {
		f, err := encodeGame("Bench", m)
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	for _, m := range []message{startupMsg{}, registerMsg{Actions: []wireAction{{Name: "play"}}}} {
		if err := game.Write(ctx, enc(m)); err != nil {
			b.Fatal(err)
		}
	}
	srv := <-accepted
	for { // the registration (the relay's startup before it)
		f, err := srv.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, m, _ := decodeGame(f); m != nil && m.Command() == "actions/register" {
			break
		}
	}
	const id = "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01"
	action, err := encodeServer(actionMsg{ID: id, Name: actionName})
	if err != nil {
		b.Fatal(err)
	}
	result := enc(resultMsg{ID: id, Success: true})
	want, err := encodeGame(gameName, resultMsg{ID: id, Success: true})
	if err != nil {
		b.Fatal(err)
	}
	gameDone := answerEvery(ctx, game, result)
	roundTrips(b, ctx, srv, action, func(got []byte) {
		if string(got) != string(want) {
			b.Fatalf("got %s, want %s", got, want)
		}
	})
	_ = game.CloseNow()
	<-gameDone
	if r != nil {
		_ = r.Close()
		if err := <-ran; err != nil {
			b.Error(err)
		}
	}
	_ = srv.CloseNow()
}
