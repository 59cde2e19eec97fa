package neuro

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// The readers of Client.Serve (readers.go): the goroutine that reads an
// action handles it, another goroutine reads meanwhile.

// servedClient attaches a Client with receiver r to a fake server over a
// pipe and serves it; stop closes the game end and returns Serve's error.
func servedClient(t *testing.T, r Receiver, opts ...ClientOption) (cl *Client, srv *fakeServer, served <-chan error) {
	t.Helper()
	cl, err := NewClient(testGame, r, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	if err := cl.RegisterActions(ctx, actPlay, actPass); err != nil {
		t.Fatal(err)
	}
	game, server := transport.Pipe()
	srv = newFakeServer(t, server)
	if err := cl.Attach(ctx, game); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cl.Serve(ctx) }()
	t.Cleanup(func() { _ = game.CloseNow() })
	expect[wire.Startup](srv)
	return cl, srv, done
}

func TestClientSlowReceiverDoesNotStopReading(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	messages := make(chan wire.Message, 4)
	var returned sync.WaitGroup
	returned.Add(1)
	cl, srv, served := servedClient(t, ReceiverFuncs{
		Action: func(ctx context.Context, act events.Action) {
			if act.Name != "play" {
				_ = act.Reply(ctx, true, "quick")
				return
			}
			defer returned.Done()
			close(entered)
			<-release // a slow handler, still holding its action
			_ = act.Reply(ctx, true, "slow")
		},
		Message: func(_ context.Context, m wire.Message) { messages <- m },
	})
	expect[wire.RegisterActions](srv)

	srv.action("slow-1", "play", `{"cell":5}`)
	<-entered
	// While the slow action holds its goroutine, frames are still read:
	// another action is answered, a message reaches the receiver.
	srv.action("quick-1", "pass", "")
	if r := srv.result("quick-1"); !r.Success || r.Message != "quick" {
		t.Fatalf("quick result %+v", r)
	}
	srv.send(wire.ShutdownGraceful{WantsShutdown: true})
	if m := <-messages; m.Command() != wire.CmdShutdownGraceful {
		t.Fatalf("receiver got %v", m)
	}
	if !cl.Connected() {
		t.Fatal("not connected while a handler runs")
	}

	// The connection ends while the handler runs: Serve joins it.
	_ = srv.conn.Close(transport.CloseNormal, "")
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v while a ReceiveAction call was running", err)
	default:
	}
	close(release)
	returned.Wait()
	if err := <-served; err == nil {
		t.Fatal("Serve returned nil after the connection ended")
	}
}

func TestClientLongActionHandsReadingOver(t *testing.T) {
	// Once a follower is parked, the leader keeps reading itself after a
	// quick action and leaves its place to the follower only when an
	// action runs long (rescueAfter). Repeated, so that both happen.
	core, logs := observer.New(zap.DebugLevel)
	release := make(chan struct{})
	entered := make(chan struct{})
	_, srv, _ := servedClient(t, ReceiverFuncs{
		Action: func(ctx context.Context, act events.Action) {
			if act.Name == "play" {
				entered <- struct{}{}
				<-release
			}
			_ = act.Reply(ctx, true, act.Name)
		},
	}, WithLogger(zap.New(core)))
	expect[wire.RegisterActions](srv)
	for i := range 20 {
		srv.action(fmt.Sprintf("quick-%d", i), "pass", "")
		if r := srv.result(fmt.Sprintf("quick-%d", i)); !r.Success {
			t.Fatalf("quick %d: %+v", i, r)
		}
		srv.action(fmt.Sprintf("slow-%d", i), "play", `{"cell":5}`)
		<-entered
		srv.action(fmt.Sprintf("during-%d", i), "pass", "") // read while play runs
		if r := srv.result(fmt.Sprintf("during-%d", i)); !r.Success {
			t.Fatalf("during %d: %+v", i, r)
		}
		release <- struct{}{}
		if r := srv.result(fmt.Sprintf("slow-%d", i)); !r.Success {
			t.Fatalf("slow %d: %+v", i, r)
		}
	}
	if logs.FilterMessage("an action runs long; another goroutine reads meanwhile").Len() == 0 {
		t.Fatal("no parked follower ever took over reading from a long action")
	}
}

func TestClientReadersBounded(t *testing.T) {
	// Handlers that keep running after answering take their reader with
	// them; with WithMaxActions(2) two may do so, the third action finds
	// every reader taken and is answered busy by the one still reading.
	release := make(chan struct{})
	var running sync.WaitGroup
	cl, srv, _ := servedClient(t, ReceiverFuncs{
		Action: func(ctx context.Context, act events.Action) {
			_ = act.Reply(ctx, true, "done")
			if act.Name == "play" {
				running.Done()
				<-release
			}
		},
	}, WithMaxActions(2))
	_ = cl
	expect[wire.RegisterActions](srv)
	running.Add(2)
	srv.action("a1", "play", `{"cell":1}`)
	srv.action("a2", "play", `{"cell":2}`)
	for range 2 { // in either order: they run concurrently
		if r := expect[ActionResult](srv); !r.Success || (r.ID != "a1" && r.ID != "a2") {
			t.Fatalf("result %+v", r)
		}
	}
	running.Wait()
	srv.action("a3", "pass", "")
	if r := srv.result("a3"); r.Success || !strings.Contains(r.Message, "busy") {
		t.Fatalf("a3 with every reader taken: %+v", r)
	}
	close(release)
	// The readers came back: actions run again. The first may still race
	// the handlers' return, so retry on busy (bounded by the test's ctx).
	for i := 0; ; i++ {
		id := "again-" + string(rune('a'+i%26))
		srv.action(id, "pass", "")
		r := srv.result(id)
		if r.Success {
			break
		}
		if !strings.Contains(r.Message, "busy") {
			t.Fatalf("after release: %+v", r)
		}
		if i > 1000 {
			t.Fatal("readers never came back")
		}
	}
}

func TestComponentDeadPeerDetectedWhileHandlersBusy(t *testing.T) {
	// The peer stops reading after it sent two actions: it answers no ping.
	// Both handlers hold their goroutines (WithMaxActions(2)); the one
	// reader left must still notice the missing pongs.
	sent := make(chan struct{})
	quit := make(chan struct{})
	peerDone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("upgrade: %v", err)
			return
		}
		defer close(peerDone)
		defer ws.Close()
		for range 2 { // startup, register
			if _, _, err := ws.ReadMessage(); err != nil {
				t.Errorf("peer read: %v", err)
				return
			}
		}
		for _, id := range []string{"h1", "h2"} {
			frame := `{"command":"action","data":{"id":"` + id + `","name":"hold"}}`
			if err := ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
				t.Errorf("peer write: %v", err)
				return
			}
		}
		close(sent)
		<-quit // dead: reads nothing, answers no ping
	}))
	defer srv.Close()

	dial := gorilla.Dialer(gorilla.WithPingInterval(20*time.Millisecond), gorilla.WithPongTimeout(100*time.Millisecond))
	f := newFixture(t, WithDialer(dial), WithMaxActions(2))
	ctx := ctxT(t)
	release := make(chan struct{})
	var holding sync.WaitGroup
	holding.Add(2)
	if err := f.c.HandleAction(ctx, Action{Name: "hold", Description: "Hold."}, func(context.Context, events.Action) Result {
		holding.Done()
		<-release
		return Success("held")
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.c.Connect(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")); err != nil {
		t.Fatal(err)
	}
	<-sent
	holding.Wait() // every action slot is taken by a running handler
	d, _ := manager.Payload[events.DisconnectedData](f.rec.wait(t, events.Disconnected))
	if d.Code != transport.CloseAbnormal || !errors.Is(d.Err, os.ErrDeadlineExceeded) {
		t.Fatalf("Disconnected %+v, want 1006 from a missing pong", d)
	}
	close(release)
	if err := f.c.Stop(ctx, 0, ""); err != nil {
		t.Fatal(err)
	}
	close(quit)
	<-peerDone
}

func TestComponentStopDuringHandlerJoinsEverything(t *testing.T) {
	f := newFixture(t)
	ctx := ctxT(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	var handlerReturned bool
	if err := f.c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result {
		close(entered)
		<-release
		handlerReturned = true // read by the test after Stop: Stop must order it
		return Success("late")
	}); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	srv.action("p", "pass", "")
	<-entered

	stopped := make(chan error, 1)
	go func() { stopped <- f.c.Stop(ctx, 0, "") }()
	f.rec.wait(t, events.Disconnected) // the connection is gone...
	<-srv.done
	select { // ...but the handler is still running: Stop waits for it
	case err := <-stopped:
		t.Fatalf("Stop returned %v while a handler was running", err)
	default:
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if !handlerReturned {
		t.Fatal("Stop returned before the handler did")
	}
	// goleak (TestMain) checks that no reader, worker or timer is left.
}
