package server

import (
	"context"
	"errors"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// ServeConn runs one game connection until it ends: it sends
// actions/reregister_all (unless disabled), then reads and answers the
// game's messages, serving its forces and writing to it on goroutines of
// its own, started while there is work for them, that it joins before
// returning. Bad input never ends the connection.
//
// It returns nil when the game closed the connection normally, ctx.Err()
// when ctx ended, ErrServerClosed when the server was closed, and the read
// error otherwise. In every case conn is closed on return: with a close
// handshake (1001, "server shutting down") when Shutdown or ctx ended
// it, at once otherwise.
func (s *Server) ServeConn(ctx context.Context, conn transport.Conn) error {
	return s.serveConn(ctx, conn, nil)
}

// enter counts one more connection goroutine, unless the server is
// closed. The caller calls s.conns.Done when it returns.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns.Add(1)
	return true
}

// serveConn is ServeConn; attach, when set, is called with the game as
// soon as it exists, before its first frame is read.
func (s *Server) serveConn(ctx context.Context, conn transport.Conn, attach func(*game)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = conn.CloseNow()
		return ErrServerClosed
	}
	s.conns.Add(1)
	defer s.conns.Done()
	g := s.addGameLocked(ctx, conn)
	s.mu.Unlock()

	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	s.log.Info("game connected", zap.String("game", g.id))
	s.record(Event{Kind: EventConnected, GameID: g.id})
	if attach != nil {
		attach(g)
	}

	// A Read whose ctx ends closes conn without a handshake
	// (transport.Conn): read with a ctx that does not end, and close
	// conn with its handshake when ctx ends; Read then returns ErrClosed.
	// That close runs on a goroutine of its own, joined below.
	readCtx := context.WithoutCancel(ctx)
	var closing sync.WaitGroup
	closing.Add(1)
	stopClosing := context.AfterFunc(ctx, func() {
		defer closing.Done()
		s.closeConn(g, true, nil)
	})
	var readErr error
	if s.cfg.behaviour.reregister {
		readErr = g.send(ctx, wire.ReregisterAll{})
	}
	for readErr == nil {
		var frame []byte
		frame, readErr = conn.Read(readCtx)
		if readErr == nil {
			g.handle(frame)
		}
	}
	if stopClosing() {
		closing.Done() // it never ran
	}
	closing.Wait()
	ended := ctx.Err() != nil
	cancel()
	g.out.close()
	g.crew.stop()
	sent := s.closeConn(g, ended, readErr)
	g.disconnect()

	fields := []zap.Field{zap.String("game", g.label()), zap.Int("code", sent.code), zap.String("reason", sent.reason), zap.String("closedBy", sent.by)}
	if sent.by == "game" {
		fields = append(fields, zap.Error(readErr))
	}
	s.log.Info("game disconnected", fields...)
	s.record(Event{Kind: EventDisconnected, GameID: g.id, Game: g.nameNow(), Err: readErr})

	switch {
	case s.ctx.Err() != nil:
		return ErrServerClosed
	case ended:
		return context.Cause(ctx)
	}
	var ce *transport.CloseError
	if errors.As(readErr, &ce) {
		switch ce.Code {
		case transport.CloseNormal, transport.CloseGoingAway, transport.CloseNoStatus:
			return nil
		}
	}
	return readErr
}

// closing says how a connection ended: the close code and reason the
// game was sent (by "server") or sent itself (by "game").
type closing struct {
	code   int
	reason string
	by     string
}

// closeConn closes a connection whose read loop ended (ended: because
// its context did), and reports the close code that went over the wire.
func (s *Server) closeConn(g *game, ended bool, readErr error) closing {
	// Close cancels the server's context, then closes each connection;
	// the read may fail before the cancellation reached ended.
	ended = ended || s.ctx.Err() != nil
	switch {
	case ended && s.closingNow():
		// Close: no handshake; the game sees an abnormal closure.
		_ = g.conn.CloseNow()
		return closing{code: transport.CloseAbnormal, reason: "server closed", by: "server"}
	case ended:
		const reason = "server shutting down"
		_ = g.conn.Close(transport.CloseGoingAway, reason)
		return closing{code: transport.CloseGoingAway, reason: reason, by: "server"}
	case errors.Is(readErr, transport.ErrClosed):
		// Closed locally by Disconnect: its close handshake may be under
		// way, and Close waits for it where CloseNow would cut it.
		_ = g.conn.Close(transport.CloseGoingAway, "")
		if n := g.closeSent.Load(); n != nil {
			return closing{code: n.code, reason: n.reason, by: "server"}
		}
		return closing{code: transport.CloseAbnormal, by: "server"}
	default:
		_ = g.conn.CloseNow()
		code, reason, _ := transport.CloseCode(readErr)
		if code == 0 {
			code = transport.CloseAbnormal // a network error: no close frame
		}
		return closing{code: code, reason: reason, by: "game"}
	}
}
