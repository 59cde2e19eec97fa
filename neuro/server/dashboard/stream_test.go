package dashboard

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// readUntil reads stream events until match accepts one.
func readUntil(t *testing.T, r *sseReader, what string, match func(sseEvent) bool) sseEvent {
	t.Helper()
	for {
		ev, err := r.next()
		if err != nil {
			t.Fatalf("stream ended before %s: %v", what, err)
		}
		if match(ev) {
			return ev
		}
	}
}

type eventsMsg struct {
	Events  []streamedEvent `json:"events"`
	Skipped uint64          `json:"skipped"`
}

func TestStreamCarriesEventsAndState(t *testing.T) {
	e := newEnv(t, nil, WithStreamLimits(10*time.Millisecond, 0))
	ctx := testCtx(t)
	r := e.openStream(t, ctx, "")
	first := readUntil(t, r, "the first state", func(ev sseEvent) bool { return ev.name == "state" })
	var st map[string]any
	if err := json.Unmarshal(first.data, &st); err != nil || st["session"] == nil {
		t.Fatalf("state %s (%v)", first.data, err)
	}

	g := pipeGame(t, e.s, "Streamed", testActions)
	waitRegistered(t, e.s, "Streamed", 2)
	res, err := e.s.Act(ctx, "Streamed", "play", `{"cell":2}`)
	if err != nil {
		t.Fatal(err)
	}
	_ = g
	var seen []streamedEvent
	var lastID string
	readUntil(t, r, "the result", func(ev sseEvent) bool {
		if ev.name != "events" {
			return false
		}
		var m eventsMsg
		if err := json.Unmarshal(ev.data, &m); err != nil {
			t.Fatalf("events %s: %v", ev.data, err)
		}
		if m.Skipped != 0 {
			t.Errorf("%d events skipped", m.Skipped)
		}
		seen = append(seen, m.Events...)
		lastID = ev.id
		return len(m.Events) > 0 && m.Events[len(m.Events)-1].Kind == "result"
	})
	for i, ev := range seen {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d: %+v", i, ev.Seq, seen)
		}
	}
	if lastID != strconv.FormatUint(seen[len(seen)-1].Seq, 10) {
		t.Errorf("id %q, last seq %d", lastID, seen[len(seen)-1].Seq)
	}
	last := seen[len(seen)-1]
	if last.Result["id"] != res.ID || last.Result["success"] != true || last.Game != "Streamed" {
		t.Errorf("result event %+v", last)
	}
	var startup *streamedEvent
	for i := range seen {
		if seen[i].Kind == "received" && seen[i].Command == "startup" {
			startup = &seen[i]
		}
	}
	if startup == nil || startup.Frame == nil || *startup.Frame != `{"command":"startup","game":"Streamed"}` {
		t.Errorf("startup frame %+v", startup)
	}
	// The games' summary follows.
	readUntil(t, r, "a state with the game", func(ev sseEvent) bool {
		var s struct{ Games []gameSummary }
		return ev.name == "state" && json.Unmarshal(ev.data, &s) == nil && len(s.Games) == 1 && s.Games[0].ResultCount == 1
	})
}

func TestStreamResumesFromLastEventID(t *testing.T) {
	e := newEnv(t, nil)
	g := pipeGame(t, e.s, "Resumed", testActions)
	waitRegistered(t, e.s, "Resumed", 2)
	_ = g
	ctx := testCtx(t)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.url(PathPrefix+"api/stream?after=0"), nil)
	req.Header.Set("Last-Event-ID", "2")
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := &sseReader{resp: resp}
	r.br = newBufReader(resp)
	ev := readUntil(t, r, "events", func(ev sseEvent) bool { return ev.name == "events" })
	var m eventsMsg
	if err := json.Unmarshal(ev.data, &m); err != nil || len(m.Events) == 0 || m.Events[0].Seq != 3 {
		t.Fatalf("resumed at %+v (%v)", m, err)
	}
}

func TestStreamSkipsBeyondTheBatchLimit(t *testing.T) {
	e := newEnv(t, nil, WithStreamLimits(time.Millisecond, 5))
	g := pipeGame(t, e.s, "Busy", testActions)
	waitRegistered(t, e.s, "Busy", 2)
	_ = g
	ctx := testCtx(t)
	for range 10 {
		if _, err := e.s.Act(ctx, "Busy", "pass", ""); err != nil {
			t.Fatal(err)
		}
	}
	last := e.s.LastSeq()
	r := e.openStream(t, ctx, "?after=0")
	ev := readUntil(t, r, "events", func(ev sseEvent) bool { return ev.name == "events" })
	var m eventsMsg
	if err := json.Unmarshal(ev.data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Events) != 5 || m.Skipped != last-5 || m.Events[4].Seq != last {
		t.Fatalf("got %d events (last %d) and %d skipped; want the 5 newest of %d", len(m.Events), m.Events[len(m.Events)-1].Seq, m.Skipped, last)
	}
}

func TestStreamClientLimitAndClose(t *testing.T) {
	e := newEnv(t, nil, WithMaxClients(2))
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	r1 := e.openStream(t, ctx, "")
	r2 := e.openStream(t, ctx, "")
	readUntil(t, r1, "state", func(ev sseEvent) bool { return ev.name == "state" })
	readUntil(t, r2, "state", func(ev sseEvent) bool { return ev.name == "state" })
	code, body := e.request(t, "GET", PathPrefix+"api/stream", nil, nil)
	if code != http.StatusServiceUnavailable {
		t.Fatalf("third stream: %d %v", code, body)
	}
	// Close ends the open streams and refuses new ones.
	if err := e.d.Close(); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*sseReader{r1, r2} {
		for {
			if _, err := r.next(); err != nil {
				break
			}
		}
	}
	if code, _ := e.request(t, "GET", PathPrefix+"api/stream", nil, nil); code != http.StatusServiceUnavailable {
		t.Fatalf("stream after Close: %d", code)
	}
	// The rest of the API still answers.
	if code, _ := e.request(t, "GET", PathPrefix+"api/state", nil, nil); code != http.StatusOK {
		t.Fatalf("state after Close: %d", code)
	}
}

// TestSlowStreamDoesNotSlowTheSimulator: a client that never reads its
// stream neither blocks the simulator nor keeps its handler: the write
// deadline drops it.
func TestSlowStreamDoesNotSlowTheSimulator(t *testing.T) {
	e := newEnv(t, []server.Option{server.WithEventHistory(100)},
		WithStreamLimits(time.Millisecond, 0), WithRequestTimeout(300*time.Millisecond), WithMaxClients(1))
	g := pipeGame(t, e.s, "Fast", testActions)
	waitRegistered(t, e.s, "Fast", 2)
	_ = g
	ctx := testCtx(t)

	conn, err := net.Dial("tcp", e.http.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4096) // fill up soon
	}
	if _, err := conn.Write([]byte("GET " + PathPrefix + "api/stream?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", 32*1024)
	// Far more than the socket buffers hold; each round trip completes.
	for i := range 400 {
		g.send(wire.ContextMessage{Message: pad, Silent: true})
		if _, err := e.s.Act(ctx, "Fast", "pass", ""); err != nil {
			t.Fatalf("round trip %d: %v", i, err)
		}
	}
	// The stalled stream is dropped: a new one fits under the limit. No
	// event says so; poll until it does.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		code, _ := e.request(t, "GET", PathPrefix+"api/state", nil, nil)
		if code != http.StatusOK {
			t.Fatalf("state: %d", code)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.url(PathPrefix+"api/stream"), nil)
		resp, err := e.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		ok := resp.StatusCode == http.StatusOK
		resp.Body.Close()
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the stalled stream was never dropped")
		case <-tick.C:
		}
	}
}
