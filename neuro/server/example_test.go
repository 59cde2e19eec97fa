package server_test

import (
	"context"
	"fmt"
	"time"

	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// A game talks to the simulator over an in-memory pipe: startup, register,
// force, and the action Neuro sends back.
func Example() {
	s := server.New(server.WithForceDelay(time.Millisecond), server.WithSeed(1))
	defer s.Close() // closes the connection and waits for ServeConn

	serverEnd, game := transport.Pipe()
	go func() { _ = s.ServeConn(context.Background(), serverEnd) }()

	ctx := context.Background()
	send := func(m wire.Message) {
		frame, _ := wire.EncodeGame("Example Game", m)
		_ = game.Write(ctx, frame)
	}
	recv := func() wire.Message {
		frame, _ := game.Read(ctx)
		m, _ := wire.DecodeServer(frame)
		return m
	}

	fmt.Println(recv().Command()) // sent on connect
	send(wire.Startup{})
	fmt.Println(recv().(wire.StartupAck).Session.DisplayName)
	send(wire.RegisterActions{Actions: []wire.Action{{
		Name:        "pick",
		Description: "Pick a cell.",
		Schema: wire.Schema{
			"type":       "object",
			"properties": map[string]any{"cell": map[string]any{"type": "integer", "enum": []int{5}}},
			"required":   []string{"cell"},
		},
	}}})
	send(wire.ForceActions{Query: "Your turn.", ActionNames: []string{"pick"}})
	a := recv().(wire.ActionRequest)
	fmt.Println(a.Name, a.Data)

	w := s.Watch()
	send(wire.ActionResult{ID: a.ID, Success: true})
	e, _ := w.WaitFor(ctx, func(e server.Event) bool { return e.Kind == server.EventForceDone })
	fmt.Println(e.Force.Outcome, len(s.Findings()), "findings")
	// Output:
	// actions/reregister_all
	// Neuro-sama
	// pick {"cell":5}
	// succeeded 0 findings
}

// Neuro speaks; a critical force interrupts her at once, then she
// answers it. ProfileNeuro makes her speak on her own; here the example
// makes her speak by hand.
func ExampleServer_Speak() {
	s := server.New(server.WithReregisterOnConnect(false), server.WithForceDelay(0), server.WithSpeechUpdates(0))
	defer s.Close()

	serverEnd, game := transport.Pipe()
	go func() { _ = s.ServeConn(context.Background(), serverEnd) }()
	ctx := context.Background()
	send := func(m wire.Message) {
		frame, _ := wire.EncodeGame("Example Game", m)
		_ = game.Write(ctx, frame)
	}
	recv := func() wire.Message {
		frame, _ := game.Read(ctx)
		m, _ := wire.DecodeServer(frame)
		return m
	}

	send(wire.Startup{})
	recv() // the acknowledgement
	send(wire.RegisterActions{Actions: []wire.Action{{Name: "dodge", Description: "Dodge the attack."}}})
	w := s.Watch()
	send(wire.ContextMessage{Message: "A quiet moment.", Silent: true})
	_, _ = w.WaitFor(ctx, server.IsReceived("", wire.CmdContext)) // registered by now
	_ = s.Speak("Example Game", time.Hour)

	send(wire.ForceActions{Query: "Dodge!", ActionNames: []string{"dodge"}, Priority: wire.PriorityCritical})
	fmt.Printf("%+v\n", recv().(wire.SpeechFinished))
	fmt.Println(recv().(wire.ActionRequest).Name)
	// Output:
	// {IsFinal:true Cancelled:true Reason:interrupted}
	// dodge
}
