package porting_test

import (
	"context"
	"errors"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/transport"
)

// endGame is usage (4) of the guide, "stop with a code and a reason": it
// closes the connection with 1001 (going away) and a reason, raises
// events.Disconnected with them, and waits for every goroutine of the
// component. Stop is final: the component does not connect again.
func endGame(ctx context.Context, n *neuro.Component) error {
	return n.Stop(ctx, transport.CloseGoingAway, "Game ended")
}

// leaveForAWhile serves one connection of n until ctx ends, which closes
// it with 1001 (going away); n may connect again afterwards, and sends its
// registered actions again when it does. It returns nil when ctx ended.
func leaveForAWhile(ctx context.Context, n *neuro.Component, url string) error {
	err := n.Serve(ctx, url)
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}

// disconnects is a game component that hands over every
// events.Disconnected payload.
type disconnects struct {
	manager.Base
	ch chan events.DisconnectedData
}

func newDisconnects() *disconnects {
	return &disconnects{Base: manager.NewBase("disconnects"), ch: make(chan events.DisconnectedData, 8)}
}

func (d *disconnects) BindHandlers() error {
	_, err := d.RegisterHandler(events.Disconnected, func(_ context.Context, ev manager.Event) error {
		data, err := manager.Payload[events.DisconnectedData](ev)
		if err == nil {
			d.ch <- data
		}
		return err
	})
	return err
}

func (d *disconnects) next(t *testing.T) events.DisconnectedData {
	t.Helper()
	select {
	case data := <-d.ch:
		return data
	case <-ctxT(t).Done():
		t.Fatal("no events.Disconnected")
		return events.DisconnectedData{}
	}
}

// newStopGame returns a connected-ready component in a manager, with a
// recorder of its disconnections, and stops it when the test ends.
func newStopGame(t *testing.T) (*neuro.Component, *disconnects) {
	t.Helper()
	n, d := newComponent(t), newDisconnects()
	if err := manager.New("game").AddAll(n, d); err != nil {
		t.Fatal(err)
	}
	return n, d
}

func TestEndGame(t *testing.T) {
	s := neurotest.NewServer(t)
	n, d := newStopGame(t)
	ctx := ctxT(t)
	if err := n.Connect(ctx, s.URL()); err != nil {
		t.Fatal(err)
	}
	if err := endGame(ctx, n); err != nil {
		t.Fatal(err)
	}
	if code, reason := s.WaitDisconnected(); code != 1001 || reason != "Game ended" {
		t.Errorf("Neuro saw the game close with %d %q, want 1001 \"Game ended\"", code, reason)
	}
	if got := d.next(t); got.Code != 1001 || got.Reason != "Game ended" || got.Err != nil || got.WillReconnect {
		t.Errorf("events.Disconnected %+v, want code 1001, reason \"Game ended\", no error", got)
	}
	// Unlike the Python stop, Stop is final; a second Stop is a no-op.
	if err := endGame(ctx, n); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if err := n.Connect(ctx, s.URL()); !errors.Is(err, neuro.ErrStopped) {
		t.Errorf("Connect after Stop: %v, want ErrStopped", err)
	}
	s.RequireNoWarnings()
}

// Stopping a component that never connected is fine, as in Python.
func TestEndGameNotConnected(t *testing.T) {
	n, err := neuro.NewComponent("My Game")
	if err != nil {
		t.Fatal(err)
	}
	if err := endGame(ctxT(t), n); err != nil {
		t.Fatal(err)
	}
}

func TestLeaveForAWhile(t *testing.T) {
	s := neurotest.NewServer(t)
	n, d := newStopGame(t)
	if err := n.HandleAction(ctxT(t), neuro.Action{Name: "wave", Description: "Wave at the player."},
		func(context.Context, events.Action) neuro.Result { return neuro.Success("") }); err != nil {
		t.Fatal(err)
	}
	for _, game := range []string{"#1", "#2"} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- leaveForAWhile(ctx, n, s.URL()) }()
		if err := n.WaitConnected(ctxT(t)); err != nil {
			cancel()
			<-done
			t.Fatal(err)
		}
		s.WithGame(game).WaitRegistered("wave") // sent again on the second connection
		cancel()
		if err := <-done; err != nil {
			t.Errorf("connection %s: %v", game, err)
		}
		if got := d.next(t); got.Code != 1001 {
			t.Errorf("connection %s: events.Disconnected %+v, want code 1001", game, got)
		}
	}
	s.RequireNoWarnings()
}
