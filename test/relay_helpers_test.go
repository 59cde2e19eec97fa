package test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/internal/tictactoe"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/relay"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// The relay's end-to-end tests: the simulator upstream, the relay in this
// process on loopback listeners, and games over real websockets. Codec
// uses are kept to this file.

const relayTimeout = 60 * time.Second

func relayCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), relayTimeout)
	t.Cleanup(cancel)
	return ctx
}

// relayRig is a relay running on loopback listeners.
type relayRig struct {
	r   *relay.Relay
	url string // where games connect
}

// startRelay runs a relay to upstream until the test ends (then it is
// shut down and Run must return nil).
func startRelay(t *testing.T, upstream string, opts ...relay.Option) *relayRig {
	t.Helper()
	opts = append([]relay.Option{relay.WithLogger(zaptest.NewLogger(t).Named("relay")),
		relay.WithReconnect(20*time.Millisecond, 200*time.Millisecond)}, opts...)
	r, err := relay.New(upstream, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() { ran <- r.Run(context.Background(), ln, nil) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Shutdown(ctx); err != nil {
			t.Errorf("relay Shutdown: %v", err)
		}
		if err := <-ran; err != nil {
			t.Errorf("relay Run: %v", err)
		}
	})
	return &relayRig{r: r, url: "ws://" + ln.Addr().String()}
}

// relayResult is how one game of a test ended.
type relayResult struct {
	name  string
	score tictactoe.Score
	out   string
	err   error
}

// relayPlay runs games at once and returns how each ended, in order.
func relayPlay(games ...func() relayResult) []relayResult {
	out := make([]relayResult, len(games))
	var wg sync.WaitGroup
	for i, g := range games {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = g()
		}()
	}
	wg.Wait()
	return out
}

// relayDemo is a tic-tac-toe session of n games (the demo's game, its
// default name) against url.
func relayDemo(t *testing.T, ctx context.Context, url string, n int, seed int64) func() relayResult {
	return func() relayResult {
		var out strings.Builder
		score, err := tictactoe.Run(ctx, url, &out, tictactoe.WithGames(n), tictactoe.WithSeed(seed),
			tictactoe.WithLogger(zaptest.NewLogger(t).Named(fmt.Sprintf("tictactoe-%d", seed))))
		return relayResult{name: fmt.Sprintf("tic-tac-toe seed %d", seed), score: score, out: out.String(), err: err}
	}
}

// ---- the third game: a counter, on the raw protocol ----

// counterQuery is the force query of round n of the counter game.
func counterQuery(n int) string { return fmt.Sprintf("Round %d: count.", n) }

// counterGame is a small game speaking the protocol itself over
// transport/gorilla: each round it sends context, forces its "count"
// action (an integer 1-3) and checks the answer, failing bad data with a
// message. onAction, when set, sees each action first and may end the
// game by returning false (the test then kills the connection).
type counterGame struct {
	name     string
	rounds   int
	onAction func(id string) bool
	conn     transport.Conn
}

var counterAction = neuro.Action{
	Name:        "count",
	Description: "Say how far to count this round.",
	Schema: neuro.Schema{
		"type":       "object",
		"properties": map[string]any{"n": map[string]any{"type": "integer", "minimum": 1, "maximum": 3}},
		"required":   []any{"n"},
	},
}

func (c *counterGame) send(ctx context.Context, m wire.Message) error {
	frame, err := wire.EncodeGame(c.name, m)
	if err != nil {
		return err
	}
	return c.conn.Write(ctx, frame)
}

// errKilled reports a counter game ended by its onAction.
var errKilled = errors.New("counter game killed by the test")

// play connects to url and plays every round; it returns nil once all
// rounds were won and the game left cleanly.
func (c *counterGame) play(ctx context.Context, url string) error {
	conn, err := gorilla.Dial(ctx, url)
	if err != nil {
		return err
	}
	c.conn = conn
	defer conn.CloseNow()
	for _, m := range []wire.Message{wire.Startup{}, wire.RegisterActions{Actions: []neuro.Action{counterAction}}} {
		if err := c.send(ctx, m); err != nil {
			return err
		}
	}
	for round := 1; round <= c.rounds; round++ {
		if err := c.send(ctx, wire.ContextMessage{Message: fmt.Sprintf("Round %d starts.", round), Silent: true}); err != nil {
			return err
		}
		if err := c.send(ctx, neuro.ForceActions{Query: counterQuery(round), ActionNames: []string{"count"}}); err != nil {
			return err
		}
		if err := c.awaitCount(ctx); err != nil {
			return fmt.Errorf("round %d: %w", round, err)
		}
	}
	if err := c.send(ctx, wire.UnregisterActions{ActionNames: []string{"count"}}); err != nil {
		return err
	}
	return conn.Close(transport.CloseNormal, "counted")
}

// awaitCount reads until a valid count came and was answered.
func (c *counterGame) awaitCount(ctx context.Context) error {
	for {
		frame, err := c.conn.Read(ctx)
		if err != nil {
			return err
		}
		m, err := wire.DecodeServer(frame)
		if err != nil {
			return fmt.Errorf("bad frame %s: %w", frame, err)
		}
		switch m := m.(type) {
		case wire.ReregisterAll:
			if err := c.send(ctx, wire.RegisterActions{Actions: []neuro.Action{counterAction}}); err != nil {
				return err
			}
		case wire.ActionRequest:
			if m.Name != "count" {
				return fmt.Errorf("action %q: the relay should have given back the game's own name", m.Name)
			}
			if c.onAction != nil && !c.onAction(m.ID) {
				return errKilled
			}
			var v struct {
				N *int `json:"n"`
			}
			if json.Unmarshal([]byte(m.Data), &v) != nil || v.N == nil || *v.N < 1 || *v.N > 3 {
				if err := c.send(ctx, neuro.ActionResult{ID: m.ID, Success: false, Message: `send {"n": 1, 2 or 3}`}); err != nil {
					return err
				}
				continue
			}
			return c.send(ctx, neuro.ActionResult{ID: m.ID, Success: true})
		}
	}
}

// ---- checks on the simulator ----

// relayForcesNeverOverlap checks, on the simulator's history, that the
// relay never sent a force while one of its forces was pending there.
func relayForcesNeverOverlap(t *testing.T, sim *server.Server) (forces int) {
	t.Helper()
	open := false
	for _, e := range sim.History() {
		switch {
		case e.Kind == server.EventReceived && e.Command == wire.CmdForce:
			if open {
				t.Errorf("force received while another was pending (event %d): %s", e.Seq, e.Frame)
			}
			open = true
			forces++
		case e.Kind == server.EventResult && e.Result.Forced && e.Result.Success,
			e.Kind == server.EventForceDone && e.Force.Outcome != server.ForceSucceeded:
			open = false
		}
	}
	return forces
}

// relayRegistered returns every action name the simulator's game
// registered, in order, once each.
func relayRegistered(sim *server.Server) []string {
	var names []string
	seen := map[string]bool{}
	for _, e := range sim.History() {
		if m, ok := e.Message.(wire.RegisterActions); ok && e.Kind == server.EventReceived {
			for _, a := range m.Actions {
				if !seen[a.Name] {
					seen[a.Name] = true
					names = append(names, a.Name)
				}
			}
		}
	}
	return names
}

// relaySettled waits until the simulator's game (the relay) has nothing
// registered and nothing pending: every game left, and every answer
// reached upstream. It fails the test after ctx.
func relaySettled(t *testing.T, ctx context.Context, sim *server.Server) {
	t.Helper()
	if _, err := sim.WaitFor(ctx, func(server.Event) bool {
		st, err := sim.Game("")
		return err == nil && len(st.Actions) == 0 && len(st.Pending) == 0
	}); err != nil {
		st, _ := sim.Game("")
		t.Fatalf("upstream never settled: %v; registered %v, pending %+v", err, st.Actions, st.Pending)
	}
}
