package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// floorResult is phase a: what the socket allows.
type floorResult struct {
	Seq  latency    `json:"sequential"`
	Pipe throughput `json:"pipelined"`
}

// floorRig is phase a: plain gorilla/websocket on both ends of a loopback
// connection, the same library and default buffer sizes as
// transport/gorilla uses. The server side (the simulator's role) writes
// an action-sized frame and reads the answer; the client side (the
// game's role) answers every frame with a result-sized frame from a
// goroutine of its own. No codec, no extra goroutine hop: the floor.
type floorRig struct {
	hs             *httpServer
	conns          *handoff[*websocket.Conn]
	srv, game      *websocket.Conn
	action, result []byte
	gameDone       chan struct{}
}

func newFloorRig(ctx context.Context) (_ *floorRig, err error) {
	f := &floorRig{conns: newHandoff(func(ws *websocket.Conn) { _ = ws.Close() })}
	if f.action, f.result, err = floorFrames(); err != nil {
		return nil, err
	}
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	var up websocket.Upgrader
	f.hs = serveHTTP(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ws, err := up.Upgrade(w, r, nil); err == nil {
			f.conns.give(ws)
		}
	}))
	defer func() {
		if err != nil {
			f.close()
		}
	}()
	if f.game, _, err = websocket.DefaultDialer.DialContext(ctx, f.hs.url, nil); err != nil {
		return f, fmt.Errorf("floor: dial: %w", err)
	}
	if f.srv, err = f.conns.take(ctx); err != nil {
		return f, err
	}
	f.gameDone = make(chan struct{})
	go func() {
		defer close(f.gameDone)
		for {
			if _, _, err := f.game.ReadMessage(); err != nil {
				return
			}
			if err := f.game.WriteMessage(websocket.TextMessage, f.result); err != nil {
				return
			}
		}
	}()
	return f, nil
}

// close closes both ends and waits for the game's goroutine.
func (f *floorRig) close() {
	if f.srv != nil {
		_ = f.srv.Close()
	}
	if f.game != nil {
		_ = f.game.Close()
	}
	if f.gameDone != nil {
		<-f.gameDone
	}
	f.hs.close()
	f.conns.drain()
}

func (f *floorRig) check() error {
	_, p, err := f.srv.ReadMessage()
	if err != nil {
		return err
	}
	if !bytes.Equal(p, f.result) {
		return errMismatch
	}
	return nil
}

func (f *floorRig) trip(int) (time.Duration, error) {
	t0 := time.Now()
	if err := f.srv.WriteMessage(websocket.TextMessage, f.action); err != nil {
		return 0, err
	}
	if err := f.check(); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

func (f *floorRig) pipelined(depth int) func(ctx context.Context, first, n int) error {
	return func(ctx context.Context, first, n int) error {
		return pipelined(ctx, first, n, depth,
			func(int) error { return f.srv.WriteMessage(websocket.TextMessage, f.action) },
			f.check,
			func() { _ = f.srv.Close() })
	}
}
