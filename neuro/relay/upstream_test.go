package relay

import (
	"slices"
	"testing"

	"github.com/neurokit/neurokit/neuro/wire"
)

func ack(sessionID, char, display string) startupAckMsg {
	return startupAckMsg{Session: wire.Session{SessionID: sessionID, CharacterID: char, DisplayName: display}}
}

func TestUpstreamReconnectRestoresEverything(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a, b, _ := threeGames(h, up)
	a.send(forceMsg{Query: "a", ActionNames: []string{"go"}})
	forced(t, up, "[A] a", "a__go")
	up.send(actionMsg{ID: "old", Name: "a__go"})
	expect[actionMsg](a)

	h.dropUpstream(up) // Neuro goes away
	b.send(contextMsg{Message: "while Neuro was away", Silent: true})
	b.send(registerMsg{Actions: []wireAction{{Name: "late", Description: "Registered while away."}}})
	h.allowDial()
	up = h.upstream()
	var regs [][]string
	for range 3 {
		regs = append(regs, upstreamNames(expect[registerMsg](up).Actions))
	}
	if want := [][]string{{"a__go"}, {"b__go", "b__late"}, {"c__go"}}; !slices.EqualFunc(regs, want, slices.Equal) {
		t.Fatalf("registries restored as %q, want %q", regs, want)
	}
	if c := expect[contextMsg](up); c.Message != "[B] while Neuro was away" || !c.Silent {
		t.Fatalf("held context %+v", c)
	}
	forced(t, up, "[A] a", "a__go") // the force in flight, sent again

	// A answers the action of the old connection: dropped, not sent to
	// the new one.
	a.send(resultMsg{ID: "old", Success: true})
	barrier(a, up, "late result dropped")
	st := h.r.Status()
	if st.Upstream.Connections != 2 || !st.Upstream.Connected || st.Counters.DroppedResults != 1 || len(st.Games) != 3 {
		t.Fatalf("status %+v", st)
	}
}

func TestAcknowledgementPassedOn(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	early := h.startedGame("Early") // starts before upstream acknowledges
	barrier(early, up, "no ack yet")
	up.send(ack("s1", "neuro", "Neuro-sama"))
	if got := expect[startupAckMsg](early); got.Session.SessionID != "s1" || got.Session.CharacterID != "neuro" {
		t.Fatalf("early game got %+v", got)
	}
	late := h.startedGame("Late")
	if got := expect[startupAckMsg](late); got.Session.DisplayName != "Neuro-sama" {
		t.Fatalf("late game got %+v", got)
	}

	// A new connection with the same character: no second ack. Another
	// character: every game hears it.
	h.dropUpstream(up)
	h.allowDial()
	up = h.upstream()
	up.send(ack("s2", "neuro", "Neuro-sama"))
	up.send(ack("s3", "evil", "Evil Neuro"))
	for _, g := range []*peer{early, late} {
		if got := expect[startupAckMsg](g); got.Session.SessionID != "s3" {
			t.Fatalf("%v got %+v, want only the new character's ack", g, got)
		}
	}
	if s := h.r.Status().Upstream.Session; s == nil || s.CharacterID != "evil" {
		t.Fatalf("status session %+v", s)
	}
}

func TestReregisterAllAndBroadcasts(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a := h.startedGame("A", "go")
	expect[registerMsg](up)
	b := h.startedGame("B", "go")
	expect[registerMsg](up)

	up.send(reregisterAllMsg{})
	for _, want := range []string{"a__go", "b__go"} {
		if got := upstreamNames(expect[registerMsg](up).Actions); !slices.Equal(got, []string{want}) {
			t.Fatalf("re-registered %q, want %q", got, want)
		}
	}
	for _, g := range []*peer{a, b} {
		expect[reregisterAllMsg](g)
		g.send(registerMsg{Actions: []wireAction{{Name: "go", Description: "Do go."}}}) // absorbed
		barrier(g, up, "re-registration absorbed")
	}

	speech := `{"command":"speech_finished","data":{"isFinal":true}}`
	newer := `{"command":"voice/speaking","data":{"speaking":true}}`
	up.sendRaw(speech)
	up.sendRaw(newer)
	for _, g := range []*peer{a, b} {
		for _, want := range []string{speech, newer} {
			if got := string(g.read()); got != want {
				t.Fatalf("%v got %s, want %s", g, got, want)
			}
		}
	}
}

// TestReregisterAllOnConnect: the official mock greets every connection
// with actions/reregister_all, before it reads anything. The relay has
// registered everything already, and does it again: Neuro may have lost
// her state at any time, and an identical registration is harmless.
func TestReregisterAllOnConnect(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	g := h.startedGame("G", "go")
	expect[registerMsg](up)
	h.dropUpstream(up)
	h.allowDial()
	up = h.upstream()
	first := expect[registerMsg](up) // the restore
	up.send(reregisterAllMsg{})
	if again := expect[registerMsg](up); !slices.Equal(upstreamNames(again.Actions), upstreamNames(first.Actions)) {
		t.Fatalf("registered %q, then %q", upstreamNames(first.Actions), upstreamNames(again.Actions))
	}
	expect[reregisterAllMsg](g)
}

func TestShutdownReadyOnceEveryGameIs(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a := h.startedGame("A")
	b := h.startedGame("B")
	c := h.startedGame("C")
	for _, g := range []*peer{a, b, c} {
		barrier(g, up, "started")
	}

	up.send(shutdownGracefulMsg{WantsShutdown: true})
	for _, g := range []*peer{a, b, c} {
		if m := expect[shutdownGracefulMsg](g); !m.WantsShutdown {
			t.Fatalf("%v got %+v", g, m)
		}
	}
	a.send(shutdownReadyMsg{})
	barrier(a, up, "b and c not ready")
	_ = c.conn.CloseNow() // leaving counts as ready
	b.send(shutdownReadyMsg{})
	expect[shutdownReadyMsg](up)

	up.send(shutdownImmediateMsg{})
	expect[shutdownImmediateMsg](a)
	up.send(shutdownGracefulMsg{WantsShutdown: false}) // cancelled
	expect[shutdownImmediateMsg](b)
	expect[shutdownGracefulMsg](a)
	a.send(shutdownReadyMsg{})
	barrier(a, up, "nothing asked any more")
}

// TestForceReplacedWhileUpstreamDown: a game that forces again while its
// force waits for upstream to come back has the new one sent instead.
func TestForceReplacedWhileUpstreamDown(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a, b, _ := threeGames(h, up)
	a.send(forceMsg{Query: "first", ActionNames: []string{"go"}})
	forced(t, up, "[A] first", "a__go")
	h.dropUpstream(up)
	b.send(forceMsg{Query: "b", ActionNames: []string{"go"}})
	a.send(forceMsg{Query: "second", Priority: "medium", ActionNames: []string{"go"}})
	a.send(contextMsg{Message: "sent", Silent: true}) // held: a barrier for the next connection
	h.allowDial()
	up = h.upstream()
	for range 3 {
		expect[registerMsg](up)
	}
	expect[contextMsg](up)
	if f := forced(t, up, "[A] second", "a__go"); f.Priority != "medium" {
		t.Fatalf("the replacing force lost its priority: %+v", f)
	}
	barrier(b, up, "b's force handled")
	if q := h.r.Status().Queue; len(q) != 1 || q[0] != "#2" {
		t.Fatalf("queue %q, want B alone", q)
	}
}
