// Command neurobench measures neurokit against the floor (raw
// gorilla/websocket over loopback) and the baselines (EventBus), in one
// process and one run, and prints the figures side by side with the
// targets of issue 6, met or not. docs/benchmarks.md explains every
// figure and quotes a run.
//
// Usage:
//
//	neurobench [-json] [-quick] [-n 20000] [-warmup 1000] [-rounds 10]
//	           [-pipelined 40000] [-depth 64] [-games 1,100,1000]
//	           [-game-trips 100] [-idle 10s]
//	           [-cpuprofile file] [-heapprofile file]
//
// The phases:
//
//	a   floor: raw gorilla on both ends, an action-sized frame out and a
//	    result-sized frame back, one at a time (and 64 in flight);
//	a2  the same frames through transport/gorilla on both ends;
//	b   SDK round trip: a neuro.Component in a manager.Manager answers
//	    actions sent by a lean measurement server (gorilla.Accept +
//	    wire.EncodeServer/DecodeGame), one at a time;
//	b′  the same round trip sent by the simulator (server.Act);
//	c   b with an action whose data is checked against a schema;
//	d   b with 64 actions in flight (throughput);
//	e   manager.Raise against EventBus, and the game-side allocations of
//	    one round trip over an in-memory Conn (testing.Benchmark);
//	f   1, 100 and 1000 Components on one simulator, 100 round trips each;
//	g   one connected Component left idle;
//	r   the relay (neuro/relay): a round trip through it against the same
//	    trip direct, its allocations per round trip over in-memory pipes,
//	    and 100 games through one relay to the simulator (relay*.go);
//	v   the voice path (neuro/voice): a voice.Component sends 20 ms frames
//	    of 32 speakers over loopback to the simulator, which checks and
//	    counts them: frames/s, and allocations per frame (voice.go).
//
// a, a2, b, b′ and c run interleaved, in blocks that alternate (as do
// the pipelined a and d), so that bursts of load on a shared machine hit
// them alike and their ratios stay meaningful.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "neurobench:", err)
		os.Exit(1)
	}
}
