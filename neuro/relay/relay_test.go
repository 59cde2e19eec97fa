package relay

import (
	"slices"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/transport"
)

func upstreamNames(acts []wireAction) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		out[i] = a.Name
	}
	return out
}

func TestActionsNamespacedAndRouted(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	g := h.game("Tic-tac-toe")
	g.send(startupMsg{})
	g.send(registerMsg{Actions: []wireAction{{
		Name: "play", Description: "Put your O in a free cell.",
		Schema: map[string]any{"type": "object", "properties": map[string]any{"cell": map[string]any{"type": "integer"}}},
	}}})
	reg := expect[registerMsg](up)
	if len(reg.Actions) != 1 {
		t.Fatalf("registered %+v", reg.Actions)
	}
	a := reg.Actions[0]
	if a.Name != "tic_tac_toe__play" || a.Description != "[Tic-tac-toe] Put your O in a free cell." || a.Schema["type"] != "object" {
		t.Fatalf("upstream registration %+v", a)
	}

	up.send(actionMsg{ID: "a1", Name: "tic_tac_toe__play", Data: `{"cell":5}`, HasData: true})
	got := expect[actionMsg](g)
	if got.ID != "a1" || got.Name != "play" || got.Data != `{"cell":5}` || !got.HasData {
		t.Fatalf("the game got %+v", got)
	}
	g.send(resultMsg{ID: "a1", Success: true, Message: "placed"})
	if r := expect[resultMsg](up); r != (resultMsg{ID: "a1", Success: true, Message: "placed"}) {
		t.Fatalf("upstream got %+v", r)
	}
	st := h.r.Status()
	if len(st.Games) != 1 || st.Games[0].Prefix != "tic_tac_toe" || st.Counters.Actions != 1 || st.Counters.Results != 1 {
		t.Fatalf("status %+v", st)
	}
}

func TestSameNameGamesGetDistinctPrefixes(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a := h.startedGame("Chess", "move")
	if got := upstreamNames(expect[registerMsg](up).Actions); !slices.Equal(got, []string{"chess__move"}) {
		t.Fatalf("first game registered %q", got)
	}
	b := h.startedGame("Chess", "move")
	if got := upstreamNames(expect[registerMsg](up).Actions); !slices.Equal(got, []string{"chess-2__move"}) {
		t.Fatalf("second game registered %q", got)
	}
	up.send(actionMsg{ID: "x", Name: "chess-2__move"})
	if got := expect[actionMsg](b); got.Name != "move" || got.ID != "x" {
		t.Fatalf("second game got %+v", got)
	}
	up.send(actionMsg{ID: "y", Name: "chess__move"})
	if got := expect[actionMsg](a); got.ID != "y" {
		t.Fatalf("first game got %+v", got)
	}
}

func TestConfiguredPrefix(t *testing.T) {
	if _, err := New("ws://x", WithPrefixes(map[string]string{"A": "Bad Prefix"})); err == nil {
		t.Fatal("New accepted an invalid prefix")
	}
	h := newHarness(t, WithPrefixes(map[string]string{"Tic-tac-toe": "ttt"}))
	up := h.upstream()
	h.startedGame("Tic-tac-toe", "play")
	if got := upstreamNames(expect[registerMsg](up).Actions); !slices.Equal(got, []string{"ttt__play"}) {
		t.Fatalf("registered %q", got)
	}
}

func TestStartupClearsOnlyThatGame(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a := h.startedGame("A", "one", "two")
	expect[registerMsg](up)
	b := h.startedGame("B", "one")
	expect[registerMsg](up)

	a.send(startupMsg{})
	if un := expect[unregisterMsg](up); !slices.Equal(un.ActionNames, []string{"a__one", "a__two"}) {
		t.Fatalf("startup of A unregistered %q", un.ActionNames)
	}
	barrier(a, up, "after startup")
	up.send(actionMsg{ID: "1", Name: "a__one"})
	if r := expect[resultMsg](up); r.ID != "1" || r.Success || !strings.Contains(r.Message, "a__one") {
		t.Fatalf("an action of A's cleared registry got %+v", r)
	}
	up.send(actionMsg{ID: "2", Name: "b__one"})
	if got := expect[actionMsg](b); got.Name != "one" {
		t.Fatalf("B got %+v", got)
	}
}

func TestContextTagged(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	g := h.startedGame("Snake")
	for _, c := range []struct {
		in     contextMsg
		upward string
	}{
		{contextMsg{Message: "You ate an apple.", Silent: false}, "[Snake] You ate an apple."},
		{contextMsg{Message: "Length 4.", Silent: true}, "[Snake] Length 4."},
		{contextMsg{Message: "## Board\n. . .", Silent: true}, "[Snake]\n## Board\n. . ."},
	} {
		g.send(c.in)
		got := expect[contextMsg](up)
		if got.Message != c.upward || got.Silent != c.in.Silent {
			t.Errorf("context %+v went up as %+v, want %q silent %v", c.in, got, c.upward, c.in.Silent)
		}
	}
}

func TestUnknownActionAnsweredAtOnce(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	up.send(actionMsg{ID: "9", Name: "nobody__jump"})
	r := expect[resultMsg](up)
	if r.ID != "9" || r.Success || !strings.Contains(r.Message, "nobody__jump") {
		t.Fatalf("got %+v", r)
	}
	up.sendRaw(`{"command":"action","data":{"id":"10","name":7}}`)
	if r := expect[resultMsg](up); r.ID != "10" || r.Success {
		t.Fatalf("a malformed action got %+v", r)
	}
}

func TestLateAndForeignResultsDropped(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a := h.startedGame("A", "go")
	expect[registerMsg](up)
	b := h.startedGame("B", "go")
	expect[registerMsg](up)

	up.send(actionMsg{ID: "p", Name: "a__go"})
	expect[actionMsg](a)
	b.send(resultMsg{ID: "p", Success: true}) // not B's to answer
	barrier(b, up, "b sent a foreign result")
	a.send(resultMsg{ID: "p", Success: true})
	if r := expect[resultMsg](up); r.ID != "p" || !r.Success {
		t.Fatalf("got %+v", r)
	}
	a.send(resultMsg{ID: "p", Success: false, Message: "again"}) // late
	barrier(a, up, "a sent a late result")
	if n := h.r.Status().Counters.DroppedResults; n != 2 {
		t.Fatalf("DroppedResults = %d, want 2", n)
	}
}

func TestMalformedGameInputIsNotFatal(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	g := h.startedGame("G", "go")
	expect[registerMsg](up)
	for _, junk := range []string{`not json`, `[]`, `{"command":7}`, `{"command":"context","game":"G","data":{"message":3}}`, `{}`} {
		g.sendRaw(junk)
	}
	g.send(unknownMsg{Cmd: "voice/start"})
	if u := expect[unknownMsg](up); u.Cmd != "voice/start" {
		t.Fatalf("unknown command went up as %+v", u)
	}
	barrier(g, up, "still here")
	if n := h.r.Status().Counters.Malformed; n != 5 {
		t.Fatalf("Malformed = %d, want 5", n)
	}
}

func TestGameLeavingAnswersPendingAndUnregisters(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	g := h.startedGame("G", "go", "stay")
	expect[registerMsg](up)
	up.send(actionMsg{ID: "p1", Name: "g__go"})
	expect[actionMsg](g)
	_ = g.conn.CloseNow()
	if un := expect[unregisterMsg](up); !slices.Equal(un.ActionNames, []string{"g__go", "g__stay"}) {
		t.Fatalf("unregistered %q", un.ActionNames)
	}
	r := expect[resultMsg](up)
	if r.ID != "p1" || r.Success || !strings.Contains(r.Message, "disconnected") {
		t.Fatalf("pending action answered %+v", r)
	}
	if code, _, _ := transport.CloseCode(g.served()); code != transport.CloseAbnormal {
		t.Fatalf("ServeConn after the game dropped: %v, want its close error (1006)", g.err)
	}

	// The same game comes back: same prefix, registration goes up again.
	back := h.startedGame("G", "go")
	if got := upstreamNames(expect[registerMsg](up).Actions); !slices.Equal(got, []string{"g__go"}) {
		t.Fatalf("the returning game registered %q", got)
	}
	up.send(actionMsg{ID: "p2", Name: "g__go"})
	if got := expect[actionMsg](back); got.ID != "p2" {
		t.Fatalf("returning game got %+v", got)
	}
}

func TestTooManyGames(t *testing.T) {
	h := newHarness(t, WithMaxGames(1))
	up := h.upstream()
	barrier(h.startedGame("One"), up, "one connected")
	two := h.game("Two")
	if code := two.closedWith(); code != transport.ClosePolicyViolation {
		t.Fatalf("the second game was closed with %d, want 1008", code)
	}
	if err := two.served(); err == nil {
		t.Fatal("ServeConn accepted a game past the limit")
	}
	if n := h.r.Status().Counters.RefusedGames; n != 1 {
		t.Fatalf("RefusedGames = %d", n)
	}
}
