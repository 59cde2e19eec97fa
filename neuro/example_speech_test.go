package neuro_test

import (
	"context"
	"fmt"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// chattyNeuro plays a Neuro who talks on conn: she starts speaking as she
// makes her first move, and finishes once she has heard what the game
// says about it (a context message). Her moves are cells 5, then 1.
// It returns when the connection ends.
func chattyNeuro(conn transport.Conn) {
	ctx := context.Background()
	send := func(m wire.Message) {
		frame, _ := wire.EncodeServer(m)
		_ = conn.Write(ctx, frame)
	}
	moves := 0
	for {
		frame, err := conn.Read(ctx)
		if err != nil {
			return
		}
		_, m, err := wire.DecodeGame(frame)
		if err != nil {
			continue
		}
		switch m := m.(type) {
		case neuro.ForceActions:
			moves++
			if moves == 1 {
				send(wire.SpeechFinished{IsFinal: false}) // "Ooh, the middle one…"
			}
			send(wire.ActionRequest{ID: fmt.Sprint(moves), Name: m.ActionNames[0], HasData: true,
				Data: fmt.Sprintf(`{"cell": %d}`, []int{5, 1}[(moves-1)%2])})
		case wire.ContextMessage:
			send(wire.SpeechFinished{IsFinal: true}) // "…and that's my move!"
		}
	}
}

// A turn-based game lets Neuro finish talking about a move before it
// forces the next one at priority low: it sends the result (Window sends
// the action's result, then the game sends the outcome as context), waits
// with WaitSpeechFinished under a bounded ctx, then opens the next
// window. A server that never speaks costs nothing: she is not speaking,
// so WaitSpeechFinished returns at once.
func ExampleComponent_WaitSpeechFinished() {
	ctx := context.Background()
	done := make(chan struct{})
	dial := func(ctx context.Context, url string) (transport.Conn, error) {
		gameEnd, neuroEnd := transport.Pipe()
		go func() {
			defer close(done)
			chattyNeuro(neuroEnd)
		}()
		return gameEnd, nil
	}
	m := manager.New("game")
	n, err := neuro.NewComponent("Tic Tac Toe", neuro.WithDialer(dial))
	if err == nil {
		err = m.Add(n)
	}
	if err == nil {
		err = m.Raise(ctx, manager.NewEvent(events.Connect, "ws://localhost:8000"))
	}
	if err == nil {
		err = n.WaitConnected(ctx)
	}
	if err != nil {
		panic(err)
	}
	defer func() {
		_ = n.Stop(ctx, 0, "game over")
		<-done
	}()

	turn := neuro.WindowSpec{
		Actions: []neuro.ActionSpec{{Action: play}},
		Force:   neuro.ForceActions{Query: "Your turn.", Priority: neuro.PriorityLow},
	}
	for range 2 {
		res, err := n.Window(ctx, turn) // her move; its result is sent
		if err != nil {
			panic(err)
		}
		fmt.Println("game: Neuro played", res.Data, "- speaking:", n.Speaking())
		if err := n.SendContext(ctx, "The computer played 3.", false); err != nil {
			panic(err)
		}
		wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err = n.WaitSpeechFinished(wctx) // nil at once when she is silent
		cancel()
		if err != nil {
			fmt.Println("game: going on without her:", err)
		}
		fmt.Println("game: she is done talking - speaking:", n.Speaking())
	}
	// Output:
	// game: Neuro played {"cell": 5} - speaking: true
	// game: she is done talking - speaking: false
	// game: Neuro played {"cell": 1} - speaking: false
	// game: she is done talking - speaking: false
}
