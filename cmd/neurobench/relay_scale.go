package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/relay"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// relayScaleResult is r3: many games through one relay to the simulator.
type relayScaleResult struct {
	Games      int     `json:"games"`
	ConnectS   float64 `json:"connect_s"`
	Forces     int     `json:"forces"` // one per game, served one at a time
	ForcesS    float64 `json:"forces_s"`
	RoundTrips int     `json:"round_trips"`
	PerSec     float64 `json:"round_trips_per_s"`
	// Errors counts failed or missing round trips, games' protocol
	// errors, simulator warnings and what the relay dropped or refused.
	Errors     int64  `json:"errors"`
	FirstError string `json:"first_error,omitempty"`
}

// relayScaleName is the name of game i of r3 (prefix "relay_game_0042").
func relayScaleName(i int) string { return fmt.Sprintf("Relay Game %04d", i) }

// relayScalePhase is r3: games codec games connect to one relay in
// front of one simulator; each forces once (the relay serves the forces
// one at a time, the simulator answers each at once); then every game
// does trips round trips through server.Act under its namespaced action
// name, all games at once. Everything is closed before it returns.
func relayScalePhase(ctx context.Context, games, trips int) (res relayScaleResult, err error) {
	res = relayScaleResult{Games: games, Forces: games, RoundTrips: games * trips}
	ctx, cancel := context.WithTimeout(ctx, phaseTimeout)
	defer cancel()
	sim, err := startSim(ctx, server.WithForceDelay(0), server.WithEventHistory(max(server.DefaultEventHistory, 16*games*(trips+2))))
	if err != nil {
		return res, err
	}
	defer sim.Close()
	rel, err := startRelay(sim.URL(), relay.WithMaxGames(games))
	if err != nil {
		return res, err
	}
	var gs []*codecGame
	defer func() {
		var errs []error
		for _, g := range gs {
			if g != nil {
				errs = append(errs, g.close())
			}
		}
		errs = append(errs, rel.close())
		if cerr := errors.Join(errs...); cerr != nil && err == nil {
			err = cerr
		}
	}()

	var (
		errCount atomic.Int64
		firstErr atomic.Pointer[error]
	)
	count := func(err error) {
		errCount.Add(1)
		firstErr.CompareAndSwap(nil, &err)
	}
	w := sim.Watch()
	start := time.Now()
	gs, err = dialGames(ctx, rel.url, games, relayScaleName, playAction)
	if err != nil {
		return res, err
	}
	for registered := 0; registered < games; {
		e, err := w.WaitFor(ctx, server.IsReceived("", wire.CmdRegister))
		if err != nil {
			return res, fmt.Errorf("waiting for %d registrations: %w", games, err)
		}
		registered += len(e.Message.(wire.RegisterActions).Actions)
	}
	res.ConnectS = time.Since(start).Seconds()

	start = time.Now()
	for _, g := range gs {
		if err := g.send(ctx, neuro.ForceActions{Query: "Play.", ActionNames: []string{playAction.Name}}); err != nil {
			return res, err
		}
	}
	for _, g := range gs {
		select {
		case <-g.acted:
		case <-ctx.Done():
			return res, fmt.Errorf("waiting for every force to be served: %w", ctx.Err())
		}
	}
	res.ForcesS = time.Since(start).Seconds()

	gameID := ""
	if st, err := sim.Game(""); err == nil {
		gameID = st.ID
	}
	start = time.Now()
	_ = forEach(games, games, func(i int) error {
		name := relay.DerivePrefix(relayScaleName(i)) + relay.Separator + playAction.Name
		for range trips {
			r, err := sim.Act(ctx, gameID, name, "")
			if err == nil && !r.Success {
				err = fmt.Errorf("%w: %+v", errMismatch, r)
			}
			if err != nil {
				count(err)
				if ctx.Err() != nil {
					return ctx.Err()
				}
			}
		}
		return nil
	})
	res.PerSec = float64(res.RoundTrips) / time.Since(start).Seconds()

	for _, ws := range sim.Findings() {
		count(fmt.Errorf("simulator warning: %v", ws))
	}
	c := rel.r.Status().Counters
	if n := c.DroppedResults + c.RefusedForces + c.RefusedActions + c.RefusedGames + c.Malformed + c.ForcesTimedOut + c.AnsweredForGames; n > 0 {
		count(fmt.Errorf("relay counters: %+v", c))
	}
	for _, g := range gs {
		if p := g.err.Load(); p != nil {
			count(*p)
		}
	}
	res.Errors = errCount.Load()
	if p := firstErr.Load(); p != nil {
		res.FirstError = (*p).Error()
	}
	return res, nil
}
