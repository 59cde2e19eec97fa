package neuro

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// TestFloodOfActionsStaysBounded: a server floods 10,000 actions at a
// component whose handler blocks. The actions beyond the limit are
// answered busy at once, the goroutines stay bounded by the limit, and
// every action gets exactly one result.
func TestFloodOfActionsStaysBounded(t *testing.T) {
	const n = 10000
	core, logs := observer.New(zap.WarnLevel)
	f := newFixture(t, WithLogger(zap.New(core)))
	ctx := ctxT(t)
	release := make(chan struct{})
	entered := make(chan struct{}, n)
	var ran atomic.Int32
	if err := f.c.HandleAction(ctx, actPass, func(hctx context.Context, _ events.Action) Result {
		ran.Add(1)
		entered <- struct{}{}
		select {
		case <-release:
			return Success("done")
		case <-hctx.Done():
			return Failure("stopped")
		}
	}); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	base := runtime.NumGoroutine()

	for i := range n {
		srv.action(fmt.Sprintf("f-%d", i), "pass", "")
	}
	results := map[string]int{}
	busy := 0
	next := func() ActionResult {
		t.Helper()
		r := expect[ActionResult](srv)
		results[r.ID]++
		return r
	}
	for busy < n-defaultMaxActions {
		if r := next(); r.Success || !strings.Contains(r.Message, "busy") {
			t.Fatalf("result while the handlers block: %+v, want busy", r)
		}
		busy++
	}
	for range defaultMaxActions {
		select {
		case <-entered:
		case <-ctx.Done():
			t.Fatalf("%d handlers entered, want %d", ran.Load(), defaultMaxActions)
		}
	}
	if got := runtime.NumGoroutine() - base; got > defaultMaxActions+8 {
		t.Errorf("%d more goroutines during the flood, want at most about %d (one worker per action in flight)", got, defaultMaxActions)
	}
	if logs.FilterMessageSnippet("game busy").Len() == 0 {
		t.Error("no warning logged for the busy answers")
	}

	close(release)
	for range defaultMaxActions {
		if r := next(); !r.Success || r.Message != "done" {
			t.Fatalf("result after the release: %+v", r)
		}
	}
	srv.quiet()
	if len(results) != n {
		t.Errorf("results for %d ids, want %d", len(results), n)
	}
	for id, k := range results {
		if k != 1 {
			t.Errorf("%d results for %s", k, id)
		}
	}
	if got := ran.Load(); got != defaultMaxActions {
		t.Errorf("handler ran %d times, want %d", got, defaultMaxActions)
	}
}

// TestClientMaxActions: the limit counts actions waiting for a result;
// answering one makes room.
func TestClientMaxActions(t *testing.T) {
	p := newClientPair(t, WithMaxActions(2))
	if err := p.cl.RegisterActions(ctxT(t), actPass); err != nil {
		t.Fatal(err)
	}
	p.start(t, nil)
	expect[wire.Startup](p.srv)
	expect[wire.RegisterActions](p.srv)
	ctx := ctxT(t)
	p.srv.action("a1", "pass", "")
	a1 := p.action(t)
	p.srv.action("a2", "pass", "")
	p.action(t)
	p.srv.action("a3", "pass", "")
	if r := p.srv.result("a3"); r.Success || !strings.Contains(r.Message, "busy") {
		t.Errorf("third action: %+v, want busy", r)
	}
	if err := a1.Reply(ctx, true, ""); err != nil {
		t.Fatal(err)
	}
	p.srv.result("a1")
	p.srv.action("a4", "pass", "")
	if a4 := p.action(t); a4.ID != "a4" {
		t.Errorf("got %q, want a4 once a1 was answered", a4.ID)
	}
	p.srv.quiet()
}

// failingConn fails its failAt-th write.
type failingConn struct {
	transport.Conn
	mu     sync.Mutex
	writes int
	failAt int
}

var errWriteFailed = errors.New("write failed")

func (c *failingConn) Write(ctx context.Context, frame []byte) error {
	c.mu.Lock()
	c.writes++
	n := c.writes
	c.mu.Unlock()
	if n == c.failAt {
		return errWriteFailed
	}
	return c.Conn.Write(ctx, frame)
}

// TestAttachKeepsUnsentContext: four context messages are buffered; the
// write of the third fails while attaching, so the next connection
// delivers the third and the fourth.
func TestAttachKeepsUnsentContext(t *testing.T) {
	p := newClientPair(t)
	ctx := ctxT(t)
	msgs := []string{"first", "second", "third", "fourth"}
	for _, m := range msgs {
		if err := p.cl.SendContext(ctx, m, true); err != nil {
			t.Fatal(err)
		}
	}
	game, server := transport.Pipe()
	srv := newFakeServer(t, server)
	// Writes: startup, first, second, third (fails).
	if err := p.cl.Attach(ctx, &failingConn{Conn: game, failAt: 4}); !errors.Is(err, errWriteFailed) {
		t.Fatalf("Attach = %v, want the write error", err)
	}
	if p.cl.Connected() {
		t.Fatal("attached after a failed Attach")
	}
	_ = game.CloseNow()
	expect[wire.Startup](srv)
	for _, want := range msgs[:2] {
		if c := expect[wire.ContextMessage](srv); c.Message != want {
			t.Errorf("first connection: context %q, want %q", c.Message, want)
		}
	}

	p.start(t, nil)
	expect[wire.Startup](p.srv)
	for _, want := range msgs[2:] {
		if c := expect[wire.ContextMessage](p.srv); c.Message != want {
			t.Errorf("next connection: context %q, want %q", c.Message, want)
		}
	}
	p.srv.quiet()
}

// TestClientReceiverPanics: a panicking receiver has its action answered
// with a failed result; reading goes on.
func TestClientReceiverPanics(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	cl, err := NewClient(testGame, ReceiverFuncs{
		Action:  func(context.Context, events.Action) { panic("receiver bug") },
		Message: func(context.Context, wire.Message) { panic("message bug") },
	}, WithLogger(zap.New(core)))
	if err != nil {
		t.Fatal(err)
	}
	srv, game, done := servePass(t, cl)
	srv.send(wire.ShutdownImmediate{})
	for _, id := range []string{"p1", "p2"} {
		srv.action(id, "pass", "")
		if r := srv.result(id); r.Success || !strings.Contains(r.Message, "internal error") {
			t.Errorf("result %+v", r)
		}
	}
	if logs.FilterMessage("action receiver panicked; answering a failed result").Len() != 2 ||
		logs.FilterMessage("message receiver panicked").Len() != 1 {
		t.Errorf("panics not logged: %v", logs.All())
	}
	_ = game.CloseNow()
	<-done
}

// TestClientHandlerTimeout: the Client times actions out on its own; the
// action's context ends with ErrHandlerTimeout and a late Reply is
// refused.
func TestClientHandlerTimeout(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	type delivered struct {
		ctx context.Context
		act events.Action
	}
	got := make(chan delivered, 1)
	cl, err := NewClient(testGame, ReceiverFuncs{Action: func(ctx context.Context, act events.Action) {
		got <- delivered{ctx, act}
	}}, WithHandlerTimeout(20*time.Millisecond), WithLogger(zap.New(core)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	srv, game, done := servePass(t, cl)

	srv.action("slow", "pass", "")
	d := <-got
	if r := srv.result("slow"); r.Success || !strings.Contains(r.Message, "took longer") {
		t.Errorf("result %+v", r)
	}
	<-d.ctx.Done()
	if cause := context.Cause(d.ctx); !errors.Is(cause, ErrHandlerTimeout) {
		t.Errorf("action context cause %v", cause)
	}
	if !d.act.Answered() {
		t.Error("not answered after the timeout")
	}
	if err := d.act.Reply(ctx, true, "late"); !errors.Is(err, ErrAlreadyAnswered) {
		t.Errorf("late Reply = %v", err)
	}
	if logs.FilterMessage("action handler timed out; answered a failed result").Len() != 1 {
		t.Errorf("timeout not logged as answered: %v", logs.All())
	}

	// Answered in time: the action's context does not end with the
	// answer, and nothing more is sent.
	srv.action("quick", "pass", "")
	d = <-got
	if err := d.act.Reply(ctx, true, "quick"); err != nil {
		t.Fatal(err)
	}
	srv.result("quick")
	if d.ctx.Err() != nil {
		t.Errorf("context of an answered action ended: %v", context.Cause(d.ctx))
	}

	_ = game.CloseNow()
	<-done
}

// TestClientTimeoutDisarmedWhenTheConnectionEnds: an action still waiting
// when its connection ends has its (hour-long) timeout disarmed: Serve
// returns at once, joining the timer, and a late Reply is dropped.
func TestClientTimeoutDisarmedWhenTheConnectionEnds(t *testing.T) {
	got := make(chan events.Action, 1)
	cl, err := NewClient(testGame, ReceiverFuncs{Action: func(_ context.Context, act events.Action) { got <- act }},
		WithHandlerTimeout(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	srv, game, done := servePass(t, cl)
	srv.action("orphan", "pass", "")
	act := <-got
	_ = game.CloseNow()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("Serve waited for the timeout of an action of its dead connection")
	}
	if err := act.Reply(ctx, true, "too late"); err != nil {
		t.Errorf("Reply after the connection ended = %v, want nil (dropped)", err)
	}
	if !act.Answered() {
		t.Error("a dropped result does not count as the answer")
	}
}

// servePass registers actPass on cl, attaches it to a new pipe and serves
// it in a goroutine; it returns the fake server (past startup and the
// registry), the game's end and Serve's result. The test closes game and
// waits for done.
func servePass(t *testing.T, cl *Client) (*fakeServer, transport.Conn, <-chan error) {
	t.Helper()
	ctx := ctxT(t)
	if err := cl.RegisterActions(ctx, actPass); err != nil {
		t.Fatal(err)
	}
	game, server := transport.Pipe()
	srv := newFakeServer(t, server)
	if err := cl.Attach(ctx, game); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cl.Serve(context.Background()) }()
	expect[wire.Startup](srv)
	expect[wire.RegisterActions](srv)
	return srv, game, done
}
