package neuro

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// clientPair runs a Client over a pipe against a fake server.
type clientPair struct {
	cl    *Client
	srv   *fakeServer
	game  transport.Conn
	acts  chan events.Action
	msgs  chan wire.Message
	serve chan error
}

// newClientPair makes a Client whose handler queues actions and messages
// (it does not answer them), without attaching it.
func newClientPair(t *testing.T, opts ...ClientOption) *clientPair {
	t.Helper()
	p := &clientPair{acts: make(chan events.Action, 64), msgs: make(chan wire.Message, 64)}
	h := ReceiverFuncs{
		Action:  func(_ context.Context, a events.Action) { p.acts <- a },
		Message: func(_ context.Context, m wire.Message) { p.msgs <- m },
	}
	opts = append([]ClientOption{WithLogger(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))}, opts...)
	cl, err := NewClient(testGame, h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	p.cl = cl
	return p
}

// start attaches a new pipe and serves it; pre runs on the server end
// before the client attaches.
func (p *clientPair) start(t *testing.T, pre func(srv *fakeServer)) {
	t.Helper()
	game, server := transport.Pipe()
	p.game = game
	p.srv = newFakeServer(t, server)
	if pre != nil {
		pre(p.srv)
	}
	if err := p.cl.Attach(ctxT(t), game); err != nil {
		t.Fatal(err)
	}
	serve := make(chan error, 1)
	p.serve = serve
	done := make(chan struct{})
	go func() {
		defer close(done)
		serve <- p.cl.Serve(context.Background())
	}()
	t.Cleanup(func() {
		_ = game.CloseNow()
		<-done
	})
}

// connectedPair is a client with play and pass registered, connected.
func connectedPair(t *testing.T) *clientPair {
	t.Helper()
	p := newClientPair(t)
	if err := p.cl.RegisterActions(ctxT(t), actPlay, actPass); err != nil {
		t.Fatal(err)
	}
	p.start(t, nil)
	expect[wire.Startup](p.srv)
	expect[wire.RegisterActions](p.srv)
	return p
}

func (p *clientPair) action(t *testing.T) events.Action {
	t.Helper()
	select {
	case a := <-p.acts:
		return a
	case <-ctxT(t).Done():
		t.Fatal("no action reached the handler")
		return events.Action{}
	}
}

var (
	actPlay = Action{Name: "play", Description: "Play in a cell.", Schema: schemaCell}
	actPass = Action{Name: "pass", Description: "Pass your turn."}
)

func TestNewClientNeedsGameName(t *testing.T) {
	for _, g := range []string{"", "  "} {
		if _, err := NewClient(g, nil); !errors.Is(err, ErrInvalid) {
			t.Errorf("NewClient(%q) = %v, want ErrInvalid", g, err)
		}
	}
}

func TestClientAttachSendsStartupRegistryThenBufferedContext(t *testing.T) {
	p := newClientPair(t)
	ctx := ctxT(t)
	if err := p.cl.RegisterActions(ctx, actPlay, actPass); err != nil {
		t.Fatal(err)
	}
	if err := p.cl.SendContext(ctx, "first", true); err != nil {
		t.Fatal(err)
	}
	if err := p.cl.SendContext(ctx, "second", false); err != nil {
		t.Fatal(err)
	}
	p.start(t, nil)
	expect[wire.Startup](p.srv)
	reg := expect[wire.RegisterActions](p.srv)
	if got := actionNames(reg.Actions); !reflect.DeepEqual(got, []string{"play", "pass"}) {
		t.Errorf("registered %v", got)
	}
	if c := expect[wire.ContextMessage](p.srv); c != (wire.ContextMessage{Message: "first", Silent: true}) {
		t.Errorf("context %+v", c)
	}
	if c := expect[wire.ContextMessage](p.srv); c != (wire.ContextMessage{Message: "second"}) {
		t.Errorf("context %+v", c)
	}
	p.srv.quiet()
}

func TestClientReregisterAll(t *testing.T) {
	t.Run("empty registry sends nothing", func(t *testing.T) {
		p := newClientPair(t)
		// The official mock sends reregister_all as soon as the game connects.
		p.start(t, func(srv *fakeServer) { srv.send(wire.ReregisterAll{}) })
		expect[wire.Startup](p.srv)
		p.srv.quiet()
	})
	t.Run("sends the whole registry", func(t *testing.T) {
		p := newClientPair(t)
		p.start(t, nil)
		expect[wire.Startup](p.srv)
		ctx := ctxT(t)
		if err := p.cl.RegisterActions(ctx, actPlay); err != nil {
			t.Fatal(err)
		}
		if err := p.cl.RegisterActions(ctx, actPass); err != nil {
			t.Fatal(err)
		}
		expect[wire.RegisterActions](p.srv)
		expect[wire.RegisterActions](p.srv)
		p.srv.send(wire.ReregisterAll{})
		reg := expect[wire.RegisterActions](p.srv)
		if got := actionNames(reg.Actions); !reflect.DeepEqual(got, []string{"play", "pass"}) {
			t.Errorf("reregistered %v", got)
		}
		if err := p.cl.UnregisterActions(ctx, "play"); err != nil {
			t.Fatal(err)
		}
		expect[wire.UnregisterActions](p.srv)
		p.srv.send(wire.ReregisterAll{})
		if got := actionNames(expect[wire.RegisterActions](p.srv).Actions); !reflect.DeepEqual(got, []string{"pass"}) {
			t.Errorf("reregistered %v", got)
		}
	})
}

func TestClientRegisterValidates(t *testing.T) {
	p := newClientPair(t)
	ctx := ctxT(t)
	bad := []Action{
		{Name: "Bad Name"},
		{Name: "noobj", Schema: Schema{"type": "string"}},
		{Name: "badschema", Schema: Schema{"type": "object", "properties": 3}},
	}
	for _, a := range bad {
		if err := p.cl.RegisterActions(ctx, a); !errors.Is(err, ErrInvalid) {
			t.Errorf("RegisterActions(%q) = %v, want ErrInvalid", a.Name, err)
		}
	}
	if err := p.cl.RegisterActions(ctx); !errors.Is(err, ErrInvalid) {
		t.Errorf("RegisterActions() = %v, want ErrInvalid", err)
	}
	// A valid action in a batch with an invalid one is not registered.
	if err := p.cl.RegisterActions(ctx, actPass, bad[0]); err == nil {
		t.Error("batch with an invalid action accepted")
	}
	if got := p.cl.Registered(); len(got) != 0 {
		t.Errorf("registered %v after failures", got)
	}
}

func TestClientRegisterTwiceSendsOnce(t *testing.T) {
	p := newClientPair(t)
	p.start(t, nil)
	expect[wire.Startup](p.srv)
	ctx := ctxT(t)
	if err := p.cl.RegisterActions(ctx, actPass); err != nil {
		t.Fatal(err)
	}
	expect[wire.RegisterActions](p.srv)
	changed := actPass
	changed.Description = "other"
	if err := p.cl.RegisterActions(ctx, actPass, changed); err == nil {
		t.Error("duplicate names in one batch accepted")
	}
	if err := p.cl.RegisterActions(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if err := p.cl.UnregisterActions(ctx, "unknown"); err != nil {
		t.Fatal(err)
	}
	p.srv.quiet()
}

func TestClientResultExactlyOnce(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)

	p.srv.action("a1", "pass", "")
	a := p.action(t)
	if err := a.Reply(ctx, false, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("failure without message: %v, want ErrInvalid", err)
	}
	if err := a.Reply(ctx, true, "ok"); err != nil {
		t.Fatal(err)
	}
	if r := p.srv.result("a1"); !r.Success || r.Message != "ok" {
		t.Errorf("result %+v", r)
	}
	if err := a.Reply(ctx, false, "again"); !errors.Is(err, ErrAlreadyAnswered) {
		t.Errorf("second Reply: %v, want ErrAlreadyAnswered", err)
	}
	if err := p.cl.SendResult(ctx, ActionResult{ID: "a1", Success: true}); !errors.Is(err, ErrAlreadyAnswered) {
		t.Errorf("SendResult after Reply: %v, want ErrAlreadyAnswered", err)
	}

	p.srv.action("a2", "pass", "")
	p.action(t)
	if err := p.cl.SendResult(ctx, ActionResult{ID: "a2", Message: "no"}); err != nil {
		t.Fatal(err)
	}
	if r := p.srv.result("a2"); r.Success || r.Message != "no" {
		t.Errorf("result %+v", r)
	}
	p.srv.quiet()
}

func TestClientDuplicateIDWhilePending(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)
	p.srv.action("dup", "pass", "")
	a := p.action(t)
	p.srv.action("dup", "pass", "")
	if r := p.srv.result("dup"); r.Success || !strings.Contains(r.Message, "already being handled") {
		t.Errorf("duplicate answered %+v", r)
	}
	select {
	case extra := <-p.acts:
		t.Fatalf("handler ran twice: %+v", extra)
	default:
	}
	if err := a.Reply(ctx, true, ""); err != nil {
		t.Fatal(err)
	}
	if r := p.srv.result("dup"); !r.Success {
		t.Errorf("result %+v", r)
	}
}

func TestClientDropsResultOfPreviousConnection(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)
	p.srv.action("old", "pass", "")
	a := p.action(t)

	old := p.srv
	_ = old.conn.Close(transport.CloseGoingAway, "restart")
	if err := <-p.serve; err == nil {
		t.Fatal("Serve returned nil after the peer closed")
	}
	p.start(t, nil)
	expect[wire.Startup](p.srv)
	expect[wire.RegisterActions](p.srv)
	if err := a.Reply(ctx, true, "late"); err != nil {
		t.Fatalf("stale Reply: %v, want nil (dropped)", err)
	}
	if err := p.cl.SendResult(ctx, ActionResult{ID: "old", Success: true}); !errors.Is(err, ErrAlreadyAnswered) {
		t.Errorf("SendResult of a stale id: %v", err)
	}
	p.srv.quiet()
}

func TestClientSendsWhileDisconnected(t *testing.T) {
	p := newClientPair(t, WithContextBuffer(2))
	ctx := ctxT(t)
	for _, msg := range []string{"one", "two"} {
		if err := p.cl.SendContext(ctx, msg, true); err != nil {
			t.Fatalf("SendContext(%q) = %v", msg, err)
		}
	}
	// The buffer is full: "three" is kept, "one" is dropped, and the game
	// is told which.
	if err := p.cl.SendContext(ctx, "three", true); !errors.Is(err, ErrContextDropped) || !strings.Contains(err.Error(), `"one"`) {
		t.Fatalf("SendContext(three) = %v, want ErrContextDropped naming \"one\"", err)
	}
	if err := p.cl.SendContext(ctx, " ", true); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty context: %v", err)
	}
	if err := p.cl.RegisterActions(ctx, actPlay, actPass); err != nil {
		t.Fatal(err)
	}
	if err := p.cl.UnregisterActions(ctx, "play"); err != nil {
		t.Fatal(err)
	}
	if err := p.cl.Force(ctx, ForceActions{Query: "go", ActionNames: []string{"pass"}}); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Force: %v, want ErrNotConnected", err)
	}
	if p.cl.forceInFlight() {
		t.Error("a failed force left the slot taken")
	}
	if err := p.cl.SendShutdownReady(ctx); !errors.Is(err, ErrNotConnected) {
		t.Errorf("SendShutdownReady: %v, want ErrNotConnected", err)
	}
	if err := p.cl.SendResult(ctx, ActionResult{ID: "x", Success: true}); !errors.Is(err, ErrNotConnected) {
		t.Errorf("SendResult: %v, want ErrNotConnected", err)
	}
	p.start(t, nil)
	expect[wire.Startup](p.srv)
	if got := actionNames(expect[wire.RegisterActions](p.srv).Actions); !reflect.DeepEqual(got, []string{"pass"}) {
		t.Errorf("registry %v", got)
	}
	// The buffer kept the two newest messages.
	if c := expect[wire.ContextMessage](p.srv); c.Message != "two" {
		t.Errorf("context %+v", c)
	}
	if c := expect[wire.ContextMessage](p.srv); c.Message != "three" {
		t.Errorf("context %+v", c)
	}
	p.srv.quiet()

	t.Run("buffer disabled", func(t *testing.T) {
		p := newClientPair(t, WithContextBuffer(-1))
		if err := p.cl.SendContext(ctxT(t), "lost", false); !errors.Is(err, ErrNotConnected) {
			t.Errorf("SendContext: %v, want ErrNotConnected", err)
		}
	})
}

func TestClientStartupClearsRegistry(t *testing.T) {
	p := connectedPair(t)
	ctx := ctxT(t)
	if err := p.cl.Force(ctx, ForceActions{Query: "go", ActionNames: []string{"pass"}}); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](p.srv)
	if err := p.cl.startup(ctx); err != nil {
		t.Fatal(err)
	}
	expect[wire.Startup](p.srv)
	if got := p.cl.Registered(); len(got) != 0 {
		t.Errorf("registered %v after startup", got)
	}
	if p.cl.forceInFlight() {
		t.Error("force still in flight after startup")
	}
}

func TestClientMessagesReachTheHandler(t *testing.T) {
	p := newClientPair(t)
	p.start(t, nil)
	expect[wire.Startup](p.srv)
	sent := []wire.Message{
		wire.StartupAck{Session: wire.Session{SessionID: "s", CharacterID: "evil", DisplayName: "Evil Neuro"}},
		wire.ShutdownGraceful{WantsShutdown: true},
		wire.ShutdownImmediate{},
		wire.Unknown{Cmd: "future/command", Data: json.RawMessage(`{"x":1}`)},
	}
	for _, m := range sent {
		p.srv.send(m)
	}
	for _, want := range sent {
		select {
		case got := <-p.msgs:
			if !reflect.DeepEqual(got, want) {
				t.Errorf("handler got %#v, want %#v", got, want)
			}
		case <-ctxT(t).Done():
			t.Fatal("message did not reach the handler")
		}
	}
}

func TestClientDefaultHandlerFailsActions(t *testing.T) {
	cl, err := NewClient(testGame, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	if err := cl.RegisterActions(ctx, actPass); err != nil {
		t.Fatal(err)
	}
	game, server := transport.Pipe()
	srv := newFakeServer(t, server)
	if err := cl.Attach(ctx, game); err != nil {
		t.Fatal(err)
	}
	if err := cl.Attach(ctx, game); err == nil {
		t.Error("second Attach accepted")
	}
	done := make(chan error, 1)
	go func() { done <- cl.Serve(context.Background()) }()
	expect[wire.Startup](srv)
	expect[wire.RegisterActions](srv)
	srv.action("x", "pass", "")
	if r := srv.result("x"); r.Success || !strings.Contains(r.Message, "does not handle") {
		t.Errorf("result %+v", r)
	}
	_ = game.Close(transport.CloseNormal, "")
	if err := <-done; !errors.Is(err, transport.ErrClosed) {
		t.Errorf("Serve = %v, want ErrClosed", err)
	}
	if cl.Connected() {
		t.Error("still connected after Serve returned")
	}
	if err := cl.Serve(ctx); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Serve without a connection = %v", err)
	}
}

// TestAppendResultMatchesEncodeGame checks the reflection-free result

func TestClientConcurrentSends(t *testing.T) {
	p := newClientPair(t)
	p.start(t, nil)
	expect[wire.Startup](p.srv)
	ctx := ctxT(t)
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.cl.SendContext(ctx, "msg", i%2 == 0); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for range n {
		expect[wire.ContextMessage](p.srv)
	}
	p.srv.quiet()
}

func actionNames(acts []Action) []string {
	names := make([]string, len(acts))
	for i, a := range acts {
		names[i] = a.Name
	}
	return names
}

func TestEnvURL(t *testing.T) {
	t.Setenv(URLEnv, "")
	if got := EnvURL(); got != DefaultURL {
		t.Errorf("EnvURL() = %q", got)
	}
	t.Setenv(URLEnv, "ws://neuro:9000")
	if got := EnvURL(); got != "ws://neuro:9000" {
		t.Errorf("EnvURL() = %q", got)
	}
}
