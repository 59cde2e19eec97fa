package neurotest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/server"
)

// startCoinGame is the game under test, written as any game would be
// with neuro.Component: Neuro calls a coin flip, and the coin always lands
// heads.
func startCoinGame(url string) (*neuro.Component, error) {
	ctx := context.Background()
	game, err := neuro.NewComponent("Coin Flip")
	if err != nil {
		return nil, err
	}
	if err := manager.New("coin flip").Add(game); err != nil {
		return nil, err
	}
	call := neuro.Action{Name: "call", Description: "Call the coin flip.", Schema: neuro.Schema{
		"type":       "object",
		"properties": map[string]any{"side": map[string]any{"enum": []string{"heads", "tails"}}},
		"required":   []string{"side"},
	}}
	err = game.HandleAction(ctx, call, func(_ context.Context, act events.Action) neuro.Result {
		if strings.Contains(act.Data, "heads") {
			return neuro.Success("Heads! You win.")
		}
		return neuro.Success("Heads. You lose.")
	})
	if err == nil {
		err = game.Connect(ctx, url)
	}
	if err == nil {
		err = game.SendContext(ctx, "A coin is about to be flipped.", true)
	}
	return game, err
}

// A complete test of a small game. In a test file its body is that of
// func TestCoinFlip(t *testing.T); an Example gets no t, so a stand-in
// (exampleT, below) plays its part and prints PASS when nothing failed.
func ExampleNewServer() {
	t := &exampleT{}
	defer t.finish() // what testing does after a test: run the cleanups

	s := neurotest.NewServer(t) // a simulator on a free port, closed by t.Cleanup
	game, err := startCoinGame(s.URL())
	if err != nil {
		t.Fatalf("starting the game: %v", err)
	}
	t.Cleanup(func() { _ = game.Stop(context.Background(), 0, "test over") })

	fmt.Println("connected:", s.WaitStartup().Name)
	s.WaitRegistered("call")
	fmt.Println("context:", s.WaitForContext("coin").Message)
	for _, data := range []string{`{"side": "heads"}`, `{"side": "tails"}`, `{"side": "edge"}`} {
		r := s.Act("call", data)
		fmt.Printf("%s → success %t, %q\n", data, r.Success, r.Message)
	}
	if r := s.Act("call", `{"side": "heads"}`); !r.Success || r.Message != "Heads! You win." {
		t.Errorf("calling heads: %+v", r)
	}
	s.RequireNoWarnings()
	// Output:
	// connected: Coin Flip
	// context: A coin is about to be flipped.
	// {"side": "heads"} → success true, "Heads! You win."
	// {"side": "tails"} → success true, "Heads. You lose."
	// {"side": "edge"} → success false, "\"side\" must be one of \"heads\", \"tails\", not \"edge\""
	// PASS
}

// The simulator answers a game's force by itself, like the official mock
// server: it picks a listed action and makes up data from its schema
// (repeatably, with a seed).
func ExampleServer_WaitForForceDone() {
	t := &exampleT{}
	defer t.finish()

	s := neurotest.NewServer(t, server.WithSeed(1))
	game, err := startCoinGame(s.URL())
	if err != nil {
		t.Fatalf("starting the game: %v", err)
	}
	t.Cleanup(func() { _ = game.Stop(context.Background(), 0, "test over") })
	s.WaitRegistered("call")

	err = game.Force(context.Background(), neuro.ForceActions{Query: "Call it!", ActionNames: []string{"call"}})
	if err != nil {
		t.Fatalf("force: %v", err)
	}
	fmt.Println("force:", s.WaitForForce().Query)
	a := s.WaitForAction()
	fmt.Println("Neuro:", a.Name, a.Data)
	fmt.Println("game:", s.WaitForResult(a.ID).Message)
	fmt.Println("force", s.WaitForForceDone().Outcome)
	s.RequireNoWarnings()
	// Output:
	// force: Call it!
	// Neuro: call {"side":"heads"}
	// game: Heads! You win.
	// force succeeded
	// PASS
}

// exampleT stands in for the *testing.T of a real test, which Examples do
// not get: it prints failures, and finish runs the cleanups.
type exampleT struct {
	testing.TB // unset: only the methods below are called
	cleanups   []func()
	failed     bool
}

var errFatal = errors.New("test failed")

func (t *exampleT) Helper()                   {}
func (t *exampleT) Name() string              { return "Example" }
func (t *exampleT) Logf(string, ...any)       {} // the simulator's log
func (t *exampleT) Cleanup(f func())          { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Failed() bool              { return t.failed }
func (t *exampleT) Fail()                     { t.failed = true }
func (t *exampleT) FailNow()                  { t.Fatalf("FailNow called") }
func (t *exampleT) Errorf(f string, a ...any) { t.Fail(); fmt.Printf("FAIL: "+f+"\n", a...) }
func (t *exampleT) Fatalf(f string, a ...any) { t.Errorf(f, a...); panic(errFatal) }

// finish ends the test as testing would: it stops a Fatalf, runs the
// cleanups (last registered first) and reports.
func (t *exampleT) finish() {
	if v := recover(); v != nil && v != errFatal {
		panic(v)
	}
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	if !t.failed {
		fmt.Println("PASS")
	}
}
