package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"

	"go.uber.org/zap"
)

// Start listens on wsAddr for game websockets and, unless httpAddr is "",
// on httpAddr for the HTTP side (HTTPHandler), serving both on goroutines
// that Close and Shutdown stop and wait for. Use "127.0.0.1:0" for a free
// port and Addr/HTTPAddr to learn it. The websocket port also answers
// plain HTTP requests with HTTPHandler.
//
// Both servers bound how long a request may take to arrive
// (WithHTTPReadTimeout; headers at most 10s), close idle keep-alive
// connections after 60s and limit request headers to 64 KiB.
func (s *Server) Start(wsAddr, httpAddr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrServerClosed
	}
	if len(s.listeners) > 0 {
		return errors.New("server: already started")
	}
	wsLn, err := net.Listen("tcp", wsAddr)
	if err != nil {
		return fmt.Errorf("server: listen websocket: %w", err)
	}
	var httpLn net.Listener
	if httpAddr != "" {
		if httpLn, err = net.Listen("tcp", httpAddr); err != nil {
			_ = wsLn.Close()
			return fmt.Errorf("server: listen http: %w", err)
		}
	}
	s.wsAddr = wsLn.Addr()
	s.serveLocked(wsLn, s.Handler(), "websocket")
	if httpLn != nil {
		s.httpAddr = httpLn.Addr()
		s.serveLocked(httpLn, s.HTTPHandler(), "http")
	}
	return nil
}

func (s *Server) serveLocked(ln net.Listener, h http.Handler, what string) {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(httpHeaderTimeout, s.cfg.httpReadTimeout),
		ReadTimeout:       s.cfg.httpReadTimeout,
		// Bounds writing a response (GET /state of many games); a
		// websocket, hijacked, is not affected.
		WriteTimeout:   httpWriteTimeout,
		IdleTimeout:    httpIdleTimeout,
		MaxHeaderBytes: maxHTTPHeaderBytes,
		ErrorLog:       zap.NewStdLog(s.log.Named(what)),
	}
	s.listeners = append(s.listeners, srv)
	s.log.Info("listening", zap.String("side", what), zap.Stringer("addr", ln.Addr()))
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve failed", zap.String("side", what), zap.Error(err))
		}
	}()
}

// Addr returns the websocket listener's address after Start ("" before).
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wsAddr == nil {
		return ""
	}
	return s.wsAddr.String()
}

// HTTPAddr returns the HTTP listener's address after Start ("" when there
// is none).
func (s *Server) HTTPAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpAddr == nil {
		return ""
	}
	return s.httpAddr.String()
}

// URL returns the websocket URL games dial after Start, for example
// "ws://127.0.0.1:8000" ("" before).
func (s *Server) URL() string {
	if a := s.Addr(); a != "" {
		return "ws://" + a
	}
	return ""
}
