package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Targets of the relay (issue "neuro-relay").
const (
	targetRelayVsDirect = 2.0 // relayed round trip p50 ÷ direct p50
	targetRelayGames    = 100 // games through one relay, no error
	relayGamesQuick     = 10  // -quick
)

// relayReport is phase r.
type relayReport struct {
	Direct  latency `json:"r1_direct"`
	Relayed latency `json:"r1_relayed"`
	// RelayedVsDirectP50 is r1's ratio.
	RelayedVsDirectP50 float64 `json:"relayed_vs_direct_p50"`
	// PipeDirect and PipeRelayed are r2's loops; RelayAllocsPerTrip is
	// their difference, the relay's own allocations per round trip.
	PipeDirect         micro            `json:"r2_pipe_direct"`
	PipeRelayed        micro            `json:"r2_pipe_relayed"`
	RelayAllocsPerTrip int64            `json:"relay_allocs_per_roundtrip"`
	Scale              relayScaleResult `json:"r3_scale"`
	Targets            []target         `json:"targets"`
}

// relayPhases runs r1, r2 and r3.
func relayPhases(ctx context.Context, cfg config) (r relayReport, err error) {
	if r.Direct, r.Relayed, err = relayTrips(ctx, cfg); err != nil {
		return r, err
	}
	r.RelayedVsDirectP50 = ratio(r.Relayed.P50Us, r.Direct.P50Us)
	if r.PipeDirect, err = benchmark(benchPipeDirect); err != nil {
		return r, fmt.Errorf("relay allocations, direct: %w", err)
	}
	if r.PipeRelayed, err = benchmark(benchPipeRelayed); err != nil {
		return r, fmt.Errorf("relay allocations, relayed: %w", err)
	}
	r.RelayAllocsPerTrip = r.PipeRelayed.AllocsPerOp - r.PipeDirect.AllocsPerOp
	games := targetRelayGames
	if cfg.quick {
		games = relayGamesQuick
	}
	if r.Scale, err = relayScalePhase(ctx, games, cfg.gameTrips); err != nil {
		return r, fmt.Errorf("relay scale, %d games: %w", games, err)
	}
	r.Targets = r.targets()
	return r, nil
}

func (r *relayReport) targets() []target {
	scale := target{Name: fmt.Sprintf("%d games through one relay: errors", targetRelayGames), Want: "0",
		Got: fmt.Sprintf("%d", r.Scale.Errors)}
	if r.Scale.Games < targetRelayGames {
		scale.Got += fmt.Sprintf(" (%d games: -quick)", r.Scale.Games)
		scale.Status = "not measured"
	} else {
		scale.Status = status(r.Scale.Errors == 0)
	}
	return []target{
		{Name: "relayed round trip p50 ÷ direct (r1)", Want: fmt.Sprintf("≤ %.1f", targetRelayVsDirect),
			Got: fmt.Sprintf("%.2f", r.RelayedVsDirectP50), Status: status(r.RelayedVsDirectP50 <= targetRelayVsDirect)},
		{Name: "relay allocations per round trip (r2)", Want: "reported",
			Got: fmt.Sprintf("%d", r.RelayAllocsPerTrip), Status: "measured"},
		scale,
	}
}

// writeRelayTable prints phase r after the main table.
func writeRelayTable(out io.Writer, r relayReport, cfg config) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nr   relay (neuro/relay): lean server ⇄ [relay ⇄] codec game, %d round trips each, %d rounds\n", cfg.trips, cfg.rounds)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\t  p50 µs\t  p99 µs\t  trips/s\t p50 ÷ direct\n")
	for _, row := range []struct {
		name string
		l    latency
	}{{"r1  direct", r.Direct}, {"r1  through the relay", r.Relayed}} {
		fmt.Fprintf(tw, "%s\t%8.1f\t%8.1f\t%9.0f\t%8.2f\n", row.name, row.l.P50Us, row.l.P99Us, row.l.PerSec, ratio(row.l.P50Us, r.Direct.P50Us))
	}
	fmt.Fprintf(tw, "\t\t\t\t\n")
	fmt.Fprintf(tw, "r2  in-memory pipes, testing.Benchmark\t   ns/op\tallocs/op\t    B/op\t\n")
	fmt.Fprintf(tw, "    direct (the harness alone)\t%8.0f\t%9d\t%8d\t\n", r.PipeDirect.NsPerOp, r.PipeDirect.AllocsPerOp, r.PipeDirect.BytesPerOp)
	fmt.Fprintf(tw, "    through the relay\t%8.0f\t%9d\t%8d\t\n", r.PipeRelayed.NsPerOp, r.PipeRelayed.AllocsPerOp, r.PipeRelayed.BytesPerOp)
	fmt.Fprintf(tw, "    the relay's share\t\t%9d\t%8d\t\n", r.RelayAllocsPerTrip, r.PipeRelayed.BytesPerOp-r.PipeDirect.BytesPerOp)
	if err := tw.Flush(); err != nil {
		return err
	}
	s := r.Scale
	fmt.Fprintf(&b, "r3  %d codec games → one relay → simulator: connect %.2fs; %d forces one at a time in %.2fs; %d round trips (server.Act) at %.0f/s; errors %d\n",
		s.Games, s.ConnectS, s.Forces, s.ForcesS, s.RoundTrips, s.PerSec, s.Errors)
	if s.FirstError != "" {
		fmt.Fprintf(&b, "    first error: %s\n", s.FirstError)
	}
	b.WriteString("\ntargets (neuro-relay)\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, t := range r.Targets {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t.Name, t.Want, t.Got, t.Status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(out, trimLines(b.String()))
	return err
}
