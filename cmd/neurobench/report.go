package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Targets of issue 6, c2's of issue 12 (the typed round trip has c's
// budget), and issue 17's: the tails and the pipelined throughput close
// to the floor's on every CPU, and no more allocations than today.
const (
	targetP99Ratio       = 2.0 // b and c p99 ÷ a p99
	targetPipelined      = 0.8 // d ÷ a, both pipelined
	targetAllocsNoRegret = 7   // game-side allocations per round trip

	targetSDK         = 1.3
	targetValidated   = 1.5
	targetTyped       = targetValidated
	targetAllocs      = 25
	targetRaise       = 0.5
	targetScaleGames  = 1000
	targetHeapPerGame = 64 << 10
	// An idle component may use the CPU its keep-alive needs and nothing
	// more. Operationally: no frame but pings and pongs, no goroutine
	// created, and the process (both ends and the runtime) under
	// idleCPUBudget of CPU per second of idle, 0.1% of one core.
	idleCPUBudgetUsPerS = 1000
)

// target is one target (of issue 6, 12 or 17) and how this run did.
type target struct {
	Name   string `json:"name"`
	Want   string `json:"want"`
	Got    string `json:"got"`
	Status string `json:"status"` // "met", "not met" or "not measured"
}

func status(met bool) string {
	if met {
		return "met"
	}
	return "not met"
}

// derive computes the ratios and the targets from the phases.
func (r *report) derive() {
	a := r.Floor.Seq
	r.SDKVsFloorP50 = ratio(r.SDK.Seq.P50Us, a.P50Us)
	r.ValidatedVsFloorP50 = ratio(r.SDK.Validated.P50Us, a.P50Us)
	r.TypedVsFloorP50 = ratio(r.SDK.Typed.P50Us, a.P50Us)
	r.SimulatorVsFloorP50 = ratio(r.Simulator.P50Us, a.P50Us)
	r.TransportVsFloorP50 = ratio(r.Transport.P50Us, a.P50Us)
	r.SDKVsFloorP99 = ratio(r.SDK.Seq.P99Us, a.P99Us)
	r.ValidatedVsFloorP99 = ratio(r.SDK.Validated.P99Us, a.P99Us)
	r.TypedVsFloorP99 = ratio(r.SDK.Typed.P99Us, a.P99Us)
	r.SimulatorVsFloorP99 = ratio(r.Simulator.P99Us, a.P99Us)
	r.TransportVsFloorP99 = ratio(r.Transport.P99Us, a.P99Us)
	r.PipelinedVsFloorThroughput = ratio(r.SDK.Pipe.PerSec, a.PerSec)
	r.PipelinedVsFloorPipelined = ratio(r.SDK.Pipe.PerSec, r.Floor.Pipe.PerSec)
	r.RaiseVsEventBus = ratio(r.Raise.NsPerOp, r.EventBus.NsPerOp)
	r.AllocsPerRoundtrip = r.GameTrip.AllocsPerOp
	r.AllocsPerTypedRoundtrip = r.TypedTrip.AllocsPerOp
	var scaled *scaleResult
	for i := range r.Scale {
		s := &r.Scale[i]
		r.ScaleErrors += s.Errors
		if scaled == nil || s.Games > scaled.Games {
			scaled = s
		}
	}
	if scaled != nil {
		r.HeapPerGameBytes, r.HeapPerGameAt = scaled.HeapPerGame, scaled.Games
	}

	r.Targets = []target{
		{Name: "SDK round trip p50 ÷ floor (b/a)", Want: fmt.Sprintf("≤ %.1f", targetSDK),
			Got: fmt.Sprintf("%.2f", r.SDKVsFloorP50), Status: status(r.SDKVsFloorP50 <= targetSDK)},
		{Name: "with schema validation ÷ floor (c/a)", Want: fmt.Sprintf("≤ %.1f", targetValidated),
			Got: fmt.Sprintf("%.2f", r.ValidatedVsFloorP50), Status: status(r.ValidatedVsFloorP50 <= targetValidated)},
		{Name: "typed round trip ÷ floor (c2/a), issue 12", Want: fmt.Sprintf("≤ %.1f", targetTyped),
			Got: fmt.Sprintf("%.2f", r.TypedVsFloorP50), Status: status(r.TypedVsFloorP50 <= targetTyped)},
		{Name: "game-side allocations per round trip", Want: fmt.Sprintf("≤ %d", targetAllocs),
			Got: fmt.Sprintf("%d", r.AllocsPerRoundtrip), Status: status(r.AllocsPerRoundtrip <= targetAllocs)},
		{Name: "SDK round trip p99 ÷ floor p99 (b/a), issue 17", Want: fmt.Sprintf("≤ %.1f", targetP99Ratio),
			Got: fmt.Sprintf("%.2f", r.SDKVsFloorP99), Status: status(r.SDKVsFloorP99 <= targetP99Ratio)},
		{Name: "validated p99 ÷ floor p99 (c/a), issue 17", Want: fmt.Sprintf("≤ %.1f", targetP99Ratio),
			Got: fmt.Sprintf("%.2f", r.ValidatedVsFloorP99), Status: status(r.ValidatedVsFloorP99 <= targetP99Ratio)},
		{Name: "pipelined SDK ÷ pipelined floor (d/a), issue 17", Want: fmt.Sprintf("≥ %.1f", targetPipelined),
			Got: fmt.Sprintf("%.2f", r.PipelinedVsFloorPipelined), Status: status(r.PipelinedVsFloorPipelined >= targetPipelined)},
		{Name: "game-side allocations, issue 17 (no regression)", Want: fmt.Sprintf("≤ %d", targetAllocsNoRegret),
			Got: fmt.Sprintf("%d", r.AllocsPerRoundtrip), Status: status(r.AllocsPerRoundtrip <= targetAllocsNoRegret)},
		{Name: "Manager.Raise ÷ EventBus", Want: fmt.Sprintf("≤ %.1f", targetRaise),
			Got: fmt.Sprintf("%.3f", r.RaiseVsEventBus), Status: status(r.RaiseVsEventBus <= targetRaise)},
		r.scaleTarget(scaled),
		r.idleTarget(),
	}
}

func (r *report) scaleTarget(s *scaleResult) target {
	t := target{Name: fmt.Sprintf("%d games: errors, heap per game", targetScaleGames),
		Want: fmt.Sprintf("0, ≤ %d KiB", targetHeapPerGame>>10)}
	if s == nil || s.Games < targetScaleGames {
		t.Got, t.Status = "not run (-games)", "not measured"
		return t
	}
	t.Got = fmt.Sprintf("%d, %.1f KiB", s.Errors, float64(s.HeapPerGame)/1024)
	t.Status = status(r.ScaleErrors == 0 && s.HeapPerGame <= targetHeapPerGame)
	return t
}

func (r *report) idleTarget() target {
	g := r.Idle
	t := target{Name: "idle component: CPU beyond keep-alive",
		Want: fmt.Sprintf("0 extra frames, 0 new goroutines, ≤ %d µs CPU/s", idleCPUBudgetUsPerS)}
	t.Got = fmt.Sprintf("%d, %d, %.0f µs/s", g.BeyondKeepAlive, g.GoroutinesCreated, g.CPUUsPerS)
	switch {
	case !g.CPUMeasured:
		t.Got += " (CPU not measured here)"
		t.Status = "not measured"
	default:
		t.Status = status(g.BeyondKeepAlive == 0 && g.GoroutinesCreated == 0 && g.CPUUsPerS <= idleCPUBudgetUsPerS)
	}
	return t
}

func writeJSON(w io.Writer, r *report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeTable prints the report as aligned tables.
func writeTable(out io.Writer, r *report, cfg config) error {
	m := r.Machine
	var b strings.Builder
	fmt.Fprintf(&b, "neurobench  %s %s/%s  %d CPUs (GOMAXPROCS %d)  %s  %.0fs", m.GoVersion, m.OS, m.Arch, m.NumCPU, m.GOMAXPROCS, m.CPUModel, m.DurationS)
	if m.Quick {
		b.WriteString("  [-quick: figures are not meaningful]")
	}
	b.WriteString("\n\n")

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	a := r.Floor.Seq
	fmt.Fprintf(tw, "sequential round trips (%d each, one in flight, %d rounds)\t  p50 µs\t  p99 µs\t  trips/s\t p50 ÷ a\t p99 ÷ a\n", cfg.trips, cfg.rounds)
	row := func(name string, l latency) {
		fmt.Fprintf(tw, "%s\t%8.1f\t%8.1f\t%9.0f\t%8.2f\t%8.2f\n", name, l.P50Us, l.P99Us, l.PerSec, ratio(l.P50Us, a.P50Us), ratio(l.P99Us, a.P99Us))
	}
	row("a   floor: raw gorilla both ends", a)
	row("a2  transport/gorilla both ends, no SDK", r.Transport)
	row("b   SDK: Component ← lean server", r.SDK.Seq)
	row("b′  SDK ← simulator (server.Act)", r.Simulator)
	row("c   SDK + schema validation", r.SDK.Validated)
	row("c2  typed: validate + decode + handler", r.SDK.Typed)
	fmt.Fprintf(tw, "    of which the lean server's DecodeGame\t%8.1f\t\t\t\t\n", r.SDK.DecodeP50Us)
	fmt.Fprintf(tw, "\t\t\t\t\t\n")
	fmt.Fprintf(tw, "pipelined (%d in flight, %d actions)\t trips/s\t ÷ a seq\t ÷ a pipe\t\n", cfg.depth, cfg.pipelined)
	fmt.Fprintf(tw, "a   floor\t%8.0f\t%8.2f\t%8.2f\t\n", r.Floor.Pipe.PerSec, ratio(r.Floor.Pipe.PerSec, a.PerSec), 1.0)
	fmt.Fprintf(tw, "d   SDK\t%8.0f\t%8.2f\t%8.2f\t\n", r.SDK.Pipe.PerSec, r.PipelinedVsFloorThroughput, r.PipelinedVsFloorPipelined)
	fmt.Fprintf(tw, "\t\t\t\t\n")
	fmt.Fprintf(tw, "e   testing.Benchmark\t   ns/op\tallocs/op\t    B/op\t\n")
	mrow := func(name string, x micro) {
		fmt.Fprintf(tw, "%s\t%8.0f\t%9d\t%8d\t\n", name, x.NsPerOp, x.AllocsPerOp, x.BytesPerOp)
	}
	mrow("manager.Raise, 1 handler, waiting", r.Raise)
	mrow("EventBus SubscribeAsync+Publish+WaitAsync", r.EventBus)
	fmt.Fprintf(tw, "    Raise ÷ EventBus\t%8.3f\t\t\t\n", r.RaiseVsEventBus)
	mrow("game round trip, in-memory Conn, no schema", r.GameTrip)
	mrow("  the same, c's schema-validated action", r.ValidTrip)
	mrow("  the same, c2's typed action", r.TypedTrip)
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(&b, "\nf   simulator scale: neuro Components, %d round trips each through server.Act\n", cfg.gameTrips)
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "games\tconnect s\ttrips/s\terrors\theap/game KiB connected\tafter trips\tgoroutines/game\tgame\tsimulator\t\n")
	for _, s := range r.Scale {
		fmt.Fprintf(tw, "%d\t%.2f\t%.0f\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", s.Games, s.ConnectS, s.PerSec, s.Errors,
			float64(s.HeapPerGameConnected)/1024, float64(s.HeapPerGame)/1024,
			s.GoroutinesPerGame, s.GameGoroutinesPerGame, s.SimGoroutinesPerGame)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range r.Scale {
		if s.FirstError != "" {
			fmt.Fprintf(&b, "    %d games, first error: %s\n", s.Games, s.FirstError)
		}
	}

	g := r.Idle
	fmt.Fprintf(&b, "\ng   idle component, %.1fs: goroutines %d (simulator side %d); process CPU %.2f ms = %.0f µs/s (before connecting: %.0f µs/s)\n",
		g.Seconds, g.GameGoroutines, g.SimGoroutines, g.CPUMs, g.CPUUsPerS, g.BaselineCPUUsPerS)
	fmt.Fprintf(&b, "    frames from the game: %d ping, %d pong, %d data, %d close; to the game: %d ping, %d pong, %d data, %d close (keep-alive: ≈%.1f pings per side)\n",
		g.FromGame.Ping, g.FromGame.Pong, g.FromGame.Data, g.FromGame.Close, g.ToGame.Ping, g.ToGame.Pong, g.ToGame.Data, g.ToGame.Close, g.ExpectedPingsPerSide)
	fmt.Fprintf(&b, "    goroutines created in the process during the window: %d\n", g.GoroutinesCreated)

	b.WriteString("\ntargets (issues 6, 12, 17)\n")
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

// trimLines drops the padding tabwriter leaves at the end of lines.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
