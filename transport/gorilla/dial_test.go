package gorilla

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/neurokit/neurokit/transport"
)

// TestDialHandshakeFailure: a plain HTTP server answering 404 makes Dial
// fail with the status, and leaves no goroutine behind.
func TestDialHandshakeFailure(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) }) // runs last
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)

	c, err := Dial(testCtx(t), wsURL(srv.URL))
	if err == nil {
		_ = c.CloseNow()
		t.Fatal("Dial succeeded against a 404")
	}
	var he *HandshakeError
	if !errors.As(err, &he) || he.StatusCode != http.StatusNotFound {
		t.Fatalf("Dial = %v, want a *HandshakeError with status 404", err)
	}
	if !strings.Contains(err.Error(), "404") {
		t.Fatalf("error %q does not name the status", err)
	}
}

// silentListener accepts TCP connections and never answers: a server
// stuck in the opening handshake.
func silentListener(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "ws://" + ln.Addr().String()
}

// TestDialBounded: a server that never answers the handshake cannot make
// Dial hang: the context and the handshake timeout both end it.
func TestDialBounded(t *testing.T) {
	url := silentListener(t)
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		opts []Option
		want error
	}{
		{"context cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			return ctx, cancel
		}, nil, context.Canceled},
		{"context deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 100*time.Millisecond)
		}, nil, context.DeadlineExceeded},
		{"handshake timeout", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), testTimeout)
		}, []Option{WithHandshakeTimeout(100 * time.Millisecond)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			c, err := Dial(ctx, url, tt.opts...)
			if err == nil {
				_ = c.CloseNow()
				t.Fatal("Dial succeeded against a silent server")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Dial = %v, want %v", err, tt.want)
			}
			if time.Since(start) >= testTimeout {
				t.Fatalf("Dial took %v", time.Since(start))
			}
		})
	}
}

func TestDialBadURL(t *testing.T) {
	for _, url := range []string{"http://127.0.0.1:1/", "ws://user:pw@127.0.0.1:1/", "::"} {
		if c, err := Dial(testCtx(t), url); err == nil {
			_ = c.CloseNow()
			t.Errorf("Dial(%q) succeeded", url)
		}
	}
}

// TestDialTLS: wss works with the server's certificate trusted through
// WithTLSConfig, and fails without it.
func TestDialTLS(t *testing.T) {
	var wg sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wg.Add(1)
		defer wg.Done()
		c, err := Accept(w, r)
		if err != nil {
			return
		}
		defer c.CloseNow()
		echo(c)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed TLS handshake below
	srv.StartTLS()
	t.Cleanup(func() {
		srv.Close()
		wg.Wait()
	})
	url := "wss" + strings.TrimPrefix(srv.URL, "https")

	if c, err := Dial(testCtx(t), url); err == nil {
		_ = c.CloseNow()
		t.Fatal("Dial trusted an unknown certificate")
	}

	cfg := srv.Client().Transport.(*http.Transport).TLSClientConfig
	c := dialT(t, url, WithTLSConfig(cfg.Clone()))
	ctx := testCtx(t)
	if err := c.Write(ctx, []byte("over tls")); err != nil {
		t.Fatal(err)
	}
	if f, err := c.Read(ctx); err != nil || string(f) != "over tls" {
		t.Fatalf("read = %q, %v", f, err)
	}
	if err := c.Close(transport.CloseNormal, ""); err != nil {
		t.Fatal(err)
	}
}

// TestHeadersAndOrigin: WithHeader reaches the server, WithCheckOrigin can
// refuse, and Dialer carries the options.
func TestHeadersAndOrigin(t *testing.T) {
	gotHeader := make(chan string, 1)
	url := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotHeader <- r.Header.Get("X-Game")
		c, err := Accept(w, r, WithCheckOrigin(func(r *http.Request) bool {
			return r.Header.Get("Origin") != "https://evil.example"
		}))
		if err != nil {
			return
		}
		defer c.CloseNow()
		echo(c)
	})

	dial := Dialer(WithHeader(http.Header{"X-Game": {"Tic Tac Toe"}}))
	c, err := dial(testCtx(t), url)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if got := recv(t, gotHeader); got != "Tic Tac Toe" {
		t.Fatalf("server saw X-Game %q", got)
	}
	if err := c.Close(transport.CloseNormal, ""); err != nil {
		t.Fatal(err)
	}

	_, err = Dial(testCtx(t), url, WithHeader(http.Header{"Origin": {"https://evil.example"}}))
	<-gotHeader
	var he *HandshakeError
	if !errors.As(err, &he) || he.StatusCode != http.StatusForbidden {
		t.Fatalf("Dial with a refused origin = %v, want HTTP 403", err)
	}
}
