package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"go.uber.org/zap"
)

// HTTPHandler returns the HTTP side of the simulator, like the official
// mock's port 1337:
//
//   - POST / with a JSON object body (Content-Type: application/json)
//     queues the body unchanged for every connected game (actions in it
//     are tracked, see SendRaw); it never waits for a game to read (see
//     Broadcast). It answers 400 when the body is not a JSON object, 413
//     over 1 MiB, else 200 with {"sent": <number of games>} (and "error"
//     naming the games it skipped).
//   - GET /state answers the State snapshot as JSON, streamed one game
//     at a time; GET /state?game=<id or name> answers one game's State.
//   - GET / answers a short help text.
//
// Requests are refused (403, 415) as described on WithAllowedHosts and
// WithAllowedOrigins: with a foreign Host name, from another web origin,
// or a POST that is not JSON.
func (s *Server) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{$}", s.handleInject)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "neurokit Neuro simulator. POST a JSON message here (Content-Type: application/json) to send it to every connected game; GET /state for a snapshot.")
	})
	mux.HandleFunc("GET /state", s.handleState)
	return s.guard.api(mux)
}

func (s *Server) handleInject(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHTTPBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &tooBig):
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": err.Error()})
		case errors.As(err, &ne) && ne.Timeout():
			writeJSON(w, http.StatusRequestTimeout, map[string]string{"error": "the body did not arrive in time"})
		default:
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "reading the body: " + err.Error()})
		}
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

// handleState streams the State: the session, then each game's snapshot,
// taken and written one at a time, so that the server never holds more
// than one game's copy.
func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	games := s.gameList()
	if ref := r.URL.Query().Get("game"); ref != "" {
		g, err := s.findGame(ref)
		if err != nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		games = []*game{g}
	}
	session, err := json.Marshal(s.env.session)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprintf(w, "{\n  \"session\": %s,\n  \"games\": [", session); err != nil {
		return
	}
	for i, g := range games {
		b, err := json.MarshalIndent(g.snapshot(), "    ", "  ")
		if err != nil {
			s.log.Error("GET /state: encoding a game", zap.String("game", g.id), zap.Error(err))
			return // the client sees a truncated document
		}
		sep := ",\n    "
		if i == 0 {
			sep = "\n    "
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return
		}
		if _, err := w.Write(b); err != nil {
			return // the client went away
		}
	}
	voice, err := json.MarshalIndent(s.VoiceState(), "  ", "  ")
	if err != nil {
		s.log.Error("GET /state: encoding the voice side", zap.Error(err))
		return
	}
	_, _ = fmt.Fprintf(w, "\n  ],\n  \"voice\": %s\n}\n", voice)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
