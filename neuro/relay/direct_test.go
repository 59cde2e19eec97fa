package relay

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
)

// recordingConn is a transport.Conn that keeps what is written to it;
// writes fail with failWith when it is set.
type recordingConn struct {
	transport.Conn
	mu       sync.Mutex
	writes   []string
	failWith error
	closed   bool
}

func (c *recordingConn) Write(_ context.Context, frame []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failWith != nil {
		return c.failWith
	}
	c.writes = append(c.writes, string(frame))
	return nil
}

func (c *recordingConn) CloseNow() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return nil
}

func (c *recordingConn) written() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.writes)
}

// runOutbox runs o.run on a goroutine; the channel gets its result.
func runOutbox(t *testing.T, o *outbox) <-chan error {
	done := make(chan error, 1)
	ctx := testCtx(t)
	go func() { done <- o.run(ctx) }()
	return done
}

// TestDirectWritesKeepOrder: frames a batch claimed are written by the
// batch's goroutine, in order; frames pushed while it holds the writer
// role are queued, and run writes them after it, never before.
func TestDirectWritesKeepOrder(t *testing.T) {
	c := &recordingConn{}
	o := newOutbox(c, 8)
	done := runOutbox(t, o)
	d, other := &direct{ctx: context.Background()}, &direct{ctx: context.Background()}

	o.push([]byte("1"), d)
	o.push([]byte("2"), d)     // the same batch, nothing queued: claimed too
	o.push([]byte("3"), nil)   // a goroutine that may not write: queued
	o.push([]byte("4"), other) // another batch while d holds the role: queued
	o.push([]byte("5"), d)     // d again, but frames are queued: behind them
	if len(d.items) != 2 || len(other.items) != 0 {
		t.Fatalf("d claimed %d frames, other %d; want 2 and 0", len(d.items), len(other.items))
	}
	d.flush()
	if got := c.written(); len(got) < 2 || !slices.Equal(got[:2], []string{"1", "2"}) {
		t.Fatalf("after flush, written %q: want 1 and 2 first, written by flush itself", got)
	}
	o.stop()
	if err := <-done; err != nil {
		t.Fatalf("run returned %v after stop", err)
	}
	if got := c.written(); !slices.Equal(got, []string{"1", "2", "3", "4", "5"}) {
		t.Fatalf("written %q, want 1 to 5 in order", got)
	}
	if len(d.items) != 0 {
		t.Fatalf("flush left %d items", len(d.items))
	}
}

// TestDirectClaimOnlyWhenIdle: a batch cannot claim an outbox whose
// writer goroutine holds the role or that has frames queued.
func TestDirectClaimOnlyWhenIdle(t *testing.T) {
	o := newOutbox(&recordingConn{}, 8)
	d := &direct{ctx: context.Background()}
	o.push([]byte("q"), nil) // queued, run not started
	o.push([]byte("x"), d)
	if len(d.items) != 0 {
		t.Fatal("a batch claimed an outbox with a frame queued")
	}
	o.mu.Lock()
	o.queue, o.writing = nil, true // run is writing
	o.mu.Unlock()
	o.push([]byte("y"), d)
	if len(d.items) != 0 {
		t.Fatal("a batch claimed an outbox its writer goroutine was writing")
	}
}

// TestDirectClaimIsBounded: one batch claims at most the queue's limit
// for one outbox; the rest is queued behind, and counts toward the limit.
func TestDirectClaimIsBounded(t *testing.T) {
	c := &recordingConn{}
	o := newOutbox(c, 3)
	done := runOutbox(t, o)
	d := &direct{ctx: context.Background()}
	for i := range 6 {
		o.push(fmt.Appendf(nil, "%d", i), d)
	}
	if len(d.items) != 3 {
		t.Fatalf("claimed %d frames, want the limit, 3", len(d.items))
	}
	d.flush()
	o.stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := c.written(); !slices.Equal(got, []string{"0", "1", "2", "3", "4", "5"}) {
		t.Fatalf("written %q", got)
	}
}

// TestDirectWriteFailureEndsTheConnection: a failed direct write ends
// the outbox as a failed write of its own goroutine does: run returns
// the error, the connection is released, later frames are dropped.
func TestDirectWriteFailureEndsTheConnection(t *testing.T) {
	broken := errors.New("broken pipe")
	c := &recordingConn{failWith: broken}
	o := newOutbox(c, 8)
	done := runOutbox(t, o)
	d := &direct{ctx: context.Background()}
	o.push([]byte("1"), d)
	o.push([]byte("2"), d)
	d.flush()
	if err := <-done; !errors.Is(err, broken) {
		t.Fatalf("run returned %v, want the write's error", err)
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if !closed {
		t.Fatal("the connection was not released")
	}
	o.push([]byte("3"), d)
	o.push([]byte("4"), nil)
	if len(d.items) != 0 || len(o.queue) != 0 {
		t.Fatal("frames accepted after the end")
	}
}

// TestStopWaitsForTheDirectWriter: run does not return on stop while a
// batch holds the role; it writes what was queued behind it, then
// returns.
func TestStopWaitsForTheDirectWriter(t *testing.T) {
	c := &recordingConn{}
	o := newOutbox(c, 8)
	done := runOutbox(t, o)
	d := &direct{ctx: context.Background()}
	o.push([]byte("1"), d)
	o.push([]byte("2"), nil)
	o.stop()
	d.flush()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := c.written(); !slices.Equal(got, []string{"1", "2"}) {
		t.Fatalf("written %q, want 1 then 2", got)
	}
}

// directRecorder is a sink that notes which frames it was offered for a
// direct write.
type directRecorder struct {
	direct []bool
}

func (r *directRecorder) push(_ []byte, d *direct) { r.direct = append(r.direct, d != nil) }

// TestDirectBudget: the state offers a game's frames for a direct write
// while the game has proved it read all but directBudget bytes, and no
// longer once it stops answering; an answer restores it. Upstream's are
// always offered.
func TestDirectBudget(t *testing.T) {
	cfg, err := newConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := newState(&cfg, zap.NewNop(), func() {})
	gs := &directRecorder{}
	g, err := s.addGame(gs, "test")
	if err != nil {
		t.Fatal(err)
	}
	up := &directRecorder{}
	s.upConnected(up)
	d := &direct{}
	s.direct = d
	s.gameFrame(g, mustGame(t, startupMsg{}))
	s.gameFrame(g, mustGame(t, registerMsg{Actions: []wireAction{{Name: "go"}}}))
	data := `"` + strings.Repeat("x", 1000) + `"`
	var ids []string
	for i := 0; len(ids) < 2 || gs.direct[len(gs.direct)-1]; i++ {
		if i > directBudget/1000+2 {
			t.Fatalf("%d actions of 1 kB unanswered, all still offered for a direct write", i)
		}
		id := fmt.Sprint(i)
		ids = append(ids, id)
		s.upFrame(mustServer(t, actionMsg{ID: id, Name: "g__go", Data: data, HasData: true}))
	}
	if n := len(ids); n < directBudget/1100 || slices.Contains(gs.direct[:n-1], false) {
		t.Fatalf("offered %v: want the first ones (about %d kB) offered, then not", gs.direct, directBudget>>10)
	}
	for i := range 3 {
		id := fmt.Sprint("more", i)
		ids = append(ids, id)
		s.upFrame(mustServer(t, actionMsg{ID: id, Name: "g__go", Data: data, HasData: true}))
		if gs.direct[len(gs.direct)-1] {
			t.Fatal("offered again without an answer")
		}
	}
	// Answering the first action proves only the frames up to it were
	// read: still past the budget.
	s.gameFrame(g, mustGame(t, resultMsg{ID: ids[0], Success: true}))
	s.upFrame(mustServer(t, actionMsg{ID: "next", Name: "g__go"}))
	if gs.direct[len(gs.direct)-1] {
		t.Fatal("offered after an answer to the first action only")
	}
	// Answering the last one proves all but "next" was read.
	s.gameFrame(g, mustGame(t, resultMsg{ID: ids[len(ids)-1], Success: true}))
	s.upFrame(mustServer(t, actionMsg{ID: "again", Name: "g__go"}))
	if !gs.direct[len(gs.direct)-1] {
		t.Fatal("not offered once the game answered its latest actions")
	}
	if slices.Contains(up.direct[1:], false) { // upConnected ran without a batch
		t.Fatalf("upstream frames not offered: %v", up.direct)
	}
}

// stuckConn is a game's connection whose peer never reads: its writes
// go through until capacity bytes are unread (the kernel's buffers),
// then block until the ctx ends or unstick is called (the write timeout
// expiring).
type stuckConn struct {
	transport.Conn
	capacity int
	mu       sync.Mutex
	unread   int
	stuck    chan struct{} // closed by unstick
}

func (c *stuckConn) Write(ctx context.Context, frame []byte) error {
	c.mu.Lock()
	if c.unread+len(frame) <= c.capacity {
		c.unread += len(frame)
		c.mu.Unlock()
		return c.Conn.Write(ctx, frame)
	}
	c.mu.Unlock()
	select {
	case <-c.stuck:
		return errors.New("write timeout")
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *stuckConn) unstick() { close(c.stuck) }

// TestGameNotReadingDoesNotStallOthers: a game that stops reading while
// actions keep coming for it does not hold up upstream's reader, which
// writes frames itself: once the game is past its budget its frames wait
// in its own queue, and the other game still gets its action.
func TestGameNotReadingDoesNotStallOthers(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()

	near, far := transport.Pipe()
	sc := &stuckConn{Conn: near, capacity: 4 * directBudget, stuck: make(chan struct{})}
	a := &peer{t: t, conn: far, name: "A", done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.err = h.r.ServeConn(context.Background(), sc)
	}()
	a.send(startupMsg{})
	a.send(registerMsg{Actions: []wireAction{{Name: "go"}}})
	expect[registerMsg](up)
	b := h.startedGame("B", "go")
	expect[registerMsg](up)

	data := `"` + strings.Repeat("x", 1000) + `"`
	for i := range 2 * sc.capacity / 1000 { // past what its buffers take
		up.send(actionMsg{ID: fmt.Sprint("a", i), Name: "a__go", Data: data, HasData: true})
	}
	up.send(actionMsg{ID: "b", Name: "b__go"})
	if got := expect[actionMsg](b); got.ID != "b" {
		t.Fatalf("B got %+v", got)
	}
	b.send(resultMsg{ID: "b", Success: true})
	if r := expect[resultMsg](up); r.ID != "b" || !r.Success {
		t.Fatalf("upstream got %+v", r)
	}

	sc.unstick() // A's write times out: A is released
	_ = far.CloseNow()
	if err := a.served(); err == nil {
		t.Fatal("A's ServeConn returned nil after its write failed")
	}
}

// TestDirectWritesUnderContention: producers take turns under one mutex
// (as the relay's readers do), each pushing numbered frames to three
// outboxes with its own batch or none (as the force timer does), and
// flushing after releasing the mutex. Every connection gets every frame
// pushed to it exactly once, in the order of the pushes.
func TestDirectWritesUnderContention(t *testing.T) {
	const producers, rounds, outboxes = 4, 300, 3
	conns := make([]*recordingConn, outboxes)
	boxes := make([]*outbox, outboxes)
	runs := make([]<-chan error, outboxes)
	for i := range boxes {
		conns[i] = &recordingConn{}
		boxes[i] = newOutbox(conns[i], producers*rounds*outboxes)
		runs[i] = runOutbox(t, boxes[i])
	}
	var mu sync.Mutex
	var seq int
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := &direct{ctx: context.Background()}
			for r := range rounds {
				mu.Lock()
				batch := d
				if (p+r)%3 == 0 {
					batch = nil
				}
				for k := range 1 + r%3 { // one frame or several per decision
					o := (p + r + k) % outboxes
					seq++
					boxes[o].push(fmt.Appendf(nil, "%d", seq), batch)
				}
				mu.Unlock()
				d.flush()
			}
		}()
	}
	wg.Wait()
	total := 0
	for i, o := range boxes {
		o.stop()
		if err := <-runs[i]; err != nil {
			t.Fatal(err)
		}
		last := 0
		for _, w := range conns[i].written() {
			var n int
			if _, err := fmt.Sscan(w, &n); err != nil || n <= last {
				t.Fatalf("connection %d: frame %q after %d", i, w, last)
			}
			last = n
			total++
		}
	}
	if total != seq {
		t.Fatalf("%d frames written, %d pushed", total, seq)
	}
}
