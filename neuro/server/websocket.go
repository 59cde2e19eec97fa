package server

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/voice/voicesim"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// Handler returns the websocket endpoint games connect to: it upgrades the
// request (any path) and hands the connection to a goroutine of the
// server's that runs ServeConn until the connection ends (Close and
// Shutdown wait for it), so that the HTTP server's own state for the
// request is let go as soon as the upgrade is done; a path ending in
// /game/<name>/voice is the voice chat side channel instead (see
// WithVoice), paired by name with the game's connection. A request that
// is not a websocket upgrade is served by HTTPHandler, so one port can
// carry both. Binary frames are accepted (read as text), each with a
// FindingBinaryFrame.
//
// An upgrade is refused with 403 when its Host name is not allowed (see
// WithAllowedHosts) or its Origin is (see WithAllowedOrigins).
func (s *Server) Handler() http.Handler {
	httpSide := s.HTTPHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isUpgrade(r) {
			httpSide.ServeHTTP(w, r)
			return
		}
		if !s.guard.checkHost(w, r) {
			return
		}
		// Count the handler itself, so that Close and Shutdown also wait
		// for a connection accepted just before they started; the count
		// passes to the connection's goroutine.
		if !s.enter() {
			http.Error(w, "server shutting down", http.StatusServiceUnavailable)
			return
		}
		handedOff := false
		defer func() {
			if !handedOff {
				s.conns.Done()
			}
		}()
		if _, ok := voicesim.ParsePath(r.URL.EscapedPath()); ok {
			s.serveVoice(w, r) // the voice side channel (voice.go)
			return
		}
		binary := &binaryFrames{}
		conn, err := gorilla.Accept(w, r,
			gorilla.WithLogger(s.cfg.logger),
			gorilla.WithOnBinaryFrame(binary.seen),
			gorilla.WithCheckOrigin(s.guard.websocketOrigin),
		)
		if err != nil {
			s.log.Info("websocket upgrade failed", zap.String("remote", r.RemoteAddr),
				zap.String("origin", r.Header.Get("Origin")), zap.Error(err))
			return
		}
		// The connection outlives the request: it runs on a goroutine
		// that the count taken above accounts for, and that Close and
		// Shutdown end. Nothing of r is kept but its context's values.
		ctx, remote := context.WithoutCancel(r.Context()), r.RemoteAddr
		handedOff = true
		go func() {
			defer s.conns.Done()
			if err := s.serveConn(ctx, conn, binary.attach); err != nil && err != ErrServerClosed {
				s.log.Debug("connection ended", zap.String("remote", remote), zap.Error(err))
			}
		}()
	})
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// binaryFrames turns the transport's binary frame hook into findings of
// the connection's game. The connection starts reading before the game
// exists: frames seen until then are counted and reported when the game
// is attached. The hook runs on the reader goroutine before the frame is
// handed to Read, so the finding always precedes the frame's
// EventReceived.
type binaryFrames struct {
	mu    sync.Mutex
	g     *game
	early int
}

func (b *binaryFrames) seen() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.g == nil {
		b.early++
		return
	}
	b.g.find(FindingBinaryFrame, binaryDetail)
}

func (b *binaryFrames) attach(g *game) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.g = g
	for ; b.early > 0; b.early-- {
		g.find(FindingBinaryFrame, binaryDetail)
	}
}

const binaryDetail = "binary frame received; the Neuro API uses text frames only (read as text)"
