package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Defaults, all in one place: sized so that a full run takes well under
// two minutes on a 2-core machine (about 40 s there).
const (
	defaultTrips     = 20000 // sequential round trips per latency phase
	defaultWarmup    = 1000  // round trips before each latency phase
	defaultRounds    = 10    // blocks the phases alternate in
	defaultPipelined = 40000 // actions in the pipelined phases
	defaultDepth     = 64    // actions in flight in the pipelined phases
	defaultGames     = "1,100,1000"
	defaultGameTrips = 100 // round trips per game in the scale phase
	defaultIdle      = 10 * time.Second

	// dialParallel bounds the games dialling at once in the scale phase,
	// so that the listener's backlog never overflows.
	dialParallel = 32
	// phaseTimeout bounds every blocking step of a phase: a hang fails
	// the run instead of blocking it.
	phaseTimeout = 60 * time.Second
)

// config is what the flags select.
type config struct {
	json      bool
	quick     bool
	trips     int
	warmup    int
	rounds    int
	pipelined int
	depth     int
	games     []int
	gameTrips int
	idle      time.Duration

	cpuProfile  string // CPU profile of phases a to d
	heapProfile string // heap profile with the most games connected
}

// quickConfig is -quick: tiny counts, for the test and CI. The
// testing.Benchmark phases still run for about a second each.
func quickConfig() config {
	return config{
		quick: true, trips: 200, warmup: 20, rounds: 2, pipelined: 400, depth: defaultDepth,
		games: []int{1, 8}, gameTrips: 5, idle: 300 * time.Millisecond,
	}
}

func parseConfig(args []string, out io.Writer) (config, error) {
	fs := flag.NewFlagSet("neurobench", flag.ContinueOnError)
	fs.SetOutput(out)
	var (
		jsonOut   = fs.Bool("json", false, "print the figures as one JSON object instead of the table")
		quick     = fs.Bool("quick", false, "tiny counts (for tests): every phase runs, the figures mean little")
		trips     = fs.Int("n", defaultTrips, "sequential round trips measured per latency phase")
		warmup    = fs.Int("warmup", defaultWarmup, "round trips before each latency phase")
		rounds    = fs.Int("rounds", defaultRounds, "blocks the phases a–d alternate in, so that load bursts hit them alike")
		pipelined = fs.Int("pipelined", defaultPipelined, "actions sent in the pipelined phases")
		depth     = fs.Int("depth", defaultDepth, "actions in flight in the pipelined phases")
		games     = fs.String("games", defaultGames, "comma-separated game counts of the scale phase")
		gameTrips = fs.Int("game-trips", defaultGameTrips, "round trips per game in the scale phase")
		idle      = fs.Duration("idle", defaultIdle, "how long the idle phase watches a connected component")
		cpuProf   = fs.String("cpuprofile", "", "write a CPU profile of phases a to d (both ends; the game's goroutines carry the label neurobench_side=game) to `file`")
		heapProf  = fs.String("heapprofile", "", "write a heap profile taken with the most games of phase f connected to `file`")
	)
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	c := config{
		json: *jsonOut, trips: *trips, warmup: *warmup, rounds: *rounds, pipelined: *pipelined, depth: *depth,
		gameTrips: *gameTrips, idle: *idle,
	}
	var err error
	if c.games, err = parseGames(*games); err != nil {
		return config{}, err
	}
	c.cpuProfile, c.heapProfile = *cpuProf, *heapProf
	if *quick {
		q := quickConfig()
		q.json, q.cpuProfile, q.heapProfile = c.json, c.cpuProfile, c.heapProfile
		c = q
	}
	switch {
	case c.trips < 1, c.rounds < 1, c.pipelined < 1, c.depth < 1, c.gameTrips < 1, c.warmup < 0:
		return config{}, errors.New("-n, -rounds, -pipelined, -depth and -game-trips must be at least 1, -warmup at least 0")
	case c.idle <= 0:
		return config{}, errors.New("-idle must be positive")
	}
	return c, nil
}

func parseGames(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-games: %q is not a positive count", f)
		}
		out = append(out, n)
	}
	return out, nil
}
