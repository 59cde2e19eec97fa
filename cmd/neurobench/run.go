package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"
)

// report is everything one run measured; -json prints it as is.
type report struct {
	Machine machine `json:"machine"`

	Floor     floorResult   `json:"a_floor"`
	Transport latency       `json:"a2_transport"`
	SDK       sdkResult     `json:"b_c_d_sdk"` // and c2, "typed"
	Simulator latency       `json:"b_via_simulator"`
	Raise     micro         `json:"e_raise"`
	EventBus  micro         `json:"e_eventbus"`
	GameTrip  micro         `json:"e_game_roundtrip"`
	ValidTrip micro         `json:"e_game_roundtrip_validated"` // GameTrip with c's action
	TypedTrip micro         `json:"e_game_roundtrip_typed"`     // GameTrip with c2's action
	Scale     []scaleResult `json:"f_scale"`
	Idle      idleResult    `json:"g_idle"`
	Relay     relayReport   `json:"r_relay"`
	Voice     voiceReport   `json:"v_voice"`

	// The figures the targets are about.
	SDKVsFloorP50              float64 `json:"sdk_vs_floor_p50"`
	ValidatedVsFloorP50        float64 `json:"validated_vs_floor_p50"`
	TypedVsFloorP50            float64 `json:"typed_vs_floor_p50"`
	SimulatorVsFloorP50        float64 `json:"simulator_vs_floor_p50"`
	TransportVsFloorP50        float64 `json:"transport_vs_floor_p50"`
	SDKVsFloorP99              float64 `json:"sdk_vs_floor_p99"`
	ValidatedVsFloorP99        float64 `json:"validated_vs_floor_p99"`
	TypedVsFloorP99            float64 `json:"typed_vs_floor_p99"`
	SimulatorVsFloorP99        float64 `json:"simulator_vs_floor_p99"`
	TransportVsFloorP99        float64 `json:"transport_vs_floor_p99"`
	PipelinedVsFloorThroughput float64 `json:"pipelined_vs_floor_throughput"`
	PipelinedVsFloorPipelined  float64 `json:"pipelined_vs_floor_pipelined_throughput"`
	RaiseVsEventBus            float64 `json:"raise_vs_eventbus"`
	AllocsPerRoundtrip         int64   `json:"allocs_per_roundtrip"`
	AllocsPerTypedRoundtrip    int64   `json:"allocs_per_typed_roundtrip"`
	HeapPerGameBytes           int64   `json:"heap_per_game_bytes"`
	HeapPerGameAt              int     `json:"heap_per_game_at_games"`
	ScaleErrors                int64   `json:"scale_errors"`

	Targets []target `json:"targets"`
}

// machine describes where the run happened.
type machine struct {
	GoVersion  string  `json:"go_version"`
	OS         string  `json:"os"`
	Arch       string  `json:"arch"`
	NumCPU     int     `json:"num_cpu"`
	GOMAXPROCS int     `json:"gomaxprocs"`
	CPUModel   string  `json:"cpu_model"`
	OpenFiles  uint64  `json:"open_files_limit"`
	Quick      bool    `json:"quick"`
	Started    string  `json:"started"`
	DurationS  float64 `json:"duration_s"`
}

// run parses args, runs every phase in order and prints the table (or
// the JSON object with -json) on stdout. -h prints the usage and returns
// nil.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseConfig(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	start := time.Now()
	r := &report{Machine: machine{
		GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), CPUModel: cpuModel(),
		Quick: cfg.quick, Started: start.UTC().Format(time.RFC3339),
	}}
	// Each game holds two sockets in this process (its own and the
	// simulator's end).
	if r.Machine.OpenFiles, err = raiseOpenFiles(uint64(2*slices.Max(cfg.games) + 256)); err != nil {
		return fmt.Errorf("raising the open files limit: %w", err)
	}

	stopProfile, err := startCPUProfile(cfg.cpuProfile)
	if err != nil {
		return err
	}
	err = latencyPhases(ctx, cfg, r)
	if perr := stopProfile(); err == nil {
		err = perr
	}
	if err != nil {
		return err
	}
	// Idle before the scale phase: its garbage would keep the runtime
	// busy.
	if r.Idle, err = idlePhase(ctx, cfg); err != nil {
		return err
	}
	if r.Raise, err = benchmark(benchRaise); err != nil {
		return fmt.Errorf("Raise: %w", err)
	}
	if r.EventBus, err = benchmark(benchEventBus); err != nil {
		return fmt.Errorf("EventBus: %w", err)
	}
	if r.GameTrip, err = benchmark(benchRoundTripAllocs); err != nil {
		return fmt.Errorf("game round trip: %w", err)
	}
	if r.ValidTrip, err = benchmark(benchValidatedRoundTripAllocs); err != nil {
		return fmt.Errorf("validated game round trip: %w", err)
	}
	if r.TypedTrip, err = benchmark(benchTypedRoundTripAllocs); err != nil {
		return fmt.Errorf("typed game round trip: %w", err)
	}
	most := slices.Max(cfg.games)
	for _, n := range cfg.games {
		var snapshot func() error
		if n == most && cfg.heapProfile != "" {
			snapshot = func() error { return writeHeapProfile(cfg.heapProfile) }
		}
		s, err := scalePhase(ctx, n, cfg.gameTrips, snapshot)
		if err != nil {
			return fmt.Errorf("scale, %d games: %w", n, err)
		}
		r.Scale = append(r.Scale, s)
	}
	if r.Relay, err = relayPhases(ctx, cfg); err != nil {
		return err
	}
	if r.Voice, err = voicePhase(ctx, cfg); err != nil {
		return err
	}
	r.Machine.DurationS = time.Since(start).Seconds()
	r.derive()

	if cfg.json {
		return writeJSON(stdout, r)
	}
	if err := writeTable(stdout, r, cfg); err != nil {
		return err
	}
	if err := writeRelayTable(stdout, r.Relay, cfg); err != nil {
		return err
	}
	return writeVoiceTable(stdout, r.Voice)
}

// latencyPhases measures a, a2, b, b′, c and c2 side by side (interleaved),
// then the pipelined a and d. Every connection is open from the start to
// the end, and closed before it returns.
func latencyPhases(ctx context.Context, cfg config, r *report) (err error) {
	ctx, cancel := context.WithTimeout(ctx, 2*phaseTimeout)
	defer cancel()
	floor, err := newFloorRig(ctx)
	if err != nil {
		return err
	}
	defer floor.close()
	tr, err := newTransportRig(ctx)
	if err != nil {
		return err
	}
	defer tr.close()
	sdk, err := newSDKRig(ctx)
	if err != nil {
		return err
	}
	defer sdk.close()
	sim, err := newSimRig(ctx)
	if err != nil {
		return err
	}
	defer sim.close()

	a := &seqPhase{name: "a floor", trip: floor.trip}
	a2 := &seqPhase{name: "a2 transport", trip: tr.trip(ctx)}
	b := &seqPhase{name: "b sdk", trip: sdk.trip(ctx, 'b', playAction.Name, "", cfg.warmup)}
	bSim := &seqPhase{name: "b′ simulator", trip: sim.trip(ctx)}
	c := &seqPhase{name: "c validated", trip: sdk.trip(ctx, 'c', placeAction.Name, placeData, cfg.warmup)}
	c2 := &seqPhase{name: "c2 typed", trip: sdk.trip(ctx, 't', typedActionName, placeData, cfg.warmup)}
	if err := interleave(ctx, cfg.warmup, cfg.trips, cfg.rounds, a, a2, b, bSim, c, c2); err != nil {
		return err
	}
	r.Floor.Seq, r.Transport, r.SDK.Seq, r.Simulator, r.SDK.Validated = a.result(), a2.result(), b.result(), bSim.result(), c.result()
	r.SDK.Typed = c2.result()
	r.SDK.DecodeP50Us = sdk.decodeP50()

	aPipe := &pipePhase{name: "a floor pipelined", run: floor.pipelined(cfg.depth)}
	d := &pipePhase{name: "d sdk pipelined", run: sdk.pipelined(cfg.depth)}
	if err := interleavePipelined(ctx, cfg.pipelined, cfg.rounds, aPipe, d); err != nil {
		return err
	}
	r.Floor.Pipe, r.SDK.Pipe = aPipe.result(cfg.depth), d.result(cfg.depth)
	return nil
}

// startCPUProfile starts a CPU profile into path ("": none) and returns
// the function that stops it and closes the file.
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// writeHeapProfile writes the heap profile, after a collection, to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	err = pprof.WriteHeapProfile(f)
	return errors.Join(err, f.Close())
}

// cpuModel reads the CPU model from /proc/cpuinfo ("" elsewhere).
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
