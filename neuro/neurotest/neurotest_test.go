package neurotest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// rawGame is a game written by hand over a websocket, for tests that need
// exact control of what is sent.
type rawGame struct {
	t    *testing.T
	name string
	conn transport.Conn
}

func dialRaw(t *testing.T, url, name string) *rawGame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	conn, err := gorilla.Dial(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(transport.CloseNormal, "") })
	return &rawGame{t: t, name: name, conn: conn}
}

func (g *rawGame) send(m wire.Message) {
	g.t.Helper()
	frame, err := wire.EncodeGame(g.name, m)
	if err != nil {
		g.t.Fatal(err)
	}
	g.sendRaw(string(frame))
}

func (g *rawGame) sendRaw(frame string) {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := g.conn.Write(ctx, []byte(frame)); err != nil {
		g.t.Fatal(err)
	}
}

func (g *rawGame) recv() wire.Message {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	frame, err := g.conn.Read(ctx)
	if err != nil {
		g.t.Fatal(err)
	}
	m, err := wire.DecodeServer(frame)
	if err != nil {
		g.t.Fatal(err)
	}
	return m
}

func TestNewServerServesAndCleansUp(t *testing.T) {
	var wsURL, httpURL string
	t.Run("running", func(t *testing.T) {
		s := neurotest.NewServer(t)
		wsURL, httpURL = s.URL(), s.HTTPURL()
		if !strings.HasPrefix(wsURL, "ws://127.0.0.1:") || !strings.HasPrefix(httpURL, "http://127.0.0.1:") {
			t.Fatalf("URL %q, HTTPURL %q: want loopback URLs", wsURL, httpURL)
		}
		if s.Simulator() == nil {
			t.Fatal("Simulator() is nil")
		}
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: waitFor}
		resp, err := client.Get(httpURL + "/state")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var st server.State
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /state: %d, %v", resp.StatusCode, err)
		}
		// neurotest does not send actions/reregister_all on connect.
		g := dialRaw(t, wsURL, "Raw Game")
		g.send(wire.Startup{})
		if m := g.recv(); m.Command() != wire.CmdStartup {
			t.Fatalf("first message %s, want the startup acknowledgement", m.Command())
		}
	})
	// The subtest's cleanup closed the simulator.
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if conn, err := gorilla.Dial(ctx, wsURL); err == nil {
		_ = conn.CloseNow()
		t.Fatal("the simulator still accepts games after the test ended")
	}
}

func TestGameLifecycle(t *testing.T) {
	s := neurotest.NewServer(t)
	startCounter(t, s.URL(), "Counter")

	if st := s.WaitStartup(); st.Name != "Counter" || !st.Connected {
		t.Fatalf("after startup: %+v", st)
	}
	if reg := s.WaitRegistered("add", "finish"); len(reg) != 2 || reg[0].Schema == nil {
		t.Fatalf("registry %+v", reg)
	}
	s.RequireRegistered("add", "finish")
	if c := s.WaitForContext("counting game"); !c.Silent {
		t.Fatalf("context %+v: want silent", c)
	}

	for _, tc := range []struct {
		name, data string
		success    bool
		message    string
	}{
		{"add", `{"n": 2}`, true, "The total is 2."},
		{"add", `{"n": 3}`, true, "The total is 5."},
		{"add", `{"n": 7}`, false, ""}, // out of the schema: the component refuses it
		{"add", `not json`, false, ""},
		{"add", "", false, ""},
		{"jump", "", false, "jump"}, // not registered: refused, the game goes on
	} {
		r := s.Act(tc.name, tc.data)
		if r.Success != tc.success || !strings.Contains(r.Message, tc.message) || r.ID == "" {
			t.Errorf("Act(%q, %q) = %+v; want success %t, message containing %q", tc.name, tc.data, r, tc.success, tc.message)
		}
		if !r.Success && r.Message == "" {
			t.Errorf("Act(%q, %q): a failed result without a message", tc.name, tc.data)
		}
	}

	if r := s.Act("finish", ""); !r.Success || r.Message != "Game over." {
		t.Fatalf("finish: %+v", r)
	}
	// A one-shot action is unregistered before its successful result.
	s.RequireNotRegistered("finish")
	s.RequireRegistered("add")
	if got := s.Registry(); len(got) != 1 || got[0].Name != "add" {
		t.Fatalf("registry after finish: %+v", got)
	}
	if log := s.ContextLog(); len(log) != 1 {
		t.Fatalf("context log %+v", log)
	}
	if n := len(s.Game().Results); n != 7 {
		t.Fatalf("%d results recorded, want 7", n)
	}
	s.RequireNoWarnings()
}

func TestForceFollowedToTheEnd(t *testing.T) {
	s := neurotest.NewServer(t, server.WithSeed(3))
	g := startCounter(t, s.URL(), "Counter")
	s.WaitRegistered("add")

	g.force(t)
	if f := s.WaitForForce(); f.Query != "Add something." || len(f.ActionNames) != 1 {
		t.Fatalf("force %+v", f)
	}
	a := s.WaitForAction()
	if a.Name != "add" || !json.Valid([]byte(a.Data)) {
		t.Fatalf("Neuro picked %+v", a)
	}
	if r := s.WaitForResult(a.ID); !r.Success || !r.Forced || !strings.HasPrefix(r.Message, "The total is ") {
		t.Fatalf("result %+v", r)
	}
	if d := s.WaitForForceDone(); d.Outcome != server.ForceSucceeded || d.Attempts != 1 {
		t.Fatalf("force done %+v", d)
	}
	s.RequireNoWarnings()
}

func TestReregisterAllAndShutdown(t *testing.T) {
	s := neurotest.NewServer(t)
	startCounter(t, s.URL(), "Counter")
	s.WaitRegistered("add", "finish")
	first := s.WaitForCommand(wire.CmdRegister).(wire.RegisterActions)
	if len(first.Actions) != 2 {
		t.Fatalf("first registration %+v", first)
	}

	s.ReregisterAll()
	again := s.WaitForCommand(wire.CmdRegister).(wire.RegisterActions)
	if len(again.Actions) != 2 {
		t.Fatalf("registration after reregister_all %+v", again)
	}
	// The simulator currently warns about the re-registration (duplicate
	// registration); nothing else may show.
	for _, w := range s.Warnings() {
		if w.Kind != server.FindingDuplicateAction {
			t.Fatalf("unexpected warning %s", w)
		}
	}

	s.ShutdownGraceful(true)
	s.WaitForCommand(wire.CmdShutdownReady)
	if !s.Game().ShutdownReady {
		t.Fatal("the game's state does not show shutdown/ready")
	}
	s.ShutdownImmediate()
	s.WaitForCommand(wire.CmdShutdownReady)
}

func TestWaitsHandEachMessageOutOnce(t *testing.T) {
	ft := &fakeT{TB: t}
	s := neurotest.NewServer(ft)
	g := dialRaw(t, s.URL(), "Raw Game")
	g.send(wire.Startup{})
	g.send(wire.ContextMessage{Message: "one"})
	g.send(wire.ContextMessage{Message: "two", Silent: true})
	g.send(wire.RegisterActions{Actions: []neuro.Action{{Name: "wave", Description: "Wave."}}})

	// Out of order: the registration first, then the contexts in turn.
	if m := s.WaitForCommand(wire.CmdRegister).(wire.RegisterActions); m.Actions[0].Name != "wave" {
		t.Fatalf("register %+v", m)
	}
	if c := s.WaitForContext(""); c.Message != "one" {
		t.Fatalf("first context %+v", c)
	}
	if c := s.WaitForCommand(wire.CmdContext).(wire.ContextMessage); c.Message != "two" || !c.Silent {
		t.Fatalf("second context %+v", c)
	}
	// Both were handed out: a third wait times out.
	msg := mustFail(t, ft, func() { s.WithTimeout(100 * time.Millisecond).WaitForContext("") })
	requireContains(t, msg, "no context", "within 100ms", `← {"command":"context"`)

	// Later messages are found as they come.
	g.send(wire.ContextMessage{Message: "three"})
	if c := s.WaitForContext("thr"); c.Message != "three" {
		t.Fatalf("third context %+v", c)
	}
	s.RequireNoWarnings()
}

func TestOptionsOverrideDefaults(t *testing.T) {
	s := neurotest.NewServer(t, server.WithReregisterOnConnect(true))
	g := dialRaw(t, s.URL(), "Raw Game")
	if m := g.recv(); m.Command() != wire.CmdReregisterAll {
		t.Fatalf("first message %s, want actions/reregister_all", m.Command())
	}
}

func TestWithGameAndDefaultGame(t *testing.T) {
	s := neurotest.NewServer(t)
	a := startCounter(t, s.URL(), "Game A")
	s.WithGame("Game A").WaitRegistered("add")
	b := startCounter(t, s.URL(), "Game B")
	s.WithGame("Game B").WaitRegistered("add")

	if r := s.WithGame("Game A").Act("add", `{"n": 1}`); r.Message != "The total is 1." {
		t.Fatalf("game A: %+v", r)
	}
	if r := s.WithGame("#1").Act("add", `{"n": 2}`); r.Message != "The total is 3." {
		t.Fatalf("game #1: %+v", r)
	}
	// Without WithGame: the latest connected game.
	if r := s.Act("add", `{"n": 3}`); r.Message != "The total is 3." {
		t.Fatalf("latest game: %+v", r)
	}
	if ta, tb := a.sum(), b.sum(); ta != 3 || tb != 3 {
		t.Fatalf("totals %d and %d, want 3 and 3", ta, tb)
	}
	if st := s.WithGame("Game B").WaitStartup(); st.Name != "Game B" {
		t.Fatalf("startup of %+v", st)
	}
	if c := s.WithGame("Game A").WaitForContext(""); !strings.Contains(c.Message, "counting") {
		t.Fatalf("context %+v", c)
	}
	if got := s.WithGame("Game A").Game().Name; got != "Game A" {
		t.Fatalf("Game() = %q", got)
	}

	// Game B leaves: the helpers fall back to game A, still connected.
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := b.neuro.Stop(ctx, 0, "bye"); err != nil {
		t.Fatal(err)
	}
	if code, reason := s.WithGame("Game B").WaitDisconnected(); code != transport.CloseNormal || reason != "bye" {
		t.Fatalf("game B left with %d %q", code, reason)
	}
	if got := s.Game().Name; got != "Game A" {
		t.Fatalf("default game after B left: %q", got)
	}
	s.RequireNoWarnings()
}

func TestWarnings(t *testing.T) {
	ft := &fakeT{TB: t}
	s := neurotest.NewServer(ft)
	g := dialRaw(t, s.URL(), "Sloppy Game")
	g.send(wire.ContextMessage{Message: "too early"})
	g.send(wire.Startup{})
	g.send(wire.RegisterActions{Actions: []neuro.Action{{Name: "Bad Name", Description: "x"}}})

	if w := s.WaitForWarning(server.FindingBeforeStartup); w.Game != "Sloppy Game" {
		t.Fatalf("warning %+v", w)
	}
	s.WaitForWarning(server.FindingInvalidActionName)
	if n := len(s.Warnings()); n != 2 {
		t.Fatalf("%d warnings, want 2: %v", n, s.Warnings())
	}
	msg := mustFail(t, ft, s.RequireNoWarnings)
	requireContains(t, msg, "2 protocol warning(s)", `game "Sloppy Game" (#1): message before startup`, "invalid action name")
	if n := len(s.WithGame("Other Game").Warnings()); n != 0 {
		t.Fatalf("%d warnings for a game that never connected", n)
	}
}

func TestHelpersFailClearly(t *testing.T) {
	const short = 150 * time.Millisecond
	t.Run("no game", func(t *testing.T) {
		ft := &fakeT{TB: t}
		s := neurotest.NewServer(ft)
		requireContains(t, mustFail(t, ft, func() { s.Act("add", "") }), `Act("add"): no game has connected`)
		requireContains(t, mustFail(t, ft, func() { s.Registry() }), "no game has connected to ws://127.0.0.1:")
		requireContains(t, mustFail(t, ft, func() { s.WithTimeout(short).WaitStartup() }),
			"no startup from the game within 150ms", "nothing happened: did the game connect")
		requireContains(t, mustFail(t, ft, func() { s.ReregisterAll() }), "sending actions/reregister_all", "no game is connected")
	})
	t.Run("game", func(t *testing.T) {
		ft := &fakeT{TB: t}
		s := neurotest.NewServer(ft)
		startCounter(t, s.URL(), "Counter")
		s.WaitRegistered("add")
		requireContains(t, mustFail(t, ft, func() { s.WithTimeout(short).WaitForForce() }),
			"no actions/force from the game within 150ms", "latest simulator events:", `← {"command":"startup","game":"Counter"}`)
		requireContains(t, mustFail(t, ft, func() { s.WithTimeout(short).WaitRegistered("add", "jump") }),
			`registration of ["add" "jump"]`, `registered now: ["add" "finish"]`)
		requireContains(t, mustFail(t, ft, func() { s.RequireRegistered("jump") }), `action(s) ["jump"] not registered; registered: ["add" "finish"]`)
		requireContains(t, mustFail(t, ft, func() { s.RequireNotRegistered("add", "jump") }), `action(s) ["add"] still registered`)
		requireContains(t, mustFail(t, ft, func() { s.WithGame("Nobody").Game() }), "no such game")
		// A result Act returned is not handed out again.
		if r := s.Act("add", `{"n": 1}`); !r.Success {
			t.Fatalf("add: %+v", r)
		}
		requireContains(t, mustFail(t, ft, func() { s.WithTimeout(short).WaitForResult("") }), "no action result from the game")
		requireContains(t, mustFail(t, ft, func() { s.WithTimeout(short).WithGame("Nobody").WaitForContext("") }),
			`no context containing "" from game Nobody within 150ms`)
	})
	t.Run("unanswered and malformed", func(t *testing.T) {
		ft := &fakeT{TB: t}
		s := neurotest.NewServer(ft)
		g := dialRaw(t, s.URL(), "Silent Game")
		g.send(wire.Startup{})
		g.send(wire.RegisterActions{Actions: []neuro.Action{{Name: "wave", Description: "Wave."}}})
		s.WaitRegistered("wave")
		requireContains(t, mustFail(t, ft, func() { s.WithTimeout(short).Act("wave", "") }),
			`Act("wave"): no action/result for id`, "within 150ms", `→ {"command":"action"`)
		g.sendRaw(`{"command":"context","game":"Silent Game","data":{"message":5}}`)
		requireContains(t, mustFail(t, ft, func() { s.WaitForCommand(wire.CmdContext) }),
			"the game sent a context message that does not decode", `"message":5`)
	})
	t.Run("closed", func(t *testing.T) {
		ft := &fakeT{TB: t}
		s := neurotest.NewServer(ft)
		s.Close()
		s.Close() // idempotent
		requireContains(t, mustFail(t, ft, func() { s.WaitForCommand(wire.CmdStartup) }),
			"the simulator was closed while waiting for startup")
	})
}

func TestSendActionAndWaitForResult(t *testing.T) {
	s := neurotest.NewServer(t)
	startCounter(t, s.URL(), "Counter")
	s.WaitRegistered("add")
	id1 := s.SendAction("add", `{"n": 1}`)
	id2 := s.SendAction("add", `{"n": 9}`)
	// Results are handed out by id, or oldest first.
	if r := s.WaitForResult(id2); r.Success || r.ID != id2 {
		t.Fatalf("result of %s: %+v", id2, r)
	}
	if r := s.WaitForResult(""); !r.Success || r.ID != id1 {
		t.Fatalf("next result: %+v", r)
	}
	if a := s.WaitForAction(); a.ID != id1 {
		t.Fatalf("first action sent: %+v", a)
	}
	s.Send(wire.ShutdownGraceful{WantsShutdown: false}) // the game has nothing to do
	s.RequireNoWarnings()
}
