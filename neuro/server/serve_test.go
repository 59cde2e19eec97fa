package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// TestBinaryFramesBeforeAttach: the transport's reader may see binary
// frames before the connection's game exists; they are reported when it
// is attached, before any frame is handled, and none is lost.
func TestBinaryFramesBeforeAttach(t *testing.T) {
	s := newTestServer(t)
	g := newGame(context.Background(), s.env, "#9", nil)
	var b binaryFrames
	b.seen()
	b.seen()
	b.attach(g)
	b.seen()
	if n := g.logs.findings.total; n != 3 {
		t.Fatalf("%d binary-frame findings, want 3", n)
	}
	for _, f := range g.logs.findings.list() {
		if f.Kind != FindingBinaryFrame || f.GameID != "#9" {
			t.Fatalf("finding %+v", f)
		}
	}
}

// observed returns a logger that records entries at level and above.
func observed(level zapcore.Level) (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(level)
	return zap.New(core), logs
}

// disconnectEntry returns the fields of the "game disconnected" entry.
func disconnectEntry(t *testing.T, logs *observer.ObservedLogs) map[string]any {
	t.Helper()
	entries := logs.FilterMessage("game disconnected").All()
	if len(entries) != 1 {
		t.Fatalf("%d disconnection entries", len(entries))
	}
	return entries[0].ContextMap()
}

// TestDisconnectLogsTheCloseCode checks that the log of a disconnection
// names the close code that went over the wire, whoever sent it. It used
// to log 0 for a server-side shutdown, while the game received 1001.
func TestDisconnectLogsTheCloseCode(t *testing.T) {
	cases := []struct {
		name       string
		end        func(s *Server, game transport.Conn)
		code       int64
		reason, by string
	}{
		{"shutdown", func(s *Server, _ transport.Conn) { _ = s.Shutdown(context.Background()) }, 1001, "server shutting down", "server"},
		{"close", func(s *Server, _ transport.Conn) { _ = s.Close() }, 1006, "server closed", "server"},
		{"disconnect", func(s *Server, _ transport.Conn) { _ = s.Disconnect("", 4001, "come back later") }, 4001, "come back later", "server"},
		{"game", func(_ *Server, game transport.Conn) { _ = game.Close(1000, "bye") }, 1000, "bye", "game"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			log, logs := observed(zap.InfoLevel)
			s := New(WithLogger(log))
			defer s.Close()
			srvEnd, gameEnd := transport.Pipe()
			defer gameEnd.CloseNow()
			done := make(chan error, 1)
			go func() { done <- s.ServeConn(context.Background(), srvEnd) }()
			if _, err := gameEnd.Read(testCtx(t)); err != nil { // actions/reregister_all: the game is being served
				t.Fatal(err)
			}
			tc.end(s, gameEnd)
			<-done
			var seen int
			for {
				_, err := gameEnd.Read(testCtx(t))
				if code, _, ok := transport.CloseCode(err); ok {
					seen = code
					break
				}
			}
			f := disconnectEntry(t, logs)
			if f["code"] != tc.code || f["reason"] != tc.reason || f["closedBy"] != tc.by {
				t.Fatalf("logged %v; want code %d %q by %s", f, tc.code, tc.reason, tc.by)
			}
			if tc.by == "server" && int64(seen) != tc.code {
				t.Fatalf("the game saw %d, the log says %d", seen, tc.code)
			}
		})
	}
}

// TestFramesCutInTheLog sends a 100 KiB frame: its log line (debug) holds
// the first 512 bytes and its length, not the whole frame.
func TestFramesCutInTheLog(t *testing.T) {
	log, logs := observed(zap.DebugLevel)
	s := newTestServer(t, WithLogger(log))
	g := connect(t, s, "Long")
	g.hello()
	msg := strings.Repeat("é", 50<<10) // two bytes each: a cut may fall inside one
	long, err := wire.EncodeGame("Long", wire.ContextMessage{Message: msg, Silent: true})
	if err != nil {
		t.Fatal(err)
	}
	g.sendRaw(string(long))
	g.sync(s)
	entries := logs.FilterMessage("← context").All()
	if len(entries) < 1 {
		t.Fatalf("%d context entries logged", len(entries))
	}
	frame, _ := entries[0].ContextMap()["frame"].(string)
	if len(frame) > maxLoggedFrame+32 || !strings.HasSuffix(frame, fmt.Sprintf("(%d bytes)", len(long))) {
		t.Fatalf("logged frame of %d bytes: %.80q…%q", len(frame), frame, frame[max(len(frame)-30, 0):])
	}
}
