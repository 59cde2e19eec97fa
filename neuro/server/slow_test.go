package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// stuckConn is a game connection whose writes never complete: a game
// that does not read, with a full socket buffer. Writes end with ctx.
type stuckConn struct {
	transport.Conn
}

func (c stuckConn) Write(ctx context.Context, _ []byte) error {
	<-ctx.Done()
	return ctx.Err()
}

// TestBroadcastDoesNotWaitForSlowGame connects a game that never reads
// next to one that does: POST / answers at once each time, the reading
// game gets every frame, and once the stuck game's queue is full it is
// skipped with ErrSendQueueFull and a finding, its queue bounded.
func TestBroadcastDoesNotWaitForSlowGame(t *testing.T) {
	s := newTestServer(t, WithReregisterOnConnect(false))
	stuck := connectConn(t, s, "Stuck", func(c transport.Conn) transport.Conn { return stuckConn{c} })
	stuck.send(wire.Startup{})
	stuck.sync(s)
	reader := connect(t, s, "Reader")
	reader.send(wire.Startup{})
	reader.expect(wire.CmdStartup)

	// The Go API honours its context while the frame waits in the queue.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	err := s.Send(ctx, "Stuck", wire.ReregisterAll{})
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send to a stuck game: %v, want the context's deadline", err)
	}

	hs := httptest.NewServer(s.HTTPHandler())
	defer hs.Close()
	pad := strings.Repeat("x", 64<<10)
	skipped := false
	for i := 0; i < 2*maxOutboxFrames && !skipped; i++ {
		body := fmt.Sprintf(`{"command":"test/%d","data":{"pad":%q}}`, i, pad)
		code, resp := httpDo(t, hs.Client(), http.MethodPost, hs.URL, body)
		var got struct {
			Sent  int    `json:"sent"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal([]byte(resp), &got); err != nil || code != http.StatusOK {
			t.Fatalf("POST %d: %d %s", i, code, resp)
		}
		switch got.Sent {
		case 2:
		case 1:
			if !strings.Contains(got.Error, "Stuck") || !strings.Contains(got.Error, ErrSendQueueFull.Error()) {
				t.Fatalf("POST %d skipped a game with error %q", i, got.Error)
			}
			skipped = true
		default:
			t.Fatalf("POST %d: %+v", i, got)
		}
		frame, err := reader.conn.Read(testCtx(t))
		if err != nil || string(frame) != body {
			t.Fatalf("the reading game got %.40s (%v), want POST %d", frame, err, i)
		}
	}
	if !skipped {
		t.Fatalf("the stuck game was never skipped after %d frames", 2*maxOutboxFrames)
	}
	waitFinding(t, s, FindingNotReading)
	g, _ := s.findGame("Stuck")
	g.out.mu.Lock()
	q, b := g.out.lenLocked(), g.out.bytes
	g.out.mu.Unlock()
	if q > maxOutboxFrames || b > maxOutboxBytes {
		t.Fatalf("the stuck game's queue holds %d frames, %d bytes", q, b)
	}
}

// rawRequest writes a partial request to addr and returns what the
// server answers (its status line) before it closes the connection, or
// "closed" when it closes without answering.
func rawRequest(t *testing.T, addr, partial string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(partial)); err != nil {
		t.Fatal(err)
	}
	// The server cuts the request off after its read timeout; waitLimit
	// only keeps a broken server from hanging the test.
	_ = c.SetReadDeadline(time.Now().Add(waitLimit))
	line, err := bufio.NewReader(c).ReadString('\n')
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("the server kept a partial request open for %v: %q", waitLimit, partial)
	case err != nil:
		return "closed"
	}
	return strings.TrimSpace(line)
}

// TestSlowRequestsCutOff sends requests whose body or headers never
// finish, on both ports: the server answers 408 or hangs up once the read
// timeout passed, and no game receives anything.
func TestSlowRequestsCutOff(t *testing.T) {
	s := newTestServer(t, WithHTTPReadTimeout(100*time.Millisecond), WithReregisterOnConnect(false))
	if err := s.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	g := connect(t, s, "Target")
	g.send(wire.Startup{})
	g.expect(wire.CmdStartup)
	for _, addr := range []string{s.HTTPAddr(), s.Addr()} {
		slowBody := "POST / HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" +
			`{"command":"test/slow"`
		got := rawRequest(t, addr, slowBody)
		t.Logf("%s: slow body: %s", addr, got)
		if got != "HTTP/1.1 408 Request Timeout" && got != "closed" {
			t.Errorf("%s: slow body answered %q, want 408 or a closed connection", addr, got)
		}
		slowHeaders := "GET /state HTTP/1.1\r\nHost: " + addr + "\r\nX-Slow: "
		if got := rawRequest(t, addr, slowHeaders); !strings.HasPrefix(got, "HTTP/1.1 4") && got != "closed" {
			t.Errorf("%s: slow headers answered %q, want 4xx or a closed connection", addr, got)
		}
	}
	// The next frame the game reads is a later, complete POST.
	marker := `{"command":"test/after"}`
	if code, body := httpDo(t, http.DefaultClient, http.MethodPost, "http://"+s.HTTPAddr(), marker); code != 200 {
		t.Fatalf("POST after the slow ones: %d %s", code, body)
	}
	if frame, err := g.conn.Read(testCtx(t)); err != nil || string(frame) != marker {
		t.Fatalf("the game got %s (%v), want only %s", frame, err, marker)
	}
}
