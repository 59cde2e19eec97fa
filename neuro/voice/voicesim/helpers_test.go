package voicesim

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/neuro/voice"
)

const wait = 20 * time.Second

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

// harness is a Server on a loopback httptest server, its warnings on a
// channel.
type harness struct {
	srv   *Server
	clock *ManualClock
	url   string
	warns chan Warning
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	h := &harness{clock: NewManualClock(time.Unix(1_700_000_000, 0)), warns: make(chan Warning, 1024)}
	h.srv = New(append([]Option{
		WithClock(h.clock), WithLogger(zaptest.NewLogger(t)),
		WithOnWarning(func(w Warning) { h.warns <- w }),
	}, opts...)...)
	ts := httptest.NewServer(h.srv)
	t.Cleanup(ts.Close)
	t.Cleanup(func() { _ = h.srv.Close() })
	h.url = "ws://" + ts.Listener.Addr().String()
	return h
}

// dial opens a raw voice socket for game; it is closed on cleanup.
func (h *harness) dial(t *testing.T, game string) voice.Conn {
	t.Helper()
	conn, err := voice.Dial(testCtx(t), h.url+"/game/"+game+"/voice")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	return conn
}

func send(t *testing.T, conn voice.Conn, kind voice.FrameKind, p []byte) {
	t.Helper()
	var err error
	if kind == voice.BinaryFrame {
		err = conn.WriteBinary(testCtx(t), p)
	} else {
		err = conn.WriteText(testCtx(t), p)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func msg(command, game, data string) []byte {
	if data == "" {
		return []byte(fmt.Sprintf(`{"command":%q,"game":%q}`, command, game))
	}
	return []byte(fmt.Sprintf(`{"command":%q,"game":%q,"data":%s}`, command, game, data))
}

// frame builds an upstream frame by hand.
func frame(version, flags byte, speaker uint16, samples int) []byte {
	b := []byte{version, flags, byte(speaker), byte(speaker >> 8)}
	return append(b, make([]byte, 4*samples)...)
}

const marker = "test/marker"

// collect sends a marker message and returns the kinds of the warnings
// about game that came before the marker's own warning.
func (h *harness) collect(t *testing.T, conn voice.Conn, game string) []WarningKind {
	t.Helper()
	send(t, conn, voice.TextFrame, msg(marker, game, ""))
	var kinds []WarningKind
	for {
		select {
		case w := <-h.warns:
			if w.Game != game {
				continue
			}
			if w.Kind == WarnUnknownCommand && w.Detail == marker {
				return kinds
			}
			kinds = append(kinds, w.Kind)
		case <-time.After(wait):
			t.Fatalf("no marker warning for %s; so far %v", game, kinds)
		}
	}
}

// readText reads frames until a text frame and returns it.
func readText(t *testing.T, conn voice.Conn) string {
	t.Helper()
	for {
		kind, p, err := conn.ReadFrame()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if kind == voice.TextFrame {
			return string(p)
		}
	}
}
