package tictactoe

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// ackGate is a connection that holds Neuro's startup acknowledgement back
// (or drops it) and records whether the game sent context before the
// acknowledgement reached it.
type ackGate struct {
	transport.Conn
	drop bool // swallow the acknowledgement instead of holding it

	mu        sync.Mutex
	startedUp bool          // the game sent startup
	release   chan struct{} // closed at the game's first frame after startup
	released  bool
	delivered bool // the acknowledgement was handed to the game
	early     int  // context frames sent before it was
}

func command(frame []byte) string {
	var env struct {
		Command string `json:"command"`
	}
	_ = json.Unmarshal(frame, &env)
	return env.Command
}

// Read holds the acknowledgement until the game sends something after its
// startup, or holdFor passed: a game that waits for the acknowledgement
// gets it after holdFor, one that does not sends its rules first.
func (g *ackGate) Read(ctx context.Context) ([]byte, error) {
	const holdFor = 200 * time.Millisecond
	for {
		f, err := g.Conn.Read(ctx)
		if err != nil || command(f) != "startup" {
			return f, err
		}
		if g.drop {
			continue
		}
		timer := time.NewTimer(holdFor)
		select {
		case <-g.release:
		case <-timer.C:
		case <-ctx.Done():
		}
		timer.Stop()
		g.mu.Lock()
		g.delivered = true
		g.mu.Unlock()
		return f, nil
	}
}

func (g *ackGate) Write(ctx context.Context, frame []byte) error {
	cmd := command(frame)
	g.mu.Lock()
	switch {
	case cmd == "startup":
		g.startedUp = true
	case g.startedUp && !g.released:
		g.released = true
		close(g.release)
	}
	if cmd == "context" && !g.delivered {
		g.early++
	}
	g.mu.Unlock()
	return g.Conn.Write(ctx, frame)
}

// gateDialer dials with gorilla and puts each connection behind a gate;
// gates returns them.
func gateDialer(drop bool) (d transport.DialFunc, gates func() []*ackGate) {
	var (
		mu  sync.Mutex
		all []*ackGate
	)
	dial := gorilla.Dialer()
	d = func(ctx context.Context, url string) (transport.Conn, error) {
		c, err := dial(ctx, url)
		if err != nil {
			return nil, err
		}
		g := &ackGate{Conn: c, drop: drop, release: make(chan struct{})}
		mu.Lock()
		all = append(all, g)
		mu.Unlock()
		return g, nil
	}
	return d, func() []*ackGate {
		mu.Lock()
		defer mu.Unlock()
		return append([]*ackGate(nil), all...)
	}
}

// TestRunWaitsForAck: the rules go out after Neuro's acknowledgement, so
// the transcript always opens the same way, even when the acknowledgement
// is slow.
func TestRunWaitsForAck(t *testing.T) {
	s := neurotest.NewServer(t, server.WithReregisterOnConnect(true)) // as the demo's simulator
	dial, gates := gateDialer(false)
	_, out, err := play(t, testCtx(t), s.URL(), WithDialer(dial), WithAckWait(20*time.Second))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	g := gates()
	if len(g) != 1 {
		t.Fatalf("%d connections, want 1", len(g))
	}
	if g[0].early != 0 {
		t.Errorf("%d context messages sent before the startup acknowledgement", g[0].early)
	}
	lines := strings.Split(out, "\n")
	want := []string{"⇄ connected to " + s.URL(), "→ startup", "← actions/reregister_all", "← startup Neuro-sama", `→ context "Let's play`}
	if len(lines) < len(want) {
		t.Fatalf("transcript too short")
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want it to start with %q", i+1, lines[i], w)
		}
	}
}

// TestRunWithoutAck: a server that never acknowledges (one older than the
// acknowledgement) costs the ack wait, then the match is played.
func TestRunWithoutAck(t *testing.T) {
	s := neurotest.NewServer(t)
	dial, _ := gateDialer(true)
	score, out, err := play(t, testCtx(t), s.URL(), WithDialer(dial), WithAckWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := score.Neuro + score.Computer + score.Draws; n != 1 {
		t.Errorf("score %v: %d games, want 1", score, n)
	}
	if strings.Contains(out, "← startup") {
		t.Error("the dropped acknowledgement is in the transcript")
	}
	if ctxs := s.ContextLog(); len(ctxs) == 0 || ctxs[0].Message != Rules {
		t.Errorf("first context %+v, want the rules", ctxs)
	}
}
