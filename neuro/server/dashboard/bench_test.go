package dashboard

import (
	"context"
	"testing"
)

// BenchmarkRoundTrip measures the simulator's action round trips (Act:
// the action out, the game's result back) with no dashboard stream open
// and with one tab following the live stream. The stream reads the
// simulator's history on its own goroutine and coalesces what it sends,
// so the two should stay within a few percent.
func BenchmarkRoundTrip(b *testing.B) {
	for _, bc := range []struct {
		name    string
		streams int
	}{{"sse=0", 0}, {"sse=1", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEnv(b, nil)
			g := pipeGame(b, e.s, "Bench", testActions)
			g.got = nil
			waitRegistered(b, e.s, "Bench", 2)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan struct{}, bc.streams)
			for range bc.streams {
				r := e.openStream(b, ctx, "")
				go func() {
					defer func() { done <- struct{}{} }()
					for {
						if _, err := r.next(); err != nil {
							return
						}
					}
				}()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.s.Act(ctx, "#1", "play", `{"cell":5}`); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cancel()
			for range bc.streams {
				<-done
			}
		})
	}
}
