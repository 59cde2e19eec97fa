package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport/gorilla"
)

// Handler returns the websocket endpoint games connect to: it upgrades the
// request (any path) and runs ServeConn until the connection ends. A
// request that is not a websocket upgrade is served by HTTPHandler, so one
// port can carry both. Binary frames are accepted (read as text) and
// warned about.
func (s *Server) Handler() http.Handler {
	httpSide := s.HTTPHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isUpgrade(r) {
			httpSide.ServeHTTP(w, r)
			return
		}
		// Count the handler itself, so that Close and Shutdown also wait
		// for a connection accepted just before they started.
		if !s.enter() {
			http.Error(w, "server shutting down", http.StatusServiceUnavailable)
			return
		}
		defer s.conns.Done()
		var current atomic.Pointer[game]
		conn, err := gorilla.Accept(w, r,
			gorilla.WithLogger(s.cfg.logger),
			gorilla.WithOnBinaryFrame(func() {
				if g := current.Load(); g != nil {
					g.warn(WarnBinaryFrame, "binary frame received; the Neuro API uses text frames only (read as text)")
				}
			}),
		)
		if err != nil {
			s.log.Info("websocket upgrade failed", zap.String("remote", r.RemoteAddr), zap.Error(err))
			return
		}
		// The connection outlives the request; Close and Shutdown end it.
		ctx := context.WithoutCancel(r.Context())
		if err := s.serveConn(ctx, conn, current.Store); err != nil && err != ErrServerClosed {
			s.log.Debug("connection ended", zap.String("remote", r.RemoteAddr), zap.Error(err))
		}
	})
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// HTTPHandler returns the HTTP side of the simulator, like the official
// mock's port 1337:
//
//   - POST / with a JSON object body sends the body unchanged to every
//     connected game (actions in it are tracked, see SendRaw). It answers
//     400 when the body is not a JSON object, else 200 with
//     {"sent": <number of games reached>}.
//   - GET /state answers the State snapshot as JSON.
//   - GET / answers a short help text.
func (s *Server) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{$}", s.handleInject)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "neurokit Neuro simulator. POST a JSON message here to send it to every connected game; GET /state for a snapshot.")
	})
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.State())
	})
	return mux
}

func (s *Server) handleInject(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHTTPBody))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": err.Error()})
		return
	}
	body = bytes.TrimSpace(body)
	if !json.Valid(body) || len(body) == 0 || body[0] != '{' {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the body must be a JSON object"})
		return
	}
	s.log.Info("POST / injects a message", zap.String("remote", r.RemoteAddr), frameField(body))
	n, err := s.Broadcast(r.Context(), body)
	resp := map[string]any{"sent": n}
	if err != nil {
		resp["error"] = err.Error()
	}
	writeJSON(w, http.StatusOK, resp)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
