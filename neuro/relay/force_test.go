package relay

import (
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"
)

// forced reads the next force upstream and checks its query and names.
func forced(t *testing.T, up *peer, query string, names ...string) forceMsg {
	t.Helper()
	f := expect[forceMsg](up)
	if f.Query != query || !slices.Equal(f.ActionNames, names) {
		t.Fatalf("force upstream %+v, want query %q names %q", f, query, names)
	}
	return f
}

// threeGames connects games A, B and C, each with action "go", and
// reads their registrations.
func threeGames(h *harness, up *peer) (a, b, c *peer) {
	a = h.startedGame("A", "go")
	expect[registerMsg](up)
	b = h.startedGame("B", "go")
	expect[registerMsg](up)
	c = h.startedGame("C", "go")
	expect[registerMsg](up)
	return a, b, c
}

func TestForcesOneAtATimeFirstComeFirstServed(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a, b, c := threeGames(h, up)

	a.send(forceMsg{Query: "A's turn", State: "board", Priority: "high", ActionNames: []string{"go"}})
	f := forced(t, up, "[A] A's turn", "a__go")
	if f.State != "board" || f.Priority != "high" {
		t.Fatalf("state or priority lost: %+v", f)
	}
	b.send(forceMsg{Query: "B's turn", ActionNames: []string{"go"}})
	barrier(b, up, "b queued") // B's force did not go up
	c.send(forceMsg{Query: "C's first", ActionNames: []string{"go"}})
	c.send(forceMsg{Query: "C's second", EphemeralContext: true, ActionNames: []string{"go"}})
	barrier(c, up, "c queued")
	if q := h.r.Status().Queue; !slices.Equal(q, []string{"#2", "#3"}) {
		t.Fatalf("queue %q, want B then C", q)
	}

	up.send(actionMsg{ID: "1", Name: "a__go"})
	expect[actionMsg](a)
	a.send(resultMsg{ID: "1", Success: true})
	expect[resultMsg](up)
	forced(t, up, "[B] B's turn", "b__go") // only now

	up.send(actionMsg{ID: "2", Name: "b__go"})
	expect[actionMsg](b)
	b.send(resultMsg{ID: "2", Success: true})
	expect[resultMsg](up)
	if f := forced(t, up, "[C] C's second", "c__go"); !f.EphemeralContext {
		t.Fatalf("C's replacing force lost ephemeral_context: %+v", f)
	}
	if n := h.r.Status().Counters.Forces; n != 3 {
		t.Fatalf("Forces = %d, want 3", n)
	}
}

func TestFailedResultKeepsTheForce(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a, b, _ := threeGames(h, up)
	a.send(forceMsg{Query: "q", ActionNames: []string{"go"}})
	forced(t, up, "[A] q", "a__go")
	b.send(forceMsg{Query: "b", ActionNames: []string{"go"}})

	up.send(actionMsg{ID: "1", Name: "a__go", Data: "{", HasData: true})
	expect[actionMsg](a)
	a.send(resultMsg{ID: "1", Success: false, Message: "bad JSON"})
	if r := expect[resultMsg](up); r.Success || r.Message != "bad JSON" {
		t.Fatalf("failure went up as %+v", r)
	}
	barrier(a, up, "retry pending") // no force from B yet
	up.send(actionMsg{ID: "2", Name: "a__go", Data: "{}", HasData: true})
	if got := expect[actionMsg](a); got.ID != "2" {
		t.Fatalf("the retry reached A as %+v", got)
	}
	a.send(resultMsg{ID: "2", Success: true})
	expect[resultMsg](up)
	forced(t, up, "[B] b", "b__go")
}

func TestForceEndsWhenItsActionsGo(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a, b, c := threeGames(h, up)

	// One-shot: A unregisters its forced action before its successful
	// result; the force lasts until that result.
	a.send(forceMsg{Query: "a", ActionNames: []string{"go"}})
	forced(t, up, "[A] a", "a__go")
	b.send(forceMsg{Query: "b", ActionNames: []string{"go"}})
	barrier(b, up, "b waits")
	up.send(actionMsg{ID: "1", Name: "a__go"})
	expect[actionMsg](a)
	a.send(unregisterMsg{ActionNames: []string{"go"}})
	expect[unregisterMsg](up)
	barrier(a, up, "result still pending")
	a.send(resultMsg{ID: "1", Success: true})
	expect[resultMsg](up)
	forced(t, up, "[B] b", "b__go")

	// B unregisters with nothing pending: its force ends at once.
	c.send(forceMsg{Query: "c", ActionNames: []string{"go"}})
	barrier(c, up, "c waits")
	b.send(unregisterMsg{ActionNames: []string{"go", "unknown"}})
	if un := expect[unregisterMsg](up); !slices.Equal(un.ActionNames, []string{"b__go"}) {
		t.Fatalf("unregistered %q", un.ActionNames)
	}
	forced(t, up, "[C] c", "c__go")
}

func TestForceEndsWhenItsGameLeaves(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a, b, c := threeGames(h, up)
	a.send(forceMsg{Query: "a", ActionNames: []string{"go"}})
	forced(t, up, "[A] a", "a__go")
	c.send(forceMsg{Query: "c", ActionNames: []string{"go"}})
	barrier(c, up, "c waits")
	b.send(forceMsg{Query: "b", ActionNames: []string{"go"}})
	barrier(b, up, "b waits")
	_ = c.conn.CloseNow() // C leaves: its waiting force goes with it
	expect[unregisterMsg](up)

	up.send(actionMsg{ID: "1", Name: "a__go"})
	expect[actionMsg](a)
	_ = a.conn.CloseNow() // A leaves mid-force, its action pending
	if un := expect[unregisterMsg](up); !slices.Equal(un.ActionNames, []string{"a__go"}) {
		t.Fatalf("unregistered %q", un.ActionNames)
	}
	if r := expect[resultMsg](up); r.ID != "1" || r.Success {
		t.Fatalf("A's pending action answered %+v", r)
	}
	forced(t, up, "[B] b", "b__go")
}

func TestForceRefusedWithoutRegisteredAction(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	g := h.startedGame("G", "go")
	expect[registerMsg](up)
	g.send(forceMsg{Query: "q", ActionNames: []string{"fly"}})
	barrier(g, up, "refused")
	if st := h.r.Status(); st.Counters.RefusedForces != 1 || st.Force != nil {
		t.Fatalf("status %+v", st)
	}
	g.send(forceMsg{Query: "q", ActionNames: []string{"fly", "go"}})
	forced(t, up, "[G] q", "g__go")
}

func TestQuietForceGivenUp(t *testing.T) {
	h := newHarness(t, WithForceTimeout(20*time.Millisecond))
	up := h.upstream()
	a, b, _ := threeGames(h, up)
	a.send(forceMsg{Query: "a", ActionNames: []string{"go"}})
	forced(t, up, "[A] a", "a__go")
	b.send(forceMsg{Query: "b", ActionNames: []string{"go"}})
	forced(t, up, "[B] b", "b__go") // after A's quiet timeout
	if n := h.r.Status().Counters.ForcesTimedOut; n != 1 {
		t.Fatalf("ForcesTimedOut = %d", n)
	}
}

// recorder is a sink that keeps what it is given.
type recorder struct{ frames [][]byte }

func (r *recorder) push(f []byte, _ *direct) { r.frames = append(r.frames, f) }

// TestQuietDeadline drives the state with a fake clock: the deadline
// moves with every sign of life, and stops while an action is pending.
func TestQuietDeadline(t *testing.T) {
	cfg, err := newConfig([]Option{WithForceTimeout(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	kicks := 0
	s := newState(&cfg, zap.NewNop(), func() { kicks++ })
	now := time.Unix(1000, 0)
	s.now = func() time.Time { return now }
	up := &recorder{}
	s.upConnected(up)
	g, err := s.addGame(&recorder{}, "test")
	if err != nil {
		t.Fatal(err)
	}
	s.gameFrame(g, mustGame(t, startupMsg{}))
	s.gameFrame(g, mustGame(t, registerMsg{Actions: []wireAction{{Name: "go"}}}))
	if _, ok := s.quietDeadline(); ok {
		t.Fatal("a deadline without a force")
	}
	s.gameFrame(g, mustGame(t, forceMsg{Query: "q", ActionNames: []string{"go"}}))
	d, ok := s.quietDeadline()
	if !ok || !d.Equal(now.Add(time.Minute)) || kicks == 0 {
		t.Fatalf("deadline %v %v, kicks %d", d, ok, kicks)
	}
	now = now.Add(30 * time.Second)
	s.upFrame([]byte(`{"command":"speech_finished","data":{"isFinal":true}}`))
	if d, _ := s.quietDeadline(); !d.Equal(now.Add(time.Minute)) {
		t.Fatalf("speech did not move the deadline: %v", d)
	}
	s.upFrame([]byte(`{"command":"action","data":{"id":"1","name":"g__go"}}`))
	if _, ok := s.quietDeadline(); ok {
		t.Fatal("a deadline while the force's action is pending")
	}
	now = now.Add(time.Hour)
	s.checkQuiet(now)
	if s.force == nil {
		t.Fatal("a force with a pending action was given up")
	}
	s.gameFrame(g, mustGame(t, resultMsg{ID: "1", Success: false, Message: "no"}))
	s.checkQuiet(now.Add(time.Minute - time.Nanosecond))
	if s.force == nil {
		t.Fatal("given up before the deadline")
	}
	s.checkQuiet(now.Add(time.Minute))
	if s.force != nil || s.counts.ForcesTimedOut != 1 {
		t.Fatalf("not given up at the deadline: %+v", s.counts)
	}
}
