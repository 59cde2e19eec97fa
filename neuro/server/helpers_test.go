package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const waitLimit = 10 * time.Second

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// newTestServer returns a server with tiny delays and a test logger,
// closed when the test ends.
func newTestServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	base := []Option{WithLogger(zaptest.NewLogger(t)), WithForceDelay(time.Millisecond), WithSeed(1)}
	s := New(append(base, opts...)...)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// fakeGame is a scripted game on the other end of a transport.Pipe.
type fakeGame struct {
	t    testing.TB
	name string
	conn transport.Conn
	done chan error // ServeConn's result
}

// connect runs ServeConn over a pipe and returns the game's end.
func connect(t testing.TB, s *Server, name string) *fakeGame {
	t.Helper()
	return connectConn(t, s, name, nil)
}

// connectConn is connect with the server's end of the pipe wrapped.
func connectConn(t testing.TB, s *Server, name string, wrap func(transport.Conn) transport.Conn) *fakeGame {
	t.Helper()
	srvEnd, gameEnd := transport.Pipe()
	if wrap != nil {
		srvEnd = wrap(srvEnd)
	}
	g := &fakeGame{t: t, name: name, conn: gameEnd, done: make(chan error, 1)}
	go func() { g.done <- s.ServeConn(context.Background(), srvEnd) }()
	t.Cleanup(func() {
		_ = gameEnd.Close(transport.CloseNormal, "test over")
		select {
		case <-g.done:
		case <-time.After(waitLimit):
			t.Errorf("ServeConn of %q did not return", name)
		}
	})
	return g
}

func (g *fakeGame) send(m wire.Message) {
	g.t.Helper()
	frame, err := wire.EncodeGame(g.name, m)
	if err != nil {
		g.t.Fatalf("encode %T: %v", m, err)
	}
	g.sendRaw(string(frame))
}

func (g *fakeGame) sendRaw(frame string) {
	g.t.Helper()
	if err := g.conn.Write(context.Background(), []byte(frame)); err != nil {
		g.t.Fatalf("game write: %v", err)
	}
}

// next reads and decodes the next server frame.
func (g *fakeGame) next() wire.Message {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	frame, err := g.conn.Read(ctx)
	if err != nil {
		g.t.Fatalf("game %q read: %v", g.name, err)
	}
	m, err := wire.DecodeServer(frame)
	if err != nil {
		g.t.Fatalf("server sent an undecodable frame %s: %v", frame, err)
	}
	return m
}

// expect reads the next frame and checks its command.
func (g *fakeGame) expect(cmd string) wire.Message {
	g.t.Helper()
	m := g.next()
	if m.Command() != cmd {
		g.t.Fatalf("game %q got %q (%+v), want %q", g.name, m.Command(), m, cmd)
	}
	return m
}

func (g *fakeGame) expectAction() wire.ActionRequest {
	g.t.Helper()
	return g.expect(wire.CmdAction).(wire.ActionRequest)
}

// hello reads reregister_all, sends startup, reads the acknowledgement and
// registers actions.
func (g *fakeGame) hello(actions ...wire.Action) {
	g.t.Helper()
	g.expect(wire.CmdReregisterAll)
	g.send(wire.Startup{})
	g.expect(wire.CmdStartup)
	if len(actions) > 0 {
		g.send(wire.RegisterActions{Actions: actions})
	}
}

func (g *fakeGame) result(id string, success bool, msg string) {
	g.t.Helper()
	g.send(wire.ActionResult{ID: id, Success: success, Message: msg})
}

// sync makes sure the server processed everything the game sent so far:
// it sends a context message and waits until the server logged it.
func (g *fakeGame) sync(s *Server) {
	g.t.Helper()
	w := s.Watch()
	msg := fmt.Sprintf("sync %d", syncCount.Add(1))
	g.send(wire.ContextMessage{Message: msg, Silent: true})
	if _, err := w.WaitFor(testCtx(g.t), func(e Event) bool {
		c, ok := e.Message.(wire.ContextMessage)
		return e.Kind == EventReceived && ok && c.Message == msg
	}); err != nil {
		g.t.Fatalf("sync: %v", err)
	}
}

var syncCount atomic.Int64

func waitEvent(t testing.TB, w *Watcher, match func(Event) bool) Event {
	t.Helper()
	e, err := w.WaitFor(testCtx(t), match)
	if err != nil {
		t.Fatalf("waiting for an event: %v", err)
	}
	return e
}

func waitFinding(t testing.TB, s *Server, kind FindingKind) Finding {
	t.Helper()
	e, err := s.WaitFor(testCtx(t), IsFinding(kind))
	if err != nil {
		t.Fatalf("waiting for finding %q: %v (findings: %v)", kind, err, s.Findings())
	}
	return *e.Finding
}

func isForceDone(e Event) bool { return e.Kind == EventForceDone }

func findingKinds(ws []Finding) []FindingKind {
	out := make([]FindingKind, len(ws))
	for i, w := range ws {
		out[i] = w.Kind
	}
	return out
}

var (
	pickAction = wire.Action{
		Name:        "pick",
		Description: "Pick a cell.",
		Schema: wire.Schema{
			"type":       "object",
			"properties": map[string]any{"cell": map[string]any{"type": "integer", "enum": []int{1, 5, 9}}},
			"required":   []string{"cell"},
		},
	}
	waveAction = wire.Action{Name: "wave", Description: "Wave at chat."}
)

func checkData(t testing.TB, a wire.Action, req wire.ActionRequest) error {
	t.Helper()
	cs, err := schema.Compile(a.Name, a.Schema)
	if err != nil {
		t.Fatalf("compile %q: %v", a.Name, err)
	}
	return cs.Check(req.Data, req.HasData)
}

func mustSchema(t testing.TB, src string) wire.Schema {
	t.Helper()
	var s wire.Schema
	if err := json.Unmarshal([]byte(src), &s); err != nil {
		t.Fatalf("schema %s: %v", src, err)
	}
	return s
}
