package porting_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// directUsage is usage (3) of the guide, "direct usage": the game opens
// the websocket itself and speaks the Neuro API over it with a Client and
// its read loop, without a manager. It returns once the connection ended.
func directUsage(ctx context.Context, url string, log *zap.Logger) (err error) {
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		return err
	}
	// From here on only conn reads, writes and closes ws.
	conn := gorilla.Wrap(ws)
	defer func() { err = errors.Join(err, conn.Close(transport.CloseNormal, "")) }()

	client, err := neuro.NewClient("My Game", neuro.ReceiverFuncs{
		// Called from Serve, one action at a time: answer at once.
		Action: func(ctx context.Context, act events.Action) {
			if err := act.Reply(ctx, true, "Hello to you too!"); err != nil {
				log.Warn("result not sent", zap.String("id", act.ID), zap.Error(err))
			}
		},
	})
	if err != nil {
		return err
	}
	wave := neuro.Action{Name: "wave", Description: "Wave at the player."}
	if err := client.RegisterActions(ctx, wave); err != nil {
		return err
	}
	// Attach sends startup, then the registered actions: never send
	// startup yourself.
	if err := client.Attach(ctx, conn); err != nil {
		return err
	}
	if err := client.SendContext(ctx, "Hello from my game!", true); err != nil {
		return err
	}
	// The read loop: Serve reads and dispatches until the connection ends.
	err = client.Serve(ctx)
	var closed *transport.CloseError
	if errors.As(err, &closed) {
		return nil // Neuro closed the connection: the end of the loop
	}
	return err
}

func TestDirectUsage(t *testing.T) {
	s := neurotest.NewServer(t)
	done := make(chan error, 1)
	go func() { done <- directUsage(context.Background(), s.URL(), zaptest.NewLogger(t)) }()
	joined := false
	t.Cleanup(func() {
		if !joined {
			s.Close() // ends the connection, so that directUsage returns
			<-done
		}
	})

	s.WaitStartup()
	s.WaitRegistered("wave")
	if r := s.Act("wave", ""); !r.Success || r.Message != "Hello to you too!" {
		t.Errorf("wave answered %+v", r)
	}
	if c := s.WaitForContext("Hello from my game!"); !c.Silent {
		t.Errorf("context %+v is not silent", c)
	}
	s.RequireNoWarnings()

	// Neuro goes away: the loop ends, and directUsage returns nil.
	if err := s.Simulator().Disconnect("", 1001, "server restart"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		joined = true
		if err != nil {
			t.Errorf("directUsage: %v", err)
		}
	case <-ctxT(t).Done():
		t.Fatal("directUsage did not return when Neuro closed the connection")
	}
	if got := count(received(s), wire.CmdStartup); got != 1 {
		t.Errorf("%d startup messages, want 1", got)
	}
}
