package neuro_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
)

// The README's minimal game: CoinCall and run are the README's, word for
// word (docs/porting checks it); its main calls run with neuro.EnvURL().

// CoinCall is what Neuro sends when she calls the coin toss.
type CoinCall struct {
	Side string `json:"side" jsonschema:"enum=heads,enum=tails"`
}

// run plays one coin toss with Neuro at url.
func run(ctx context.Context, url string) (err error) {
	n, err := neuro.NewComponent("Coin Flip")
	if err != nil {
		return err
	}
	// Stop closes the connection and joins the component's goroutines
	// however run returns, even once ctx has ended (Ctrl-C).
	defer func() { err = errors.Join(err, n.Stop(context.WithoutCancel(ctx), 0, "game over")) }()
	if err := manager.New("coin-flip").Add(n); err != nil {
		return err
	}
	// Connect dials, sends startup, and returns once the connection is up.
	if err := n.Connect(ctx, url); err != nil {
		return err
	}
	// A window: context, register, force, wait for one success, unregister.
	call, err := neuro.TypedWindow(ctx, n, neuro.WindowSpec{
		Context: "I am about to toss a coin.",
		Force:   neuro.ForceActions{Query: "Call heads or tails."},
	}, "call", "Call the coin toss.", func(_ context.Context, c CoinCall) neuro.Result {
		return neuro.Success("You called " + c.Side + ".")
	})
	if err != nil {
		return err
	}
	fmt.Println("Neuro called", call.Side)
	return nil
}

// Example_minimalGame runs the README's minimal game against the
// simulator, playing a Neuro who always calls heads; the README's main
// connects to neuro.EnvURL() instead.
func Example_minimalGame() {
	alwaysHeads := server.PolicyFunc(func(context.Context, server.ForceRequest) (server.Choice, error) {
		return server.Choice{Name: "call", Data: `{"side": "heads"}`, HasData: true}, nil
	})
	sim := server.New(server.WithPolicy(alwaysHeads), server.WithForceDelay(10*time.Millisecond))
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	if err := run(context.Background(), sim.URL()); err != nil {
		fmt.Println(err)
	}
	// Output: Neuro called heads
}
