package neurotest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// Defaults of NewServer and of the helpers.
const (
	// DefaultTimeout bounds every wait of the helpers; WithTimeout changes
	// it. Nothing waits this long when the game works.
	DefaultTimeout = 5 * time.Second
	// DefaultForceDelay is the simulator's force delay under neurotest
	// (the real server's is about 500ms), so that tests run fast. Pass
	// server.WithForceDelay to NewServer to change it.
	DefaultForceDelay = 10 * time.Millisecond
	// shutdownGrace bounds the graceful shutdown run by t.Cleanup before
	// the server falls back to closing connections at once.
	shutdownGrace = 5 * time.Second
)

// Server is a Neuro simulator running in-process on loopback, made by
// NewServer, with helpers that fail the test (t.Fatalf) with a clear
// message instead of returning errors. Each wait is bounded by a timeout
// (DefaultTimeout; see WithTimeout).
//
// Which game: the helpers that send or inspect (Act, Registry, ...) look
// at the most recently connected game (or, once every game left, the
// last one that was connected); the WaitFor… helpers accept any game.
// WithGame narrows both to one game.
//
// The WaitFor… helpers that return a message or an event hand each one
// out once, oldest first, whether it happened before or after the call:
// two WaitForContext calls return the first context message and then the
// second. Nothing is missed, so there is no need to start waiting before
// the game acts.
//
// Call the helpers from the test's goroutine (t.Fatalf ends the calling
// goroutine); the other methods are safe for concurrent use.
type Server struct {
	t       testing.TB
	sim     *server.Server
	shared  *shared
	game    string
	timeout time.Duration
}

// shared is the state common to a Server and the views WithGame and
// WithTimeout return.
type shared struct {
	mu       sync.Mutex
	consumed map[uint64]bool // events already returned by a WaitFor… helper
}

// NewServer starts a simulator on a free 127.0.0.1 port (websocket side
// at URL, HTTP side at HTTPURL) and registers its shutdown with
// t.Cleanup: connected games get a close handshake, and every goroutine
// the simulator started is joined before the cleanup returns. Register
// the game's own cleanup after NewServer, so that the game stops first.
//
// The simulator follows the real server's rules (server.New's defaults):
// it acknowledges startup, retries a failed force 3 times and then gives
// it up silently, replaces a pending force with a new one, holds context
// sent while a result is pending, and waits 30s for a result. Its timing
// is made deterministic; the defaults under neurotest, each overridden by
// the matching opts (later options win), are:
//   - a fixed think time of DefaultForceDelay instead of 500ms, so tests
//     run fast (server.WithThinkTime or WithForceDelay to change it);
//   - no speech of her own (server.WithSpeech turns it on): she speaks
//     only when the test says so, with Speak, and stops with
//     FinishSpeaking;
//   - no action of her own (server.WithActEvery turns it on): she acts
//     only in answer to forces and through Act or SendAction;
//   - no actions/reregister_all on connect (the official mock sends one):
//     a game answers it with a second actions/register at a moment that
//     varies from run to run, which would make tests flaky. Pass
//     server.WithReregisterOnConnect(true) to test that path, or call
//     ReregisterAll at a chosen moment;
//   - a logger writing to the test log (zaptest.NewLogger(t));
//   - a random seed, logged so that a failing run can be repeated with
//     server.WithSeed.
//
// server.WithProfile(server.ProfileRandy) plays the official mock
// instead; options after it still apply.
func NewServer(t testing.TB, opts ...server.Option) *Server {
	t.Helper()
	seed := rand.Int64()
	all := append([]server.Option{
		server.WithForceDelay(DefaultForceDelay),
		server.WithSpeech(0, 0),
		server.WithActEvery(0),
		server.WithReregisterOnConnect(false),
		server.WithLogger(zaptest.NewLogger(t)),
		server.WithSeed(seed),
	}, opts...)
	sim := server.New(all...)
	if err := sim.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		_ = sim.Close()
		t.Fatalf("neurotest: starting the simulator: %v", err)
	}
	t.Logf("neurotest: simulator at %s (HTTP at http://%s), seed %d (server.WithSeed(%d) repeats it unless opts set another)",
		sim.URL(), sim.HTTPAddr(), seed, seed)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		_ = sim.Shutdown(ctx) // falls back to Close, and joins either way
	})
	return &Server{
		t:       t,
		sim:     sim,
		shared:  &shared{consumed: make(map[uint64]bool)},
		timeout: DefaultTimeout,
	}
}

// URL returns the websocket URL games connect to, "ws://127.0.0.1:<port>".
func (s *Server) URL() string { return s.sim.URL() }

// HTTPURL returns the base URL of the HTTP side, "http://127.0.0.1:<port>":
// POST / sends a JSON message to every game, GET /state is a snapshot.
func (s *Server) HTTPURL() string { return "http://" + s.sim.HTTPAddr() }

// Simulator returns the underlying simulator, for everything the helpers
// do not cover (its Go API never fails the test by itself).
func (s *Server) Simulator() *server.Server { return s.sim }

// Close shuts the simulator down at once (no close handshake), for tests
// of what a game does when Neuro goes away, and waits for its goroutines.
// It is idempotent; the cleanup NewServer registered is then a no-op.
func (s *Server) Close() { _ = s.sim.Close() }

// WithTimeout returns a view of s whose helpers wait up to d instead of
// DefaultTimeout. The view shares everything else with s.
func (s *Server) WithTimeout(d time.Duration) *Server {
	v := *s
	v.timeout = d
	return &v
}

// WithGame returns a view of s whose helpers look at one game only: ref is
// its game name (as sent in its messages) or its connection id ("#1",
// "#2", ... in connection order); "" means the most recently connected
// game. The view shares everything else with s.
func (s *Server) WithGame(ref string) *Server {
	v := *s
	v.game = ref
	return &v
}

func (s *Server) context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.timeout)
}

// ref resolves the game the helpers look at: s.game, or the most recently
// connected game still connected, or the last game that connected. It
// returns "" when no game ever connected.
func (s *Server) ref() string {
	if s.game != "" {
		return s.game
	}
	games := s.sim.Games()
	for i := len(games) - 1; i >= 0; i-- {
		if games[i].Connected {
			return games[i].ID
		}
	}
	if len(games) > 0 {
		return games[len(games)-1].ID
	}
	return ""
}

// gameState returns the state of the game the helpers look at.
func (s *Server) gameState() (server.GameState, error) {
	ref := s.ref()
	if ref == "" {
		return server.GameState{}, errors.New("no game has connected to " + s.URL())
	}
	return s.sim.Game(ref)
}

// Game returns a snapshot of the game the helpers look at. It fails the
// test when there is none.
func (s *Server) Game() server.GameState {
	s.t.Helper()
	st, err := s.gameState()
	if err != nil {
		s.t.Fatalf("neurotest: %v", err)
	}
	return st
}

// Registry returns the actions the game has registered now, in
// registration order.
func (s *Server) Registry() []neuro.Action {
	s.t.Helper()
	return s.Game().Actions
}

// ContextLog returns the context messages the game sent, oldest first,
// as delivered to Neuro: a message sent while a result was pending is
// held until the result came (Game().HeldContext lists those waiting).
func (s *Server) ContextLog() []server.ContextEntry {
	s.t.Helper()
	return s.Game().Context
}

// Warnings returns the protocol warnings (the simulator's findings of
// level server.LevelProtocol) recorded so far, in order: the game's under
// WithGame, every game's otherwise. Advice is apart (see Advice).
func (s *Server) Warnings() []server.Finding {
	if s.game == "" {
		return s.sim.Findings()
	}
	st, err := s.sim.Game(s.game)
	if err != nil {
		return nil
	}
	return st.Findings
}

// RequireNoWarnings fails the test, listing them, when the simulator
// recorded protocol warnings (see Warnings); advice does not count (see
// RequireNoAdvice). It checks what happened so far: call it at the end
// of the test, after the game's last message was seen (a WaitFor…
// helper or Act).
func (s *Server) RequireNoWarnings() {
	s.t.Helper()
	if ws := s.Warnings(); len(ws) > 0 {
		s.t.Fatalf("neurotest: %d protocol warning(s):\n%s", len(ws), listFindings(ws))
	}
}

func listFindings(fs []server.Finding) string {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = fmt.Sprintf("  game %s: %s", orID(f.Game, f.GameID), f)
	}
	return strings.Join(lines, "\n")
}

// RequireRegistered fails the test unless every named action is
// registered now. To wait until they are, use WaitRegistered.
func (s *Server) RequireRegistered(names ...string) {
	s.t.Helper()
	reg := s.Registry()
	if missing := missingFrom(reg, names); len(missing) > 0 {
		s.t.Fatalf("neurotest: action(s) %q not registered; registered: %q", missing, actionNames(reg))
	}
}

// RequireNotRegistered fails the test when one of the named actions is
// registered now. Right after Act returns it checks that a one-shot
// action was unregistered before its successful result was sent, as the
// Neuro API asks.
func (s *Server) RequireNotRegistered(names ...string) {
	s.t.Helper()
	reg := s.Registry()
	var present []string
	for _, n := range names {
		if slices.Contains(actionNames(reg), n) {
			present = append(present, n)
		}
	}
	if len(present) > 0 {
		s.t.Fatalf("neurotest: action(s) %q still registered; registered: %q", present, actionNames(reg))
	}
}

func actionNames(actions []neuro.Action) []string {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a.Name
	}
	return names
}

func missingFrom(actions []neuro.Action, names []string) []string {
	have := actionNames(actions)
	var missing []string
	for _, n := range names {
		if !slices.Contains(have, n) {
			missing = append(missing, n)
		}
	}
	return missing
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return fmt.Sprintf("%q (%s)", name, id)
}

// ---- sending ----

// Act sends the game the action name with data (a JSON document, sent
// as is, so malformed data can be tested; "" sends none), outside any
// force, and returns the game's action/result. It fails the test when
// the game is not connected or does not answer within the timeout.
// Register the action first (WaitRegistered): the simulator sends
// whatever it is asked to.
func (s *Server) Act(name, data string) neuro.ActionResult {
	s.t.Helper()
	ref := s.ref()
	if ref == "" {
		s.t.Fatalf("neurotest: Act(%q): no game has connected to %s", name, s.URL())
	}
	ctx, cancel := s.context()
	defer cancel()
	w := s.sim.Watch()
	id, err := s.sim.SendAction(ctx, ref, name, data)
	if err != nil {
		s.t.Fatalf("neurotest: Act(%q): sending the action: %v", name, err)
	}
	r, err := s.sim.AwaitResult(ctx, ref, id)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		s.fatalWithHistory("Act(%q): no action/result for id %s within %v", name, id, s.timeout)
	case err != nil:
		s.fatalWithHistory("Act(%q): waiting for the result of id %s: %v", name, id, err)
	}
	// Hand the result event out here, so WaitForResult does not return it
	// again. It was recorded before AwaitResult returned.
	if e, err := w.WaitFor(ctx, server.IsResult(id)); err == nil {
		s.consume(e.Seq)
	}
	return neuro.ActionResult{ID: r.ID, Success: r.Success, Message: r.Message}
}

// SendAction sends the game the action name with data ("" sends none),
// outside any force, and returns its id without waiting for the result
// (see WaitForResult).
func (s *Server) SendAction(name, data string) string {
	s.t.Helper()
	ctx, cancel := s.context()
	defer cancel()
	id, err := s.sim.SendAction(ctx, s.ref(), name, data)
	if err != nil {
		s.t.Fatalf("neurotest: SendAction(%q): %v", name, err)
	}
	return id
}

// Send sends the game any Neuro → game message.
func (s *Server) Send(m wire.Message) {
	s.t.Helper()
	ctx, cancel := s.context()
	defer cancel()
	if err := s.sim.Send(ctx, s.ref(), m); err != nil {
		s.t.Fatalf("neurotest: sending %s: %v", m.Command(), err)
	}
}

// ReregisterAll sends the game actions/reregister_all: it should register
// again every action it wants registered now (see WaitRegistered).
func (s *Server) ReregisterAll() {
	s.t.Helper()
	s.Send(wire.ReregisterAll{})
}

// ShutdownGraceful sends the game shutdown/graceful; wants false cancels
// an earlier request. A game answers with shutdown/ready once it saved
// (WaitForCommand(wire.CmdShutdownReady)).
func (s *Server) ShutdownGraceful(wants bool) {
	s.t.Helper()
	s.Send(wire.ShutdownGraceful{WantsShutdown: wants})
}

// ShutdownImmediate sends the game shutdown/immediate.
func (s *Server) ShutdownImmediate() {
	s.t.Helper()
	s.Send(wire.ShutdownImmediate{})
}
