package gorilla_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// A server accepts with Accept and echoes; a game dials it, sends a frame,
// reads the echo and closes with a code and reason the server sees.
func ExampleDial() {
	serverSaw := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := gorilla.Accept(w, r)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		ctx := r.Context()
		for {
			frame, err := conn.Read(ctx)
			if err != nil {
				serverSaw <- err
				return
			}
			if err := conn.Write(ctx, frame); err != nil {
				serverSaw <- err
				return
			}
		}
	}))
	defer srv.Close()

	ctx := context.Background()
	conn, err := gorilla.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"))
	if err != nil {
		fmt.Println("dial:", err)
		return
	}
	if err := conn.Write(ctx, []byte(`{"command":"startup","game":"Example"}`)); err != nil {
		fmt.Println("write:", err)
		return
	}
	frame, err := conn.Read(ctx)
	if err != nil {
		fmt.Println("read:", err)
		return
	}
	fmt.Println(string(frame))

	if err := conn.Close(transport.CloseNormal, "game over"); err != nil {
		fmt.Println("close:", err)
	}
	code, reason, _ := transport.CloseCode(<-serverSaw)
	fmt.Println("server saw close", code, reason)
	// Output:
	// {"command":"startup","game":"Example"}
	// server saw close 1000 game over
}

// A game that opens its websocket itself, here with its own gorilla
// Dialer, wraps the connection to hand it to the Neuro client. Neuro (a
// test server) sends an action; the game answers with its result.
func ExampleWrap() {
	neuroGot := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := gorilla.Accept(w, r)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		ctx := r.Context()
		if err := conn.Write(ctx, []byte(`{"command":"action","data":{"id":"1","name":"jump"}}`)); err != nil {
			return
		}
		result, err := conn.Read(ctx)
		if err != nil {
			return
		}
		neuroGot <- string(result)
		_, _ = conn.Read(ctx) // until the game closes
	}))
	defer srv.Close()

	// The game's own websocket code.
	dialer := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, _, err := dialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		fmt.Println("dial:", err)
		return
	}
	// From here on, conn owns ws.
	conn := gorilla.Wrap(ws, gorilla.WithReadLimit(64<<10), gorilla.WithPingInterval(15*time.Second))
	defer conn.CloseNow()

	ctx := context.Background()
	action, err := conn.Read(ctx)
	if err != nil {
		fmt.Println("read:", err)
		return
	}
	fmt.Println("game got:", string(action))
	if err := conn.Write(ctx, []byte(`{"command":"action/result","game":"Example","data":{"id":"1","success":true}}`)); err != nil {
		fmt.Println("write:", err)
		return
	}
	fmt.Println("Neuro got:", <-neuroGot)
	if err := conn.Close(transport.CloseNormal, "game over"); err != nil {
		fmt.Println("close:", err)
	}
	// Output:
	// game got: {"command":"action","data":{"id":"1","name":"jump"}}
	// Neuro got: {"command":"action/result","game":"Example","data":{"id":"1","success":true}}
}

// A connection is read by a goroutine that stays in Read; to stop it,
// close the connection from another goroutine: Close completes the close
// handshake through the Read in progress, which then returns
// transport.ErrClosed. (Cancelling the Read's context instead would close
// the connection without a handshake.)
func Example_stopReading() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := gorilla.Accept(w, r)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		for { // until the game closes
			if _, err := conn.Read(context.Background()); err != nil {
				return
			}
		}
	}))
	defer srv.Close()

	conn, err := gorilla.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http"))
	if err != nil {
		fmt.Println("dial:", err)
		return
	}
	readerDone := make(chan error, 1)
	go func() {
		for {
			if _, err := conn.Read(context.Background()); err != nil {
				readerDone <- err
				return
			}
		}
	}()
	fmt.Println("close:", conn.Close(transport.CloseNormal, "game over"))
	fmt.Println("reader:", <-readerDone)
	// Output:
	// close: <nil>
	// reader: transport: connection closed
}
