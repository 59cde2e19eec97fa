package relay

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// TestHeldContextIsBounded drives the state directly: while upstream is
// down, context is held up to the bound (the oldest dropped and counted)
// and sent, in order, after startup and the registrations.
func TestHeldContextIsBounded(t *testing.T) {
	cfg, err := newConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := newState(&cfg, zap.NewNop(), func() {})
	g, err := s.addGame(&recorder{}, "test")
	if err != nil {
		t.Fatal(err)
	}
	s.gameFrame(g, mustGame(t, startupMsg{}))
	const sent = maxHeldContext + 44
	for i := range sent {
		s.gameFrame(g, mustGame(t, contextMsg{Message: fmt.Sprint(i), Silent: i%2 == 0}))
	}
	s.gameFrame(g, mustGame(t, registerMsg{Actions: []wireAction{{Name: "go"}}}))
	if s.counts.DroppedContext != sent-maxHeldContext {
		t.Fatalf("DroppedContext = %d, want %d", s.counts.DroppedContext, sent-maxHeldContext)
	}
	up := &recorder{}
	s.upConnected(up)
	if len(up.frames) != 2+maxHeldContext {
		t.Fatalf("%d frames upstream, want startup, the registration and %d contexts", len(up.frames), maxHeldContext)
	}
	for i, f := range up.frames {
		_, m, err := decodeGame(f)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case i == 0:
			if _, ok := m.(startupMsg); !ok {
				t.Fatalf("first frame %T", m)
			}
		case i == 1:
			if _, ok := m.(registerMsg); !ok {
				t.Fatalf("second frame %T", m)
			}
		default:
			n := sent - maxHeldContext + i - 2
			if c, ok := m.(contextMsg); !ok || c.Message != fmt.Sprintf("[G] %d", n) || c.Silent != (n%2 == 0) {
				t.Fatalf("frame %d: %T %+v, want context %d", i, m, m, n)
			}
		}
	}
	if len(s.held) != 0 {
		t.Fatalf("%d contexts still held", len(s.held))
	}
}

func TestRegistrationLimitsAndBadNames(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	g := h.startedGame("G")
	g.send(registerMsg{Actions: []wireAction{{Name: "Play Card"}, {Name: "play_card"}, {Name: "ok"}, {Name: "ok", Description: "again"}}})
	if got := upstreamNames(expect[registerMsg](up).Actions); !slices.Equal(got, []string{"g__play_card", "g__ok"}) {
		t.Fatalf("registered %q: the clash and the duplicate must be left out", got)
	}
	up.send(actionMsg{ID: "1", Name: "g__play_card"})
	if a := expect[actionMsg](g); a.Name != "Play Card" {
		t.Fatalf("the game got %q, want its own name back", a.Name)
	}

	many := make([]wireAction, maxActionsPerGame)
	for i := range many {
		many[i] = wireAction{Name: fmt.Sprintf("a%d", i)}
	}
	g.send(registerMsg{Actions: many})
	if n := len(expect[registerMsg](up).Actions); n != maxActionsPerGame-2 {
		t.Fatalf("%d more actions registered, want %d (the limit)", n, maxActionsPerGame-2)
	}
	if n := h.r.Status().Counters.RefusedActions; n != 3 {
		t.Fatalf("RefusedActions = %d, want 3", n)
	}
}

func TestHandlerOverSockets(t *testing.T) {
	r, err := New("ws://127.0.0.1:1", WithReadLimit(512), WithStatusHosts("relay.lan"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.Handler())
	defer func() {
		_ = r.Close()
		srv.Close()
	}()

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUpgradeRequired {
		t.Fatalf("plain GET: %d, want 426", resp.StatusCode)
	}

	ctx := testCtx(t)
	conn, err := gorilla.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/any/path")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	frame, _ := encodeGame("G", contextMsg{Message: strings.Repeat("x", 600)})
	if err := conn.Write(ctx, frame); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Read(ctx)
	if code, _, _ := transport.CloseCode(err); code != transport.CloseMessageTooBig {
		t.Fatalf("a frame over the read limit: %v, want close 1009", err)
	}

	req := httptest.NewRequest(http.MethodGet, "http://relay.lan:8002/state", nil)
	rec := httptest.NewRecorder()
	r.StatusHandler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("a host given by WithStatusHosts: %d", rec.Code)
	}
}

func TestRunNeedsAGamesListener(t *testing.T) {
	r, err := New("ws://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Run(context.Background(), nil, nil); err == nil {
		t.Fatal("Run without a listener for games returned nil")
	}
}

func TestGameLeavingWithManyPendingKeepsUpstream(t *testing.T) {
	// More actions pending for one game than a connection's queue holds
	// (1024 frames): when the game leaves, every one is answered upstream
	// with a failed result, and upstream stays connected.
	const n = outboxFrames + 100
	h := newHarness(t)
	up := h.upstream()
	g := h.startedGame("G", "go")
	expect[registerMsg](up)
	for i := range n {
		up.send(actionMsg{ID: fmt.Sprint(i), Name: "g__go"})
		expect[actionMsg](g) // the game reads, and answers none
	}
	_ = g.conn.CloseNow()
	expect[unregisterMsg](up)
	failed := make(map[string]bool, n)
	for range n {
		r := expect[resultMsg](up)
		if r.Success {
			t.Fatalf("result %+v for an action of a game that left", r)
		}
		failed[r.ID] = true
	}
	if len(failed) != n {
		t.Fatalf("%d distinct ids answered, want %d", len(failed), n)
	}
	other := h.startedGame("H", "go") // upstream still carries frames
	if reg := expect[registerMsg](up); len(reg.Actions) != 1 {
		t.Fatalf("register %+v", reg)
	}
	barrier(other, up, "still connected")
}
