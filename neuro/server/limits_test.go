package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/neuro/wire"
)

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC() // a second cycle frees what the first one's finalizers released
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMemoryOfOneGameIsBounded has one game send 200 context frames of
// 1 MiB each (64 under the race detector: still twice what the server
// keeps). While it is connected the server holds at most what its limits
// allow (event history 32 MiB, context log 4 MiB, ...) and GET /state
// stays small; once it left, the server holds a summary only.
func TestMemoryOfOneGameIsBounded(t *testing.T) {
	frames := 200
	if raceEnabled {
		frames = 64
	}
	const (
		frameSize     = 1 << 20
		connectedMax  = 48 << 20 // event history (32 MiB) + context log (4 MiB) + slack
		afterLeaveMax = 8 << 20
		stateMax      = maxContextBytes + 1<<20
	)
	s := New(WithSeed(1)) // no test logger: it would keep every line
	t.Cleanup(func() { _ = s.Close() })
	hs := httptest.NewServer(s.HTTPHandler())
	defer hs.Close()
	base := heapInUse()

	g := connect(t, s, "Chatty")
	g.hello()
	const head, tail = `{"command":"context","game":"Chatty","data":{"message":"`, `","silent":true}}`
	msgLen := frameSize - len(head) - len(tail)
	pad := strings.Repeat("x", msgLen-4)
	for i := range frames {
		g.sendRaw(fmt.Sprintf("%s%04d%s%s", head, i, pad, tail))
		if i%10 == 9 {
			g.sync(s) // keep the pipe short: the server has read everything sent
		}
	}
	g.sync(s)

	if n, b := s.events.size(); b > DefaultEventHistoryBytes || n > DefaultEventHistory {
		t.Fatalf("event history holds %d events, %d bytes; limit %d bytes", n, b, DefaultEventHistoryBytes)
	}
	h := heapInUse()
	t.Logf("heap %+d MiB while connected after %d MiB of context", int64(h-base)>>20, frames)
	if h > base+connectedMax {
		t.Fatalf("heap grew by %d MiB while the game is connected; bound %d MiB", (h-base)>>20, connectedMax>>20)
	}
	resp, err := hs.Client().Get(hs.URL + "/state")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /state: %d, %v", resp.StatusCode, err)
	}
	if n > stateMax {
		t.Fatalf("GET /state is %d bytes; bound %d", n, stateMax)
	}
	st, _ := s.Game("Chatty")
	if st.Totals.Frames < frames || st.Totals.Bytes < int64(frames*frameSize) || st.Totals.Context < frames {
		t.Fatalf("totals %+v", st.Totals)
	}
	var last string
	for _, c := range st.Context {
		if len(c.Message) > len(last) {
			last = c.Message
		}
	}
	if len(last) > maxStoredText+64 || !strings.HasSuffix(last, fmt.Sprintf("(%d bytes)", msgLen)) {
		t.Fatalf("a 1 MiB context message is kept as %d bytes ending %q", len(last), last[max(len(last)-40, 0):])
	}
	var cut bool
	for _, e := range s.History() {
		if e.Kind == EventReceived && e.FrameLen == frameSize {
			cut = len(e.Frame) == maxStoredFrame
			break
		}
	}
	if !cut {
		t.Fatal("no event keeps a 1 MiB frame cut to 64 KiB with its full length")
	}

	w := s.Watch()
	_ = g.conn.Close(1000, "bye")
	waitEvent(t, w, func(e Event) bool { return e.Kind == EventDisconnected })
	h = heapInUse()
	t.Logf("heap %+d KiB after the game left", (int64(h)-int64(base))>>10)
	if h > base+afterLeaveMax {
		t.Fatalf("heap is %d MiB above the start after the game left; bound %d MiB", (h-base)>>20, afterLeaveMax>>20)
	}
	st, _ = s.Game("Chatty")
	if len(st.Context) > keptAfterLeave || st.Totals.Context < frames {
		t.Fatalf("after leaving: %d context entries kept, totals %+v", len(st.Context), st.Totals)
	}
}

// TestRegistryCapped registers 5 frames of 10,000 actions: the game keeps
// DefaultMaxActions of them and gets one finding per frame that went over.
func TestRegistryCapped(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Greedy")
	g.hello()
	for f := range 5 {
		g.send(wire.RegisterActions{Actions: manyActions(fmt.Sprintf("f%d", f), 10000)})
	}
	g.sync(s)
	st, _ := s.Game("Greedy")
	if len(st.Actions) != DefaultMaxActions {
		t.Fatalf("%d actions registered, want the limit %d", len(st.Actions), DefaultMaxActions)
	}
	var over []Finding
	for _, f := range st.Findings {
		if f.Kind == FindingTooManyActions {
			over = append(over, f)
		}
	}
	if len(over) != 5 || !strings.Contains(over[0].Detail, "9000 actions of this frame are not registered") {
		t.Fatalf("findings %v", over)
	}
}

// TestRegistryLinearOperations registers 5 × 10,000 actions under a
// raised limit, forces with 10,000 names and unregisters them all in one
// frame: every step is linear in its frame (BenchmarkRegister shows the
// cost per action does not grow with the registry).
func TestRegistryLinearOperations(t *testing.T) {
	s := newTestServer(t, WithMaxActions(50000), WithForceDelay(0))
	g := connect(t, s, "Big")
	g.hello()
	var names []string
	for f := range 5 {
		acts := manyActions(fmt.Sprintf("f%d", f), 10000)
		for _, a := range acts {
			names = append(names, a.Name)
		}
		g.send(wire.RegisterActions{Actions: acts})
	}
	g.sync(s)
	if reg, _ := s.Registry("Big"); len(reg) != 50000 || reg[49999].Name != names[49999] {
		t.Fatalf("%d actions registered", len(reg))
	}
	g.send(wire.ForceActions{Query: "pick one", ActionNames: names[20000:30000]})
	if a := g.expectAction(); !strings.HasPrefix(a.Name, "f2-") {
		t.Fatalf("forced action %q is not among the listed", a.Name)
	}
	g.send(wire.UnregisterActions{ActionNames: names[:40000]})
	g.sync(s)
	if reg, _ := s.Registry("Big"); len(reg) != 10000 || reg[0].Name != names[40000] {
		t.Fatalf("after unregistering 40000: %d actions", len(reg))
	}
	if fs := s.Findings(); len(fs) != 0 {
		t.Fatalf("findings %v", fs)
	}
}

func manyActions(prefix string, n int) []wire.Action {
	acts := make([]wire.Action, n)
	for i := range acts {
		acts[i] = wire.Action{Name: fmt.Sprintf("%s-%d", prefix, i), Description: "One of many."}
	}
	return acts
}

// BenchmarkRegister registers n actions with schemas in one frame on a
// fresh game: ns/op divided by n stays flat as n grows.
func BenchmarkRegister(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			acts := manyActions("a", n)
			for i := range acts {
				acts[i].Schema = pickAction.Schema
			}
			frame, err := wire.EncodeGame("Bench", wire.RegisterActions{Actions: acts})
			if err != nil {
				b.Fatal(err)
			}
			s := New(WithMaxActions(n))
			defer s.Close()
			env := s.env
			b.ReportAllocs()
			for b.Loop() {
				g := newGame(context.Background(), env, "#1", nil)
				g.handle(frame)
				if g.registry.len() != n {
					b.Fatalf("%d registered", g.registry.len())
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/action")
		})
	}
}

// TestFindingsPerFrameCounted sends one frame with 5000 badly named
// actions: ten findings name one each, one more counts the rest.
func TestFindingsPerFrameCounted(t *testing.T) {
	s := newTestServer(t, WithMaxActions(10000))
	g := connect(t, s, "Sloppy")
	g.hello()
	acts := make([]wire.Action, 5000)
	for i := range acts {
		acts[i] = wire.Action{Name: fmt.Sprintf("Bad Name %d", i)}
	}
	g.send(wire.RegisterActions{Actions: acts})
	g.sync(s)
	fs := s.Findings()
	if len(fs) != maxFindingsOfKind+1 {
		t.Fatalf("%d findings, want %d", len(fs), maxFindingsOfKind+1)
	}
	if want := fmt.Sprintf("and %d more like this in the same frame", 5000-maxFindingsOfKind); fs[maxFindingsOfKind].Detail != want ||
		fs[maxFindingsOfKind].Kind != FindingInvalidActionName {
		t.Fatalf("last finding %v, want %q", fs[maxFindingsOfKind], want)
	}
	if reg, _ := s.Registry("Sloppy"); len(reg) != 5000 {
		t.Fatalf("%d registered; badly named actions are still registered", len(reg))
	}
}

// TestForceQueueCapped sends more forces than the queue takes while the
// first is being served: the extra ones are dropped with a finding.
func TestForceQueueCapped(t *testing.T) {
	s := newTestServer(t, WithForceDelay(waitLimit*10), WithForceWhilePending(ForceQueue)) // the first force is never answered
	g := connect(t, s, "Pushy")
	g.hello(waveAction)
	for i := range maxQueuedForces + 5 {
		g.send(wire.ForceActions{Query: fmt.Sprint(i), ActionNames: []string{"wave"}})
	}
	g.sync(s)
	st, _ := s.Game("Pushy")
	if len(st.ForceQueue) != maxQueuedForces {
		t.Fatalf("%d forces queued, want %d", len(st.ForceQueue), maxQueuedForces)
	}
	full := 0
	for _, f := range st.Findings {
		if f.Kind == FindingForceQueueFull {
			full++
		}
	}
	if full != 5 {
		t.Fatalf("%d force-queue-full findings, want 5", full)
	}
}
