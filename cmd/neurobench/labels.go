package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
)

// Goroutines are attributed to a side with a pprof label: a goroutine
// inherits its creator's labels, so everything a Component starts from a
// Connect made under the game label carries it (its run loop, the
// transport's reader and pinger, the goroutine of each action), and
// everything the simulator's listener starts carries the simulator label.
const (
	sideKey  = "neurobench_side"
	sideGame = "game"
	sideSim  = "simulator"
)

// asSide runs f with the side label, so that the goroutines it starts
// inherit it.
func asSide(ctx context.Context, side string, f func(ctx context.Context)) {
	pprof.Do(ctx, pprof.Labels(sideKey, side), f)
}

// goroutineCount is the number of goroutines, in total and per side.
type goroutineCount struct {
	total  int
	bySide map[string]int
}

// countGoroutines reads the goroutine profile (debug=1 groups goroutines
// by stack and labels, with a count per group).
func countGoroutines() goroutineCount {
	gc := goroutineCount{total: runtime.NumGoroutine(), bySide: map[string]int{}}
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		return gc
	}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	count := 0
	for sc.Scan() {
		line := sc.Text()
		if n, _, ok := strings.Cut(line, " @ "); ok {
			count, _ = strconv.Atoi(n)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# labels: "); ok && count > 0 {
			var labels map[string]string
			if json.Unmarshal([]byte(rest), &labels) == nil {
				if side := labels[sideKey]; side != "" {
					gc.bySide[side] += count
				}
			}
			count = 0
		}
	}
	return gc
}

// heapAlloc is the live heap after two collections.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
