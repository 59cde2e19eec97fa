package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// tripFunc performs round trip i and returns how long the part that
// counts took.
type tripFunc func(i int) (time.Duration, error)

// seqPhase is one sequential phase being measured: its round trips and
// what they took.
type seqPhase struct {
	name    string
	trip    tripFunc
	next    int // index of the next round trip
	samples []time.Duration
	elapsed time.Duration // wall time of the measured blocks
}

func (p *seqPhase) result() latency { return summarise(p.samples, p.elapsed) }

// interleave measures sequential phases side by side: every phase first
// does warmup untimed round trips, then the n timed ones are cut into
// rounds blocks, and each round runs one block of every phase, in an
// order that rotates from round to round. On a shared, noisy machine a
// burst of load then hits every phase alike, which keeps their ratios
// honest. Each connection stays open, idle, while the others run.
func interleave(ctx context.Context, warmup, n, rounds int, phases ...*seqPhase) error {
	for _, p := range phases {
		for range warmup {
			if _, err := p.trip(p.next); err != nil {
				return fmt.Errorf("%s: warm-up round trip %d: %w", p.name, p.next, err)
			}
			p.next++
		}
		p.samples = make([]time.Duration, 0, n)
	}
	rounds = min(max(rounds, 1), n)
	for r := range rounds {
		block := n*(r+1)/rounds - n*r/rounds
		runtime.GC() // every block starts with a clean heap
		for k := range phases {
			p := phases[(r+k)%len(phases)]
			start := time.Now()
			for range block {
				d, err := p.trip(p.next)
				if err != nil {
					return fmt.Errorf("%s: round trip %d: %w", p.name, p.next, err)
				}
				p.next++
				p.samples = append(p.samples, d)
			}
			p.elapsed += time.Since(start)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// pipePhase is one pipelined phase being measured.
type pipePhase struct {
	name    string
	run     func(ctx context.Context, first, n int) error // actions first..first+n-1, all answered on return
	next    int
	n       int
	elapsed time.Duration
}

func (p *pipePhase) result(depth int) throughput { return newThroughput(p.n, depth, p.elapsed) }

// interleavePipelined is interleave for pipelined phases: n actions per
// phase in rounds blocks, alternating.
func interleavePipelined(ctx context.Context, n, rounds int, phases ...*pipePhase) error {
	rounds = min(max(rounds, 1), n)
	for r := range rounds {
		block := n*(r+1)/rounds - n*r/rounds
		runtime.GC()
		for k := range phases {
			p := phases[(r+k)%len(phases)]
			start := time.Now()
			if err := p.run(ctx, p.next, block); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			p.elapsed += time.Since(start)
			p.next += block
			p.n += block
		}
	}
	return nil
}

// pipelined sends actions first..first+n-1 keeping depth of them in
// flight: send(i) runs on a goroutine of its own, recv on the caller's,
// once per answer. On the first error abort is called (it must make send
// and recv return, by closing the connection) and the error is returned
// once both sides stopped.
func pipelined(ctx context.Context, first, n, depth int, send func(i int) error, recv func() error, abort func()) error {
	credits := make(chan struct{}, depth)
	stop := make(chan struct{})
	var (
		once     sync.Once
		firstErr error
	)
	fail := func(err error) {
		once.Do(func() {
			firstErr = err
			close(stop)
			abort()
		})
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := first; i < first+n; i++ {
			select {
			case credits <- struct{}{}:
			case <-stop:
				return
			case <-ctx.Done():
				fail(ctx.Err())
				return
			}
			if err := send(i); err != nil {
				fail(fmt.Errorf("send %d: %w", i, err))
				return
			}
		}
	}()
	for i := range n {
		if err := recv(); err != nil {
			fail(fmt.Errorf("answer %d: %w", first+i, err))
			break
		}
		<-credits
	}
	wg.Wait()
	return firstErr
}

// errMismatch reports an answer that is not the expected one.
var errMismatch = errors.New("unexpected answer")
