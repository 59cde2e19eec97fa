package gorilla

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/transport"
)

func TestDialEcho(t *testing.T) {
	url := acceptServer(t, echo)
	c := dialT(t, url)
	ctx := testCtx(t)
	frames := []string{`{"command":"startup","game":"Test"}`, `{}`, strings.Repeat("x", 10_000)}
	for _, f := range frames {
		if err := c.Write(ctx, []byte(f)); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	for _, want := range frames {
		got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if string(got) != want {
			t.Fatalf("read %q, want %q", got, want)
		}
	}
	if err := c.Close(transport.CloseNormal, ""); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// TestPeerClose: frames queued before the peer's close frame are read
// first; then Read, again and again, and Write return the peer's code and
// reason; Close afterwards is quiet.
func TestPeerClose(t *testing.T) {
	url := acceptServer(t, func(c transport.Conn) {
		ctx := context.Background()
		for i := range 3 {
			_ = c.Write(ctx, []byte(fmt.Sprint(i)))
		}
		_ = c.Close(4000, "bye")
	})
	c := dialT(t, url)
	ctx := testCtx(t)
	for i := range 3 {
		got, err := c.Read(ctx)
		if err != nil || string(got) != fmt.Sprint(i) {
			t.Fatalf("read %d = %q, %v", i, got, err)
		}
	}
	for range 2 {
		_, err := c.Read(ctx)
		wantCloseError(t, err, 4000, "bye")
	}
	wantCloseError(t, c.Write(ctx, []byte("late")), 4000, "bye")
	if code, reason, ok := transport.CloseCode(c.Write(ctx, nil)); !ok || code != 4000 || reason != "bye" {
		t.Fatalf("CloseCode = %d %q %v", code, reason, ok)
	}
	if err := c.Close(transport.CloseNormal, ""); err != nil {
		t.Fatalf("close after peer close: %v", err)
	}
	if _, err := c.Read(ctx); !errors.Is(err, transport.ErrClosed) {
		t.Fatalf("read after close = %v, want ErrClosed", err)
	}
}

// TestCloseSeenByPeer: the code and reason given to Close reach the peer,
// whichever side closes; codes that may not be sent and long reasons are
// handled.
func TestCloseSeenByPeer(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes
	tests := []struct {
		name       string
		server     bool // the server closes; the client observes
		code       int
		reason     string
		wantCode   int
		wantReason string
		wantErr    bool // from Close
	}{
		{name: "client normal", code: 1000, reason: "done", wantCode: 1000, wantReason: "done"},
		{name: "client app code", code: 4001, reason: "game over", wantCode: 4001, wantReason: "game over"},
		{name: "server going away", server: true, code: 1001, reason: "restart", wantCode: 1001, wantReason: "restart"},
		{name: "server app code", server: true, code: 4000, reason: "bye", wantCode: 4000, wantReason: "bye"},
		{name: "long reason cut at a rune", code: 1000, reason: long, wantCode: 1000, wantReason: long[:122]},
		{name: "code never sent", code: 1006, reason: "x", wantCode: 1005, wantErr: true},
		{name: "code out of range", code: 42, wantCode: 1005, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := make(chan error, 1)
			closed := make(chan error, 1)
			url := acceptServer(t, func(c transport.Conn) {
				if tt.server {
					closed <- c.Close(tt.code, tt.reason)
					return
				}
				_, err := c.Read(context.Background())
				seen <- err
			})
			c := dialT(t, url)
			if tt.server {
				_, err := c.Read(testCtx(t))
				seen <- err
			} else {
				closed <- c.Close(tt.code, tt.reason)
			}
			if err := recv(t, closed); (err != nil) != tt.wantErr {
				t.Fatalf("Close = %v, want error: %v", err, tt.wantErr)
			}
			wantCloseError(t, recv(t, seen), tt.wantCode, tt.wantReason)
		})
	}
}

func TestCloseIdempotent(t *testing.T) {
	url := acceptServer(t, echo)
	c := dialT(t, url)
	ctx := testCtx(t)

	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- c.Close(transport.CloseNormal, "done")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	if err := c.Close(transport.CloseNormal, "again"); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := c.CloseNow(); err != nil {
		t.Fatalf("CloseNow after Close: %v", err)
	}
	if _, err := c.Read(ctx); !errors.Is(err, transport.ErrClosed) {
		t.Fatalf("Read after Close = %v, want ErrClosed", err)
	}
	if err := c.Write(ctx, []byte("x")); !errors.Is(err, transport.ErrClosed) {
		t.Fatalf("Write after Close = %v, want ErrClosed", err)
	}
}

// TestCloseNow: no handshake, the peer sees an abnormal closure; a blocked
// Read wakes up with ErrClosed.
func TestCloseNow(t *testing.T) {
	seen := make(chan error, 1)
	url := acceptServer(t, func(c transport.Conn) {
		_, err := c.Read(context.Background())
		seen <- err
	})
	c := dialT(t, url)
	readErr := make(chan error, 1)
	go func() {
		_, err := c.Read(context.Background())
		readErr <- err
	}()
	if err := c.CloseNow(); err != nil {
		t.Fatalf("CloseNow: %v", err)
	}
	if err := c.CloseNow(); err != nil {
		t.Fatalf("second CloseNow: %v", err)
	}
	if err := recv(t, readErr); !errors.Is(err, transport.ErrClosed) {
		t.Fatalf("blocked Read = %v, want ErrClosed", err)
	}
	wantCloseError(t, recv(t, seen), transport.CloseAbnormal, "")
}

// TestConcurrentWrites: 50 goroutines write at once; every frame arrives
// intact, and each goroutine's frames arrive in its order.
func TestConcurrentWrites(t *testing.T) {
	const writers, perWriter = 50, 40
	type result struct {
		frames [][]byte
		err    error
	}
	got := make(chan result, 1)
	url := acceptServer(t, func(c transport.Conn) {
		var r result
		for len(r.frames) < writers*perWriter {
			f, err := c.Read(context.Background())
			if err != nil {
				r.err = err
				break
			}
			r.frames = append(r.frames, f)
		}
		got <- r
	})
	c := dialT(t, url)
	ctx := testCtx(t)
	frame := func(w, i int) string {
		return fmt.Sprintf(`{"writer":%d,"seq":%d,"pad":%q}`, w, i, strings.Repeat(string(rune('a'+w%26)), 50+w*20))
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				if err := c.Write(ctx, []byte(frame(w, i))); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	r := recv(t, got)
	if r.err != nil {
		t.Fatalf("server read: %v", r.err)
	}
	next := make([]int, writers)
	for _, f := range r.frames {
		var w, i int
		if _, err := fmt.Sscanf(string(f), `{"writer":%d,"seq":%d,`, &w, &i); err != nil {
			t.Fatalf("bad frame %q: %v", f, err)
		}
		if i != next[w] || string(f) != frame(w, i) {
			t.Fatalf("writer %d: got seq %d (%q), want seq %d intact", w, i, f, next[w])
		}
		next[w]++
	}
}

// TestReadLimit: a frame over the reader's limit ends the connection with
// 1009 on both sides; a frame at the limit is fine.
func TestReadLimit(t *testing.T) {
	const limit = 1024
	for _, serverReads := range []bool{false, true} {
		t.Run(fmt.Sprintf("server reads %v", serverReads), func(t *testing.T) {
			writerSaw := make(chan error, 1)
			readerSaw := make(chan error, 1)
			// side reads two frames (the second is too big) or writes them.
			side := func(c transport.Conn, reads bool, saw chan<- error) {
				ctx := context.Background()
				if reads {
					f, err := c.Read(ctx)
					if err != nil || len(f) != limit {
						saw <- fmt.Errorf("first read: %d bytes, %v", len(f), err)
						return
					}
					_, err = c.Read(ctx)
					saw <- err
					return
				}
				_ = c.Write(ctx, bytes.Repeat([]byte("a"), limit))
				_ = c.Write(ctx, bytes.Repeat([]byte("b"), 4*limit))
				_, err := c.Read(ctx) // the reader's 1009
				saw <- err
			}
			var serverOpts, clientOpts []Option
			if serverReads {
				serverOpts = append(serverOpts, WithReadLimit(limit))
			} else {
				clientOpts = append(clientOpts, WithReadLimit(limit))
			}
			serverSaw, clientSaw := writerSaw, readerSaw
			if serverReads {
				serverSaw, clientSaw = readerSaw, writerSaw
			}
			url := acceptServer(t, func(c transport.Conn) { side(c, serverReads, serverSaw) }, serverOpts...)
			c := dialT(t, url, clientOpts...)
			side(c, !serverReads, clientSaw)

			ce := wantCloseError(t, recv(t, readerSaw), transport.CloseMessageTooBig, "")
			if !errors.Is(ce, websocket.ErrReadLimit) {
				t.Errorf("reader's error %v does not wrap websocket.ErrReadLimit", ce)
			}
			wantCloseError(t, recv(t, writerSaw), transport.CloseMessageTooBig, "")
		})
	}
}

// TestPongTimeout: a peer that never answers pings is declared dead: Read
// fails with 1006 wrapping a timeout, rather than hanging.
func TestPongTimeout(t *testing.T) {
	url := stuckServer(t, func(ws *websocket.Conn) {
		ws.SetPingHandler(func(string) error { return nil }) // no pong, and never read
	})
	c := dialT(t, url, WithPingInterval(50*time.Millisecond), WithPongTimeout(150*time.Millisecond))
	_, err := c.Read(testCtx(t))
	ce := wantCloseError(t, err, transport.CloseAbnormal, "")
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("error %v does not wrap os.ErrDeadlineExceeded", ce)
	}
	if err := c.Close(transport.CloseNormal, ""); err != nil {
		t.Fatalf("Close after dead peer: %v", err)
	}
}

// TestHalfOpenClose: a peer that stopped reading and writing cannot make
// Close hang: it returns after the write timeout with an error.
func TestHalfOpenClose(t *testing.T) {
	url := stuckServer(t, func(*websocket.Conn) {})
	c := dialT(t, url, WithPingInterval(0), WithWriteTimeout(200*time.Millisecond))
	closed := make(chan error, 1)
	go func() { closed <- c.Close(transport.CloseNormal, "bye") }()
	if err := recv(t, closed); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Close = %v, want a handshake timeout", err)
	}
}

// TestWriteContext: a Write whose context already ended sends nothing and
// leaves the connection usable.
func TestWriteContext(t *testing.T) {
	url := acceptServer(t, echo)
	c := dialT(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Write(ctx, []byte("dropped")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write = %v, want context.Canceled", err)
	}
	if err := c.Write(testCtx(t), []byte("sent")); err != nil {
		t.Fatalf("write: %v", err)
	}
	if f, err := c.Read(testCtx(t)); err != nil || string(f) != "sent" {
		t.Fatalf("read = %q, %v", f, err)
	}
}

// TestBinaryFrame: a binary frame is returned like text, reported to the
// hook and logged as a protocol warning.
func TestBinaryFrame(t *testing.T) {
	const payload = `{"command":"action","data":{"id":"1","name":"x"}}`
	url := rawServer(t, func(ws *websocket.Conn) {
		_ = ws.WriteMessage(websocket.BinaryMessage, []byte(payload))
		_ = ws.WriteMessage(websocket.TextMessage, []byte(payload))
		_, _, _ = ws.ReadMessage() // until the client closes
	})
	core, logs := observer.New(zapcore.WarnLevel)
	var calls atomic.Int32
	c := dialT(t, url, WithLogger(zap.New(core)), WithOnBinaryFrame(func() { calls.Add(1) }))
	ctx := testCtx(t)
	for range 2 {
		if f, err := c.Read(ctx); err != nil || string(f) != payload {
			t.Fatalf("read = %q, %v", f, err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("hook called %d times, want 1", n)
	}
	if n := logs.FilterMessageSnippet("binary frame").Len(); n != 1 {
		t.Fatalf("%d binary-frame warnings logged, want 1: %v", n, logs.All())
	}
	if err := c.Close(transport.CloseNormal, ""); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// TestBinaryHookPanic: a panicking hook is logged, the frame still
// delivered.
func TestBinaryHookPanic(t *testing.T) {
	url := rawServer(t, func(ws *websocket.Conn) {
		_ = ws.WriteMessage(websocket.BinaryMessage, []byte("{}"))
		_, _, _ = ws.ReadMessage()
	})
	c := dialT(t, url, WithOnBinaryFrame(func() { panic("boom") }))
	if f, err := c.Read(testCtx(t)); err != nil || string(f) != "{}" {
		t.Fatalf("read = %q, %v", f, err)
	}
}

// TestPeerVanishes: the peer's socket closing without a close frame is a
// 1006 for Read.
func TestPeerVanishes(t *testing.T) {
	url := rawServer(t, func(ws *websocket.Conn) {}) // closes the socket at once
	c := dialT(t, url, WithPingInterval(0))
	_, err := c.Read(testCtx(t))
	ce := wantCloseError(t, err, transport.CloseAbnormal, "")
	if ce.Err == nil {
		t.Fatalf("1006 without a cause")
	}
}
