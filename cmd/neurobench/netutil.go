package main

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// errClosedServer answers requests that come after close.
var errClosedServer = errors.New("neurobench: server closed")

// httpServer serves a handler on a loopback listener. close stops it and
// waits for its Serve goroutine and every handler call (websocket
// handlers hand their hijacked connection over and return).
type httpServer struct {
	srv  *http.Server
	url  string // ws://127.0.0.1:port
	done chan struct{}

	mu       sync.Mutex
	closed   bool
	handlers sync.WaitGroup
}

// listen opens a listener on a free loopback port.
func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// serveHTTP serves h on ln in a goroutine of its own.
func serveHTTP(ln net.Listener, h http.Handler) *httpServer {
	s := &httpServer{url: "ws://" + ln.Addr().String(), done: make(chan struct{})}
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !s.enter() {
				http.Error(w, errClosedServer.Error(), http.StatusServiceUnavailable)
				return
			}
			defer s.handlers.Done()
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s
}

func (s *httpServer) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.handlers.Add(1)
	return true
}

// close stops the server and waits for its goroutines. Hijacked
// connections are the handlers' business.
func (s *httpServer) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	_ = s.srv.Close()
	<-s.done
	s.handlers.Wait()
}

// handoff passes connections from a server's handler to the phase that
// waits for them; a connection nobody waits for is closed.
type handoff[C any] struct {
	ch      chan C
	discard func(C)
}

func newHandoff[C any](discard func(C)) *handoff[C] {
	return &handoff[C]{ch: make(chan C, 1), discard: discard}
}

func (h *handoff[C]) give(c C) {
	select {
	case h.ch <- c:
	default:
		h.discard(c)
	}
}

func (h *handoff[C]) take(ctx context.Context) (C, error) {
	select {
	case c := <-h.ch:
		return c, nil
	case <-ctx.Done():
		var zero C
		return zero, ctx.Err()
	}
}

// drain closes a connection handed over but never taken.
func (h *handoff[C]) drain() {
	for {
		select {
		case c := <-h.ch:
			h.discard(c)
		default:
			return
		}
	}
}
