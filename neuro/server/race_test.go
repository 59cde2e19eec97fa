//go:build race

package server

// raceEnabled scales down the heaviest loads under the race detector,
// which makes decoding JSON about ten times slower.
const raceEnabled = true
