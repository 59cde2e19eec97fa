package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// TestHandlerReturnsAfterUpgrade: the websocket handler hands the
// connection to the server's own goroutine and returns, so that net/http
// lets go of what it holds for the request, while the game plays on; Close
// waits for that goroutine.
func TestHandlerReturnsAfterUpgrade(t *testing.T) {
	s := newTestServer(t)
	returned := make(chan struct{}, 1)
	h := s.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		returned <- struct{}{}
	}))
	defer hs.Close()
	ctx := testCtx(t)
	c, err := gorilla.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	select {
	case <-returned:
	case <-ctx.Done():
		t.Fatal("the handler still runs after the upgrade")
	}
	if _, err := c.Read(ctx); err != nil { // actions/reregister_all
		t.Fatal(err)
	}
	frame, err := wire.EncodeGame("Game", wire.Startup{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(ctx, frame); err != nil {
		t.Fatal(err)
	}
	if b, err := c.Read(ctx); err != nil {
		t.Fatal(err)
	} else if m, err := wire.DecodeServer(b); err != nil || m.Command() != wire.CmdStartup {
		t.Fatalf("after the handler returned the game got %s (%v), want the startup acknowledgement", b, err)
	}
	if st, err := s.Game("Game"); err != nil || !st.Connected {
		t.Fatalf("game state %+v (%v), want connected", st, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Game("Game"); st.Connected {
		t.Fatal("Close returned before the connection's goroutine ended")
	}
	if _, err := c.Read(ctx); err == nil {
		t.Fatal("the game's connection is still open after Close")
	}
}
