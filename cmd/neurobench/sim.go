package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// startSim starts a simulator on a free loopback port, its goroutines
// labelled as the simulator's side. It does not send
// actions/reregister_all on connect, so a connection carries nothing but
// what the phase asks for.
func startSim(ctx context.Context, opts ...server.Option) (*server.Server, error) {
	sim := server.New(append([]server.Option{server.WithReregisterOnConnect(false)}, opts...)...)
	var err error
	asSide(ctx, sideSim, func(context.Context) { err = sim.Start("127.0.0.1:0", "") })
	if err != nil {
		_ = sim.Close()
		return nil, err
	}
	return sim, nil
}

// simRig is b′: the round trip of b, sent by the simulator's Go API
// (server.Act: new id, pending record, EncodeServer, event log, write;
// the connection's read loop decodes the result, records it and wakes
// Act, one goroutine hop more than b).
type simRig struct {
	sim    *server.Server
	comp   *neuro.Component
	gameID string
}

func newSimRig(ctx context.Context) (_ *simRig, err error) {
	r := &simRig{}
	if r.sim, err = startSim(ctx); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	w := r.sim.Watch()
	asSide(ctx, sideGame, func(ctx context.Context) { r.comp, err = startGame(ctx, gameName, r.sim.URL()) })
	if err != nil {
		return r, err
	}
	e, err := w.WaitFor(ctx, server.IsReceived("", wire.CmdRegister))
	if err != nil {
		return r, fmt.Errorf("simulator: waiting for the game: %w", err)
	}
	r.gameID = e.GameID
	return r, nil
}

func (r *simRig) close() {
	if r.comp != nil {
		_ = stopGame(r.comp)
	}
	_ = r.sim.Close()
}

func (r *simRig) trip(ctx context.Context) tripFunc {
	return func(int) (time.Duration, error) {
		t0 := time.Now()
		res, err := r.sim.Act(ctx, r.gameID, playAction.Name, "")
		if err != nil {
			return 0, err
		}
		if !res.Success {
			return 0, fmt.Errorf("%w: %+v", errMismatch, res)
		}
		return time.Since(t0), nil
	}
}

// scaleResult is phase f for one game count.
type scaleResult struct {
	Games      int     `json:"games"`
	RoundTrips int     `json:"round_trips"`
	ConnectS   float64 `json:"connect_s"`
	PerSec     float64 `json:"round_trips_per_s"`
	Errors     int64   `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	// Heap per game, both ends in this process (the Component with its
	// Manager and transport, and the simulator's side of the game),
	// right after connecting and after the round trips.
	HeapPerGameConnected int64 `json:"heap_per_game_connected_bytes"`
	HeapPerGame          int64 `json:"heap_per_game_bytes"`
	// Goroutines per connected game, both ends and per side.
	GoroutinesPerGame     float64 `json:"goroutines_per_game"`
	GameGoroutinesPerGame float64 `json:"game_goroutines_per_game"`
	SimGoroutinesPerGame  float64 `json:"simulator_goroutines_per_game"`
}

// scalePhase is f: games Components (the real SDK, one Manager each)
// connect to one simulator, at most dialParallel dialling at once; then
// each does trips sequential round trips through server.Act, all games
// at once. Heap and goroutines are measured while every game is
// connected. snapshot, when not nil, is called after the round trips with
// every game still connected. Every component is stopped and the
// simulator closed before it returns.
func scalePhase(ctx context.Context, games, trips int, snapshot func() error) (res scaleResult, err error) {
	res = scaleResult{Games: games, RoundTrips: games * trips}
	ctx, cancel := context.WithTimeout(ctx, phaseTimeout)
	defer cancel()
	sim, err := startSim(ctx, server.WithEventHistory(max(server.DefaultEventHistory, 8*games)))
	if err != nil {
		return res, err
	}
	defer sim.Close()
	heap0, g0 := heapAlloc(), countGoroutines()

	comps := make([]*neuro.Component, games)
	defer func() {
		if serr := stopAll(comps); serr != nil && err == nil {
			err = serr
		}
		if serr := sim.Shutdown(ctx); serr != nil && err == nil {
			err = fmt.Errorf("simulator shutdown: %w", serr)
		}
	}()
	w := sim.Watch()
	start := time.Now()
	if err := forEach(games, dialParallel, func(i int) error {
		var err error
		asSide(ctx, sideGame, func(ctx context.Context) {
			comps[i], err = startGame(ctx, fmt.Sprintf("%s %04d", gameName, i), sim.URL())
		})
		return err
	}); err != nil {
		return res, err
	}
	ids := make(map[string]string, games) // game name → connection id
	for len(ids) < games {
		e, err := w.WaitFor(ctx, server.IsReceived("", wire.CmdRegister))
		if err != nil {
			return res, fmt.Errorf("waiting for %d games to register: %w", games, err)
		}
		ids[e.Game] = e.GameID
	}
	res.ConnectS = time.Since(start).Seconds()
	heap1, g1 := heapAlloc(), countGoroutines()
	res.HeapPerGameConnected = (int64(heap1) - int64(heap0)) / int64(games)
	res.GoroutinesPerGame = float64(g1.total-g0.total) / float64(games)
	res.GameGoroutinesPerGame = float64(g1.bySide[sideGame]-g0.bySide[sideGame]) / float64(games)
	res.SimGoroutinesPerGame = float64(g1.bySide[sideSim]-g0.bySide[sideSim]) / float64(games)

	var (
		errs     atomic.Int64
		firstErr atomic.Pointer[error]
	)
	start = time.Now()
	_ = forEach(games, games, func(i int) error {
		id := ids[fmt.Sprintf("%s %04d", gameName, i)]
		for range trips {
			r, err := sim.Act(ctx, id, playAction.Name, "")
			if err == nil && !r.Success {
				err = fmt.Errorf("%w: %+v", errMismatch, r)
			}
			if err != nil {
				errs.Add(1)
				firstErr.CompareAndSwap(nil, &err)
				if ctx.Err() != nil {
					return ctx.Err()
				}
			}
		}
		return nil
	})
	res.PerSec = float64(res.RoundTrips) / time.Since(start).Seconds()
	res.Errors = errs.Load()
	if p := firstErr.Load(); p != nil {
		res.FirstError = (*p).Error()
	}
	res.HeapPerGame = (int64(heapAlloc()) - int64(heap0)) / int64(games)
	if snapshot != nil {
		if err := snapshot(); err != nil {
			return res, err
		}
	}
	return res, nil
}

// forEach runs f(0..n-1) on at most parallel goroutines at once and waits
// for all of them; it returns every error, joined.
func forEach(n, parallel int, f func(i int) error) error {
	sem := make(chan struct{}, parallel)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(i); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// stopAll stops every started component, a few at a time.
func stopAll(comps []*neuro.Component) error {
	return forEach(len(comps), 64, func(i int) error {
		if comps[i] == nil {
			return nil
		}
		return stopGame(comps[i])
	})
}
