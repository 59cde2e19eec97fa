package relay_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/relay"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport/gorilla"
)

func ExampleDerivePrefix() {
	for _, game := range []string{"Tic-tac-toe (neurokit demo)", "Buckshot Roulette", "ぷよぷよ"} {
		fmt.Printf("%s → %s%splay\n", game, relay.DerivePrefix(game), relay.Separator)
	}
	// Output:
	// Tic-tac-toe (neurokit demo) → tic_tac_toe_neurokit_demo__play
	// Buckshot Roulette → buckshot_roulette__play
	// ぷよぷよ → game__play
}

// ExampleRelay_Run puts a relay between the simulator and a game: the
// simulator sees the game's action under the game's prefix, and the
// status page shows the mapping.
func ExampleRelay_Run() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Upstream: the simulator, standing in for Neuro.
	sim := server.New(server.WithSeed(1))
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()

	// The relay: games on one port, its status on another.
	r, err := relay.New(sim.URL())
	if err != nil {
		fmt.Println(err)
		return
	}
	games, _ := net.Listen("tcp", "127.0.0.1:0")
	status, _ := net.Listen("tcp", "127.0.0.1:0")
	ran := make(chan error, 1)
	go func() { ran <- r.Run(ctx, games, status) }()

	// A game connects to the relay exactly as it would to Neuro.
	conn, err := gorilla.Dial(ctx, "ws://"+games.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.CloseNow()
	for _, m := range []wire.Message{
		wire.Startup{},
		wire.RegisterActions{Actions: []neuro.Action{{Name: "play", Description: "Put your O in a free cell."}}},
	} {
		frame, _ := wire.EncodeGame("Tic-tac-toe", m)
		_ = conn.Write(ctx, frame)
	}

	// The simulator sees the relay as one game with a namespaced action.
	if _, err := sim.WaitFor(ctx, server.IsReceived("", wire.CmdRegister)); err != nil {
		fmt.Println(err)
		return
	}
	acts, _ := sim.Registry("")
	for _, a := range acts {
		fmt.Printf("Neuro sees %s: %s\n", a.Name, a.Description)
	}

	resp, err := http.Get("http://" + status.Addr().String() + "/state")
	if err != nil {
		fmt.Println(err)
		return
	}
	var st relay.Status
	_ = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	for _, g := range st.Games {
		fmt.Printf("status: %s has prefix %s\n", g.Name, g.Prefix)
	}

	_ = r.Shutdown(ctx)
	fmt.Println("Run returned:", <-ran)
	// Output:
	// Neuro sees tic_tac_toe__play: [Tic-tac-toe] Put your O in a free cell.
	// status: Tic-tac-toe has prefix tic_tac_toe
	// Run returned: <nil>
}
