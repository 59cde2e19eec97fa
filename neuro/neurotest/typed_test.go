package neurotest_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// move is the data of the typed tic-tac-toe game of these tests.
type move struct {
	Cell int    `json:"cell" jsonschema:"minimum=1,maximum=9,description=the cell\\, numbered like a phone keypad"`
	Mark string `json:"mark" jsonschema:"enum=x,enum=o"`
	Say  string `json:"say,omitempty" jsonschema:"maxLength=20,pattern=^[a-z !]*$"`
	At   *where `json:"at,omitempty"`
}

type where struct {
	Row int `json:"row" jsonschema:"minimum=1,maximum=3"`
}

// Validate refuses a taunt with an "o" move, to test Validator.
func (m move) Validate() error {
	if m.Mark == "o" && m.Say != "" {
		return errors.New(`"say" is only for x moves; leave it out`)
	}
	return nil
}

// typedGame is a tic-tac-toe board played through typed actions.
type typedGame struct {
	neuro *neuro.Component
	mu    sync.Mutex
	free  []int
	moves []move
}

func (g *typedGame) freeCells() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.free)
}

func (g *typedGame) play(_ context.Context, m move) neuro.Result {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.free = slices.DeleteFunc(g.free, func(c int) bool { return c == m.Cell })
	g.moves = append(g.moves, m)
	return neuro.Success(fmt.Sprintf("%s in cell %d", m.Mark, m.Cell))
}

func startTypedGame(t *testing.T, url string) *typedGame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	m := manager.New("game")
	c, err := neuro.NewComponent("Typed Game", neuro.WithLogger(zaptest.NewLogger(t).Named("game")))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := c.Stop(ctx, 0, "test over"); err != nil {
			t.Errorf("stopping the game: %v", err)
		}
	})
	g := &typedGame{neuro: c, free: []int{1, 2, 3, 4, 5, 6, 7, 8, 9}}
	if err := neuro.HandleTyped(ctx, c, "play", "Play a move.", g.play, neuro.OneOf("cell", g.freeCells)); err != nil {
		t.Fatal(err)
	}
	type resign struct{}
	if err := neuro.HandleTemporaryTyped(ctx, c, "resign", "Give up.", func(context.Context, resign) neuro.Result {
		return neuro.Success("you resigned")
	}); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx, url); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestTypedActionsEndToEnd(t *testing.T) {
	s := neurotest.NewServer(t)
	g := startTypedGame(t, s.URL())
	reg := s.WaitRegistered("play", "resign")
	for _, a := range reg {
		if a.Name == "play" && !strings.Contains(a.Description, `- "cell": the cell, numbered like a phone keypad`) {
			t.Errorf("play's description %q lacks the field description", a.Description)
		}
		if a.Name == "resign" && a.Schema != nil {
			t.Errorf("resign's schema = %v, want none", a.Schema)
		}
	}
	if r := s.ActTyped("play", move{Cell: 5, Mark: "x", Say: "ha!"}); !r.Success || r.Message != "x in cell 5" {
		t.Fatalf("play 5: %+v", r)
	}
	// Bad data, one line per check. The schema's own messages come from
	// the component's validator: only what they must name is checked.
	for _, tc := range []struct {
		data  string
		wants []string
	}{
		{`{"cell": 5, "mark": "o"}`, []string{`"cell" must be one of 1, 2, 3, 4, 6, 7, 8, 9 right now, not 5`}},
		{`{"cell": 12, "mark": "o"}`, []string{`"cell"`, "1", "9"}},
		{`{"cell": 4, "mark": "z"}`, []string{`"mark"`, `"x"`, `"o"`}},
		{`{"cell": 4}`, []string{`"mark"`}},
		{`{"cell": 4, "mark": "x", "say": "HA"}`, []string{`"say"`, `^[a-z !]*$`}},
		{`{"cell": 4, "mark": "x", "say": "this taunt is far too long"}`, []string{`"say"`, "20"}},
		{`{"cell": 4, "mark": "x", "at": {"row": 4}}`, []string{`"at.row"`, "3"}},
		{`{"cell": 4, "mark": "x", "at": {}}`, []string{`"row"`}},
		{`{"cell": "4", "mark": "x"}`, []string{`"cell"`, "integer"}},
		{`{"cell": 4, "mark": "x", "CELL": 5}`, []string{`unknown property "CELL"; property names are case-sensitive: write "cell"`}},
		{`{"cell": 4, "mark": "o", "say": "hi"}`, []string{`"say" is only for x moves; leave it out`}},
		{`{cell: 4}`, []string{"not valid JSON"}},
	} {
		r := s.Act("play", tc.data)
		if r.Success {
			t.Errorf("%s succeeded: %+v", tc.data, r)
			continue
		}
		for _, want := range tc.wants {
			if !strings.Contains(r.Message, want) {
				t.Errorf("%s: message %q lacks %q", tc.data, r.Message, want)
			}
		}
	}
	// A whole number written 4.0 is an integer for JSON schema, and 4 for
	// the game.
	if r := s.Act("play", `{"cell": 4.0, "mark": "o"}`); !r.Success || r.Message != "o in cell 4" {
		t.Errorf("play 4.0: %+v", r)
	}
	if r := s.ActTyped("resign", struct{}{}); !r.Success || r.Message != "you resigned" {
		t.Fatalf("resign: %+v", r)
	}
	s.RequireNotRegistered("resign")
	g.mu.Lock()
	moves := slices.Clone(g.moves)
	g.mu.Unlock()
	if want := []move{{Cell: 5, Mark: "x", Say: "ha!"}, {Cell: 4, Mark: "o"}}; !slices.Equal(moves, want) {
		t.Errorf("moves = %+v, want %+v", moves, want)
	}
	s.RequireNoWarnings()
}

func TestTypedWindow(t *testing.T) {
	// Enough retries that a 1-in-9 draw comes up: (8/9)^300 is about 5e-16.
	s := neurotest.NewServer(t, server.WithRetries(300))
	g := startTypedGame(t, s.URL())
	s.WaitRegistered("play")
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	type pick struct {
		Cell int `json:"cell" jsonschema:"minimum=1,maximum=9"`
	}
	// The simulator answers the force with data generated from the
	// schema, 1 to 9; only 7 is allowed, so she retries until she sends it.
	got, err := neuro.TypedWindow[pick](ctx, g.neuro, neuro.WindowSpec{Force: neuro.ForceActions{Query: "Pick a cell."}},
		"pick", "Pick a cell.", nil, neuro.OneOf("cell", func() []int { return []int{7} }))
	if err != nil {
		t.Fatal(err)
	}
	if got.Cell != 7 {
		t.Errorf("TypedWindow = %+v, want cell 7", got)
	}
	if u, ok := s.WaitForCommand(wire.CmdUnregister).(wire.UnregisterActions); !ok || !slices.Equal(u.ActionNames, []string{"pick"}) {
		t.Errorf("unregistered %+v, want pick", u)
	}
	s.RequireNotRegistered("pick")

	_, err = neuro.TypedWindow(ctx, g.neuro, neuro.WindowSpec{Actions: []neuro.ActionSpec{{}}}, "pick", "", accept[pick])
	if !errors.Is(err, neuro.ErrInvalid) {
		t.Errorf("TypedWindow with spec.Actions = %v, want ErrInvalid", err)
	}
}

func accept[T any](context.Context, T) neuro.Result { return neuro.Success("") }
