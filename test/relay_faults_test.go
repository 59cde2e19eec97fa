package test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/neuro/server"
)

// TestRelayUpstreamKilledMidMatch kills the simulator (cmd/neuro-server,
// SIGKILL) while three games play through the relay, and starts another
// on the same port. The games never notice: the relay keeps them
// connected, registers everything again and sends the force in flight
// again; every game finishes and the new simulator has nothing left
// waiting.
func TestRelayUpstreamKilledMidMatch(t *testing.T) {
	faultLeakCheck(t)
	bin := neuroServerBinary(t)
	addr := faultFreeAddr(t)
	client := httpClient(t)
	// Profile randy retries failed forces without limit: this test is
	// about the kill, not about forces the real Neuro gives up.
	first := startNeuroServer(t, bin, "-ws-addr", addr, "-http-addr", "127.0.0.1:0",
		"-profile", "randy", "-force-delay", "20ms", "-seed", "1", "-log-level", "info")
	rig := startRelay(t, "ws://"+addr)
	ctx := relayCtx(t)

	counter := &counterGame{name: "Counter", rounds: 8}
	done := make(chan []relayResult, 1)
	go func() {
		done <- relayPlay(
			relayDemo(t, ctx, rig.url, 3, 11),
			relayDemo(t, ctx, rig.url, 3, 12),
			func() relayResult { return relayResult{name: "counter", err: counter.play(ctx, rig.url)} },
		)
	}()

	// A few moves in, kill Neuro.
	pollState(t, client, first.httpURL, "a few results", func(st server.State) bool {
		return len(st.Games) == 1 && len(st.Games[0].Results) >= 4
	})
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.exit(t)
	second := startNeuroServer(t, bin, "-ws-addr", addr, "-http-addr", "127.0.0.1:0",
		"-profile", "randy", "-force-delay", "5ms", "-seed", "2", "-log-level", "info")

	var results []relayResult
	select {
	case results = <-done:
	case <-ctx.Done():
		t.Fatal("the games did not finish")
	}
	for _, r := range results {
		if r.err != nil {
			t.Errorf("%s: %v\n%s", r.name, r.err, r.out)
		}
	}
	for _, r := range results[:2] {
		if n := r.score.Neuro + r.score.Computer + r.score.Draws; n != 3 {
			t.Errorf("%s played %d games (%v), want 3", r.name, n, r.score)
		}
	}

	st := pollState(t, client, second.httpURL, "the relay with nothing registered or pending", func(st server.State) bool {
		return len(st.Games) == 1 && st.Games[0].Connected && st.Games[0].StartedUp &&
			len(st.Games[0].Actions) == 0 && len(st.Games[0].Pending) == 0
	})
	g := st.Games[0]
	for _, r := range g.Results {
		if r.TimedOut {
			t.Errorf("action left unanswered upstream: %+v", r.PendingAction)
		}
	}
	if len(g.Results) == 0 {
		t.Error("the new simulator served nothing: the kill came too late to test anything")
	}
	for _, w := range g.Findings {
		t.Errorf("new simulator warning: %v", w)
	}
	if s := rig.r.Status(); s.Upstream.Connections < 2 || len(s.Games) != 0 {
		t.Errorf("relay status after the match: %+v", s.Upstream)
	}
}

// TestRelayGameKilledMidForce kills one game while Neuro's answer to its
// force waits for its result. The relay answers that action upstream
// with a failed result and unregisters the game's action; the other
// games finish; nothing is left unanswered. The simulator then drops
// the dead game's force (its retry finds nothing registered): the only
// warnings are about that force.
func TestRelayGameKilledMidForce(t *testing.T) {
	sim := server.New(server.WithSeed(5), server.WithForceDelay(5*time.Millisecond),
		server.WithEventHistory(100000), server.WithLogger(zaptest.NewLogger(t).Named("simulator")))
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	rig := startRelay(t, sim.URL())
	ctx := relayCtx(t)

	killed := make(chan string, 1)
	victim := &counterGame{name: "Victim", rounds: 3, onAction: func(id string) bool {
		killed <- id
		return false // the game dies holding the action: its socket is dropped
	}}
	results := relayPlay(
		relayDemo(t, ctx, rig.url, 2, 21),
		relayDemo(t, ctx, rig.url, 2, 22),
		func() relayResult { return relayResult{name: "victim", err: victim.play(ctx, rig.url)} },
	)
	if !errors.Is(results[2].err, errKilled) {
		t.Fatalf("the victim ended with %v", results[2].err)
	}
	for _, r := range results[:2] {
		if r.err != nil {
			t.Errorf("%s: %v\n%s", r.name, r.err, r.out)
		}
		if n := r.score.Neuro + r.score.Computer + r.score.Draws; n != 2 {
			t.Errorf("%s played %d games (%v), want 2", r.name, n, r.score)
		}
	}

	id := <-killed
	e, err := sim.WaitFor(ctx, server.IsResult(id))
	if err != nil {
		t.Fatal(err)
	}
	if r := e.Result; r.Success || r.TimedOut || !strings.Contains(r.Message, "disconnected") {
		t.Errorf("the dead game's action was answered %+v, want a failed result saying it disconnected", r)
	}
	relaySettled(t, ctx, sim)
	for _, r := range sim.Results() {
		if r.TimedOut {
			t.Errorf("action left unanswered upstream: %+v", r.PendingAction)
		}
	}
	for _, w := range sim.Findings() {
		about := strings.Contains(w.Detail, "[Victim]")
		if !about || (w.Kind != server.FindingForceUnregistered && w.Kind != server.FindingForceWhilePending) {
			t.Errorf("simulator warning not about the dead game's force: %v", w)
		}
	}
	if c := rig.r.Status().Counters; c.AnsweredForGames != 1 {
		t.Errorf("relay answered %d actions for games, want 1", c.AnsweredForGames)
	}
}
