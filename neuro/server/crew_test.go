package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// TestCrewStopJoinsAndRefuses: stop waits for what the crew started, and
// nothing starts after it.
func TestCrewStopJoinsAndRefuses(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := crew{ctx: ctx}
	returned := false // written by the goroutine, read after stop
	if !c.start(func(ctx context.Context) {
		<-ctx.Done()
		returned = true
	}) {
		t.Fatal("start refused before stop")
	}
	cancel()
	c.stop()
	if !returned {
		t.Fatal("stop returned before the crew's goroutine")
	}
	if c.start(func(context.Context) { t.Error("ran after stop") }) {
		t.Fatal("start accepted after stop")
	}
}

// crewFuncs are the goroutines a game starts on demand.
var crewFuncs = []string{
	"github.com/neurokit/neurokit/neuro/server.(*game).writeLoop",
	"github.com/neurokit/neurokit/neuro/server.(*game).forceLoop",
	"github.com/neurokit/neurokit/neuro/server.(*game).brainLoop",
}

// quiet waits (goleak retries with a bounded backoff) until no goroutine
// but those in ignore and the connections' readers runs.
func quiet(t *testing.T, ignore goleak.Option) {
	t.Helper()
	if err := goleak.Find(ignore, goleak.IgnoreAnyFunction("github.com/neurokit/neurokit/neuro/server.(*Server).serveConn")); err != nil {
		t.Fatalf("an idle game still runs goroutines of its own: %v", err)
	}
}

// TestIdleGameHoldsNoGoroutine: once a game's frames are written and its
// force is done, nothing of it runs but its reader; the next frame and
// the next force start what they need again.
func TestIdleGameHoldsNoGoroutine(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction)
	quiet(t, ignore)
	for round := range 2 {
		w := s.Watch()
		g.send(wire.ForceActions{Query: fmt.Sprintf("round %d", round), ActionNames: []string{"wave"}})
		g.result(g.expectAction().ID, true, "")
		if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceSucceeded {
			t.Fatalf("force done %+v", e.Force)
		}
		quiet(t, ignore)
	}
	if err := s.Send(testCtx(t), "Game", wire.ReregisterAll{}); err != nil {
		t.Fatal(err)
	}
	g.expect(wire.CmdReregisterAll)
	quiet(t, ignore)
}

// TestSendOrderAcrossWriters: frames queued by waiting and non-waiting
// senders arrive in the order they were queued, however often the writer
// ran out of frames and was started again.
func TestSendOrderAcrossWriters(t *testing.T) {
	s := newTestServer(t, WithReregisterOnConnect(false))
	g := connect(t, s, "Game")
	g.send(wire.Startup{})
	g.expect(wire.CmdStartup)
	const frames = 300
	errc := make(chan error, 1)
	go func() {
		for i := range frames {
			frame := fmt.Appendf(nil, `{"command":"test/%d"}`, i)
			var err error
			if i%3 == 0 {
				err = s.SendRaw(context.Background(), "Game", frame)
			} else {
				_, err = s.Broadcast(context.Background(), frame)
			}
			if err != nil {
				errc <- fmt.Errorf("frame %d: %w", i, err)
				return
			}
		}
		errc <- nil
	}()
	for i := range frames {
		frame, err := g.conn.Read(testCtx(t))
		if want := fmt.Sprintf(`{"command":"test/%d"}`, i); err != nil || string(frame) != want {
			t.Fatalf("frame %d: got %s (%v), want %s", i, frame, err, want)
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// enteredConn is a stuckConn that says when a write started.
type enteredConn struct {
	stuckConn
	entered chan struct{}
}

func (c enteredConn) Write(ctx context.Context, frame []byte) error {
	select {
	case c.entered <- struct{}{}:
	default:
	}
	return c.stuckConn.Write(ctx, frame)
}

// TestQueuedSendersWhenTheGameLeaves: behind a write that never ends, a
// sender waiting for room honours its context, and when the game leaves
// every sender still waiting is told the game is not connected.
func TestQueuedSendersWhenTheGameLeaves(t *testing.T) {
	s := newTestServer(t, WithReregisterOnConnect(false))
	entered := make(chan struct{}, 1)
	g := connectConn(t, s, "Stuck", func(c transport.Conn) transport.Conn {
		return enteredConn{stuckConn{c}, entered}
	})
	g.send(wire.Startup{})
	g.sync(s)
	<-entered // the startup acknowledgement is being written, for ever

	// Senders without a deadline: their frames wait in the queue (or for
	// room in it) until the game leaves.
	const senders = 3
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	for range senders {
		wg.Go(func() { errs <- s.Send(context.Background(), "Stuck", wire.ReregisterAll{}) })
	}

	// Fill the queue, then wait for room with a deadline.
	for i := 0; ; i++ {
		_, err := s.Broadcast(context.Background(), fmt.Appendf(nil, `{"command":"test/%d"}`, i))
		if errors.Is(err, ErrSendQueueFull) {
			break
		}
		if err != nil || i > maxOutboxFrames {
			t.Fatalf("broadcast %d: %v", i, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	err := s.Send(ctx, "Stuck", wire.ReregisterAll{})
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send to a full queue: %v, want the context's deadline", err)
	}

	w := s.Watch()
	if err := g.conn.Close(transport.CloseNormal, "bye"); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, w, func(e Event) bool { return e.Kind == EventDisconnected })
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, ErrGameNotConnected) {
			t.Fatalf("a sender waiting when the game left got %v, want ErrGameNotConnected", err)
		}
	}
}
