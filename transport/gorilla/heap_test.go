package gorilla

import (
	"context"
	"net/http"
	"runtime"
	"testing"

	"github.com/neurokit/neurokit/transport"
)

// heapConns is how many loopback connections BenchmarkConnHeap holds open:
// the 1000-game target of issue 6.
const heapConns = 1000

// BenchmarkConnHeap measures what an open connection costs once it has
// carried a frame each way and gone idle: N connection pairs (Dial on one
// end, Accept on the other, default options: keep-alive on) over loopback,
// the heap in use and the goroutine stacks before and after, divided by
// the 2N ends. Nobody is in Read at the end, so the figures are the
// transport's own, not those of the caller's reading goroutine.
//
//	go test -run '^$' -bench ConnHeap -benchtime 1x ./transport/gorilla
func BenchmarkConnHeap(b *testing.B) {
	accepted := make(chan transport.Conn, heapConns)
	url := newServer(b, func(w http.ResponseWriter, r *http.Request) {
		c, err := Accept(w, r)
		if err != nil {
			b.Errorf("accept: %v", err)
			return
		}
		accepted <- c
	})
	ctx := context.Background()
	var heap, stack, goroutines float64
	for range b.N {
		conns := make([]transport.Conn, 0, 2*heapConns)
		before := memNow()
		for range heapConns {
			c, err := Dial(ctx, url)
			if err != nil {
				b.Fatalf("dial: %v", err)
			}
			s := recv(b, accepted)
			conns = append(conns, c, s)
			if err := exchange(ctx, c, s); err != nil {
				b.Fatal(err)
			}
		}
		after := memNow()
		ends := float64(len(conns))
		heap += float64(after.heapInuse-before.heapInuse) / ends
		stack += float64(after.stackInuse-before.stackInuse) / ends
		goroutines += float64(after.goroutines-before.goroutines) / ends
		for _, c := range conns {
			_ = c.CloseNow()
		}
	}
	n := float64(b.N)
	b.ReportMetric(heap/n, "heap-B/conn")
	b.ReportMetric(stack/n, "stack-B/conn")
	b.ReportMetric(goroutines/n, "goroutines/conn")
	b.ReportMetric(0, "ns/op") // the time to connect is not what this measures
}

// exchange sends benchFrame from a to b and back.
func exchange(ctx context.Context, a, b transport.Conn) error {
	for _, p := range [][2]transport.Conn{{a, b}, {b, a}} {
		if err := p[0].Write(ctx, benchFrame); err != nil {
			return err
		}
		if _, err := p[1].Read(ctx); err != nil {
			return err
		}
	}
	return nil
}

type memFigures struct {
	heapInuse, stackInuse uint64
	goroutines            int
}

// memNow collects garbage and reads the heap and stack in use.
func memNow() memFigures {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memFigures{heapInuse: ms.HeapInuse, stackInuse: ms.StackInuse, goroutines: runtime.NumGoroutine()}
}
