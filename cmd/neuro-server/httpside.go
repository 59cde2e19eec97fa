package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/server/dashboard"
)

// httpSide serves the HTTP port: the dashboard page (GET /) and its API
// (under dashboard.PathPrefix), and the simulator's own HTTP API for
// everything else (POST /, GET /state, …).
type httpSide struct {
	srv  *http.Server
	ln   net.Listener
	dash *dashboard.Dashboard
	done chan struct{} // closed when Serve returned
}

// startHTTP listens on addr and serves on a goroutine that shutdown
// stops and waits for.
func startHTTP(addr string, readTimeout time.Duration, s *server.Server, d *dashboard.Dashboard, log *zap.Logger) (*httpSide, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen http: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", d.Handler())
	mux.Handle(dashboard.PathPrefix, d.Handler())
	mux.Handle("/", s.HTTPHandler())
	h := &httpSide{
		srv: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: 10 * time.Second,
			// A request (headers and body) must arrive within readTimeout
			// (-http-read-timeout); the dashboard's stream sets its own
			// write deadlines.
			ReadTimeout: readTimeout,
			IdleTimeout: 2 * time.Minute,
			ErrorLog:    zap.NewStdLog(log.Named("http")),
		},
		ln:   ln,
		dash: d,
		done: make(chan struct{}),
	}
	go func() {
		defer close(h.done)
		if err := h.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http serve failed", zap.Error(err))
		}
	}()
	return h, nil
}

// dashboardURL is the address to open: the listener's port on 127.0.0.1
// when it listens on loopback or on every interface.
func (h *httpSide) dashboardURL() string {
	a := h.ln.Addr().(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsLoopback() || a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(a.Port)) + "/"
}

// shutdown ends the dashboard's streams, then shuts the listener down
// gracefully (at once when ctx ends first), and waits for Serve.
func (h *httpSide) shutdown(ctx context.Context) error {
	_ = h.dash.Close()
	err := h.srv.Shutdown(ctx)
	if err != nil {
		_ = h.srv.Close()
	}
	<-h.done
	return err
}
