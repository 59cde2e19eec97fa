package neuro_test

import (
	"context"
	"fmt"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// fakeNeuro plays Neuro on conn: it prints what the game sends, answers a
// force by playing cell 5, and returns when the connection ends.
func fakeNeuro(conn transport.Conn) {
	ctx := context.Background()
	for {
		frame, err := conn.Read(ctx)
		if err != nil {
			return
		}
		game, m, err := wire.DecodeGame(frame)
		if err != nil {
			fmt.Println("neuro: bad frame:", err)
			continue
		}
		switch m := m.(type) {
		case neuro.ForceActions:
			fmt.Printf("neuro <- %s: %s %q\n", game, m.Command(), m.Query)
			reply, _ := wire.EncodeServer(wire.ActionRequest{ID: "1", Name: m.ActionNames[0], Data: `{"cell": 5}`})
			_ = conn.Write(ctx, reply)
		case neuro.ActionResult:
			fmt.Printf("neuro <- %s: %s success=%v %q\n", game, m.Command(), m.Success, m.Message)
		default:
			fmt.Printf("neuro <- %s: %s\n", game, m.Command())
		}
	}
}

var play = neuro.Action{
	Name:        "play",
	Description: "Put your mark in a free cell.",
	Schema: neuro.Schema{
		"type":       "object",
		"properties": neuro.Schema{"cell": neuro.Schema{"type": "integer", "minimum": 1, "maximum": 9}},
		"required":   []string{"cell"},
	},
}

// A Client used on its own, over an in-memory connection.
func ExampleClient() {
	ctx := context.Background()
	gameEnd, neuroEnd := transport.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fakeNeuro(neuroEnd)
	}()

	client, err := neuro.NewClient("Tic Tac Toe", neuro.ReceiverFuncs{
		Action: func(ctx context.Context, act events.Action) {
			fmt.Println("game: Neuro plays", act.Name, act.Data)
			_ = act.Reply(ctx, true, "mark placed")
			_ = gameEnd.Close(transport.CloseNormal, "game over")
		},
	})
	if err != nil {
		panic(err)
	}
	// Registered before connecting: sent right after startup.
	if err := client.RegisterActions(ctx, play); err != nil {
		panic(err)
	}
	if err := client.Attach(ctx, gameEnd); err != nil {
		panic(err)
	}
	if err := client.Force(ctx, neuro.ForceActions{Query: "Your turn.", ActionNames: []string{"play"}}); err != nil {
		panic(err)
	}
	err = client.Serve(ctx) // until the connection ends
	<-done
	fmt.Println("game: connection ended:", err)
	// Output:
	// neuro <- Tic Tac Toe: startup
	// neuro <- Tic Tac Toe: actions/register
	// neuro <- Tic Tac Toe: actions/force "Your turn."
	// game: Neuro plays play {"cell": 5}
	// neuro <- Tic Tac Toe: action/result success=true "mark placed"
	// game: connection ended: transport: connection closed
}

// A Component in a manager, opening an action window. WithDialer plugs in
// an in-memory connection; a real game leaves the default (gorilla) and
// raises events.Connect with the URL.
func ExampleComponent() {
	ctx := context.Background()
	neuroEnds := make(chan transport.Conn, 1)
	dial := func(ctx context.Context, url string) (transport.Conn, error) {
		gameEnd, neuroEnd := transport.Pipe()
		neuroEnds <- neuroEnd
		return gameEnd, nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fakeNeuro(<-neuroEnds)
	}()

	m := manager.New("game")
	n, err := neuro.NewComponent("Tic Tac Toe", neuro.WithDialer(dial))
	if err != nil {
		panic(err)
	}
	if err := m.Add(n); err != nil {
		panic(err)
	}
	if err := m.Raise(ctx, manager.NewEvent(events.Connect, "ws://localhost:8000")); err != nil {
		panic(err)
	}
	if err := n.WaitConnected(ctx); err != nil {
		panic(err)
	}

	res, err := n.Window(ctx, neuro.WindowSpec{
		Context: "You play O. Free cells: 1, 5, 9.",
		Actions: []neuro.ActionSpec{{
			Action: play,
			Handler: func(ctx context.Context, act events.Action) neuro.Result {
				return neuro.Success("mark placed")
			},
		}},
		Force: neuro.ForceActions{Query: "Your turn."},
	})
	if err != nil {
		panic(err)
	}
	if err := n.Stop(ctx, 0, "game over"); err != nil {
		panic(err)
	}
	<-done
	fmt.Println("game: Neuro chose", res.Action, res.Data)
	// Output:
	// neuro <- Tic Tac Toe: startup
	// neuro <- Tic Tac Toe: context
	// neuro <- Tic Tac Toe: actions/register
	// neuro <- Tic Tac Toe: actions/force "Your turn."
	// neuro <- Tic Tac Toe: actions/unregister
	// neuro <- Tic Tac Toe: action/result success=true "mark placed"
	// game: Neuro chose play {"cell": 5}
}

// Serve is the blocking form of the connection run. In a supervised
// manager (manager.WithScope) the events.Connect handler is that run, so
// the scope owns the connection: closing the scope closes it (1001, going
// away). A supervisor can call Serve itself the same way.
func ExampleComponent_Serve() {
	ctx := context.Background()
	neuroEnds := make(chan transport.Conn, 1)
	dial := func(ctx context.Context, url string) (transport.Conn, error) {
		gameEnd, neuroEnd := transport.Pipe()
		neuroEnds <- neuroEnd
		return gameEnd, nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fakeNeuro(<-neuroEnds)
	}()

	scope := manager.NewScope(ctx)
	m := manager.New("game", manager.WithScope(scope))
	n, err := neuro.NewComponent("Tic Tac Toe", neuro.WithDialer(dial))
	if err != nil {
		panic(err)
	}
	if err := m.Add(n); err != nil {
		panic(err)
	}
	// Raise returns at once: the handler, Serve, runs in the scope.
	if err := m.Raise(ctx, manager.NewEvent(events.Connect, "ws://localhost:8000")); err != nil {
		panic(err)
	}
	if err := n.WaitConnected(ctx); err != nil {
		panic(err)
	}
	if err := n.SendContext(ctx, "A new game starts.", true); err != nil {
		panic(err)
	}
	err = scope.Close() // ends the run, and waits for it
	<-done              // Neuro's side saw the connection close
	fmt.Println("scope:", err, "connected:", n.Connected())
	if err := n.Stop(ctx, 0, ""); err != nil {
		panic(err)
	}
	// Output:
	// neuro <- Tic Tac Toe: startup
	// neuro <- Tic Tac Toe: context
	// scope: <nil> connected: false
}
