package porting_test

import (
	"context"
	"slices"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/wire"
)

// Lobby is usage (2) of the guide, "custom connection handling": a game
// component with a connect-successful and a connect-failed hook. Go
// composes instead of subclassing: the hooks are handlers of the events the
// Neuro component raises, registered by a component of the game's own.
type Lobby struct {
	manager.Base
	neuro *neuro.Component
	log   *zap.Logger
}

// NewLobby returns the lobby of the game that talks to Neuro through n.
func NewLobby(n *neuro.Component, log *zap.Logger) *Lobby {
	return &Lobby{Base: manager.NewBase("lobby"), neuro: n, log: log}
}

// BindHandlers subscribes the hooks; the manager calls it on Add.
func (l *Lobby) BindHandlers() error {
	_, err := l.RegisterHandlers(map[string]manager.Handler{
		events.Connected:     l.connected,
		events.ConnectFailed: l.connectFailed,
	})
	return err
}

// connected runs once startup, the registered actions and the buffered
// context were sent on the first connection (events.Reconnected follows a
// reconnection). Startup is sent already: never send it here.
func (l *Lobby) connected(ctx context.Context, _ manager.Event) error {
	l.log.Info("connected to Neuro")
	return l.neuro.SendContext(ctx, "Game is ready!", true)
}

// connectFailed runs when the connection could not be opened (with
// neuro.WithReconnect: once reconnecting gave up).
func (l *Lobby) connectFailed(_ context.Context, ev manager.Event) error {
	failed, err := manager.Payload[events.ConnectFailedData](ev)
	if err != nil {
		return err
	}
	l.log.Warn("could not connect to Neuro", zap.String("url", failed.URL),
		zap.Int("attempts", failed.Attempts), zap.Error(failed.Err))
	return nil
}

// connectLobby adds n and a Lobby to a new manager and connects n.
// Connect returns once the attempt resolved, with the dial error when it
// failed: the Go form of waiting on a hand-made "connection ready" event.
// The caller owns n and stops it.
func connectLobby(ctx context.Context, n *neuro.Component, url string, log *zap.Logger) error {
	game := manager.New("game_manager")
	if err := game.AddAll(n, NewLobby(n, log)); err != nil {
		return err
	}
	return n.Connect(ctx, url)
}

func TestLobbyConnected(t *testing.T) {
	s := neurotest.NewServer(t)
	n, log := newComponent(t), newTestLog(t)
	if err := connectLobby(ctxT(t), n, s.URL(), log.Logger); err != nil {
		t.Fatal(err)
	}
	if c := s.WaitForContext("Game is ready!"); !c.Silent {
		t.Errorf("context %+v is not silent", c)
	}
	log.wait(t, "connected to Neuro")
	// The hook ran after startup, and did not send another one.
	cmds := received(s)
	if count(cmds, wire.CmdStartup) != 1 || cmds[0] != wire.CmdStartup {
		t.Errorf("the game sent %v, want one startup, first", cmds)
	}
	s.RequireNoWarnings()
}

func TestLobbyConnectFailed(t *testing.T) {
	n, log := newComponent(t), newTestLog(t)
	url := deadURL(t)
	if err := connectLobby(ctxT(t), n, url, log.Logger); err == nil {
		t.Fatal("connectLobby connected to a closed port")
	}
	log.wait(t, "could not connect to Neuro")
	failed := log.logs.FilterMessage("could not connect to Neuro").All()
	fields := failed[0].ContextMap()
	if fields["url"] != url || fields["attempts"] != int64(1) {
		t.Errorf("log fields %v, want url %s and 1 attempt", fields, url)
	}
	if slices.ContainsFunc(log.logs.All(), func(e observer.LoggedEntry) bool { return e.Message == "connected to Neuro" }) {
		t.Error("the connected hook ran without a connection")
	}
}
