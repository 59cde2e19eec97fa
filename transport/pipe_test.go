package transport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

const pipeTimeout = 10 * time.Second

func pipeCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), pipeTimeout)
	t.Cleanup(cancel)
	return ctx
}

func wantPeerClose(t *testing.T, err error, code int, reason string) {
	t.Helper()
	var ce *CloseError
	if !errors.As(err, &ce) || ce.Code != code || ce.Reason != reason {
		t.Fatalf("error = %v, want *CloseError code %d reason %q", err, code, reason)
	}
}

func TestPipeOrder(t *testing.T) {
	a, b := Pipe()
	defer a.CloseNow()
	defer b.CloseNow()
	ctx := pipeCtx(t)
	for _, pair := range [][2]Conn{{a, b}, {b, a}} {
		w, r := pair[0], pair[1]
		for i := range 100 {
			if err := w.Write(ctx, []byte(fmt.Sprint(i))); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 100 {
			f, err := r.Read(ctx)
			if err != nil || string(f) != fmt.Sprint(i) {
				t.Fatalf("read %d = %q, %v", i, f, err)
			}
		}
	}
}

// TestPipeCopiesFrames: the writer may reuse its buffer.
func TestPipeCopiesFrames(t *testing.T) {
	a, b := Pipe()
	defer a.CloseNow()
	defer b.CloseNow()
	ctx := pipeCtx(t)
	buf := []byte("first")
	if err := a.Write(ctx, buf); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXX")
	if f, err := b.Read(ctx); err != nil || string(f) != "first" {
		t.Fatalf("read = %q, %v", f, err)
	}
}

// TestPipeClose: in both directions, the closer gets ErrClosed and the
// other end reads what was queued, then the code and reason.
func TestPipeClose(t *testing.T) {
	tests := []struct {
		name       string
		closeNow   bool
		code       int
		reason     string
		wantCode   int
		wantReason string
	}{
		{name: "normal", code: CloseNormal, reason: "done", wantCode: CloseNormal, wantReason: "done"},
		{name: "app code", code: 4000, reason: "bye", wantCode: 4000, wantReason: "bye"},
		{name: "CloseNow", closeNow: true, wantCode: CloseAbnormal},
	}
	for _, tt := range tests {
		for _, closerIsA := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/closer a %v", tt.name, closerIsA), func(t *testing.T) {
				a, b := Pipe()
				closer, other := a, b
				if !closerIsA {
					closer, other = b, a
				}
				defer other.CloseNow()
				ctx := pipeCtx(t)
				if err := closer.Write(ctx, []byte("queued")); err != nil {
					t.Fatal(err)
				}
				if err := other.Write(ctx, []byte("dropped")); err != nil {
					t.Fatal(err)
				}
				var err error
				if tt.closeNow {
					err = closer.CloseNow()
				} else {
					err = closer.Close(tt.code, tt.reason)
				}
				if err != nil {
					t.Fatalf("close: %v", err)
				}
				if _, err := closer.Read(ctx); !errors.Is(err, ErrClosed) {
					t.Fatalf("closer Read = %v, want ErrClosed", err)
				}
				if err := closer.Write(ctx, []byte("x")); !errors.Is(err, ErrClosed) {
					t.Fatalf("closer Write = %v, want ErrClosed", err)
				}
				if f, err := other.Read(ctx); err != nil || string(f) != "queued" {
					t.Fatalf("other Read = %q, %v; want the queued frame", f, err)
				}
				for range 2 {
					_, err := other.Read(ctx)
					wantPeerClose(t, err, tt.wantCode, tt.wantReason)
				}
				wantPeerClose(t, other.Write(ctx, []byte("x")), tt.wantCode, tt.wantReason)
				if err := closer.Close(CloseNormal, "again"); err != nil {
					t.Fatalf("second Close = %v", err)
				}
				if err := closer.CloseNow(); err != nil {
					t.Fatalf("CloseNow after Close = %v", err)
				}
				// The other end closing afterwards does not change what the
				// first closer sees.
				if err := other.Close(CloseGoingAway, "late"); err != nil {
					t.Fatal(err)
				}
				if _, err := closer.Read(ctx); !errors.Is(err, ErrClosed) {
					t.Fatalf("closer Read after both closed = %v", err)
				}
			})
		}
	}
}

// TestPipeCloseWakesReader: a Read blocked on one end wakes up when either
// end closes.
func TestPipeCloseWakesReader(t *testing.T) {
	for _, closeSelf := range []bool{true, false} {
		t.Run(fmt.Sprintf("self %v", closeSelf), func(t *testing.T) {
			a, b := Pipe()
			defer a.CloseNow()
			defer b.CloseNow()
			got := make(chan error, 1)
			go func() {
				_, err := a.Read(context.Background())
				got <- err
			}()
			if closeSelf {
				_ = a.Close(CloseNormal, "")
			} else {
				_ = b.Close(4000, "bye")
			}
			select {
			case err := <-got:
				if closeSelf && !errors.Is(err, ErrClosed) {
					t.Fatalf("Read = %v, want ErrClosed", err)
				}
				if !closeSelf {
					wantPeerClose(t, err, 4000, "bye")
				}
			case <-time.After(pipeTimeout):
				t.Fatal("Read still blocked after close")
			}
		})
	}
}

// TestPipeReadContextBefore: a Read whose ctx ended before it waited for
// a frame (already ended, or ending while it waited behind another Read)
// returns ctx.Err() and the pipe stays usable, queued frame included.
func TestPipeReadContextBefore(t *testing.T) {
	a, b := Pipe()
	defer a.CloseNow()
	defer b.CloseNow()
	ctx := pipeCtx(t)
	if err := b.Write(ctx, []byte("queued")); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.Read(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("Read = %v, want context.Canceled", err)
	}
	rsem := a.(*pipeEnd).s.rsem[0]
	rsem <- struct{}{} // stands for a Read in progress on a
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := a.Read(short)
	<-rsem
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Read behind another = %v, want context.DeadlineExceeded", err)
	}
	if err := a.Write(cancelled, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write = %v, want context.Canceled", err)
	}
	if f, err := a.Read(ctx); err != nil || string(f) != "queued" {
		t.Fatalf("Read = %q, %v", f, err)
	}
}

// waitedCtx reports on waiting when a Read first asks for its Done channel,
// which Read does only once it waits for a frame.
type waitedCtx struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func (c *waitedCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}

// TestPipeReadContextWhileWaiting: a ctx that ends while Read waits for a
// frame closes the end as CloseNow does: Read returns ctx.Err(), the other
// end sees 1006, later calls get ErrClosed and Close is quiet.
func TestPipeReadContextWhileWaiting(t *testing.T) {
	a, b := Pipe()
	defer a.CloseNow()
	defer b.CloseNow()
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx := &waitedCtx{Context: parent, waiting: make(chan struct{})}
	got := make(chan error, 1)
	go func() {
		_, err := a.Read(ctx)
		got <- err
	}()
	select {
	case <-ctx.waiting:
	case <-time.After(pipeTimeout):
		t.Fatal("Read never waited")
	}
	cancel()
	select {
	case err := <-got:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Read = %v, want context.Canceled", err)
		}
	case <-time.After(pipeTimeout):
		t.Fatal("Read still blocked after its ctx ended")
	}
	live := pipeCtx(t)
	_, err := b.Read(live)
	wantPeerClose(t, err, CloseAbnormal, "")
	if _, err := a.Read(live); !errors.Is(err, ErrClosed) {
		t.Fatalf("Read after = %v, want ErrClosed", err)
	}
	if err := a.Write(live, []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after = %v, want ErrClosed", err)
	}
	if err := a.Close(CloseNormal, ""); err != nil {
		t.Fatalf("Close after = %v", err)
	}
}

// TestPipeConcurrentReads: two readers on one end get every frame exactly
// once between them, and both wake up when the end closes.
func TestPipeConcurrentReads(t *testing.T) {
	const n = 500
	a, b := Pipe()
	defer b.CloseNow()
	frames := make(chan string, n)
	ended := make(chan error, 2)
	for range 2 {
		go func() {
			for {
				f, err := a.Read(context.Background())
				if err != nil {
					ended <- err
					return
				}
				frames <- string(f)
			}
		}()
	}
	ctx := pipeCtx(t)
	for i := range n {
		if err := b.Write(ctx, []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	seen := make(map[string]bool, n)
	for range n {
		select {
		case f := <-frames:
			if seen[f] {
				t.Fatalf("frame %s read twice", f)
			}
			seen[f] = true
		case <-time.After(pipeTimeout):
			t.Fatalf("%d frames read, want %d", len(seen), n)
		}
	}
	_ = a.CloseNow()
	for range 2 {
		select {
		case err := <-ended:
			if !errors.Is(err, ErrClosed) {
				t.Fatalf("reader ended with %v, want ErrClosed", err)
			}
		case <-time.After(pipeTimeout):
			t.Fatal("a reader still blocked after close")
		}
	}
}

// TestPipeConcurrentWrites: many writers, one reader, under -race.
func TestPipeConcurrentWrites(t *testing.T) {
	const writers, perWriter = 50, 100
	a, b := Pipe()
	defer a.CloseNow()
	defer b.CloseNow()
	ctx := pipeCtx(t)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				if err := a.Write(ctx, []byte(fmt.Sprintf("%d/%d", w, i))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	next := make([]int, writers)
	for range writers * perWriter {
		f, err := b.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var w, i int
		if _, err := fmt.Sscanf(string(f), "%d/%d", &w, &i); err != nil || i != next[w] {
			t.Fatalf("frame %q out of order (want %d/%d)", f, w, next[w])
		}
		next[w]++
	}
	wg.Wait()
}
