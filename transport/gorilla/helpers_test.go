package gorilla

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/transport"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testTimeout bounds every blocking step of a test: generous, so a slow
// machine never fails a test, while a hang still fails instead of blocking.
const testTimeout = 10 * time.Second

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// newServer starts an httptest server on 127.0.0.1 running handle for each
// request and returns its ws:// URL. Cleanup closes the server and waits for
// every handler, hijacked ones included (httptest forgets those).
func newServer(t testing.TB, handle http.HandlerFunc) string {
	t.Helper()
	var wg sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wg.Add(1)
		defer wg.Done()
		handle(w, r)
	}))
	t.Cleanup(func() {
		srv.Close()
		wg.Wait()
	})
	return wsURL(srv.URL)
}

func wsURL(httpURL string) string {
	return "ws" + strings.TrimPrefix(httpURL, "http")
}

// acceptServer starts a server that accepts with opts and runs handle on
// each connection, closing it (CloseNow) when handle returns.
func acceptServer(t testing.TB, handle func(c transport.Conn), opts ...Option) string {
	t.Helper()
	opts = append([]Option{WithLogger(zaptest.NewLogger(t).Named("server"))}, opts...)
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		c, err := Accept(w, r, opts...)
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		defer c.CloseNow()
		handle(c)
	})
}

// echo writes every frame back until the connection ends.
func echo(c transport.Conn) {
	ctx := context.Background()
	for {
		f, err := c.Read(ctx)
		if err != nil {
			return
		}
		if err := c.Write(ctx, f); err != nil {
			return
		}
	}
}

// rawServer starts a server that upgrades with plain gorilla and runs
// handle, closing the socket when it returns.
func rawServer(t testing.TB, handle func(ws *websocket.Conn)) string {
	t.Helper()
	up := websocket.Upgrader{}
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("upgrade: %v", err)
			return
		}
		defer ws.Close()
		handle(ws)
	})
}

// stuckServer starts a raw server whose handler runs handle and then hangs
// until cleanup (a peer that stopped reading and writing), and returns its
// URL.
func stuckServer(t testing.TB, handle func(ws *websocket.Conn)) string {
	t.Helper()
	done := make(chan struct{})
	url := rawServer(t, func(ws *websocket.Conn) {
		handle(ws)
		<-done
	})
	t.Cleanup(func() { close(done) }) // runs before the server's cleanup
	return url
}

// dialT dials url with a test logger and closes the connection at cleanup.
func dialT(t testing.TB, url string, opts ...Option) transport.Conn {
	t.Helper()
	opts = append([]Option{WithLogger(zaptest.NewLogger(t).Named("client"))}, opts...)
	c, err := Dial(testCtx(t), url, opts...)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

// recv waits for a value with the test timeout.
func recv[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testTimeout):
		t.Fatalf("timed out after %v", testTimeout)
		panic("unreachable")
	}
}

// wantCloseError asserts that err is a *transport.CloseError with code and
// reason.
func wantCloseError(t testing.TB, err error, code int, reason string) *transport.CloseError {
	t.Helper()
	ce, ok := asCloseError(err)
	if !ok {
		t.Fatalf("error = %v (%T), want a *transport.CloseError with code %d", err, err, code)
	}
	if ce.Code != code || ce.Reason != reason {
		t.Fatalf("close error = code %d reason %q, want code %d reason %q (err: %v)", ce.Code, ce.Reason, code, reason, err)
	}
	return ce
}

func asCloseError(err error) (*transport.CloseError, bool) {
	var ce *transport.CloseError
	ok := errors.As(err, &ce)
	return ce, ok
}
