package server

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

func TestStartupAcknowledged(t *testing.T) {
	t.Run("default session", func(t *testing.T) {
		s := newTestServer(t)
		g := connect(t, s, "Game")
		g.expect(wire.CmdReregisterAll)
		g.send(wire.Startup{})
		ack := g.expect(wire.CmdStartup).(wire.StartupAck)
		if ack.Session.CharacterID != "neuro" || ack.Session.DisplayName != "Neuro-sama" || ack.Session.SessionID == "" {
			t.Fatalf("ack = %+v", ack)
		}
		if events.Session(ack.Session) != s.Session() {
			t.Fatalf("ack session %+v != server session %+v", ack.Session, s.Session())
		}
	})
	t.Run("configured session", func(t *testing.T) {
		want := events.Session{SessionID: "abc", CharacterID: "evil", DisplayName: "Evil Neuro"}
		s := newTestServer(t, WithSession(want))
		g := connect(t, s, "Game")
		g.expect(wire.CmdReregisterAll)
		g.send(wire.Startup{})
		if ack := g.expect(wire.CmdStartup).(wire.StartupAck); events.Session(ack.Session) != want {
			t.Fatalf("ack = %+v, want %+v", ack.Session, want)
		}
	})
}

func TestReregisterOnConnect(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprint(on), func(t *testing.T) {
			s := newTestServer(t, WithReregisterOnConnect(on))
			g := connect(t, s, "Game")
			g.send(wire.Startup{})
			first := g.next()
			if on && first.Command() != wire.CmdReregisterAll {
				t.Fatalf("first frame %q, want actions/reregister_all", first.Command())
			}
			if !on && first.Command() != wire.CmdStartup {
				t.Fatalf("first frame %q, want the startup acknowledgement", first.Command())
			}
		})
	}
}

func TestStartupClearsRegistry(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction)
	g.sync(s)
	if reg, _ := s.Registry("Game"); len(reg) != 2 {
		t.Fatalf("registry = %v, want 2 actions", reg)
	}
	g.send(wire.Startup{})
	g.expect(wire.CmdStartup)
	if reg, _ := s.Registry("Game"); len(reg) != 0 {
		t.Fatalf("registry after startup = %v, want empty", reg)
	}
	g.send(wire.RegisterActions{Actions: []wire.Action{waveAction}})
	g.send(wire.UnregisterActions{ActionNames: []string{"nothing"}}) // unknown names are fine
	g.sync(s)
	reg, _ := s.Registry("Game")
	if len(reg) != 1 || reg[0].Name != "wave" {
		t.Fatalf("registry = %v, want [wave]", reg)
	}
	if ws := s.Findings(); len(ws) != 0 {
		t.Fatalf("unexpected findings %v", ws)
	}
}

func TestDuplicateRegistrationIgnored(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(waveAction)
	g.send(wire.RegisterActions{Actions: []wire.Action{{Name: "wave", Description: "replacement"}}})
	w := waitFinding(t, s, FindingDuplicateAction)
	if !strings.Contains(w.Detail, `"wave"`) {
		t.Fatalf("detail %q", w.Detail)
	}
	reg, _ := s.Registry("Game")
	if len(reg) != 1 || reg[0].Description != waveAction.Description {
		t.Fatalf("registry = %v, want the first registration kept", reg)
	}
}

func TestForceAnsweredWithSchemaValidData(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction)
	for i := range 10 {
		g.send(wire.ForceActions{Query: fmt.Sprintf("turn %d", i), ActionNames: []string{"pick"}})
		a := g.expectAction()
		if a.Name != "pick" || !a.HasData {
			t.Fatalf("action = %+v", a)
		}
		if err := checkData(t, pickAction, a); err != nil {
			t.Fatalf("data %s does not match the schema: %v", a.Data, err)
		}
		w := s.Watch()
		g.result(a.ID, true, "")
		e := waitEvent(t, w, isForceDone)
		if e.Force.Outcome != ForceSucceeded || e.Force.Attempts != 1 {
			t.Fatalf("force done %+v", e.Force)
		}
	}
	// A schema-less action is sent without data.
	g.send(wire.ForceActions{Query: "wave", ActionNames: []string{"wave"}})
	if a := g.expectAction(); a.Name != "wave" || a.HasData {
		t.Fatalf("action = %+v, want wave without data", a)
	}
	if ws := s.Findings(); len(ws) != 0 {
		t.Fatalf("unexpected findings %v", ws)
	}
}

func TestFailedResultRetriesForce(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(pickAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "play", ActionNames: []string{"pick"}})
	first := g.expectAction()
	g.result(first.ID, false, "that cell is taken; free cells are 1, 5, 9")
	second := g.expectAction()
	if second.ID == first.ID || second.Name != "pick" {
		t.Fatalf("retry = %+v after %+v", second, first)
	}
	g.result(second.ID, true, "")
	e := waitEvent(t, w, isForceDone)
	if e.Force.Outcome != ForceSucceeded || e.Force.Attempts != 2 {
		t.Fatalf("force done %+v", e.Force)
	}
	res := s.Results()
	if len(res) != 2 || res[0].Success || !res[1].Success || res[1].Attempt != 2 || !res[1].Forced {
		t.Fatalf("results = %+v", res)
	}
}

func TestRetriesBounded(t *testing.T) {
	s := newTestServer(t, WithRetries(2))
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "play", ActionNames: []string{"pick"}})
	for range 3 { // the first try and two retries
		a := g.expectAction()
		g.result(a.ID, false, "no")
	}
	e := waitEvent(t, w, isForceDone)
	if e.Force.Outcome != ForceGaveUp || e.Force.Attempts != 3 || e.Force.Retries != 2 {
		t.Fatalf("force done %+v", e.Force)
	}
	// Given up silently: no finding, nothing sent; the state says so. The
	// server serves the next force, not a fourth try (the next frame the
	// game reads is its action).
	g.send(wire.ForceActions{Query: "wave", ActionNames: []string{"wave"}})
	if a := g.expectAction(); a.Name != "wave" {
		t.Fatalf("after giving up got %+v, want the next force's action", a)
	}
	st, _ := s.Game("Game")
	if len(st.Findings) != 0 || st.Totals.ForcesGivenUp != 1 || st.LastForce == nil || st.LastForce.Outcome != ForceGaveUp {
		t.Fatalf("after giving up: findings %v, totals %+v, last force %+v", st.Findings, st.Totals, st.LastForce)
	}
}

func TestQueuedForceServedAfterSuccess(t *testing.T) {
	s := newTestServer(t, WithForceWhilePending(ForceQueue))
	g := connect(t, s, "Game")
	g.hello(pickAction, waveAction)
	g.send(wire.ForceActions{Query: "first", ActionNames: []string{"pick"}})
	g.send(wire.ForceActions{Query: "second", ActionNames: []string{"wave"}})
	waitFinding(t, s, FindingForceWhilePending)
	a := g.expectAction()
	if a.Name != "pick" {
		t.Fatalf("first action %+v, want pick", a)
	}
	st, _ := s.Game("Game")
	if len(st.ForceQueue) != 2 || st.ForceQueue[1].Query != "second" || len(st.Pending) != 1 {
		t.Fatalf("state while pending: queue %+v pending %+v", st.ForceQueue, st.Pending)
	}
	g.result(a.ID, false, "try again")
	if a = g.expectAction(); a.Name != "pick" {
		t.Fatalf("retry %+v, want pick again (the queued force waits)", a)
	}
	g.result(a.ID, true, "")
	if a = g.expectAction(); a.Name != "wave" {
		t.Fatalf("after success got %+v, want the queued force's wave", a)
	}
	g.result(a.ID, true, "")
}

func TestResultTimeoutRetries(t *testing.T) {
	s := newTestServer(t, WithResultTimeout(30*time.Millisecond))
	g := connect(t, s, "Game")
	g.hello(pickAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "play", ActionNames: []string{"pick"}})
	first := g.expectAction()
	second := g.expectAction() // no answer: timed out, retried
	waitFinding(t, s, FindingResultTimeout)
	g.result(first.ID, true, "too late")
	waitFinding(t, s, FindingLateResult)
	g.result(second.ID, true, "")
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceSucceeded || e.Force.Attempts != 2 {
		t.Fatalf("force done %+v", e.Force)
	}
	res := s.Results()
	if len(res) != 2 || !res[0].TimedOut || res[0].Success || !res[1].Success {
		t.Fatalf("results %+v", res)
	}
}

// slowWriteConn delivers each action frame, then blocks its Write until
// the server has recorded that action's result: the game answers before
// the sender's write returns.
type slowWriteConn struct {
	transport.Conn
	s *Server
}

func (c *slowWriteConn) Write(ctx context.Context, frame []byte) error {
	if err := c.Conn.Write(ctx, frame); err != nil {
		return err
	}
	m, err := wire.DecodeServer(frame)
	if a, ok := m.(wire.ActionRequest); ok && err == nil {
		wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_, _ = c.s.WaitFor(wctx, IsResult(a.ID))
	}
	return nil
}

func TestResultBeforeWriteReturns(t *testing.T) {
	s := newTestServer(t)
	g := connectConn(t, s, "Fast", func(c transport.Conn) transport.Conn { return &slowWriteConn{Conn: c, s: s} })
	g.hello(pickAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "play", ActionNames: []string{"pick"}})
	a := g.expectAction()
	g.result(a.ID, true, "")
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceSucceeded {
		t.Fatalf("force done %+v", e.Force)
	}
	// Same for actions sent through the Go API.
	done := make(chan Result, 1)
	go func() {
		r, _ := s.Act(context.Background(), "Fast", "pick", `{"cell":1}`)
		done <- r
	}()
	b := g.expectAction()
	g.result(b.ID, true, "")
	if r := <-done; !r.Success || r.ID != b.ID {
		t.Fatalf("Act result %+v", r)
	}
	if ws := s.Findings(); len(ws) != 0 {
		t.Fatalf("findings %v; a result must never be unknown", ws)
	}
}

func TestFindings(t *testing.T) {
	cases := []struct {
		kind   FindingKind
		opts   []Option
		script func(t *testing.T, s *Server, g *fakeGame)
		check  func(t *testing.T, s *Server)
	}{
		{kind: FindingBeforeStartup, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.send(wire.ContextMessage{Message: "hi"})
		}},
		{kind: FindingGameRenamed, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello()
			g.sendRaw(`{"command":"context","game":"Other Name","data":{"message":"x","silent":true}}`)
		}, check: func(t *testing.T, s *Server) {
			if st, _ := s.Game("#1"); st.Name != "Game" {
				t.Fatalf("name %q, want the first one kept", st.Name)
			}
		}},
		{kind: FindingInvalidActionName, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello(wire.Action{Name: "Bad Name", Description: "x"})
		}},
		{kind: FindingSchemaKeyword, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello(wire.Action{Name: "a", Schema: wire.Schema{"type": "object", "additionalProperties": false}})
		}},
		{kind: FindingSchemaNotObject, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello(wire.Action{Name: "a", Schema: wire.Schema{"type": "string"}})
		}},
		{kind: FindingSchemaNotObject, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello()
			g.sendRaw(`{"command":"actions/register","game":"Game","data":{"actions":[{"name":"a","description":"x","schema":"nope"}]}}`)
		}, check: func(t *testing.T, s *Server) {
			reg, _ := s.Registry("Game")
			if len(reg) != 1 || reg[0].Name != "a" || reg[0].Schema != nil {
				t.Fatalf("registry %+v, want a without schema", reg)
			}
		}},
		{kind: FindingNullSchema, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello()
			g.sendRaw(`{"command":"actions/register","game":"Game","data":{"actions":[{"name":"a","description":"x","schema":null}]}}`)
		}, check: func(t *testing.T, s *Server) {
			if reg, _ := s.Registry("Game"); len(reg) != 1 {
				t.Fatalf("registry %+v, want the action accepted", reg)
			}
		}},
		{kind: FindingDuplicateAction, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello(waveAction, waveAction)
		}},
		{kind: FindingForceUnregistered, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello(waveAction)
			g.send(wire.ForceActions{Query: "q", ActionNames: []string{"wave", "nope"}})
			g.expectAction() // still served with the registered one
		}},
		{kind: FindingForceUnregistered, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello()
			g.send(wire.ForceActions{Query: "q", ActionNames: []string{"nope"}})
		}, check: func(t *testing.T, s *Server) {
			if st, _ := s.Game(""); len(st.ForceQueue) != 0 {
				t.Fatalf("queue %+v, want the force ignored", st.ForceQueue)
			}
		}},
		{kind: FindingForceWhilePending, opts: []Option{WithForceDelay(time.Hour)}, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello(waveAction)
			g.send(wire.ForceActions{Query: "one", ActionNames: []string{"wave"}})
			g.send(wire.ForceActions{Query: "two", ActionNames: []string{"wave"}})
		}},
		{kind: FindingUnknownResult, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello()
			g.result("nope", true, "")
		}},
		{kind: FindingFailedNoMessage, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello(waveAction)
			id, err := s.SendAction(testCtx(t), "Game", "wave", "")
			if err != nil {
				t.Fatal(err)
			}
			g.expectAction()
			g.result(id, false, "")
		}},
		{kind: FindingUnknownCommand, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello()
			g.sendRaw(`{"command":"speech_finished","game":"Game"}`)
		}},
		{kind: FindingMalformed, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello()
			g.sendRaw(`this is not json`)
		}},
		{kind: FindingMalformed, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello()
			g.sendRaw(`{"command":"context","game":"Game","data":{"silent":true}}`)
		}},
		{kind: FindingPolicyFailed, opts: []Option{WithPolicy(PolicyFunc(func(context.Context, ForceRequest) (Choice, error) {
			return Choice{}, errors.New("no idea")
		}))}, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello(waveAction)
			g.send(wire.ForceActions{Query: "q", ActionNames: []string{"wave"}})
		}},
		{kind: FindingPolicyFailed, opts: []Option{WithPolicy(PolicyFunc(func(context.Context, ForceRequest) (Choice, error) {
			panic("boom")
		}))}, script: func(t *testing.T, s *Server, g *fakeGame) {
			g.hello(waveAction)
			g.send(wire.ForceActions{Query: "q", ActionNames: []string{"wave"}})
		}},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%d %s", i, tc.kind), func(t *testing.T) {
			s := newTestServer(t, tc.opts...)
			g := connect(t, s, "Game")
			tc.script(t, s, g)
			w := waitFinding(t, s, tc.kind)
			if w.GameID != "#1" || w.Detail == "" || w.Time.IsZero() {
				t.Fatalf("finding %+v", w)
			}
			// Bad input never ends the connection.
			g.sync(s)
			st, err := s.Game("#1")
			if err != nil || !st.Connected {
				t.Fatalf("game state %+v, %v: want still connected", st, err)
			}
			if !slices.ContainsFunc(st.Findings, func(x Finding) bool { return x.Kind == tc.kind }) {
				t.Fatalf("game findings %v lack %q", st.Findings, tc.kind)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

func TestNoFindingsForACleanGame(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Clean")
	g.hello(pickAction, waveAction)
	g.send(wire.ContextMessage{Message: "The game starts.", Silent: false})
	g.send(wire.ForceActions{Query: "play", State: "| |", ActionNames: []string{"pick"}, Priority: wire.PriorityHigh})
	a := g.expectAction()
	g.send(wire.UnregisterActions{ActionNames: []string{"pick"}})
	g.result(a.ID, true, "")
	g.send(wire.ShutdownReady{})
	g.sync(s)
	if ws := s.Findings(); len(ws) != 0 {
		t.Fatalf("findings %v", ws)
	}
	st, _ := s.Game("Clean")
	if len(st.Context) != 2 || st.Context[0].Message != "The game starts." || !st.ShutdownReady || !st.StartedUp {
		t.Fatalf("state %+v", st)
	}
	if len(st.Actions) != 1 || st.Actions[0].Name != "wave" {
		t.Fatalf("registry %+v", st.Actions)
	}
}

func TestGoAPI(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(pickAction)
	ctx := testCtx(t)

	// Act: send and wait for the result.
	type actRes struct {
		r   Result
		err error
	}
	acted := make(chan actRes, 1)
	go func() {
		r, err := s.Act(ctx, "Game", "pick", `{"cell":5}`)
		acted <- actRes{r, err}
	}()
	a := g.expectAction()
	if a.Name != "pick" || a.Data != `{"cell":5}` {
		t.Fatalf("action %+v", a)
	}
	g.result(a.ID, false, "cell 5 is taken")
	if got := <-acted; got.err != nil || got.r.Success || got.r.Message != "cell 5 is taken" || got.r.Forced {
		t.Fatalf("Act = %+v", got)
	}

	// SendAction + AwaitResult, by connection id; no retry outside a force.
	id, err := s.SendAction(ctx, "#1", "pick", "")
	if err != nil {
		t.Fatal(err)
	}
	if a = g.expectAction(); a.ID != id || a.HasData {
		t.Fatalf("action %+v, want id %s without data", a, id)
	}
	g.result(id, true, "ok")
	r, err := s.AwaitResult(ctx, "", id)
	if err != nil || !r.Success || r.Message != "ok" {
		t.Fatalf("AwaitResult = %+v, %v", r, err)
	}
	if _, err := s.AwaitResult(ctx, "", "nope"); !errors.Is(err, ErrUnknownAction) {
		t.Fatalf("AwaitResult(unknown) err = %v", err)
	}

	// The other server messages.
	steps := []struct {
		do  func() error
		cmd string
	}{
		{func() error { return s.ReregisterAll(ctx, "Game") }, wire.CmdReregisterAll},
		{func() error { return s.ShutdownGraceful(ctx, "Game", true) }, wire.CmdShutdownGraceful},
		{func() error { return s.ShutdownImmediate(ctx, "Game") }, wire.CmdShutdownImmediate},
		{func() error {
			return s.SendRaw(ctx, "Game", []byte(`{"command":"speech_finished","data":{"isFinal":true}}`))
		}, "speech_finished"},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.cmd, err)
		}
		m := g.expect(st.cmd)
		if sg, ok := m.(wire.ShutdownGraceful); ok && !sg.WantsShutdown {
			t.Fatalf("graceful %+v", sg)
		}
	}
	if _, err := s.Game("nobody"); !errors.Is(err, ErrUnknownGame) {
		t.Fatalf("Game(nobody) err = %v", err)
	}
	if err := s.ReregisterAll(ctx, "nobody"); !errors.Is(err, ErrUnknownGame) {
		t.Fatalf("ReregisterAll(nobody) err = %v", err)
	}
}

func TestActTimeout(t *testing.T) {
	s := newTestServer(t, WithResultTimeout(20*time.Millisecond))
	g := connect(t, s, "Game")
	g.hello(waveAction)
	r, err := s.Act(testCtx(t), "", "wave", "")
	if !errors.Is(err, ErrResultTimeout) || !r.TimedOut || r.Success {
		t.Fatalf("Act = %+v, %v; want a timeout", r, err)
	}
	g.expectAction()
	g.result(r.ID, true, "")
	waitFinding(t, s, FindingLateResult)
	// A result nobody waits for expires too (swept).
	id, err := s.SendAction(testCtx(t), "", "wave", "")
	if err != nil {
		t.Fatal(err)
	}
	if r, err = s.AwaitResult(testCtx(t), "", id); !errors.Is(err, ErrResultTimeout) {
		t.Fatalf("AwaitResult = %+v, %v", r, err)
	}
}

func TestActEndsWhenGameDisconnects(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(waveAction)
	errc := make(chan error, 1)
	go func() {
		_, err := s.Act(context.Background(), "Game", "wave", "")
		errc <- err
	}()
	g.expectAction()
	_ = g.conn.Close(transport.CloseNormal, "bye")
	if err := <-errc; !errors.Is(err, ErrGameNotConnected) {
		t.Fatalf("Act err = %v", err)
	}
	if err := <-g.done; err != nil {
		t.Fatalf("ServeConn = %v, want nil after a normal close", err)
	}
	g.done <- nil // for the cleanup
	st, _ := s.Game("Game")
	if st.Connected || st.DisconnectedAt == nil {
		t.Fatalf("state %+v", st)
	}
	if err := s.ReregisterAll(testCtx(t), "Game"); !errors.Is(err, ErrGameNotConnected) {
		t.Fatalf("send to a gone game: %v", err)
	}
}

func TestStartupCancelsForces(t *testing.T) {
	s := newTestServer(t, WithForceDelay(time.Hour))
	g := connect(t, s, "Game")
	g.hello(waveAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "one", ActionNames: []string{"wave"}})
	g.send(wire.Startup{})
	g.expect(wire.CmdStartup)
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceCancelled {
		t.Fatalf("force done %+v", e.Force)
	}
	if st, _ := s.Game(""); len(st.ForceQueue) != 0 || len(st.Actions) != 0 {
		t.Fatalf("state after startup %+v", st)
	}
}

func TestForceDroppedWhenActionsUnregistered(t *testing.T) {
	s := newTestServer(t, WithForceDelay(50*time.Millisecond))
	g := connect(t, s, "Game")
	g.hello(waveAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "one", ActionNames: []string{"wave"}})
	g.send(wire.UnregisterActions{ActionNames: []string{"wave"}})
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceDropped {
		t.Fatalf("force done %+v", e.Force)
	}
	waitFinding(t, s, FindingForceUnregistered)
}

func TestErrorRateSendsInvalidData(t *testing.T) {
	s := newTestServer(t, WithErrorRate(1), WithRetries(1))
	g := connect(t, s, "Game")
	g.hello(pickAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "play", ActionNames: []string{"pick"}})
	for range 2 {
		a := g.expectAction()
		if err := checkData(t, pickAction, a); err == nil {
			t.Fatalf("data %q passed the schema; want deliberately invalid data", a.Data)
		}
		if st, _ := s.Game(""); len(st.Pending) != 1 || !st.Pending[0].Faulty {
			t.Fatalf("pending %+v, want marked faulty", st.Pending)
		}
		g.result(a.ID, false, "bad data")
	}
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceGaveUp {
		t.Fatalf("force done %+v", e.Force)
	}
}

func TestCorruptDataFailsSchemas(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 0x5eed))
	for name, src := range generatorSchemas {
		a := wire.Action{Name: "a", Schema: mustSchema(t, src)}
		cs, err := schema.Compile(a.Name, a.Schema)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for range 20 {
			valid, err := GenerateData(context.Background(), a.Schema, r)
			if err != nil {
				t.Fatal(err)
			}
			bad := corruptData(a.Schema, valid, r)
			if cs.Check(bad, true) == nil {
				t.Fatalf("%s: corrupted %s into %s, which still passes", name, valid, bad)
			}
		}
	}
}

func TestSeveralGamesAtOnce(t *testing.T) {
	s := newTestServer(t)
	const n = 5
	var wg sync.WaitGroup
	for i := range n {
		name := fmt.Sprintf("Game %d", i)
		g := connect(t, s, name)
		act := wire.Action{Name: fmt.Sprintf("act-%d", i), Schema: pickAction.Schema}
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.t = &nopFatal{T: t} // Fatal from a goroutine is not allowed
			g.hello(act)
			for round := range 3 {
				g.send(wire.ForceActions{Query: fmt.Sprint(round), ActionNames: []string{act.Name}})
				a := g.expectAction()
				if a.Name != act.Name {
					t.Errorf("%s got %+v", name, a)
					return
				}
				if round == 1 {
					g.result(a.ID, false, "first try fails")
					a = g.expectAction()
				}
				// The next force goes out right after the result: the
				// server must not see it as "while one is pending".
				g.result(a.ID, true, "")
			}
			g.sync(s)
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	games := s.Games()
	if len(games) != n {
		t.Fatalf("%d games", len(games))
	}
	for _, st := range games {
		if len(st.Actions) != 1 || len(st.Results) != 4 {
			t.Errorf("%s: actions %v, %d results", st.Name, st.Actions, len(st.Results))
		}
	}
	if ws := s.Findings(); len(ws) != 0 {
		t.Fatalf("findings %v", ws)
	}
}

// nopFatal turns Fatal into Error for helpers used off the test goroutine.
type nopFatal struct{ *testing.T }

func (n *nopFatal) Fatalf(format string, args ...any) {
	n.T.Helper()
	n.T.Errorf(format, args...)
	runtime.Goexit()
}

func TestWatcherAndWaitFor(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(waveAction)
	// WaitFor sees the past.
	if e, err := s.WaitFor(testCtx(t), IsReceived("Game", wire.CmdStartup)); err != nil || e.GameID != "#1" {
		t.Fatalf("WaitFor(startup) = %+v, %v", e, err)
	}
	if e, err := s.WaitFor(testCtx(t), IsSent("#1", wire.CmdReregisterAll)); err != nil || e.Seq == 0 {
		t.Fatalf("WaitFor(reregister) = %+v, %v", e, err)
	}
	// A watcher sees every later event in order, each once.
	w := s.Watch()
	g.send(wire.ContextMessage{Message: "one", Silent: true})
	g.send(wire.ContextMessage{Message: "two", Silent: true})
	var got []string
	for len(got) < 2 {
		e, err := w.Next(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := e.Message.(wire.ContextMessage); ok {
			got = append(got, c.Message)
		}
	}
	if strings.Join(got, ",") != "one,two" {
		t.Fatalf("got %v", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := w.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next with nothing new = %v", err)
	}
	hist := s.History()
	if len(hist) == 0 || hist[len(hist)-1].Seq != s.LastSeq() {
		t.Fatalf("history ends at %d, last seq %d", hist[len(hist)-1].Seq, s.LastSeq())
	}
}

func TestEventHistoryBounded(t *testing.T) {
	s := newTestServer(t, WithEventHistory(5))
	g := connect(t, s, "Game")
	g.hello()
	for i := range 20 {
		g.send(wire.ContextMessage{Message: fmt.Sprint(i), Silent: true})
	}
	g.sync(s)
	if h := s.History(); len(h) != 5 || h[4].Seq != s.LastSeq() {
		t.Fatalf("history %d events, last %d of %d", len(h), h[len(h)-1].Seq, s.LastSeq())
	}
	if ctx, _ := s.ContextLog("Game"); len(ctx) != 21 {
		t.Fatalf("context log has %d entries, want 21", len(ctx))
	}
}

func TestCloseAndShutdown(t *testing.T) {
	for _, graceful := range []bool{true, false} {
		t.Run(fmt.Sprintf("graceful=%v", graceful), func(t *testing.T) {
			s := New(WithForceDelay(time.Hour))
			srvEnd, gameEnd := transport.Pipe()
			done := make(chan error, 1)
			go func() { done <- s.ServeConn(context.Background(), srvEnd) }()
			g := &fakeGame{t: t, name: "Game", conn: gameEnd}
			g.hello(waveAction)
			g.send(wire.ForceActions{Query: "q", ActionNames: []string{"wave"}}) // a sleeping force goroutine
			g.sync(s)
			w := s.Watch()
			if graceful {
				if err := s.Shutdown(testCtx(t)); err != nil {
					t.Fatal(err)
				}
			} else {
				_ = s.Close()
			}
			if err := <-done; !errors.Is(err, ErrServerClosed) {
				t.Fatalf("ServeConn = %v", err)
			}
			_, err := gameEnd.Read(testCtx(t))
			code, _, ok := transport.CloseCode(err)
			want := transport.CloseGoingAway
			if !graceful {
				want = transport.CloseAbnormal
			}
			if !ok || code != want {
				t.Fatalf("game read %v; want close code %d", err, want)
			}
			if _, err := w.WaitFor(testCtx(t), func(e Event) bool { return e.Kind == EventDisconnected }); err != nil {
				t.Fatalf("disconnected event: %v", err)
			}
			if _, err := w.Next(testCtx(t)); !errors.Is(err, ErrServerClosed) {
				t.Fatalf("Next after close = %v", err)
			}
			a, b := transport.Pipe()
			defer b.CloseNow()
			if err := s.ServeConn(context.Background(), a); !errors.Is(err, ErrServerClosed) {
				t.Fatalf("ServeConn after close = %v", err)
			}
			_ = s.Close() // idempotent
			if err := s.Start("127.0.0.1:0", ""); !errors.Is(err, ErrServerClosed) {
				t.Fatalf("Start after close = %v", err)
			}
		})
	}
}

func TestServeConnContextCancelled(t *testing.T) {
	s := newTestServer(t)
	srvEnd, gameEnd := transport.Pipe()
	defer gameEnd.CloseNow()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ServeConn(ctx, srvEnd) }()
	g := &fakeGame{t: t, name: "Game", conn: gameEnd}
	g.expect(wire.CmdReregisterAll)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("ServeConn = %v", err)
	}
}

func TestRandomPolicyRepeatable(t *testing.T) {
	req := ForceRequest{Actions: []wire.Action{pickAction, waveAction, {Name: "x", Schema: wire.Schema{"type": "object"}}}}
	run := func() string {
		p := NewRandomPolicy(42)
		var out []string
		for range 20 {
			c, err := p.Choose(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c.Name+" "+c.Data)
		}
		return strings.Join(out, "|")
	}
	a, b := run(), run()
	if a != b {
		t.Fatalf("same seed, different choices:\n%s\n%s", a, b)
	}
	for _, name := range []string{"pick", "wave", "x"} {
		if !strings.Contains(a, name) {
			t.Fatalf("action %q never chosen in %s", name, a)
		}
	}
	_, err := NewRandomPolicy(1).Choose(context.Background(), ForceRequest{})
	if err == nil {
		t.Fatal("Choose with no actions succeeded")
	}
}

func TestInjectedDuplicateIDNeverHangs(t *testing.T) {
	s := newTestServer(t, WithResultTimeout(30*time.Millisecond))
	g := connect(t, s, "Game")
	g.hello(waveAction)
	g.sync(s)
	game := s.gameList()[0]
	req := wire.ActionRequest{ID: "dup", Name: "wave"}
	first := game.track(req, nil, PendingAction{})
	second := game.track(req, nil, PendingAction{}) // supersedes first
	g.result("dup", true, "")
	if r, err := game.await(testCtx(t), second); err != nil || !r.Success {
		t.Fatalf("second = %+v, %v", r, err)
	}
	// Nothing will answer the superseded one: it times out, never hangs.
	if r, err := game.await(testCtx(t), first); !errors.Is(err, ErrResultTimeout) || !r.TimedOut {
		t.Fatalf("first = %+v, %v", r, err)
	}
}

// A game answering actions/reregister_all registers the same actions a
// second time: that is the protocol, not a mistake, and draws no finding.
func TestIdenticalReregistrationIsFine(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(waveAction)
	if err := s.ReregisterAll(testCtx(t), "Game"); err != nil {
		t.Fatal(err)
	}
	g.expect(wire.CmdReregisterAll)
	g.send(wire.RegisterActions{Actions: []wire.Action{waveAction}})
	g.sync(s)
	if ws := s.Findings(); len(ws) != 0 {
		t.Fatalf("unexpected findings %v", ws)
	}
	if reg, _ := s.Registry("Game"); len(reg) != 1 {
		t.Fatalf("registry = %v, want one action", reg)
	}
}

func TestDisconnectDropsOneGame(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Game")
	g.hello(waveAction)
	if err := s.Disconnect("Game", 4001, "bye for now"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	_, err := g.conn.Read(ctx)
	code, reason, ok := transport.CloseCode(err)
	if !ok || code != 4001 || reason != "bye for now" {
		t.Fatalf("game read %v, want close 4001 %q", err, "bye for now")
	}
	if err := s.Disconnect("Nobody", 0, ""); !errors.Is(err, ErrUnknownGame) {
		t.Fatalf("Disconnect of an unknown game = %v, want ErrUnknownGame", err)
	}
}
