package porting_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/wire"
)

// basicUsage is usage (1) of the guide, "basic usage with a component
// manager": a supervised manager, a connect event, a wait for the
// connection, the game, and a stop.
func basicUsage(ctx context.Context, url string) (err error) {
	// The nursery: a scope that runs the manager's handlers. Closing it
	// cancels them and waits for them; their errors come back from Close.
	scope := manager.NewScope(ctx)
	defer func() { err = errors.Join(err, scope.Close()) }()
	// The ExternalRaiseManager: Raise starts the handlers in the scope.
	game := manager.New("game_manager", manager.WithScope(scope))

	n, err := neuro.NewComponent("My Game", neuro.WithName("neuro_api"))
	if err != nil {
		return err
	}
	if err := game.Add(n); err != nil {
		return err
	}
	// Stop runs however basicUsage returns, before the scope closes.
	defer func() { err = errors.Join(err, n.Stop(ctx, 0, "")) }()

	// The connect handler is the connection run: it dials, sends startup
	// and the registered actions, then reads until the connection ends,
	// in the scope. Raise returns at once.
	if err := game.Raise(ctx, manager.NewEvent(events.Connect, url)); err != nil {
		return err
	}
	// wait_for_websocket and not_connected in one call: nil once connected,
	// the dial error otherwise (the scope reports it too, as the connect
	// handler's error).
	if err := n.WaitConnected(ctx); err != nil {
		return err
	}

	// Game logic here.
	return n.SendContext(ctx, "The game is ready.", true)
}

func TestBasicUsage(t *testing.T) {
	s := neurotest.NewServer(t)
	if err := basicUsage(ctxT(t), s.URL()); err != nil {
		t.Fatal(err)
	}
	if g := s.WaitStartup(); g.Name != "My Game" {
		t.Errorf("game name %q, want My Game", g.Name)
	}
	if c := s.WaitForContext("ready"); !c.Silent {
		t.Errorf("context %+v is not silent", c)
	}
	if code, reason := s.WaitDisconnected(); code != 1000 || reason != "" {
		t.Errorf("closed with %d %q, want 1000 and no reason", code, reason)
	}
	if got := count(received(s), wire.CmdStartup); got != 1 {
		t.Errorf("%d startup messages, want 1", got)
	}
	s.RequireNoWarnings()
}

// A failed dial comes back twice, joined: from WaitConnected, and from the
// scope, as the error of the connect handler (a *manager.HandlerError).
func TestBasicUsageConnectFailed(t *testing.T) {
	url := deadURL(t)
	err := basicUsage(ctxT(t), url)
	if err == nil {
		t.Fatal("basicUsage connected to a closed port")
	}
	var herr *manager.HandlerError
	if !errors.As(err, &herr) || herr.Event != events.Connect || herr.Component != "neuro_api" {
		t.Fatalf("error %v has no *manager.HandlerError of the connect handler", err)
	}
	if errors.Is(err, neuro.ErrStopped) {
		t.Errorf("error %v reports the stop as a failure", err)
	}
}

// deadURL returns a websocket URL on 127.0.0.1 where nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "ws://" + addr
}
