package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/wire"
)

// TestForceReplacedByNewOne: by default a force that arrives while one
// is pending replaces it (with a finding), as the real server does; only
// the new one is answered.
func TestForceReplacedByNewOne(t *testing.T) {
	s := newTestServer(t, WithSpeechUpdates(0))
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction)
	w := s.Watch()
	if err := s.Speak("Game", 0); err != nil { // holds the forces back
		t.Fatal(err)
	}
	g.send(wire.ForceActions{Query: "first", ActionNames: []string{"pick"}})
	waitSpeech(t, w, SpeechAwaited)
	g.send(wire.ForceActions{Query: "second", ActionNames: []string{"wave"}})
	if f := waitFinding(t, s, FindingForceWhilePending); !strings.Contains(f.Detail, "replaces") {
		t.Fatalf("finding %q does not say the force is replaced", f.Detail)
	}
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceReplaced || e.Force.Force.Query != "first" {
		t.Fatalf("force done %+v, want the first one replaced", e.Force)
	}
	if err := s.FinishSpeaking("Game", false); err != nil {
		t.Fatal(err)
	}
	g.expectSpeech()
	if a := g.expectAction(); a.Name != "wave" {
		t.Fatalf("action %+v, want the second force's wave", a)
	} else {
		g.result(a.ID, true, "")
	}
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceSucceeded || e.Force.Force.Query != "second" {
		t.Fatalf("force done %+v", e.Force)
	}
	st, _ := s.Game("Game")
	if st.Totals.ForcesReplaced != 1 || st.Totals.ForcesSucceeded != 1 || len(st.ForceQueue) != 0 {
		t.Fatalf("totals %+v, queue %+v", st.Totals, st.ForceQueue)
	}
}

// TestForceReplacedWhileItsActionIsPending: the replaced force's action
// keeps its pending record: its late result is recorded, not unknown.
func TestForceReplacedWhileItsActionIsPending(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction)
	g.send(wire.ForceActions{Query: "first", ActionNames: []string{"pick"}})
	first := g.expectAction()
	g.send(wire.ForceActions{Query: "second", ActionNames: []string{"wave"}})
	second := g.expectAction()
	if second.Name != "wave" {
		t.Fatalf("action %+v, want wave", second)
	}
	w := s.Watch()
	g.result(first.ID, true, "")
	if r := waitEvent(t, w, IsResult(first.ID)).Result; !r.Success || !r.Forced {
		t.Fatalf("late result of the replaced force: %+v", r)
	}
	g.result(second.ID, true, "")
	waitEvent(t, w, isForceDone)
	if fs := findingKinds(s.Findings()); !slices.Equal(fs, []FindingKind{FindingForceWhilePending}) {
		t.Fatalf("findings %v, want only the force while pending", fs)
	}
}

// TestGiveUpForce: GiveUpForce drops the pending force silently; the
// next force is served; without a force it says so.
func TestGiveUpForce(t *testing.T) {
	s := newTestServer(t, WithSpeechUpdates(0))
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction)
	if err := s.GiveUpForce("Game"); !errors.Is(err, ErrNoForce) {
		t.Fatalf("GiveUpForce without a force = %v, want ErrNoForce", err)
	}
	w := s.Watch()
	if err := s.Speak("Game", 0); err != nil {
		t.Fatal(err)
	}
	g.send(wire.ForceActions{Query: "doomed", ActionNames: []string{"pick"}})
	waitSpeech(t, w, SpeechAwaited)
	if err := s.GiveUpForce("Game"); err != nil {
		t.Fatal(err)
	}
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceGaveUp {
		t.Fatalf("force done %+v", e.Force)
	}
	if err := s.FinishSpeaking("Game", false); err != nil {
		t.Fatal(err)
	}
	g.expectSpeech() // and nothing about the given-up force
	g.send(wire.ForceActions{Query: "next", ActionNames: []string{"wave"}})
	if a := g.expectAction(); a.Name != "wave" {
		t.Fatalf("action %+v, want the next force's", a)
	}
}

// TestDefaultRetriesThenSilent: by default a force is tried 1 + 3 times,
// then given up with nothing sent and no finding; GET /state's view says
// how it ended.
func TestDefaultRetriesThenSilent(t *testing.T) {
	if DefaultRetries != 3 || DefaultResultTimeout != 30*time.Second {
		t.Fatalf("defaults: %d retries, %v result timeout; want 3 and 30s", DefaultRetries, DefaultResultTimeout)
	}
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(pickAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "pick", ActionNames: []string{"pick"}})
	for i := 1; i <= 4; i++ {
		a := g.expectAction()
		if i == 2 {
			st, _ := s.Game("Game")
			if len(st.ForceQueue) != 1 || st.ForceQueue[0].Retries != 1 || st.ForceQueue[0].RetryLimit != 3 {
				t.Fatalf("queue during the first retry: %+v", st.ForceQueue)
			}
		}
		g.result(a.ID, false, "no")
	}
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceGaveUp || e.Force.Retries != 3 {
		t.Fatalf("force done %+v", e.Force)
	}
	g.sync(s)
	st, _ := s.Game("Game")
	if st.LastForce == nil || st.LastForce.Outcome != ForceGaveUp || st.Totals.ForcesGivenUp != 1 || len(st.Findings) != 0 {
		t.Fatalf("last force %+v, totals %+v, findings %v", st.LastForce, st.Totals, st.Findings)
	}
}

// TestProfileRandy: the official mock's behaviour: reregister_all on
// connect, no acknowledgement, a failure retried without limit with the
// same action, a force while one is pending queued, context at once, no
// speech.
func TestProfileRandy(t *testing.T) {
	s := newTestServer(t, WithProfile(ProfileRandy), WithForceDelay(time.Millisecond))
	w := s.Watch()
	g := connect(t, s, "Game")
	g.expect(wire.CmdReregisterAll)
	g.send(wire.Startup{})
	g.send(wire.RegisterActions{Actions: []wire.Action{pickAction, waveAction}})
	g.send(wire.ForceActions{Query: "either", ActionNames: []string{"pick", "wave"}})
	first := g.expectAction() // no startup acknowledgement before it
	g.send(wire.ContextMessage{Message: "Meanwhile...", Silent: false})
	g.send(wire.ForceActions{Query: "second", ActionNames: []string{"wave"}})
	if f := waitFinding(t, s, FindingForceWhilePending); !strings.Contains(f.Detail, "queued") {
		t.Fatalf("finding %q, want the force queued", f.Detail)
	}
	if log, _ := s.ContextLog("Game"); len(log) != 1 || log[0].Held {
		t.Fatalf("context log %+v, want the message delivered at once", log)
	}
	a := first
	for i := range 6 { // more than the real server's 3 retries
		g.result(a.ID, false, "no")
		if a = g.expectAction(); a.Name != first.Name {
			t.Fatalf("retry %d sent %q, want the same action %q", i+1, a.Name, first.Name)
		}
	}
	g.result(a.ID, true, "")
	if a = g.expectAction(); a.Name != "wave" {
		t.Fatalf("after the success %+v, want the queued force's wave", a)
	}
	g.result(a.ID, true, "")
	waitEvent(t, w, func(e Event) bool { return e.Kind == EventForceDone && e.Force.Force.Query == "second" })
	if st, _ := s.Game("Game"); st.Speech.Utterances != 0 || st.Totals.ForcesSucceeded != 2 {
		t.Fatalf("speech %+v, totals %+v", st.Speech, st.Totals)
	}
}

// TestProfileSettings: each profile sets its whole group; later options
// override single behaviours, earlier ones are overridden.
func TestProfileSettings(t *testing.T) {
	settings := func(opts ...Option) behaviour {
		s := New(opts...)
		defer s.Close()
		return s.env.settings.behaviour
	}
	neuro := settings(WithProfile(ProfileNeuro))
	want := behaviour{startupAck: true, thinkMin: 500 * time.Millisecond, thinkMax: 2 * time.Second, retries: 3,
		pendingForce: ForceReplace, resultTimeout: 30 * time.Second, holdContext: true, speechMin: time.Second,
		speechMax: 4 * time.Second, speechUpdates: time.Second, actEvery: time.Minute}
	if neuro != want {
		t.Fatalf("profile neuro: %+v\nwant %+v", neuro, want)
	}
	randy := settings(WithProfile(ProfileRandy))
	if !randy.reregister || randy.startupAck || randy.retries != -1 || !randy.stickyRetries || randy.pendingForce != ForceQueue ||
		randy.holdContext || randy.speechMax != 0 || randy.actEvery != 0 || randy.thinkMin != 500*time.Millisecond {
		t.Fatalf("profile randy: %+v", randy)
	}
	if b := settings(WithProfile(ProfileNeuro), WithRetries(7), WithSpeech(0, 0)); b.retries != 7 || b.speechMax != 0 || !b.holdContext {
		t.Fatalf("later options: %+v", b)
	}
	if b := settings(WithRetries(7), WithProfile(ProfileRandy)); b.retries != -1 {
		t.Fatalf("earlier option kept: %+v", b)
	}
	if b := settings(WithProfile("evil")); b != defaultBehaviour() {
		t.Fatalf("unknown profile changed %+v", b)
	}
	if b := settings(WithThinkTime(2*time.Second, time.Second), WithSpeech(-time.Second, -time.Second)); b.thinkMax != 2*time.Second || b.speechMax != 0 {
		t.Fatalf("clamping: %+v", b)
	}
	for _, name := range []string{"neuro", "randy"} {
		if p, err := ParseProfile(name); err != nil || string(p) != name {
			t.Fatalf("ParseProfile(%q) = %q, %v", name, p, err)
		}
	}
	if _, err := ParseProfile("Neuro"); err == nil {
		t.Fatal("ParseProfile accepts a wrong name")
	}
}

// TestThinkTimeSeeded: think times fall in [min, max] and repeat with the
// seed.
func TestThinkTimeSeeded(t *testing.T) {
	draw := func(seed int64) []time.Duration {
		s := New(WithSeed(seed))
		defer s.Close()
		out := make([]time.Duration, 50)
		for i := range out {
			out[i] = s.env.rand.between(10*time.Millisecond, 20*time.Millisecond)
			if out[i] < 10*time.Millisecond || out[i] > 20*time.Millisecond {
				t.Fatalf("%v outside [10ms, 20ms]", out[i])
			}
		}
		return out
	}
	a, b, c := draw(1), draw(1), draw(2)
	if !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Fatalf("seed 1 twice: %v / %v; seed 2: %v", a[:3], b[:3], c[:3])
	}
}

// TestHeldContext: context sent while a result is pending is held and
// delivered after the result, in order; GET /state's view shows it held.
func TestHeldContext(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(waveAction)
	ctx := testCtx(t)
	id, err := s.SendAction(ctx, "Game", "wave", "")
	if err != nil {
		t.Fatal(err)
	}
	g.expectAction()
	w := s.Watch()
	g.send(wire.ContextMessage{Message: "one", Silent: true})
	g.send(wire.ContextMessage{Message: "two", Silent: false})
	for _, want := range []string{"one", "two"} {
		if e := waitEvent(t, w, func(e Event) bool { return e.Kind == EventContextHeld }); e.Context.Message != want {
			t.Fatalf("held %+v, want %q", e.Context, want)
		}
	}
	st, _ := s.Game("Game")
	if len(st.HeldContext) != 2 || len(st.Context) != 0 {
		t.Fatalf("held %+v, delivered %+v", st.HeldContext, st.Context)
	}
	g.result(id, true, "")
	for _, want := range []string{"one", "two"} {
		if e := waitEvent(t, w, func(e Event) bool { return e.Kind == EventContextDelivered }); e.Context.Message != want || !e.Context.Held {
			t.Fatalf("delivered %+v, want %q", e.Context, want)
		}
	}
	st, _ = s.Game("Game")
	if len(st.HeldContext) != 0 || len(st.Context) != 2 || st.Context[1].Message != "two" {
		t.Fatalf("after the result: held %+v, delivered %+v", st.HeldContext, st.Context)
	}
}

// TestHeldContextDeliveredOnTimeout: an action nobody answers times out
// on its own and the held context is delivered then, without any other
// frame from the game.
func TestHeldContextDeliveredOnTimeout(t *testing.T) {
	s := newTestServer(t, WithResultTimeout(20*time.Millisecond))
	g := connect(t, s, "Game")
	g.hello(waveAction)
	if _, err := s.SendAction(testCtx(t), "Game", "wave", ""); err != nil {
		t.Fatal(err)
	}
	g.expectAction()
	w := s.Watch()
	g.send(wire.ContextMessage{Message: "waiting", Silent: true})
	waitEvent(t, w, func(e Event) bool { return e.Kind == EventContextHeld })
	waitEvent(t, w, func(e Event) bool { return e.Kind == EventContextDelivered })
	waitFinding(t, s, FindingResultTimeout)
}

// TestHeldContextOff: WithHeldContext(false) delivers context at once.
func TestHeldContextOff(t *testing.T) {
	s := newTestServer(t, WithHeldContext(false))
	g := connect(t, s, "Game")
	g.hello(waveAction)
	id, err := s.SendAction(testCtx(t), "Game", "wave", "")
	if err != nil {
		t.Fatal(err)
	}
	g.expectAction()
	g.send(wire.ContextMessage{Message: "now", Silent: true})
	g.sync(s)
	if st, _ := s.Game("Game"); len(st.HeldContext) != 0 || len(st.Context) != 2 { // "now" and sync's
		t.Fatalf("held %+v, delivered %+v", st.HeldContext, st.Context)
	}
	g.result(id, true, "")
}

// TestActsOnHerOwn: WithActEvery makes her send registered actions, with
// data valid for their schema, outside any force; a failure is not
// retried.
func TestActsOnHerOwn(t *testing.T) {
	s := newTestServer(t, WithActEvery(time.Millisecond))
	g := connect(t, s, "Game")
	g.hello(pickAction)
	compiled, err := schema.Compile(pickAction.Name, pickAction.Schema)
	if err != nil {
		t.Fatal(err)
	}
	w := s.Watch()
	for range 3 {
		a := g.expectAction()
		if a.Name != "pick" {
			t.Fatalf("unprompted action %+v", a)
		}
		if err := compiled.Check(a.Data, a.HasData); err != nil {
			t.Fatalf("unprompted data %q: %v", a.Data, err)
		}
		g.result(a.ID, false, "not now")
		r := waitEvent(t, w, IsResult(a.ID)).Result
		if !r.Unprompted || r.Forced || r.Attempt != 0 {
			t.Fatalf("result %+v, want an unprompted, unforced action", r)
		}
	}
	for _, r := range s.Results() {
		if !r.Unprompted {
			t.Fatalf("result %+v: only unprompted actions were sent", r)
		}
	}
}

// TestUnpromptedWaitsForStartup: before startup, or without actions,
// she does not act; once there is an action she does.
func TestUnpromptedWaitsForStartup(t *testing.T) {
	s := newTestServer(t, WithActEvery(time.Millisecond))
	g := connect(t, s, "Game")
	g.expect(wire.CmdReregisterAll)
	g.send(wire.RegisterActions{Actions: []wire.Action{waveAction}}) // before startup: a finding, registered
	waitFinding(t, s, FindingBeforeStartup)
	g.send(wire.Startup{}) // clears the registry
	g.expect(wire.CmdStartup)
	g.send(wire.RegisterActions{Actions: []wire.Action{pickAction}})
	if a := g.expectAction(); a.Name != "pick" {
		t.Fatalf("action %+v, want pick (wave was cleared by startup)", a)
	}
}

// TestStateShowsNeuro: GET /state shows her speech, a force's retry
// count and stage, held context and advice.
func TestStateShowsNeuro(t *testing.T) {
	s := newTestServer(t, WithSpeechUpdates(0))
	hs := httptest.NewServer(s.HTTPHandler())
	defer hs.Close()
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "pick", ActionNames: []string{"pick"}})
	a := g.expectAction()
	g.send(wire.ContextMessage{Message: "# Held while pick is pending", Silent: true}) // held, and advised
	waitEvent(t, w, func(e Event) bool { return e.Kind == EventContextHeld })
	if err := s.Speak("Game", 0); err != nil {
		t.Fatal(err)
	}
	g.result(a.ID, false, "taken; free: 1, 5, 9") // the retry waits for her
	waitSpeech(t, w, SpeechAwaited)

	st := getState(t, hs.Client(), hs.URL)
	gs := st.Games[0]
	if !gs.Speech.Speaking || gs.Speech.Cause != SpeechCauseSpeak || gs.Speech.Since == nil {
		t.Fatalf("speech %+v", gs.Speech)
	}
	if len(gs.ForceQueue) != 1 || gs.ForceQueue[0].Attempts != 1 || gs.ForceQueue[0].RetryLimit != DefaultRetries ||
		gs.ForceQueue[0].Stage != StageSpeech {
		t.Fatalf("force queue %+v", gs.ForceQueue)
	}
	if len(gs.HeldContext) != 0 || len(gs.Context) != 1 || !gs.Context[0].Held { // delivered with the failed result
		t.Fatalf("held %+v, context %+v", gs.HeldContext, gs.Context)
	}
	if len(gs.Advice) != 1 || gs.Advice[0].Kind != AdviceHeading || gs.Advice[0].Level != LevelAdvice {
		t.Fatalf("advice %+v", gs.Advice)
	}
	_, raw := httpDo(t, hs.Client(), http.MethodGet, hs.URL+"/state", "")
	for _, key := range []string{`"speech"`, `"speaking": true`, `"heldContext"`, `"advice"`, `"retryLimit": 3`,
		`"stage": "waiting for speech"`, `"level": "advice"`, `"held": true`} {
		if !strings.Contains(raw, key) {
			t.Fatalf("GET /state lacks %s:\n%s", key, raw)
		}
	}
	if err := s.FinishSpeaking("Game", false); err != nil {
		t.Fatal(err)
	}
	g.expectSpeech()
	a = g.expectAction()
	st = getState(t, hs.Client(), hs.URL)
	if q := st.Games[0].ForceQueue; len(q) != 1 || q[0].Retries != 1 || q[0].Stage != StageResult {
		t.Fatalf("force queue during the retry %+v", q)
	}
	g.result(a.ID, true, "")
}
