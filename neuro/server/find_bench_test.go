package server

import (
	"context"
	"strconv"
	"testing"
)

// BenchmarkFindGameByID resolves a connection id among 1000 games, as
// every Act does.
func BenchmarkFindGameByID(b *testing.B) {
	s := New()
	for i := range 1000 {
		s.games = append(s.games, newGame(context.Background(), s.env, "#"+strconv.Itoa(i+1), nil))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.findGame("#500"); err != nil {
			b.Fatal(err)
		}
	}
}
