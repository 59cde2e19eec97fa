package neuro

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// wsServer is an httptest server on 127.0.0.1 that upgrades every request
// with gorilla.Accept and hands the connection to the test.
func wsServer(t *testing.T) (url string, conns <-chan transport.Conn) {
	t.Helper()
	ch := make(chan transport.Conn, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := gorilla.Accept(w, r)
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		ch <- conn
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), ch
}

// gorillaFixture is a fixture whose component uses the real (gorilla)
// dialer; its connect method is not for it.
func gorillaFixture(t *testing.T) (*manager.Manager, *Component, *recorder) {
	t.Helper()
	f := newFixture(t, WithDialer(gorilla.Dialer()))
	return f.m, f.c, f.rec
}

func TestComponentOverGorilla(t *testing.T) {
	url, conns := wsServer(t)
	m, c, rec := gorillaFixture(t)
	ctx := ctxT(t)
	if err := c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result { return Success("passed") }); err != nil {
		t.Fatal(err)
	}
	if err := m.Raise(ctx, manager.NewEvent(events.Connect, url)); err != nil {
		t.Fatal(err)
	}
	var srv *fakeServer
	select {
	case conn := <-conns:
		srv = newFakeServer(t, conn)
	case <-ctx.Done():
		t.Fatal("no connection")
	}
	expect[wire.Startup](srv)
	expect[wire.RegisterActions](srv)
	rec.wait(t, events.Connected)

	srv.action("a", "pass", "")
	if r := srv.result("a"); !r.Success || r.Message != "passed" {
		t.Errorf("result %+v", r)
	}

	// 50 goroutines sending at once.
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.SendContext(ctx, "at once", true); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for range 50 {
		expect[wire.ContextMessage](srv)
	}

	// The server closes with a code: Disconnected carries it.
	if err := srv.conn.Close(4002, "maintenance"); err != nil {
		t.Fatal(err)
	}
	d, _ := manager.Payload[events.DisconnectedData](rec.wait(t, events.Disconnected))
	if d.Code != 4002 || d.Reason != "maintenance" || d.WillReconnect {
		t.Errorf("Disconnected %+v", d)
	}
	if c.Connected() {
		t.Error("still connected")
	}
	// Stop twice is fine.
	if err := c.Stop(ctx, 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(ctx, 0, ""); err != nil {
		t.Fatal(err)
	}
}

func TestComponentOverGorillaStopClosesCleanly(t *testing.T) {
	url, conns := wsServer(t)
	_, c, rec := gorillaFixture(t)
	ctx := ctxT(t)
	if err := c.Connect(ctx, url); err != nil {
		t.Fatal(err)
	}
	srv := newFakeServer(t, <-conns)
	expect[wire.Startup](srv)
	if err := c.Stop(ctx, 4000, "game closed"); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	if code, reason, _ := transport.CloseCode(srv.err); code != 4000 || reason != "game closed" {
		t.Errorf("server saw %v", srv.err)
	}
	d, _ := manager.Payload[events.DisconnectedData](rec.wait(t, events.Disconnected))
	if d.Code != 4000 || d.Err != nil {
		t.Errorf("Disconnected %+v", d)
	}
}

func TestComponentOverGorillaHandshakeFailure(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	m, c, rec := gorillaFixture(t)
	ctx := ctxT(t)
	if err := m.Raise(ctx, manager.NewEvent(events.Connect, "ws"+strings.TrimPrefix(srv.URL, "http"))); err != nil {
		t.Fatal(err)
	}
	cf, err := manager.Payload[events.ConnectFailedData](rec.wait(t, events.ConnectFailed))
	if err != nil {
		t.Fatal(err)
	}
	var he *gorilla.HandshakeError
	if !errors.As(cf.Err, &he) || he.StatusCode != http.StatusNotFound {
		t.Errorf("ConnectFailed %+v", cf)
	}
	if err := c.WaitConnected(ctx); !errors.As(err, &he) {
		t.Errorf("WaitConnected = %v", err)
	}
	if c.Connected() {
		t.Error("connected")
	}
}
