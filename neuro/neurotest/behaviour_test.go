package neurotest_test

import (
	"context"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// recvFinal reads frames until a final speech_finished and returns it.
func (g *rawGame) recvFinal() wire.SpeechFinished {
	g.t.Helper()
	for {
		m := g.recv()
		sf, ok := m.(wire.SpeechFinished)
		if !ok {
			g.t.Fatalf("got %s, want speech_finished", m.Command())
		}
		if sf.IsFinal {
			return sf
		}
	}
}

func waitAwaited(t *testing.T, s *neurotest.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if _, err := s.Simulator().WaitFor(ctx, server.IsSpeech(server.SpeechAwaited)); err != nil {
		t.Fatalf("no force waiting for her: %v", err)
	}
}

// TestSpeakAndFinishSpeaking: Neuro speaks when the test says so, a low
// force waits for her, and FinishSpeaking lets it through: the game reads
// the final speech_finished, then the action.
func TestSpeakAndFinishSpeaking(t *testing.T) {
	s := neurotest.NewServer(t)
	g := dialRaw(t, s.URL(), "Talk Show")
	g.send(wire.Startup{})
	g.recv() // the acknowledgement
	g.send(wire.RegisterActions{Actions: []neuro.Action{{Name: "wave", Description: "Wave."}}})
	s.WaitRegistered("wave")

	s.Speak(0)
	g.send(neuro.ForceActions{Query: "Wave.", ActionNames: []string{"wave"}})
	waitAwaited(t, s)
	if st := s.Game(); !st.Speech.Speaking || len(st.ForceQueue) != 1 || st.ForceQueue[0].Stage != server.StageSpeech {
		t.Fatalf("speech %+v, forces %+v", st.Speech, st.ForceQueue)
	}
	s.FinishSpeaking(false)
	if f := g.recvFinal(); f.Cancelled {
		t.Fatalf("final %+v", f)
	}
	if f := s.WaitForSpeech(true); !f.IsFinal || f.Cancelled {
		t.Fatalf("WaitForSpeech(true) = %+v", f)
	}
	a, ok := g.recv().(wire.ActionRequest)
	if !ok || a.Name != "wave" {
		t.Fatalf("after the speech: %+v, want the action", a)
	}
	g.send(neuro.ActionResult{ID: a.ID, Success: true})
	if d := s.WaitForForceDone(); d.Outcome != server.ForceSucceeded {
		t.Fatalf("force done %+v", d)
	}

	s.Speak(time.Hour)
	s.FinishSpeaking(true)
	if f := g.recvFinal(); !f.Cancelled || f.Reason != server.ReasonInterrupted {
		t.Fatalf("final %+v, want cancelled, interrupted", f)
	}
	ft := &fakeT{TB: t}
	requireContains(t, mustFail(t, ft, func() { neurotest.NewServer(ft).FinishSpeaking(false) }), "FinishSpeaking(false)")
}

// TestNoSpeechByDefault: under neurotest, context that is not silent does
// not make her speak: the frame after a force is its action.
func TestNoSpeechByDefault(t *testing.T) {
	s := neurotest.NewServer(t)
	g := dialRaw(t, s.URL(), "Quiet")
	g.send(wire.Startup{})
	g.recv()
	g.send(wire.RegisterActions{Actions: []neuro.Action{{Name: "wave", Description: "Wave."}}})
	g.send(wire.ContextMessage{Message: "Something happened!", Silent: false})
	g.send(neuro.ForceActions{Query: "Wave.", ActionNames: []string{"wave"}})
	if m := g.recv(); m.Command() != wire.CmdAction {
		t.Fatalf("got %s, want the action", m.Command())
	}
	if st := s.Game(); st.Speech.Utterances != 0 {
		t.Fatalf("speech %+v", st.Speech)
	}
}

// TestGiveUpForce: the pending force is given up silently; the game is
// told nothing, and its next force is served.
func TestGiveUpForce(t *testing.T) {
	s := neurotest.NewServer(t)
	g := dialRaw(t, s.URL(), "Forgetful")
	g.send(wire.Startup{})
	g.recv()
	g.send(wire.RegisterActions{Actions: []neuro.Action{{Name: "wave", Description: "Wave."}, {Name: "bow", Description: "Bow."}}})
	s.WaitRegistered("wave", "bow")
	s.Speak(0)
	g.send(neuro.ForceActions{Query: "Wave.", ActionNames: []string{"wave"}})
	waitAwaited(t, s)
	s.GiveUpForce()
	if d := s.WaitForForceDone(); d.Outcome != server.ForceGaveUp || d.Force.Query != "Wave." {
		t.Fatalf("force done %+v", d)
	}
	s.FinishSpeaking(false)
	g.recvFinal()
	g.send(neuro.ForceActions{Query: "Bow.", ActionNames: []string{"bow"}})
	if a, ok := g.recv().(wire.ActionRequest); !ok || a.Name != "bow" {
		t.Fatalf("got %+v, want the next force's bow", a)
	}
	ft := &fakeT{TB: t}
	requireContains(t, mustFail(t, ft, func() { neurotest.NewServer(ft).GiveUpForce() }), "GiveUpForce")
}

// TestFailThenSilent: a Neuro who answers a force twice with data the
// game rejects, then gives up silently, as a re-force test needs.
func TestFailThenSilent(t *testing.T) {
	s := neurotest.NewServer(t, neurotest.FailThenSilent(2))
	game := startCounter(t, s.URL(), "Counter")
	s.WaitRegistered("add")
	game.force(t)
	for i := range 2 {
		if r := s.WaitForResult(""); r.Success || !r.Faulty || r.Attempt != i+1 {
			t.Fatalf("result %d: %+v, want a failure of bad data", i+1, r)
		}
	}
	if d := s.WaitForForceDone(); d.Outcome != server.ForceGaveUp || d.Attempts != 2 {
		t.Fatalf("force done %+v, want given up after 2 uses", d)
	}
	if game.sum() != 0 {
		t.Fatalf("the total moved to %d on bad data", game.sum())
	}
	s.RequireNoWarnings() // giving up is not the game's mistake
}

// TestAdviceHelpers: advice is waited for, listed and required apart
// from protocol warnings.
func TestAdviceHelpers(t *testing.T) {
	ft := &fakeT{TB: t}
	s := neurotest.NewServer(ft)
	g := dialRaw(t, s.URL(), "Loud")
	g.send(wire.Startup{})
	g.send(wire.ContextMessage{Message: "# Rules\nPlay nice.", Silent: true})
	if a := s.WaitForAdvice(server.AdviceHeading); a.Level != server.LevelAdvice || a.Game != "Loud" {
		t.Fatalf("advice %+v", a)
	}
	if n := len(s.Advice()); n != 1 {
		t.Fatalf("%d advice, want 1: %v", n, s.Advice())
	}
	s.RequireNoWarnings()
	requireContains(t, mustFail(t, ft, s.RequireNoAdvice), "1 piece(s) of advice", `game "Loud" (#1): context starts with a top-level heading`)
	if n := len(s.WithGame("Other").Advice()); n != 0 {
		t.Fatalf("%d advice for a game that never connected", n)
	}
}
