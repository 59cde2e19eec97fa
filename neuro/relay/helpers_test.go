package relay

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/transport"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testTimeout bounds every wait of a test: generous, so a slow machine
// never fails a test, while a hang still fails instead of blocking.
const testTimeout = 10 * time.Second

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// harness is a relay whose upstream dials make in-memory pipes: the test
// plays Neuro on their far ends, and games on pipes of their own.
type harness struct {
	t      *testing.T
	r      *Relay
	ups    chan transport.Conn // the far end of each upstream dial
	dials  chan struct{}       // one token per dial the test allows
	denied chan struct{}       // a dial was refused for want of a token
}

// newHarness starts a relay (Serve included) with opts; upstream dials
// succeed while the test hands out tokens (allowDial), the first one
// handed out at once.
func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	h := &harness{t: t, ups: make(chan transport.Conn, 4), dials: make(chan struct{}, 4), denied: make(chan struct{}, 1)}
	h.dials <- struct{}{}
	dial := func(ctx context.Context, _ string) (transport.Conn, error) {
		select {
		case <-h.dials:
		default:
			select {
			case h.denied <- struct{}{}:
			default:
			}
			return nil, errors.New("test: upstream refused")
		}
		near, far := transport.Pipe()
		h.ups <- far
		return near, nil
	}
	base := []Option{WithDialer(dial), WithLogger(zaptest.NewLogger(t)), WithReconnect(time.Millisecond, 5*time.Millisecond)}
	r, err := New("ws://neuro.test:8000", append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	h.r = r
	served := make(chan error, 1)
	go func() { served <- r.Serve(context.Background()) }()
	t.Cleanup(func() {
		_ = r.Close()
		if err := <-served; err != nil {
			t.Errorf("Serve returned %v after Close, want nil", err)
		}
	})
	return h
}

// allowDial lets one more upstream dial succeed.
func (h *harness) allowDial() { h.dials <- struct{}{} }

// dropUpstream closes Neuro's end of up and waits until the relay has
// noticed (it dials again, refused until allowDial).
func (h *harness) dropUpstream(up *peer) {
	h.t.Helper()
	select {
	case <-h.denied:
	default:
	}
	_ = up.conn.CloseNow()
	select {
	case <-h.denied:
	case <-time.After(testTimeout):
		h.t.Fatal("the relay did not dial again after upstream dropped")
	}
}

// upstream returns Neuro's end of the next upstream connection, after
// reading the relay's startup on it.
func (h *harness) upstream() *peer {
	h.t.Helper()
	select {
	case c := <-h.ups:
		p := &peer{t: h.t, conn: c, upstream: true}
		expect[startupMsg](p)
		return p
	case <-time.After(testTimeout):
		h.t.Fatal("the relay did not dial upstream")
		return nil
	}
}

// game connects a game named name; it has sent nothing yet. done
// receives ServeConn's error.
func (h *harness) game(name string) *peer {
	h.t.Helper()
	near, far := transport.Pipe()
	p := &peer{t: h.t, conn: far, name: name, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.err = h.r.ServeConn(context.Background(), near)
	}()
	h.t.Cleanup(func() {
		_ = far.CloseNow()
		<-p.done
	})
	return p
}

// startedGame connects a game, sends startup and registers actions named
// names (no schema), reading nothing.
func (h *harness) startedGame(name string, names ...string) *peer {
	p := h.game(name)
	p.send(startupMsg{})
	if len(names) > 0 {
		acts := make([]wireAction, len(names))
		for i, n := range names {
			acts[i] = wireAction{Name: n, Description: "Do " + n + "."}
		}
		p.send(registerMsg{Actions: acts})
	}
	return p
}

// peer is the test's end of a connection: Neuro's end of upstream, or a
// game's end of its connection to the relay.
type peer struct {
	t        *testing.T
	conn     transport.Conn
	upstream bool          // Neuro's end: reads game frames, writes server frames
	name     string        // a game's name
	done     chan struct{} // closed when a game's ServeConn returned
	err      error         // what it returned
}

// served waits for the game's ServeConn to return and returns its error.
func (p *peer) served() error {
	p.t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(testTimeout):
		p.t.Fatal("ServeConn did not return")
		return nil
	}
}

func (p *peer) send(m message) {
	p.t.Helper()
	var frame []byte
	var err error
	if p.upstream {
		frame, err = encodeServer(m)
	} else {
		frame, err = encodeGame(p.name, m)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	p.sendRaw(string(frame))
}

func (p *peer) sendRaw(frame string) {
	p.t.Helper()
	if err := p.conn.Write(testCtx(p.t), []byte(frame)); err != nil {
		p.t.Fatalf("write: %v", err)
	}
}

// read returns the next frame, failing the test after testTimeout.
func (p *peer) read() []byte {
	p.t.Helper()
	frame, err := p.conn.Read(testCtx(p.t))
	if err != nil {
		p.t.Fatalf("read (upstream %v, game %q): %v", p.upstream, p.name, err)
	}
	return frame
}

// next reads and decodes the next frame; upstream checks the relay's
// game name.
func (p *peer) next() message {
	p.t.Helper()
	frame := p.read()
	if p.upstream {
		game, m, err := decodeGame(frame)
		if err != nil {
			p.t.Fatalf("upstream got a bad frame %s: %v", frame, err)
		}
		if game != DefaultName {
			p.t.Fatalf("upstream frame with game %q, want %q: %s", game, DefaultName, frame)
		}
		return m
	}
	m, err := decodeServer(frame)
	if err != nil {
		p.t.Fatalf("game %q got a bad frame %s: %v", p.name, frame, err)
	}
	return m
}

// expect reads the next message and fails unless it is a T.
func expect[T message](p *peer) T {
	p.t.Helper()
	m := p.next()
	v, ok := m.(T)
	if !ok {
		var want T
		p.t.Fatalf("got %T %+v, want a %T", m, m, want)
	}
	return v
}

// barrier sends a context message from game g and waits for it
// upstream: everything g sent before was handled, and up has read every
// frame the relay sent before it. It fails if anything else comes first.
func barrier(g, up *peer, label string) {
	g.t.Helper()
	g.send(contextMsg{Message: label, Silent: true})
	c := expect[contextMsg](up)
	if want := tag(g.name, label); c.Message != want {
		g.t.Fatalf("barrier: got context %q, want %q", c.Message, want)
	}
}

// closedWith waits for the game's connection to end and returns the
// close code the relay sent.
func (p *peer) closedWith() int {
	p.t.Helper()
	for {
		_, err := p.conn.Read(testCtx(p.t))
		if err == nil {
			continue
		}
		code, _, ok := transport.CloseCode(err)
		if !ok {
			p.t.Fatalf("game %q: %v, want a close", p.name, err)
		}
		return code
	}
}

func (p *peer) String() string { return fmt.Sprintf("peer(%q)", p.name) }

// mustGame encodes m as game "G"'s frame.
func mustGame(t testing.TB, m message) []byte {
	t.Helper()
	f, err := encodeGame("G", m)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// mustServer encodes m as upstream's frame.
func mustServer(t testing.TB, m message) []byte {
	t.Helper()
	f, err := encodeServer(m)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
