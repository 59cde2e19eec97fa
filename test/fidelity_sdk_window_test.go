package test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// The SDK behaving like the real Neuro requires, over real sockets: a
// scripted Neuro (a gorilla server on 127.0.0.1) that does what the real
// one does and the simulator does not (yet): give a force up silently,
// talk, send commands newer than the SDK.

const fidGame = "Fidelity Game"

// fidNeuro is the Neuro side of one connection of a scripted server: a
// goroutine reads and decodes every frame the game sends.
type fidNeuro struct {
	t    *testing.T
	conn transport.Conn
	msgs chan wire.Message
	done chan struct{}
	err  error // why reading stopped; read after done
}

// fidServer starts a websocket server on 127.0.0.1 and returns its URL and
// the Neuro side of each connection, in order. The test's cleanup closes
// every connection and the server.
func fidServer(t *testing.T) (url string, conns <-chan *fidNeuro) {
	t.Helper()
	ch := make(chan *fidNeuro, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := gorilla.Accept(w, r)
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		n := &fidNeuro{t: t, conn: conn, msgs: make(chan wire.Message, 256), done: make(chan struct{})}
		go n.read()
		select {
		case ch <- n:
		default:
			t.Errorf("more connections than the test expects")
			_ = conn.CloseNow()
		}
	}))
	t.Cleanup(func() {
		srv.Close() // the game was stopped already: no connection comes after this
		for {
			select {
			case n := <-ch:
				_ = n.conn.CloseNow()
				<-n.done
			default:
				return
			}
		}
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http"), ch
}

// fidAccept returns the Neuro side of the next connection; the test's
// cleanup closes it.
func fidAccept(t *testing.T, conns <-chan *fidNeuro) *fidNeuro {
	t.Helper()
	select {
	case n := <-conns:
		t.Cleanup(func() {
			_ = n.conn.CloseNow()
			<-n.done
		})
		return n
	case <-time.After(waitFor):
		t.Fatal("the game did not connect")
		return nil
	}
}

func (n *fidNeuro) read() {
	defer close(n.done)
	for {
		frame, err := n.conn.Read(context.Background())
		if err != nil {
			n.err = err
			return
		}
		game, m, err := wire.DecodeGame(frame)
		if err != nil || game != fidGame {
			n.t.Errorf("the game sent a bad frame %.200q (game %q): %v", frame, game, err)
			continue
		}
		n.msgs <- m
	}
}

// next returns the next message from the game.
func (n *fidNeuro) next() wire.Message {
	n.t.Helper()
	select {
	case m := <-n.msgs:
		return m
	case <-time.After(waitFor):
		n.t.Fatalf("nothing from the game within %s", waitFor)
		return nil
	}
}

// fidExpect returns the next message from the game, which must be a T.
func fidExpect[T wire.Message](n *fidNeuro) T {
	n.t.Helper()
	m := n.next()
	v, ok := m.(T)
	if !ok {
		var zero T
		n.t.Fatalf("got %T %+v, want %T", m, m, zero)
	}
	return v
}

func (n *fidNeuro) send(m wire.Message) {
	n.t.Helper()
	frame, err := wire.EncodeServer(m)
	if err != nil {
		n.t.Fatal(err)
	}
	n.sendRaw(string(frame))
}

func (n *fidNeuro) sendRaw(frame string) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := n.conn.Write(ctx, []byte(frame)); err != nil {
		n.t.Fatalf("write: %v", err)
	}
}

// fidGameOf is a manager with a Neuro component dialling url with
// gorilla, connected, whose events named in record are forwarded to the
// returned channel.
func fidGameOf(t *testing.T, url string, record ...string) (*neuro.Component, <-chan manager.Event) {
	t.Helper()
	c, err := neuro.NewComponent(fidGame, neuro.WithLogger(zaptest.NewLogger(t, zaptest.Level(zap.InfoLevel))))
	if err != nil {
		t.Fatal(err)
	}
	rec := &fidRecorder{Base: manager.NewBase("recorder"), names: record, ch: make(chan manager.Event, 64)}
	m := manager.New("game")
	if err := m.AddAll(c, rec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := c.Stop(ctx, 0, ""); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := c.Connect(ctx, url); err != nil {
		t.Fatal(err)
	}
	return c, rec.ch
}

// fidRecorder forwards the events it subscribes to.
type fidRecorder struct {
	manager.Base
	names []string
	ch    chan manager.Event
}

func (r *fidRecorder) BindHandlers() error {
	for _, name := range r.names {
		if _, err := r.RegisterHandler(name, func(_ context.Context, ev manager.Event) error {
			r.ch <- ev
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func fidEvent(t *testing.T, ch <-chan manager.Event) manager.Event {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(waitFor):
		t.Fatal("no event")
		return manager.Event{}
	}
}

var fidPlay = neuro.Action{Name: "play", Description: "Play a cell.", Schema: neuro.Schema{
	"type": "object", "required": []any{"cell"},
	"properties": map[string]any{"cell": map[string]any{"type": "integer", "minimum": 1, "maximum": 9}},
}}

// TestFidelitySDKWindowReforces: Neuro fails the window's first two uses,
// then gives the force up silently, as the real one does after her
// retries. The window forces again once she has been quiet for its
// ReforceAfter, with an event, and completes with her next use.
func TestFidelitySDKWindowReforces(t *testing.T) {
	url, conns := fidServer(t)
	c, evs := fidGameOf(t, url, events.ForceRepeated)
	n := fidAccept(t, conns)
	fidExpect[wire.Startup](n)

	type outcome struct {
		res neuro.WindowResult
		err error
	}
	out := make(chan outcome, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		res, err := c.Window(ctx, neuro.WindowSpec{
			Actions: []neuro.ActionSpec{{Action: fidPlay, Handler: func(_ context.Context, act events.Action) neuro.Result {
				if act.Data != `{"cell": 9}` {
					return neuro.Failure("that cell is taken; the free cell is 9")
				}
				return neuro.Success("")
			}}},
			Force: neuro.ForceActions{Query: "Your move."},
			// Short, so the test is quick; long enough that a loaded machine
			// rarely forces again between a failed result and her retry (and
			// the script copes when it does).
			ReforceAfter: 300 * time.Millisecond,
		})
		out <- outcome{res, err}
	}()
	fidExpect[wire.RegisterActions](n)
	first := fidExpect[neuro.ForceActions](n)

	forces := 1
	// resultOf returns the result for id, counting the forces sent again
	// before it.
	resultOf := func(id string) neuro.ActionResult {
		t.Helper()
		for {
			switch m := n.next().(type) {
			case neuro.ForceActions:
				forces++
			case neuro.ActionResult:
				if m.ID != id {
					t.Fatalf("result %+v, want one for %q", m, id)
				}
				return m
			default:
				t.Fatalf("unexpected %T %+v", m, m)
			}
		}
	}
	for _, id := range []string{"try1", "try2"} {
		n.send(wire.ActionRequest{ID: id, Name: "play", Data: `{"cell": 1}`, HasData: true})
		if r := resultOf(id); r.Success {
			t.Fatalf("result %+v, want a failure", r)
		}
	}
	// She has given up: silence, until the game forces again.
	if forces == 1 {
		if again := fidExpect[neuro.ForceActions](n); !reflect.DeepEqual(again, first) {
			t.Errorf("forced again with %+v, want %+v", again, first)
		}
		forces++
	}
	d, err := manager.Payload[events.ForceRepeatedData](fidEvent(t, evs))
	if err != nil {
		t.Fatal(err)
	}
	if d.Repeat != 1 || d.Max != neuro.DefaultMaxReforces || !reflect.DeepEqual(d.Actions, []string{"play"}) || d.Quiet < 300*time.Millisecond {
		t.Errorf("ForceRepeated %+v", d)
	}
	n.send(wire.ActionRequest{ID: "try3", Name: "play", Data: `{"cell": 9}`, HasData: true})
	for {
		m := n.next()
		if _, ok := m.(neuro.ForceActions); ok { // sent before try3 arrived, on a slow machine
			forces++
			continue
		}
		if u, ok := m.(wire.UnregisterActions); !ok || !reflect.DeepEqual(u.ActionNames, []string{"play"}) {
			t.Fatalf("got %T %+v, want play unregistered", m, m)
		}
		break
	}
	if r := resultOf("try3"); !r.Success {
		t.Errorf("result %+v", r)
	}
	select {
	case o := <-out:
		if o.err != nil || o.res.Data != `{"cell": 9}` {
			t.Errorf("Window = %+v, %v", o.res, o.err)
		}
	case <-time.After(waitFor):
		t.Fatal("Window did not return")
	}
	if forces > 1+neuro.DefaultMaxReforces {
		t.Errorf("%d forces, more than the window allows", forces)
	}
}

// TestFidelitySDKWindowGivesUp: a Neuro who never acts on the window's
// force gets it DefaultMaxReforces more times, then the window fails with
// ErrForceIgnored and unregisters its action: it never hangs.
func TestFidelitySDKWindowGivesUp(t *testing.T) {
	url, conns := fidServer(t)
	c, evs := fidGameOf(t, url, events.ForceRepeated)
	n := fidAccept(t, conns)
	fidExpect[wire.Startup](n)
	out := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		_, err := c.Window(ctx, neuro.WindowSpec{
			Actions:      []neuro.ActionSpec{{Action: fidPlay}},
			Force:        neuro.ForceActions{Query: "Your move."},
			ReforceAfter: 50 * time.Millisecond,
			MaxReforces:  2,
		})
		out <- err
	}()
	fidExpect[wire.RegisterActions](n)
	for range 3 {
		fidExpect[neuro.ForceActions](n)
	}
	if u := fidExpect[wire.UnregisterActions](n); !reflect.DeepEqual(u.ActionNames, []string{"play"}) {
		t.Errorf("unregister %+v", u)
	}
	select {
	case err := <-out:
		if !errors.Is(err, neuro.ErrForceIgnored) {
			t.Errorf("Window = %v, want ErrForceIgnored", err)
		}
	case <-time.After(waitFor):
		t.Fatal("Window did not return")
	}
	for want := 1; want <= 2; want++ {
		if d, _ := manager.Payload[events.ForceRepeatedData](fidEvent(t, evs)); d.Repeat != want || d.Max != 2 {
			t.Errorf("ForceRepeated %+v, want repeat %d of 2", d, want)
		}
	}
}
