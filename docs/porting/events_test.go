package porting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/wire"
)

// The code of the README's "Handling events" section.

// Game is what a game saves. Its lock is held for a whole turn, so Save
// waits for the next safe point: the end of the turn in progress.
type Game struct {
	mu    sync.Mutex
	score int
}

// Save writes the game to path.
func (g *Game) Save(path string) error {
	g.mu.Lock()
	data, err := json.Marshal(map[string]int{"score": g.score})
	g.mu.Unlock()
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// Saver saves the game when Neuro asks to end it, then tells her so.
type Saver struct {
	manager.Base
	neuro *neuro.Component
	game  *Game
	path  string
}

// NewSaver returns a Saver that saves g to path.
func NewSaver(n *neuro.Component, g *Game, path string) *Saver {
	return &Saver{Base: manager.NewBase("saver"), neuro: n, game: g, path: path}
}

// BindHandlers subscribes to both shutdown requests: from now on the Neuro
// component leaves shutdown/ready to the Saver.
func (s *Saver) BindHandlers() error {
	_, err := s.RegisterHandlers(map[string]manager.Handler{
		events.ShutdownGraceful:  s.graceful,
		events.ShutdownImmediate: s.immediate,
	})
	return err
}

// graceful saves at the next safe point when Neuro wants the game to end
// (WantsShutdown false cancels a request: there is nothing to do here).
func (s *Saver) graceful(ctx context.Context, ev manager.Event) error {
	req, err := manager.Payload[events.ShutdownGracefulData](ev)
	if err != nil || !req.WantsShutdown {
		return err
	}
	return s.saveThenReady(ctx)
}

// immediate saves at once: the game is about to be ended.
func (s *Saver) immediate(ctx context.Context, _ manager.Event) error {
	return s.saveThenReady(ctx)
}

// saveThenReady sends shutdown/ready only once the game is saved. A
// failed save sends nothing: the component logs the error.
func (s *Saver) saveThenReady(ctx context.Context) error {
	if err := s.game.Save(s.path); err != nil {
		return fmt.Errorf("saving before shutdown: %w", err)
	}
	// A real game goes back to its main menu here.
	return s.neuro.SendShutdownReady(ctx)
}

// Status logs the connection's changes for the player.
type Status struct {
	manager.Base
	log *zap.Logger
}

// BindHandlers subscribes to the connection's events.
func (s *Status) BindHandlers() error {
	_, err := s.RegisterHandlers(map[string]manager.Handler{
		events.Connected:           s.show,
		events.StartupAcknowledged: s.show,
		events.Disconnected:        s.show,
	})
	return err
}

func (s *Status) show(_ context.Context, ev manager.Event) error {
	switch d := ev.Data.(type) {
	case events.ConnectedData:
		s.log.Info("connected", zap.String("url", d.URL))
	case events.Session: // startup acknowledged: who is playing
		s.log.Info("playing with", zap.String("character", d.DisplayName))
	case events.DisconnectedData:
		s.log.Info("disconnected", zap.Int("code", d.Code), zap.String("reason", d.Reason),
			zap.Bool("reconnecting", d.WillReconnect))
	}
	return nil
}

// newEventsGame connects a game with a Saver and a Status, and stops it
// when the test ends. The component logs to the same log as Status, so
// that its errors (a failed save) can be waited for.
func newEventsGame(t *testing.T, s *neurotest.Server, savePath string) (*neuro.Component, *testLog) {
	t.Helper()
	log := newTestLog(t)
	n := newComponent(t, neuro.WithLogger(log.Logger))
	game := manager.New("game")
	if err := game.AddAll(n, NewSaver(n, &Game{score: 7}, savePath),
		&Status{Base: manager.NewBase("status"), log: log.Logger}); err != nil {
		t.Fatal(err)
	}
	if err := n.Connect(ctxT(t), s.URL()); err != nil {
		t.Fatal(err)
	}
	s.WaitStartup() // the simulator knows the game: it can send to it
	return n, log
}

func TestSaverGraceful(t *testing.T) {
	s := neurotest.NewServer(t)
	path := filepath.Join(t.TempDir(), "save.json")
	_, log := newEventsGame(t, s, path)
	log.wait(t, "connected")
	log.wait(t, "playing with")

	s.ShutdownGraceful(false) // a cancel: nothing is sent
	barrier(t, s)
	if got := count(received(s), wire.CmdShutdownReady); got != 0 {
		t.Fatalf("%d shutdown/ready for a cancel", got)
	}
	s.ShutdownGraceful(true)
	s.WaitForCommand(wire.CmdShutdownReady)
	data, err := os.ReadFile(path) // written before shutdown/ready was sent
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"score":7}` {
		t.Errorf("saved %s", data)
	}
	if got := count(received(s), wire.CmdShutdownReady); got != 1 {
		t.Errorf("%d shutdown/ready, want 1", got)
	}
	s.RequireNoWarnings()
}

func TestSaverImmediate(t *testing.T) {
	s := neurotest.NewServer(t)
	path := filepath.Join(t.TempDir(), "save.json")
	newEventsGame(t, s, path)
	s.ShutdownImmediate()
	s.WaitForCommand(wire.CmdShutdownReady)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("shutdown/ready without a save: %v", err)
	}
}

// A save that fails sends no shutdown/ready.
func TestSaverFails(t *testing.T) {
	s := neurotest.NewServer(t)
	path := filepath.Join(t.TempDir(), "no such dir", "save.json")
	n, log := newEventsGame(t, s, path)
	s.ShutdownGraceful(true)
	log.wait(t, "event handler failed")
	if err := n.Stop(ctxT(t), 0, ""); err != nil {
		t.Fatal(err)
	}
	if got := count(received(s), wire.CmdShutdownReady); got != 0 {
		t.Errorf("%d shutdown/ready after a failed save", got)
	}
}

func TestStatusDisconnected(t *testing.T) {
	s := neurotest.NewServer(t)
	n, log := newEventsGame(t, s, filepath.Join(t.TempDir(), "save.json"))
	log.wait(t, "connected")
	if err := n.Stop(ctxT(t), 0, "bye"); err != nil {
		t.Fatal(err)
	}
	log.wait(t, "disconnected")
}

// With no handler for a shutdown request, the component answers
// shutdown/ready itself at once: no handler, nothing to save.
func TestShutdownReadyWithoutHandler(t *testing.T) {
	s := neurotest.NewServer(t)
	n, _ := newStopGame(t)
	if err := n.Connect(ctxT(t), s.URL()); err != nil {
		t.Fatal(err)
	}
	s.WaitStartup()
	s.ShutdownGraceful(false) // a cancel: not answered
	barrier(t, s)
	if got := count(received(s), wire.CmdShutdownReady); got != 0 {
		t.Fatalf("%d shutdown/ready for a cancel", got)
	}
	s.ShutdownGraceful(true)
	s.WaitForCommand(wire.CmdShutdownReady)
	s.ShutdownImmediate()
	s.WaitForCommand(wire.CmdShutdownReady)
	s.RequireNoWarnings()
}

// barrier returns once the game has handled every message the simulator
// sent it before: the game answers an action it does not know from its
// reader, after the messages before it.
func barrier(t *testing.T, s *neurotest.Server) {
	t.Helper()
	if r := s.Act("zz_barrier", ""); r.Success {
		t.Fatalf("the barrier action succeeded: %+v", r)
	}
}
