package main

import (
	"slices"
	"time"
)

// latency summarises a sequential phase: every round trip was timed.
type latency struct {
	N       int     `json:"n"`
	P50Us   float64 `json:"p50_us"`
	P99Us   float64 `json:"p99_us"`
	PerSec  float64 `json:"round_trips_per_s"`
	Elapsed float64 `json:"elapsed_s"`
}

// summarise sorts samples (in place) and computes the figures; elapsed
// is the wall time of the whole loop.
func summarise(samples []time.Duration, elapsed time.Duration) latency {
	slices.Sort(samples)
	return latency{
		N:       len(samples),
		P50Us:   us(quantile(samples, 0.50)),
		P99Us:   us(quantile(samples, 0.99)),
		PerSec:  float64(len(samples)) / elapsed.Seconds(),
		Elapsed: elapsed.Seconds(),
	}
}

// quantile of sorted samples, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// throughput summarises a pipelined phase.
type throughput struct {
	N       int     `json:"n"`
	Depth   int     `json:"depth"`
	PerSec  float64 `json:"round_trips_per_s"`
	Elapsed float64 `json:"elapsed_s"`
}

func newThroughput(n, depth int, elapsed time.Duration) throughput {
	return throughput{N: n, Depth: depth, PerSec: float64(n) / elapsed.Seconds(), Elapsed: elapsed.Seconds()}
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
