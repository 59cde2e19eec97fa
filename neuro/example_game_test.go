package neuro_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
)

// Example_minimalGame is the README's minimal game, run against the
// simulator: Neuro calls a coin toss through an action window. A real game
// connects to neuro.EnvURL() instead of the simulator's URL.
func Example_minimalGame() {
	sim := server.New(server.WithSeed(1), server.WithForceDelay(10*time.Millisecond))
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		log.Fatal(err)
	}
	defer sim.Close()
	url := sim.URL() // a real game: neuro.EnvURL()

	ctx := context.Background()
	game := manager.New("coin-flip")
	n, err := neuro.NewComponent("Coin Flip")
	if err == nil {
		err = game.Add(n)
	}
	if err == nil { // the component dials in the background...
		err = game.Raise(ctx, manager.NewEvent(events.Connect, url))
	}
	if err == nil { // ...and this waits until that attempt resolved
		err = n.WaitConnected(ctx)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer n.Stop(ctx, 0, "game over")
	call := neuro.Action{Name: "call", Description: "Call the coin toss.", Schema: neuro.Schema{
		"type": "object", "required": []any{"side"},
		"properties": map[string]any{"side": map[string]any{"enum": []any{"heads", "tails"}}},
	}}
	// A window: context, register, force, wait for one success, unregister.
	choice, err := n.Window(ctx, neuro.WindowSpec{Context: "I am about to toss a coin.",
		Actions: []neuro.ActionSpec{{Action: call}}, Force: neuro.ForceActions{Query: "Call heads or tails."}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Neuro used", choice.Action)
	// Output: Neuro used call
}
