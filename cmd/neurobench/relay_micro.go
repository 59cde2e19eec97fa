package main

import (
	"context"
	"errors"
	"testing"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/relay"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// r2: allocations per round trip, with testing.Benchmark, over in-memory
// pipes (transport.Pipe) so that no socket code is counted. The harness
// itself allocates (a pipe copies each frame it carries), so the same
// loop runs once with the game answering the "server" directly and once
// through a relay; the relay's share is the difference.

// pipeGame answers every frame it reads on conn with result, until the
// pipe closes; it returns the channel closed when it stopped.
func pipeGame(conn transport.Conn, result []byte) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx := context.Background()
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

// pipeTrips runs the timed loop: one action out, one answer back.
func pipeTrips(b *testing.B, fail func(error), srv transport.Conn, action, result []byte) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := srv.Write(ctx, action); err != nil {
			fail(err)
		}
		got, err := srv.Read(ctx)
		if err != nil {
			fail(err)
		}
		if string(got) != string(result) {
			fail(errMismatch)
		}
	}
}

// benchPipeDirect is r2's baseline: the game answers the server's pipe.
func benchPipeDirect(b *testing.B, fail func(error)) {
	srv, game := transport.Pipe()
	action, result, err := tripFrames(actionID('m', 0), playAction.Name, relayGameName)
	if err != nil {
		fail(err)
	}
	done := pipeGame(game, result)
	defer func() {
		_ = srv.CloseNow()
		<-done
	}()
	pipeTrips(b, fail, srv, action, result)
}

// benchPipeRelayed is r2 through a relay: server pipe ⇄ relay ⇄ game pipe.
func benchPipeRelayed(b *testing.B, fail func(error)) {
	upNear, upFar := transport.Pipe()
	dialled := false
	r, err := relay.New("ws://bench.invalid", relay.WithDialer(func(context.Context, string) (transport.Conn, error) {
		if dialled {
			return nil, errors.New("dialled twice")
		}
		dialled = true
		return upNear, nil
	}))
	if err != nil {
		fail(err)
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
	upName := relay.DerivePrefix(relayGameName) + relay.Separator + playAction.Name
	id := actionID('m', 0)
	action, upResult, err := tripFrames(id, upName, relay.DefaultName)
	if err != nil {
		fail(err)
	}
	_, gameResult, err := tripFrames(id, playAction.Name, relayGameName)
	if err != nil {
		fail(err)
	}
	var done <-chan struct{}
	defer func() {
		_ = r.Close()
		<-served
		<-conned
		_ = upFar.CloseNow()
		_ = gFar.CloseNow()
		if done != nil {
			<-done
		}
	}()
	ctx := context.Background()
	for _, m := range []wire.Message{wire.Startup{}, wire.RegisterActions{Actions: []neuro.Action{playAction}}} {
		frame, err := wire.EncodeGame(relayGameName, m)
		if err != nil {
			fail(err)
		}
		if err := gFar.Write(ctx, frame); err != nil {
			fail(err)
		}
	}
	if err := awaitRegistered(ctx, upFar, upName); err != nil {
		fail(err)
	}
	done = pipeGame(gFar, gameResult)
	pipeTrips(b, fail, upFar, action, upResult)
}
