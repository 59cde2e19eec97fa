package relay

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/neurokit/neurokit/transport"
)

func TestShutdownIsGraceful(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	a := h.startedGame("A", "go")
	expect[registerMsg](up)
	b := h.startedGame("B", "go")
	expect[registerMsg](up)
	up.send(actionMsg{ID: "p", Name: "a__go"})
	expect[actionMsg](a)

	shut := make(chan error, 1)
	go func() { shut <- h.r.Shutdown(testCtx(t)) }()
	for _, g := range []*peer{a, b} {
		if code := g.closedWith(); code != transport.CloseGoingAway {
			t.Fatalf("%v closed with %d, want 1001", g, code)
		}
		if err := g.served(); !errors.Is(err, ErrClosed) {
			t.Fatalf("%v: ServeConn returned %v, want ErrClosed", g, err)
		}
	}
	// Upstream hears both games leave — unregistrations, A's pending
	// action answered after A's unregistration — then a clean close.
	var seen []string
	for {
		frame, err := up.conn.Read(testCtx(t))
		if err != nil {
			if code, _, _ := transport.CloseCode(err); code != transport.CloseGoingAway {
				t.Fatalf("upstream ended with %v, want 1001", err)
			}
			break
		}
		_, m, err := decodeGame(frame)
		if err != nil {
			t.Fatal(err)
		}
		switch m := m.(type) {
		case unregisterMsg:
			seen = append(seen, "unregister "+strings.Join(m.ActionNames, ","))
		case resultMsg:
			if m.ID != "p" || m.Success {
				t.Fatalf("result %+v", m)
			}
			seen = append(seen, "result p")
		default:
			t.Fatalf("unexpected %T %+v", m, m)
		}
	}
	ia, ib, ir := slices.Index(seen, "unregister a__go"), slices.Index(seen, "unregister b__go"), slices.Index(seen, "result p")
	if len(seen) != 3 || ia < 0 || ib < 0 || ir < ia {
		t.Fatalf("upstream saw %q", seen)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := h.r.Shutdown(testCtx(t)); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	near, far := transport.Pipe()
	defer far.CloseNow()
	if err := h.r.ServeConn(context.Background(), near); !errors.Is(err, ErrClosed) {
		t.Fatalf("ServeConn after Shutdown: %v", err)
	}
}

func TestCloseIsImmediate(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	g := h.startedGame("G")
	barrier(g, up, "started")
	if err := h.r.Close(); err != nil {
		t.Fatal(err)
	}
	if code := g.closedWith(); code != transport.CloseAbnormal {
		t.Fatalf("game closed with %d, want 1006 (no handshake)", code)
	}
	if err := g.served(); !errors.Is(err, ErrClosed) {
		t.Fatalf("ServeConn returned %v", err)
	}
	if err := h.r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := h.r.Serve(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Serve after Close: %v", err)
	}
}

func TestServeOnlyOnce(t *testing.T) {
	h := newHarness(t)
	h.upstream()
	if err := h.r.Serve(context.Background()); !errors.Is(err, ErrServing) {
		t.Fatalf("second Serve: %v", err)
	}
}

func TestServeEndsWithItsContext(t *testing.T) {
	r, err := New("ws://neuro.test", WithDialer(func(ctx context.Context, _ string) (transport.Conn, error) {
		<-ctx.Done() // an upstream that never answers
		return nil, ctx.Err()
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- r.Serve(ctx) }()
	cancel()
	if err := <-served; !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve returned %v, want context.Canceled", err)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "localhost:8000", "http://localhost:8000", "ws://", "ws://%zz"} {
		if _, err := New(u); err == nil {
			t.Errorf("New(%q) accepted it", u)
		}
	}
}

// blockingConn is a transport.Conn whose writes wait for release.
type blockingConn struct {
	transport.Conn
	release chan struct{}
	mu      sync.Mutex
	code    int
	writes  int
}

func (c *blockingConn) Write(ctx context.Context, _ []byte) error {
	select {
	case <-c.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	return nil
}

func (c *blockingConn) Close(code int, _ string) error {
	c.mu.Lock()
	c.code = code
	c.mu.Unlock()
	return nil
}

func TestOutboxOverflowEndsTheConnection(t *testing.T) {
	c := &blockingConn{release: make(chan struct{})}
	o := newOutbox(c, 3)
	done := make(chan error, 1)
	go func() { done <- o.run(testCtx(t)) }()
	for range 10 { // far more than the limit while the first write is stuck
		o.push([]byte("{}"), nil)
	}
	close(c.release)
	if err := <-done; !errors.Is(err, errOverflow) {
		t.Fatalf("run returned %v, want errOverflow", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.code != transport.ClosePolicyViolation || c.writes > 4 {
		t.Fatalf("closed with %d after %d writes; want 1008 after at most 4", c.code, c.writes)
	}
	o.push([]byte("{}"), nil) // after the end: dropped, no panic, no growth
	if len(o.queue) != 0 {
		t.Fatalf("queue grew after the end: %d", len(o.queue))
	}
}

func TestStatusHandler(t *testing.T) {
	h := newHarness(t)
	up := h.upstream()
	g := h.startedGame("Tic-tac-toe", "play")
	expect[registerMsg](up)
	barrier(g, up, "registered")
	handler := h.r.StatusHandler()
	get := func(host, origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "http://"+host+"/state", nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec
	}
	for _, c := range []struct {
		host, origin string
		code         int
	}{
		{"127.0.0.1:8002", "", http.StatusOK},
		{"localhost:8002", "http://localhost:8002", http.StatusOK},
		{"[::1]:8002", "", http.StatusOK},
		{"evil.example:8002", "", http.StatusForbidden},
		{"192.168.1.20:8002", "", http.StatusForbidden},
		{"localhost:8002", "http://evil.example", http.StatusForbidden},
		{"localhost:8002", "null", http.StatusForbidden},
	} {
		if rec := get(c.host, c.origin); rec.Code != c.code {
			t.Errorf("Host %q Origin %q: %d, want %d", c.host, c.origin, rec.Code, c.code)
		}
	}
	rec := get("127.0.0.1", "")
	var st Status
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Games) != 1 || st.Games[0].Actions[0] != (ActionStatus{Name: "play", Upstream: "tic_tac_toe__play"}) ||
		!st.Upstream.Connected || st.Upstream.URL != "ws://neuro.test:8000" {
		t.Fatalf("status %s", rec.Body)
	}
}
