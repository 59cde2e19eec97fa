package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro/wire"
)

func waitAdvice(t *testing.T, s *Server, kind FindingKind) Finding {
	t.Helper()
	e, err := s.WaitFor(testCtx(t), IsAdvice(kind))
	if err != nil {
		t.Fatalf("waiting for advice %q: %v (advice: %v)", kind, err, s.Advice())
	}
	return *e.Finding
}

// TestAdviceRules: each rule fires on what it describes, names the rule
// and says what to do; advice stays apart from protocol findings.
func TestAdviceRules(t *testing.T) {
	long := wire.Action{Name: "essay", Description: "First sentence. Second sentence. Third sentence."}
	cases := []struct {
		kind   FindingKind
		opts   []Option
		script func(t *testing.T, g *fakeGame)
		says   string // part of the detail: what to do
	}{
		{AdviceHeading, nil, func(t *testing.T, g *fakeGame) {
			g.send(wire.ContextMessage{Message: "\n# Board\nx o x", Silent: true})
		}, `start at "##"`},
		{AdviceHeading, nil, func(t *testing.T, g *fakeGame) {
			g.send(wire.RegisterActions{Actions: []wire.Action{waveAction}})
			g.send(wire.ForceActions{State: "# State\nfine", Query: "wave", ActionNames: []string{"wave"}})
		}, `start at "##"`},
		{AdviceLongDescription, nil, func(t *testing.T, g *fakeGame) {
			g.send(wire.RegisterActions{Actions: []wire.Action{long}})
		}, "keep it to 2 sentences"},
		{AdviceLongDescription, nil, func(t *testing.T, g *fakeGame) {
			g.send(wire.RegisterActions{Actions: []wire.Action{{Name: "wordy", Description: strings.Repeat("word ", 70)}}})
		}, "300 characters"},
		{AdviceChurn, []Option{WithAdviceLimits(AdviceLimits{ChurnChanges: 4, ChurnWindow: time.Hour})}, func(t *testing.T, g *fakeGame) {
			for range 3 {
				g.send(wire.RegisterActions{Actions: []wire.Action{waveAction}})
				g.send(wire.UnregisterActions{ActionNames: []string{"wave"}})
			}
		}, "keep the set of actions stable"},
		{AdviceBulkyState, nil, func(t *testing.T, g *fakeGame) {
			g.send(wire.RegisterActions{Actions: []wire.Action{waveAction}})
			big := "## Board\n" + strings.Repeat("x", 2000)
			for range 3 {
				g.send(wire.ForceActions{State: big, Query: "wave", ActionNames: []string{"wave"}})
			}
		}, `"ephemeral_context": true`},
		{AdviceForceAfterUnregister, []Option{WithForceDelay(time.Hour)}, func(t *testing.T, g *fakeGame) {
			g.send(wire.RegisterActions{Actions: []wire.Action{waveAction, pickAction}})
			g.send(wire.UnregisterActions{ActionNames: []string{"wave"}})
			g.send(wire.ForceActions{Query: "wave or pick", ActionNames: []string{"wave", "pick"}})
		}, "force only actions registered now"},
		{AdviceContextSpam, []Option{WithAdviceLimits(AdviceLimits{ContextMessages: 3, ContextWindow: time.Hour})}, func(t *testing.T, g *fakeGame) {
			for i := range 4 {
				g.send(wire.ContextMessage{Message: fmt.Sprint("tick ", i), Silent: true})
			}
		}, "send fewer, richer messages"},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			s := newTestServer(t, tc.opts...)
			g := connect(t, s, "Game")
			g.hello()
			tc.script(t, g)
			a := waitAdvice(t, s, tc.kind)
			if a.Level != LevelAdvice || a.Kind.Level() != LevelAdvice || !strings.Contains(a.Detail, tc.says) {
				t.Fatalf("advice %+v, want level advice and %q in the detail", a, tc.says)
			}
			if !strings.HasPrefix(a.String(), string(tc.kind)+": ") {
				t.Fatalf("advice %q does not name its rule", a)
			}
			for _, f := range s.Findings() {
				if f.Level != LevelProtocol || f.Kind.Level() != LevelProtocol {
					t.Fatalf("protocol findings hold %+v", f)
				}
			}
			st, _ := s.Game("Game")
			if len(st.Advice) == 0 || st.Totals.Advice != len(st.Advice) {
				t.Fatalf("state advice %v, totals %+v", st.Advice, st.Totals)
			}
		})
	}
}

// TestAdviceQuietWhenFollowed: a game that follows the advice gets none,
// and a rule that fired is not repeated within AdviceLimits.Repeat.
func TestAdviceQuietWhenFollowed(t *testing.T) {
	s := newTestServer(t, WithAdviceLimits(AdviceLimits{ContextMessages: 100}))
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction) // short descriptions
	g.send(wire.ContextMessage{Message: "## Board\nx o x\n# not a heading at the top", Silent: true})
	g.send(wire.ContextMessage{Message: "#hashtag is no heading", Silent: true})
	big := strings.Repeat("x", 2000)
	for range 4 {
		g.send(wire.ForceActions{State: big, EphemeralContext: true, Query: "wave", ActionNames: []string{"wave"}})
	}
	g.sync(s)
	if as := s.Advice(); len(as) != 0 {
		t.Fatalf("advice for a game that follows it: %v", as)
	}
	for range 3 {
		g.send(wire.ContextMessage{Message: "# Title", Silent: true})
	}
	g.sync(s)
	if as := s.Advice(); len(as) != 1 {
		t.Fatalf("advice %v, want one heading advice (repeats are held back)", as)
	}
}

// TestAdviceOff: WithAdvice(false) gives none.
func TestAdviceOff(t *testing.T) {
	s := newTestServer(t, WithAdvice(false))
	g := connect(t, s, "Game")
	g.hello(wire.Action{Name: "essay", Description: strings.Repeat("Sentence. ", 10)})
	g.send(wire.ContextMessage{Message: "# Title", Silent: true})
	g.sync(s)
	if as := s.Advice(); len(as) != 0 {
		t.Fatalf("advice while off: %v", as)
	}
}

func TestSentences(t *testing.T) {
	for text, want := range map[string]int{
		"":                         0,
		"Pick a cell.":             1,
		"Pick a cell":              1,
		"Pick a cell. Then wait!":  2,
		"Costs 1.5 gold. Really?":  2,
		"Wait... what? Yes. No":    4,
		"e.g. this":                2,
		"Pick.\nWait.\n\nGo.":      3,
		"   ":                      0,
		"One! Two? Three. Four...": 4,
	} {
		if got := sentences(text); got != want {
			t.Errorf("sentences(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestAdviceLimitsOption(t *testing.T) {
	s := New(WithAdviceLimits(AdviceLimits{DescriptionChars: 10, ChurnChanges: 1 << 30, Repeat: -time.Second}))
	defer s.Close()
	l := s.env.settings.adviceLimits
	d := DefaultAdviceLimits()
	if l.DescriptionChars != 10 || l.ChurnChanges != maxWindowCount || l.Repeat != d.Repeat || l.ContextWindow != d.ContextWindow {
		t.Fatalf("limits %+v", l)
	}
}
