package gorilla_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

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
