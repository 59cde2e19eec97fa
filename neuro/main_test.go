package neuro

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitFor bounds every wait of the tests; nothing waits this long when
// the code works.
const waitFor = 5 * time.Second

const testGame = "Test Game"

// ---- fake server ----

// fakeServer is the Neuro side of a transport.Pipe: it decodes every frame
// the game sends and lets the test send server messages.
type fakeServer struct {
	t      testing.TB
	conn   transport.Conn
	frames chan wire.Message
	done   chan struct{}
	err    error // why reading stopped; read after done
}

func newFakeServer(t testing.TB, conn transport.Conn) *fakeServer {
	s := &fakeServer{t: t, conn: conn, frames: make(chan wire.Message, 1024), done: make(chan struct{})}
	go s.read()
	t.Cleanup(func() {
		_ = conn.CloseNow()
		<-s.done
	})
	return s
}

func (s *fakeServer) read() {
	defer close(s.done)
	for {
		frame, err := s.conn.Read(context.Background())
		if err != nil {
			s.err = err
			return
		}
		game, m, err := wire.DecodeGame(frame)
		if err != nil {
			s.t.Errorf("fake server: game sent an undecodable frame %s: %v", frame, err)
			continue
		}
		if game != testGame {
			s.t.Errorf("fake server: frame for game %q, want %q", game, testGame)
		}
		s.frames <- m
	}
}

// next returns the next frame the game sent.
func (s *fakeServer) next() wire.Message {
	s.t.Helper()
	select {
	case m := <-s.frames:
		return m
	case <-time.After(waitFor):
		s.t.Fatalf("fake server: no frame from the game within %s", waitFor)
		return nil
	}
}

// expect returns the next frame, which must be a T.
func expect[T wire.Message](s *fakeServer) T {
	s.t.Helper()
	m := s.next()
	v, ok := m.(T)
	if !ok {
		var zero T
		s.t.Fatalf("fake server: got %T %+v, want %T", m, m, zero)
	}
	return v
}

// send sends a server message.
func (s *fakeServer) send(m wire.Message) {
	s.t.Helper()
	frame, err := wire.EncodeServer(m)
	if err != nil {
		s.t.Fatalf("fake server: encode %T: %v", m, err)
	}
	s.sendRaw(string(frame))
}

func (s *fakeServer) sendRaw(frame string) {
	s.t.Helper()
	if err := s.conn.Write(context.Background(), []byte(frame)); err != nil {
		s.t.Fatalf("fake server: write: %v", err)
	}
}

// action sends an action request.
func (s *fakeServer) action(id, name, data string) {
	s.t.Helper()
	s.send(wire.ActionRequest{ID: id, Name: name, Data: data, HasData: data != ""})
}

// result waits for the next frame, an action/result for id.
func (s *fakeServer) result(id string) ActionResult {
	s.t.Helper()
	r := expect[ActionResult](s)
	if r.ID != id {
		s.t.Fatalf("fake server: result for id %q, want %q (%+v)", r.ID, id, r)
	}
	return r
}

// barrier proves that every frame the game's reader sent before handling
// the barrier action has been received: the game answers an unknown
// action at once from its reader. It returns the frames received before
// the barrier's answer.
func (s *fakeServer) barrier() []wire.Message {
	s.t.Helper()
	id := fmt.Sprintf("barrier-%p-%d", s, time.Now().UnixNano())
	s.action(id, "zz_barrier", "")
	var before []wire.Message
	for {
		m := s.next()
		if r, ok := m.(ActionResult); ok && r.ID == id {
			return before
		}
		before = append(before, m)
	}
}

// quiet asserts that the game sent nothing more, up to a barrier.
func (s *fakeServer) quiet() {
	s.t.Helper()
	if extra := s.barrier(); len(extra) > 0 {
		s.t.Fatalf("fake server: unexpected frames %+v", extra)
	}
}

// ---- pipe dialer ----

// pipeDialer dials in-memory pipes; the test picks the server ends up
// with accept. Errors queued with failNext make the next dials fail.
type pipeDialer struct {
	mu    sync.Mutex
	fails []error
	conns chan transport.Conn
	dials chan string
}

func newPipeDialer() *pipeDialer {
	return &pipeDialer{conns: make(chan transport.Conn, 16), dials: make(chan string, 64)}
}

func (d *pipeDialer) failNext(errs ...error) {
	d.mu.Lock()
	d.fails = append(d.fails, errs...)
	d.mu.Unlock()
}

func (d *pipeDialer) dial(ctx context.Context, url string) (transport.Conn, error) {
	d.dials <- url
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	var err error
	if len(d.fails) > 0 {
		err, d.fails = d.fails[0], d.fails[1:]
	}
	d.mu.Unlock()
	if err != nil {
		return nil, err
	}
	game, server := transport.Pipe()
	d.conns <- server
	return game, nil
}

// accept returns a fake server on the next dialled connection.
func (d *pipeDialer) accept(t testing.TB) *fakeServer {
	t.Helper()
	select {
	case c := <-d.conns:
		return newFakeServer(t, c)
	case <-time.After(waitFor):
		t.Fatalf("no dial within %s", waitFor)
		return nil
	}
}

// ---- event recorder ----

// recorder is a component that records the events it subscribes to.
type recorder struct {
	manager.Base
	mu  sync.Mutex
	chs map[string]chan manager.Event
}

func newRecorder(names ...string) *recorder {
	r := &recorder{Base: manager.NewBase("recorder"), chs: make(map[string]chan manager.Event)}
	for _, n := range names {
		r.chs[n] = make(chan manager.Event, 64)
	}
	return r
}

func (r *recorder) BindHandlers() error {
	for name, ch := range r.chs {
		if _, err := r.RegisterHandler(name, func(_ context.Context, ev manager.Event) error {
			ch <- ev
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// wait returns the next event called name.
func (r *recorder) wait(t testing.TB, name string) manager.Event {
	t.Helper()
	select {
	case ev := <-r.chs[name]:
		return ev
	case <-time.After(waitFor):
		t.Fatalf("event %q not raised within %s", name, waitFor)
		return manager.Event{}
	}
}

// none asserts that no event called name was recorded so far.
func (r *recorder) none(t testing.TB, name string) {
	t.Helper()
	select {
	case ev := <-r.chs[name]:
		t.Fatalf("unexpected event %v: %+v", ev, ev.Data)
	default:
	}
}

var allEvents = []string{
	events.Connected, events.Reconnected, events.ConnectFailed, events.Disconnected,
	events.StartupAcknowledged, events.UnknownCommand, events.SpeechFinished, events.ForceRepeated,
}

// ---- component fixture ----

type fixture struct {
	t   testing.TB
	m   *manager.Manager
	c   *Component
	d   *pipeDialer
	rec *recorder
	srv *fakeServer
}

// newFixture makes a manager with a Neuro component (dialling pipes) and
// a recorder of the lifecycle events. It does not connect.
func newFixture(t testing.TB, opts ...Option) *fixture {
	t.Helper()
	d := newPipeDialer()
	opts = append([]Option{WithDialer(d.dial), WithLogger(zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))}, opts...)
	c, err := NewComponent(testGame, opts...)
	if err != nil {
		t.Fatal(err)
	}
	m := manager.New("game")
	rec := newRecorder(allEvents...)
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	if err := m.Add(rec); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, m: m, c: c, d: d, rec: rec}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := c.Stop(ctx, 0, ""); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return f
}

// connect connects the component and returns the fake server after the
// startup frame.
func (f *fixture) connect() *fakeServer {
	f.t.Helper()
	if err := f.m.Raise(context.Background(), manager.NewEvent(events.Connect, "ws://test")); err != nil {
		f.t.Fatal(err)
	}
	f.srv = f.d.accept(f.t)
	expect[wire.Startup](f.srv)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := f.c.WaitConnected(ctx); err != nil {
		f.t.Fatal(err)
	}
	f.rec.wait(f.t, events.Connected)
	return f.srv
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return ctx
}

// schemaCell is a schema with one required integer property.
var schemaCell = Schema{
	"type":       "object",
	"properties": Schema{"cell": Schema{"type": "integer", "minimum": 1, "maximum": 9}},
	"required":   []string{"cell"},
}
