package tictactoe

import (
	"context"
	"errors"
	"net"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// playAction is the play action a window registers when the free
// cells are free.
func playAction(t *testing.T, free ...int) neuro.Action {
	t.Helper()
	spec, err := neuro.TypedSpec(PlayAction, playDescription, func(context.Context, Move) neuro.Result { return neuro.Success("") }, neuro.Among("cell", free...))
	if err != nil {
		t.Fatal(err)
	}
	return spec.Action
}

func TestPlayActionSchema(t *testing.T) {
	a := playAction(t, 3, 5, 9)
	cell, _ := a.Schema["properties"].(map[string]any)["cell"].(map[string]any)
	if a.Name != PlayAction || a.Description != playDescription || !reflect.DeepEqual(cell["enum"], []any{3, 5, 9}) ||
		!reflect.DeepEqual(a.Schema["required"], []any{"cell"}) && !reflect.DeepEqual(a.Schema["required"], []string{"cell"}) {
		t.Errorf("play action %+v", a)
	}
}

// play runs a session against url and returns its score, transcript and
// error.
func play(t *testing.T, ctx context.Context, url string, opts ...Option) (Score, string, error) {
	t.Helper()
	var out strings.Builder
	opts = append([]Option{WithLogger(zaptest.NewLogger(t))}, opts...)
	score, err := Run(ctx, url, &out, opts...)
	t.Logf("transcript:\n%s", out.String())
	return score, out.String(), err
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wireLog returns what game gameID exchanged with the simulator, one token
// per message: startup, context, register, force, action (sent by Neuro),
// result✓ / result✗, unregister, joined by spaces (with a trailing one).
func wireLog(sim *server.Server, gameID string) string {
	var sb strings.Builder
	for _, e := range sim.History() {
		if e.GameID != gameID {
			continue
		}
		tok := ""
		switch m := e.Message.(type) {
		case wire.Startup:
			tok = "startup"
		case wire.ContextMessage:
			tok = "context"
		case wire.RegisterActions:
			tok = "register"
		case wire.UnregisterActions:
			tok = "unregister"
		case neuro.ForceActions:
			tok = "force"
		case neuro.ActionResult:
			tok = "result✗"
			if m.Success {
				tok = "result✓"
			}
		case wire.ActionRequest:
			tok = "action"
		}
		if tok != "" && (e.Kind == server.EventReceived || e.Kind == server.EventSent) {
			sb.WriteString(tok + " ")
		}
	}
	return sb.String()
}

// matchOrder is the acceptance order of a whole session on one
// connection: startup, the rules, then per game, for every Neuro move,
// context → register → force → (action → failed result)* → action →
// unregister → successful result, and the outcome as context.
var matchOrder = regexp.MustCompile(`^startup context ((context register force (action result✗ )*action unregister result✓ )+context )+$`)

// checkTurns checks every Neuro turn of game gameID: the force's state
// shows the free cells that the play action's schema lists, and every
// failed result says which cells are free.
func checkTurns(t *testing.T, sim *server.Server, gameID string) (failures int) {
	t.Helper()
	var free []int
	for _, e := range sim.History() {
		if e.GameID != gameID || e.Kind != server.EventReceived {
			continue
		}
		switch m := e.Message.(type) {
		case wire.RegisterActions:
			free = nil
			for _, a := range m.Actions {
				enum, _ := a.Schema["properties"].(map[string]any)["cell"].(map[string]any)["enum"].([]any)
				for _, v := range enum {
					free = append(free, int(v.(float64)))
				}
			}
		case neuro.ForceActions:
			if want := "Free cells: " + JoinCells(free) + "."; !strings.Contains(m.State, want) {
				t.Errorf("force state %q does not say %q", m.State, want)
			}
		case neuro.ActionResult:
			if m.Success {
				continue
			}
			failures++
			if strings.HasPrefix(m.Message, "data is not valid JSON") {
				continue // the component's message; see the report
			}
			if !strings.Contains(m.Message, JoinCells(free)) {
				t.Errorf("failed result %q does not list the free cells %s", m.Message, JoinCells(free))
			}
		}
	}
	return failures
}

// TestRunMatch plays two seeded games against the simulator over real
// sockets and checks the whole conversation.
func TestRunMatch(t *testing.T) {
	s := neurotest.NewServer(t, server.WithSeed(11))
	score, out, err := play(t, testCtx(t), s.URL(), WithGames(2), WithSeed(11))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := score.Neuro + score.Computer + score.Draws; n != 2 {
		t.Errorf("score %v: %d games, want 2", score, n)
	}
	if code, reason := s.WaitDisconnected(); code != 1000 || reason != "match over" {
		t.Errorf("closed with %d %q, want 1000 \"match over\"", code, reason)
	}
	sim := s.Simulator()
	if w := wireLog(sim, "#1"); !matchOrder.MatchString(w) {
		t.Errorf("messages out of order:\n%s", w)
	}
	if n := checkTurns(t, sim, "#1"); n != 0 {
		t.Errorf("%d failed results without errors injected", n)
	}
	if reg := s.Registry(); len(reg) != 0 {
		t.Errorf("actions left registered: %v", reg)
	}
	if ctxs := s.ContextLog(); len(ctxs) == 0 || ctxs[0].Message != Rules || !ctxs[0].Silent {
		t.Errorf("first context %+v, want the rules, silent", ctxs)
	}
	s.RequireNoWarnings()
	for _, want := range []string{
		"⇄ connected to " + s.URL(), "→ startup", `→ context "Let's play tic-tac-toe!`, "── Game 1 of 2 · Neuro (O) moves first ──",
		"── Game 2 of 2 · the computer (X) moves first ──", "→ actions/register play(cell ∈ 1,2,3,4,5,6,7,8,9)",
		`→ actions/force "Your move: pick a free cell for your O." [play]`, "← action play {\"cell\":", "→ actions/unregister play",
		"✓", "Neuro (O) plays ", "The computer (X) plays ", "Final score: " + score.String(), `→ close 1000 "match over"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
}

// TestRunFlakyRetries: with invalid data now and then, failed results
// come back with what to send, Neuro retries, and the match finishes.
func TestRunFlakyRetries(t *testing.T) {
	s := neurotest.NewServer(t, server.WithSeed(3), server.WithErrorRate(0.5))
	_, out, err := play(t, testCtx(t), s.URL(), WithGames(2), WithSeed(3))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	s.WaitDisconnected()
	sim := s.Simulator()
	w := wireLog(sim, "#1")
	if !matchOrder.MatchString(w) {
		t.Errorf("messages out of order:\n%s", w)
	}
	if !strings.Contains(w, "result✗ action unregister result✓") {
		t.Errorf("no failed result followed by a successful retry:\n%s", w)
	}
	if n := checkTurns(t, sim, "#1"); n == 0 {
		t.Error("no failed result")
	}
	if !strings.Contains(out, "✗ ") {
		t.Error("the transcript shows no failed result")
	}
	s.RequireNoWarnings()
}

// takenCellPolicy answers the first attempt of each force with a taken
// cell (when there is one), like a player who misread the board, and the
// retries with a free one.
type takenCellPolicy struct{ random *server.RandomPolicy }

func (p takenCellPolicy) Choose(ctx context.Context, req server.ForceRequest) (server.Choice, error) {
	if req.Attempt == 1 {
		free := map[int]bool{}
		enum, _ := req.Actions[0].Schema["properties"].(map[string]any)["cell"].(map[string]any)["enum"].([]any)
		for _, v := range enum {
			free[int(v.(float64))] = true
		}
		for cell := 1; cell <= 9; cell++ {
			if !free[cell] {
				return server.Choice{Name: PlayAction, Data: `{"cell": ` + string(rune('0'+cell)) + `}`, HasData: true}, nil
			}
		}
	}
	return p.random.Choose(ctx, req)
}

// TestRunTakenCell: a move on a taken cell is failed with the free cells,
// and the retry wins the turn.
func TestRunTakenCell(t *testing.T) {
	s := neurotest.NewServer(t, server.WithSeed(5), server.WithPolicy(takenCellPolicy{server.NewRandomPolicy(5)}))
	if _, _, err := play(t, testCtx(t), s.URL(), WithSeed(5)); err != nil {
		t.Fatalf("Run: %v", err)
	}
	s.WaitDisconnected()
	w := wireLog(s.Simulator(), "#1")
	if !matchOrder.MatchString(w) {
		t.Errorf("messages out of order:\n%s", w)
	}
	// Every turn but the first (an empty board) starts with a taken cell.
	if turns, fails := strings.Count(w, "force"), checkTurns(t, s.Simulator(), "#1"); fails != turns-1 {
		t.Errorf("%d failed results for %d turns, want %d", fails, turns, turns-1)
	}
	s.RequireNoWarnings()
}

// stallPolicy answers forces like the default policy, except attempt
// number n (counting every attempt of every force from 1; every one when
// n < 0), which it holds until the connection ends.
type stallPolicy struct {
	n       int32
	count   atomic.Int32
	stalled chan struct{} // closed when the first stall starts
	once    atomic.Bool
	random  *server.RandomPolicy
}

func newStallPolicy(n int32, seed int64) *stallPolicy {
	return &stallPolicy{n: n, stalled: make(chan struct{}), random: server.NewRandomPolicy(seed)}
}

func (p *stallPolicy) Choose(ctx context.Context, req server.ForceRequest) (server.Choice, error) {
	if c := p.count.Add(1); p.n < 0 || c == p.n {
		if p.once.CompareAndSwap(false, true) {
			close(p.stalled)
		}
		<-ctx.Done()
		return server.Choice{}, ctx.Err()
	}
	return p.random.Choose(ctx, req)
}

func (p *stallPolicy) wait(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case <-p.stalled:
	case <-ctx.Done():
		t.Fatal("the simulator never got the force to stall")
	}
}

// TestRunSurvivesDisconnect: the simulator drops the game while Neuro's
// second move is being forced. The component reconnects, sends startup
// and the play action again, the window forces again, and the match goes
// on to its end.
func TestRunSurvivesDisconnect(t *testing.T) {
	ctx := testCtx(t)
	p := newStallPolicy(2, 8)
	s := neurotest.NewServer(t, server.WithSeed(8), server.WithPolicy(p))
	type outcome struct {
		score Score
		out   string
		err   error
	}
	done := make(chan outcome, 1)
	go func() {
		score, out, err := play(t, ctx, s.URL(), WithSeed(8), WithReconnect(neuro.ReconnectPolicy{InitialDelay: 20 * time.Millisecond, MaxDelay: 100 * time.Millisecond, MaxAttempts: -1}))
		done <- outcome{score, out, err}
	}()
	p.wait(t, ctx)
	sim := s.Simulator()
	before, err := sim.Registry("#1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Disconnect("#1", 1001, "restarting"); err != nil {
		t.Logf("Disconnect: %v", err) // the connection is gone either way
	}
	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		t.Fatal("Run did not finish after the reconnect")
	}
	if o.err != nil {
		t.Fatalf("Run: %v", o.err)
	}
	if n := o.score.Neuro + o.score.Computer + o.score.Draws; n != 1 {
		t.Errorf("score %v, want one game", o.score)
	}
	// Run returns once the game closed; wait until the simulator has read
	// everything up to that close before looking at the wire.
	s.WithGame("#2").WaitDisconnected()
	first, second := wireLog(sim, "#1"), wireLog(sim, "#2")
	if !regexp.MustCompile(`^startup context context register force action unregister result✓ context register force $`).MatchString(first) {
		t.Errorf("first connection:\n%s", first)
	}
	// The second connection picks the turn up: startup, the registry (the
	// same play action), the force again; then the match goes on.
	if !regexp.MustCompile(`^startup register force (action result✗ )*action unregister result✓ ((context register force (action result✗ )*action unregister result✓ )*context )?$`).MatchString(second) {
		t.Errorf("second connection:\n%s", second)
	}
	var after []neuro.Action
	for _, e := range sim.History() {
		if m, ok := e.Message.(wire.RegisterActions); ok && e.GameID == "#2" {
			after = m.Actions
			break
		}
	}
	if len(before) != 1 || len(after) != 1 || signature(before[0]) != signature(after[0]) {
		t.Errorf("registry before the drop %v, registered again %v", before, after)
	}
	// The code is 1001 "restarting", or 1006 when the simulator's close
	// handshake loses a race with its own read loop (see the report).
	for _, want := range []string{"✗ connection lost: 100", "; reconnecting…", "⇄ reconnected to "} {
		if !strings.Contains(o.out, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
}

// TestRunGivesUpReconnecting: the simulator goes away for good mid-match;
// Run ends with an error once the reconnect policy gives up.
func TestRunGivesUpReconnecting(t *testing.T) {
	ctx := testCtx(t)
	p := newStallPolicy(1, 1)
	s := neurotest.NewServer(t, server.WithPolicy(p))
	done := make(chan error, 1)
	go func() {
		_, _, err := play(t, ctx, s.URL(), WithReconnect(neuro.ReconnectPolicy{InitialDelay: 10 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxAttempts: 3}))
		done <- err
	}()
	p.wait(t, ctx)
	s.Close()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
			t.Errorf("Run = %v, want it to give up after 3 attempts", err)
		}
	case <-ctx.Done():
		t.Fatal("Run did not give up")
	}
}

// TestRunNeuroNeverMoves: a Neuro that never answers gets the turn asked
// again a few times, then Run gives up with an error.
func TestRunNeuroNeverMoves(t *testing.T) {
	s := neurotest.NewServer(t, server.WithPolicy(newStallPolicy(-1, 1)))
	_, out, err := play(t, testCtx(t), s.URL(), WithTurnTimeout(50*time.Millisecond))
	if err == nil || !strings.Contains(err.Error(), "no valid move from Neuro after asking 3 times") {
		t.Fatalf("Run = %v, want it to give up on Neuro", err)
	}
	if n := strings.Count(out, "asking again"); n != 2 {
		t.Errorf("asked again %d times, want 2", n)
	}
	s.WaitDisconnected()
	// Each window closed unregisters its action before the next opens.
	if w := wireLog(s.Simulator(), "#1"); !regexp.MustCompile(`^startup context (context register force unregister ){3}$`).MatchString(w) {
		t.Errorf("messages:\n%s", w)
	}
}

// TestRunCancelled: cancelling mid-turn closes the window (its action is
// unregistered) and stops the component with 1001.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(testCtx(t))
	p := newStallPolicy(1, 1)
	s := neurotest.NewServer(t, server.WithPolicy(p))
	done := make(chan error, 1)
	go func() {
		_, _, err := play(t, ctx, s.URL())
		done <- err
	}()
	p.wait(t, testCtx(t))
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if code, reason := s.WaitDisconnected(); code != 1001 || reason != "game closed" {
		t.Errorf("closed with %d %q", code, reason)
	}
	if w := wireLog(s.Simulator(), "#1"); w != "startup context context register force unregister " {
		t.Errorf("messages: %s", w)
	}
}

// TestRunConnectError: nobody listens at the URL: Run tries for the
// connect wait, then fails with a *ConnectError.
func TestRunConnectError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "ws://" + l.Addr().String()
	_ = l.Close()
	_, out, err := play(t, testCtx(t), url, WithConnectWait(200*time.Millisecond),
		WithReconnect(neuro.ReconnectPolicy{InitialDelay: 20 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxAttempts: -1}))
	var ce *ConnectError
	if !errors.As(err, &ce) || ce.URL != url {
		t.Fatalf("Run = %v, want a *ConnectError", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "cannot reach Neuro at "+url+" (tried for 200ms): ") || strings.Contains(msg, "\n") {
		t.Errorf("error %q", msg)
	}
	if !strings.Contains(out, "… no Neuro at "+url+" yet") {
		t.Errorf("transcript lacks the retry line")
	}
}

func TestScoreString(t *testing.T) {
	if got := (Score{Neuro: 1, Computer: 2, Draws: 3}).String(); got != "Neuro 1 · computer 2 · draws 3" {
		t.Errorf("String() = %q", got)
	}
}
