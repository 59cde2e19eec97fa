package test

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/internal/tictactoe"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// demoWire returns what the game of connection gameID exchanged with sim,
// one token per message (startup, context, register, force, action,
// result✓, result✗, unregister), each followed by a space. A register
// that changes nothing is left out: the game's answer to the simulator's
// actions/reregister_all, which comes whenever the game reads it.
func demoWire(sim *server.Server, gameID string) string {
	var sb strings.Builder
	registered := map[string]bool{}
	for _, e := range sim.History() {
		if e.GameID != gameID || (e.Kind != server.EventReceived && e.Kind != server.EventSent) {
			continue
		}
		switch m := e.Message.(type) {
		case wire.Startup:
			clear(registered)
			sb.WriteString("startup ")
		case wire.ContextMessage:
			sb.WriteString("context ")
		case wire.RegisterActions:
			changed := false
			for _, a := range m.Actions {
				changed = changed || !registered[a.Name]
				registered[a.Name] = true
			}
			if changed {
				sb.WriteString("register ")
			}
		case wire.UnregisterActions:
			for _, name := range m.ActionNames {
				delete(registered, name)
			}
			sb.WriteString("unregister ")
		case neuro.ForceActions:
			sb.WriteString("force ")
		case wire.ActionRequest:
			sb.WriteString("action ")
		case neuro.ActionResult:
			if m.Success {
				sb.WriteString("result✓ ")
			} else {
				sb.WriteString("result✗ ")
			}
		}
	}
	return sb.String()
}

// demoTurn is one Neuro move as the acceptance asks: context → register →
// force → (action → failed result)* → action → unregister → result.
const demoTurn = `context register force (action result✗ )*action unregister result✓ `

// demoMatch is a whole session on one connection: startup, the rules,
// then per game its Neuro moves and the outcome as context.
var demoMatch = regexp.MustCompile(`^startup context ((` + demoTurn + `)+context )+$`)

func demoCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startDemoSimulator starts a simulator on addr the way cmd/demo embeds
// it (actions/reregister_all on connect included).
func startDemoSimulator(t *testing.T, addr string, opts ...server.Option) *server.Server {
	t.Helper()
	// Retries without limit, like the official mock: these tests check
	// that every turn ends in a success; a force given up after the real
	// server's limit is the SDK's re-force tests' business.
	opts = append([]server.Option{server.WithForceDelay(5 * time.Millisecond), server.WithRetries(-1),
		server.WithLogger(zaptest.NewLogger(t).Named("simulator"))}, opts...)
	sim := server.New(opts...)
	if err := sim.Start(addr, ""); err != nil {
		_ = sim.Close()
		t.Fatalf("starting the simulator on %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim
}

// TestDemoMatch plays three games of the demo over real sockets against a
// simulator that sends invalid data now and then: every Neuro move follows
// the acceptance order, at least one failed result is followed by a
// successful retry, nothing is left registered, and the simulator has
// nothing to complain about.
func TestDemoMatch(t *testing.T) {
	sim := startDemoSimulator(t, "127.0.0.1:0", server.WithSeed(21), server.WithErrorRate(0.3))
	var out strings.Builder
	score, err := tictactoe.Run(demoCtx(t), sim.URL(), &out,
		tictactoe.WithGames(3), tictactoe.WithSeed(21), tictactoe.WithLogger(zaptest.NewLogger(t)))
	t.Logf("transcript:\n%s", out.String())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := score.Neuro + score.Computer + score.Draws; n != 3 {
		t.Errorf("score %v: %d games, want 3", score, n)
	}
	if _, err := sim.WaitFor(demoCtx(t), func(e server.Event) bool { return e.Kind == server.EventDisconnected }); err != nil {
		t.Fatal(err)
	}
	w := demoWire(sim, "#1")
	if !demoMatch.MatchString(w) {
		t.Errorf("messages out of order:\n%s", w)
	}
	if !strings.Contains(w, "result✗ action unregister result✓") {
		t.Errorf("no failed result followed by a successful retry:\n%s", w)
	}
	if reg, err := sim.Registry("#1"); err != nil || len(reg) != 0 {
		t.Errorf("registry after the match: %v, %v", reg, err)
	}
	if ws := sim.Findings(); len(ws) != 0 {
		t.Errorf("simulator warnings: %v", ws)
	}
}

// demoStallSecond answers forces at random, except the second attempt of
// all, which it holds until its connection ends.
type demoStallSecond struct {
	count   atomic.Int32
	stalled chan struct{}
	random  *server.RandomPolicy
}

func (p *demoStallSecond) Choose(ctx context.Context, req server.ForceRequest) (server.Choice, error) {
	if p.count.Add(1) == 2 {
		close(p.stalled)
		<-ctx.Done()
		return server.Choice{}, ctx.Err()
	}
	return p.random.Choose(ctx, req)
}

// TestDemoSurvivesSimulatorRestart: the simulator dies during Neuro's
// second turn and a new one starts on the same port. The demo reconnects,
// registers the same play action again (the new simulator's registry
// equals the game's), forces the turn again, and finishes the match.
func TestDemoSurvivesSimulatorRestart(t *testing.T) {
	ctx := demoCtx(t)
	policy := &demoStallSecond{stalled: make(chan struct{}), random: server.NewRandomPolicy(4)}
	first := startDemoSimulator(t, "127.0.0.1:0", server.WithPolicy(policy))
	addr := first.Addr()

	type outcome struct {
		score tictactoe.Score
		out   string
		err   error
	}
	done := make(chan outcome, 1)
	go func() {
		var out strings.Builder
		score, err := tictactoe.Run(ctx, first.URL(), &out, tictactoe.WithSeed(4), tictactoe.WithLogger(zaptest.NewLogger(t)),
			tictactoe.WithReconnect(neuro.ReconnectPolicy{InitialDelay: 20 * time.Millisecond, MaxDelay: 200 * time.Millisecond, Jitter: 0.2, MaxAttempts: -1}))
		done <- outcome{score, out.String(), err}
	}()

	select {
	case <-policy.stalled:
	case <-ctx.Done():
		t.Fatal("the second turn was never forced")
	}
	before, err := first.Registry("#1")
	if err != nil || len(before) != 1 {
		t.Fatalf("registry before the crash: %v, %v", before, err)
	}
	_ = first.Close() // killed: no close handshake
	second := startDemoSimulator(t, addr, server.WithSeed(4))

	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		t.Fatal("the match did not finish after the restart")
	}
	t.Logf("transcript:\n%s", o.out)
	if o.err != nil {
		t.Fatalf("Run: %v", o.err)
	}
	if n := o.score.Neuro + o.score.Computer + o.score.Draws; n != 1 {
		t.Errorf("score %v, want one game", o.score)
	}
	// Run returns once the game closed; let the new simulator read
	// everything up to that close before looking at the wire.
	if _, err := second.WaitFor(ctx, func(e server.Event) bool { return e.Kind == server.EventDisconnected }); err != nil {
		t.Fatal(err)
	}
	// On the new simulator: startup, the registry, the force again, the
	// rest of the turn, then the other turns and the outcome.
	w := demoWire(second, "#1")
	if !regexp.MustCompile(`^startup register force (action result✗ )*action unregister result✓ (` + demoTurn + `)*context $`).MatchString(w) {
		t.Errorf("after the restart:\n%s", w)
	}
	var again []neuro.Action
	for _, e := range second.History() {
		if m, ok := e.Message.(wire.RegisterActions); ok {
			again = m.Actions
			break
		}
	}
	if !reflect.DeepEqual(demoJSON(t, before), demoJSON(t, again)) {
		t.Errorf("registered before the crash %+v, after %+v", before, again)
	}
	if !strings.Contains(o.out, "✗ connection lost: 1006; reconnecting…") || !strings.Contains(o.out, "⇄ reconnected to "+first.URL()) {
		t.Error("the transcript does not show the reconnect")
	}
	if reg, err := second.Registry("#1"); err != nil || len(reg) != 0 {
		t.Errorf("registry after the match: %v, %v", reg, err)
	}
	t.Logf("simulator warnings after the restart: %v", second.Findings())
}

// demoJSON normalises actions through JSON, so that schemas built in Go
// and decoded from the wire compare equal.
func demoJSON(t *testing.T, actions []neuro.Action) []byte {
	t.Helper()
	frame, err := wire.EncodeGame("g", wire.RegisterActions{Actions: actions})
	if err != nil {
		t.Fatal(err)
	}
	return frame
}
