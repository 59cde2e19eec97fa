package test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/neuro/server"
)

// TestRelayThreeGamesOneNeuro plays two demo games (same name) and the
// counter game at once through one relay to one simulator that sends bad
// data now and then. Every game finishes; the simulator sees one game
// (the relay) with namespaced actions, one force at a time, every action
// answered, and nothing to warn about.
func TestRelayThreeGamesOneNeuro(t *testing.T) {
	sim := server.New(server.WithSeed(7), server.WithForceDelay(5*time.Millisecond), server.WithErrorRate(0.2),
		server.WithEventHistory(100000), server.WithLogger(zaptest.NewLogger(t).Named("simulator")))
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	rig := startRelay(t, sim.URL())
	ctx := relayCtx(t)

	counter := &counterGame{name: "Counter", rounds: 6}
	results := relayPlay(
		relayDemo(t, ctx, rig.url, 2, 1),
		relayDemo(t, ctx, rig.url, 2, 2),
		func() relayResult { return relayResult{name: "counter", err: counter.play(ctx, rig.url)} },
	)
	for _, r := range results {
		if r.err != nil {
			t.Errorf("%s: %v\n%s", r.name, r.err, r.out)
		}
	}
	for _, r := range results[:2] {
		if n := r.score.Neuro + r.score.Computer + r.score.Draws; n != 2 {
			t.Errorf("%s played %d games (%v), want 2", r.name, n, r.score)
		}
	}

	// The games are gone: the relay unregistered what they left.
	games := sim.Games()
	if len(games) != 1 || games[0].Name != "Neuro Relay" {
		t.Fatalf("the simulator saw %d games, want only the relay", len(games))
	}
	relaySettled(t, ctx, sim)
	prefixes := map[string]bool{}
	for _, name := range relayRegistered(sim) {
		p, _, ok := strings.Cut(name, "__")
		if !ok {
			t.Errorf("action %q registered upstream without a prefix", name)
		}
		prefixes[p] = true
	}
	want := []string{"counter", "tic_tac_toe_neurokit_demo", "tic_tac_toe_neurokit_demo-2"}
	got := make([]string, 0, len(prefixes))
	for p := range prefixes {
		got = append(got, p)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("prefixes upstream %q, want %q", got, want)
	}

	forces := relayForcesNeverOverlap(t, sim)
	failed := 0
	for _, r := range sim.Results() {
		if r.TimedOut {
			t.Errorf("action left unanswered upstream: %+v", r.PendingAction)
		}
		if !r.Success {
			failed++
		}
	}
	if ws := sim.Findings(); len(ws) != 0 {
		t.Errorf("simulator warnings: %v", ws)
	}
	c := rig.r.Status().Counters
	if c.DroppedResults != 0 || c.RefusedForces != 0 || c.Malformed != 0 || c.ForcesTimedOut != 0 || c.AnsweredForGames != 0 {
		t.Errorf("relay counters %+v", c)
	}
	t.Logf("%d forces, %d actions (%d failed and retried) through the relay", forces, c.Actions, failed)
	if failed == 0 {
		t.Errorf("no failed result: the retry path was not exercised (seed)")
	}
}
