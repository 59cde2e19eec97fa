package gorilla

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/transport"
)

// rawDial opens a plain gorilla connection to url, as a game with its own
// websocket code would, and closes it at cleanup if nobody took it over.
func rawDial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.DialContext(testCtx(t), url, nil)
	if err != nil {
		t.Fatalf("raw dial: %v", err)
	}
	return ws
}

// wrapT wraps ws with a test logger and closes the result at cleanup.
func wrapT(t *testing.T, ws *websocket.Conn, opts ...Option) transport.Conn {
	t.Helper()
	opts = append([]Option{WithLogger(zaptest.NewLogger(t).Named("wrapped"))}, opts...)
	c := Wrap(ws, opts...)
	t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

// TestWrapRoundTrip: both ends opened with plain gorilla (a Dialer on the
// game's side, an Upgrader on Neuro's) and wrapped. Neuro sends an action,
// the game answers with its result, then closes with a code and reason
// Neuro sees.
func TestWrapRoundTrip(t *testing.T) {
	const (
		action = `{"command":"action","data":{"id":"a1","name":"play","data":"{\"cell\":5}"}}`
		result = `{"command":"action/result","game":"Wrap test","data":{"id":"a1","success":true}}`
	)
	neuroSaw := make(chan []byte, 1)
	neuroEnd := make(chan error, 1)
	up := websocket.Upgrader{}
	url := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("upgrade: %v", err)
			return
		}
		c := Wrap(ws, WithLogger(zaptest.NewLogger(t).Named("neuro")))
		defer c.CloseNow()
		ctx := testCtx(t)
		if err := c.Write(ctx, []byte(action)); err != nil {
			neuroEnd <- err
			return
		}
		f, err := c.Read(ctx)
		if err != nil {
			neuroEnd <- err
			return
		}
		neuroSaw <- f
		_, err = c.Read(ctx)
		neuroEnd <- err
	})

	game := wrapT(t, rawDial(t, url), WithReadLimit(4096), WithPingInterval(time.Second))
	ctx := testCtx(t)
	f, err := game.Read(ctx)
	if err != nil {
		t.Fatalf("game read: %v", err)
	}
	var got struct {
		Command string `json:"command"`
		Data    struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Data string `json:"data"`
		} `json:"data"`
	}
	if err := json.Unmarshal(f, &got); err != nil {
		t.Fatalf("game got %q: %v", f, err)
	}
	if got.Command != "action" || got.Data.ID != "a1" || got.Data.Name != "play" || got.Data.Data != `{"cell":5}` {
		t.Fatalf("game got %+v", got)
	}
	if err := game.Write(ctx, []byte(result)); err != nil {
		t.Fatalf("game write: %v", err)
	}
	if f := recv(t, neuroSaw); string(f) != result {
		t.Fatalf("Neuro got %q, want %q", f, result)
	}
	if err := game.Close(transport.CloseNormal, "game over"); err != nil {
		t.Fatalf("close: %v", err)
	}
	wantCloseError(t, recv(t, neuroEnd), transport.CloseNormal, "game over")
	if _, err := game.Read(ctx); !errors.Is(err, transport.ErrClosed) {
		t.Fatalf("Read after Close = %v, want transport.ErrClosed", err)
	}
}

// TestWrapReadLimit: WithReadLimit reaches a wrapped connection: a frame
// over it ends the connection with 1009.
func TestWrapReadLimit(t *testing.T) {
	const limit = 256
	url := acceptServer(t, func(c transport.Conn) {
		ctx := testCtx(t)
		_ = c.Write(ctx, bytes.Repeat([]byte("a"), limit))
		_ = c.Write(ctx, bytes.Repeat([]byte("b"), limit+1))
		_, _ = c.Read(ctx) // until the 1009 arrives
	})
	c := wrapT(t, rawDial(t, url), WithReadLimit(limit))
	ctx := testCtx(t)
	if f, err := c.Read(ctx); err != nil || len(f) != limit {
		t.Fatalf("frame at the limit: %d bytes, %v", len(f), err)
	}
	_, err := c.Read(ctx)
	ce := wantCloseError(t, err, transport.CloseMessageTooBig, "")
	if !errors.Is(ce, websocket.ErrReadLimit) {
		t.Errorf("error %v does not wrap websocket.ErrReadLimit", ce)
	}
}

// TestWrapKeepAlive: the keep-alive options reach a wrapped connection:
// pings go out, and a peer that never answers them is declared dead.
func TestWrapKeepAlive(t *testing.T) {
	pinged := make(chan struct{}, 1)
	url := stuckServer(t, func(ws *websocket.Conn) {
		ws.SetPingHandler(func(string) error { // no pong
			select {
			case pinged <- struct{}{}:
			default:
			}
			return nil
		})
		_, _, _ = ws.ReadMessage() // runs the ping handler until the client gives up
	})
	c := wrapT(t, rawDial(t, url), WithPingInterval(20*time.Millisecond), WithPongTimeout(200*time.Millisecond))
	recv(t, pinged)
	_, err := c.Read(testCtx(t))
	wantCloseError(t, err, transport.CloseAbnormal, "")
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("error %v does not wrap os.ErrDeadlineExceeded", err)
	}
}

// TestWrapNil: a nil socket gives a dead connection, not a panic.
func TestWrapNil(t *testing.T) {
	c := Wrap(nil, WithLogger(zaptest.NewLogger(t)))
	ctx := testCtx(t)
	_, err := c.Read(ctx)
	if ce := wantCloseError(t, err, transport.CloseAbnormal, ""); !errors.Is(ce, errNilConn) {
		t.Errorf("Read error %v does not wrap errNilConn", ce)
	}
	if err := c.Write(ctx, []byte(`{}`)); !errors.Is(err, errNilConn) {
		t.Errorf("Write = %v, want errNilConn", err)
	}
	if err := c.Close(transport.CloseNormal, ""); err != nil {
		t.Errorf("Close = %v", err)
	}
	if err := c.CloseNow(); err != nil {
		t.Errorf("CloseNow = %v", err)
	}
	if _, err := c.Read(ctx); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("Read after Close = %v, want transport.ErrClosed", err)
	}
	if err := c.Write(ctx, nil); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("Write after Close = %v, want transport.ErrClosed", err)
	}
}
