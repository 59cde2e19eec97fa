package neurotest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// consume marks the event seq as handed out and reports whether it was
// not already.
func (s *Server) consume(seq uint64) bool {
	s.shared.mu.Lock()
	defer s.shared.mu.Unlock()
	if s.shared.consumed[seq] {
		return false
	}
	s.shared.consumed[seq] = true
	return true
}

// next returns the oldest event, past or future, that matches and that no
// WaitFor… helper returned yet; it fails the test after the timeout. what
// describes the wait in the failure message.
func (s *Server) next(what string, match func(server.Event) bool) server.Event {
	s.t.Helper()
	ctx, cancel := s.context()
	defer cancel()
	w := s.sim.WatchFrom(0)
	for {
		e, err := w.WaitFor(ctx, match)
		if err != nil {
			s.fatalWait(what, err)
		}
		if s.consume(e.Seq) {
			return e
		}
	}
}

func (s *Server) fatalWait(what string, err error) {
	s.t.Helper()
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		s.fatalWithHistory("no %s within %v", what, s.timeout)
	case errors.Is(err, server.ErrServerClosed):
		s.fatalWithHistory("the simulator was closed while waiting for %s", what)
	default:
		s.fatalWithHistory("waiting for %s: %v", what, err)
	}
}

// historyLines is how many recent events a failure message lists.
const historyLines = 20

// fatalWithHistory fails the test with the message and the simulator's
// latest events, which usually show what the game did instead.
func (s *Server) fatalWithHistory(format string, args ...any) {
	s.t.Helper()
	events := s.sim.History()
	var b strings.Builder
	if len(events) > historyLines {
		fmt.Fprintf(&b, "\n  (%d earlier events)", len(events)-historyLines)
		events = events[len(events)-historyLines:]
	}
	for _, e := range events {
		b.WriteString("\n  ")
		b.WriteString(describe(e))
	}
	if b.Len() == 0 {
		b.WriteString("\n  (nothing happened: did the game connect to " + s.URL() + "?)")
	}
	s.t.Fatalf("neurotest: "+format+"\nlatest simulator events:%s", append(args, b.String())...)
}

// describe renders an event on one line.
func describe(e server.Event) string {
	who := e.GameID
	if e.Game != "" {
		who += " " + e.Game
	}
	switch e.Kind {
	case server.EventReceived:
		return fmt.Sprintf("%s ← %s", who, clip(string(e.Frame)))
	case server.EventSent:
		return fmt.Sprintf("%s → %s", who, clip(string(e.Frame)))
	case server.EventFinding:
		return fmt.Sprintf("%s warning: %s", who, e.Finding)
	case server.EventAdvice:
		return fmt.Sprintf("%s advice: %s", who, e.Finding)
	case server.EventSpeech:
		sp := e.Speech
		line := fmt.Sprintf("%s speech %s (%s)", who, sp.Change, sp.Cause)
		if sp.Reason != "" {
			line += ": " + sp.Reason
		}
		return line
	case server.EventContextHeld, server.EventContextDelivered:
		return fmt.Sprintf("%s %s: %s", who, e.Kind, clip(e.Context.Message))
	case server.EventResult:
		r := e.Result
		if r.TimedOut {
			return fmt.Sprintf("%s result of %s (id %s): timed out", who, r.Name, r.ID)
		}
		return fmt.Sprintf("%s result of %s (id %s): success=%t %q", who, r.Name, r.ID, r.Success, r.Message)
	case server.EventForceDone:
		return fmt.Sprintf("%s force %q %s after %d attempt(s)", who, e.Force.Force.Query, e.Force.Outcome, e.Force.Attempts)
	case server.EventDisconnected:
		if e.Err != nil {
			return fmt.Sprintf("%s disconnected: %v", who, e.Err)
		}
		return who + " disconnected"
	default:
		return fmt.Sprintf("%s %s", who, e.Kind)
	}
}

func clip(s string) string {
	const n = 160
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (s *Server) ofGame(e server.Event) bool {
	return s.game == "" || e.GameID == s.game || e.Game == s.game
}

func (s *Server) received(cmd string) func(server.Event) bool {
	return func(e server.Event) bool {
		return e.Kind == server.EventReceived && e.Command == cmd && s.ofGame(e)
	}
}

func (s *Server) whose() string {
	if s.game == "" {
		return "the game"
	}
	return "game " + s.game
}

// WaitForCommand waits for a message with command cmd from the game
// (any game, unless WithGame) and returns it decoded: a wire.ContextMessage for
// "context", a wire.RegisterActions for "actions/register", and so on
// (the neuro.Cmd… constants name them). Messages are handed out once,
// oldest first, by every WaitFor… helper. It fails the test after the
// timeout, or when the message does not decode.
func (s *Server) WaitForCommand(cmd string) wire.Message {
	s.t.Helper()
	e := s.next(fmt.Sprintf("%s from %s", cmd, s.whose()), s.received(cmd))
	if e.Message == nil {
		s.t.Fatalf("neurotest: %s sent a %s message that does not decode: %v\n  frame: %s", s.whose(), cmd, e.Err, clip(string(e.Frame)))
	}
	return e.Message
}

// WaitStartup waits for the startup message of a game (any game, unless
// WithGame) and returns a snapshot of that game, taken on return.
func (s *Server) WaitStartup() server.GameState {
	s.t.Helper()
	e := s.next("startup from "+s.whose(), s.received(wire.CmdStartup))
	st, err := s.sim.Game(e.GameID)
	if err != nil {
		s.t.Fatalf("neurotest: game %s: %v", e.GameID, err)
	}
	return st
}

// WaitForContext waits for a context message containing substr ("" for
// any) and returns it.
func (s *Server) WaitForContext(substr string) wire.ContextMessage {
	s.t.Helper()
	match := s.received(wire.CmdContext)
	e := s.next(fmt.Sprintf("context containing %q from %s", substr, s.whose()), func(e server.Event) bool {
		if !match(e) {
			return false
		}
		c, ok := e.Message.(wire.ContextMessage)
		return ok && strings.Contains(c.Message, substr)
	})
	return e.Message.(wire.ContextMessage)
}

// WaitForForce waits for an actions/force from the game and returns it.
func (s *Server) WaitForForce() neuro.ForceActions {
	s.t.Helper()
	match := s.received(wire.CmdForce)
	e := s.next("actions/force from "+s.whose(), func(e server.Event) bool {
		_, ok := e.Message.(neuro.ForceActions)
		return match(e) && ok
	})
	return e.Message.(neuro.ForceActions)
}

// WaitForAction waits for an action the simulator sent the game (in
// answer to a force, or through Act, SendAction or POST /) and returns
// it: which action Neuro picked, with which data.
func (s *Server) WaitForAction() wire.ActionRequest {
	s.t.Helper()
	e := s.next("action sent to "+s.whose(), func(e server.Event) bool {
		_, ok := e.Message.(wire.ActionRequest)
		return e.Kind == server.EventSent && ok && s.ofGame(e)
	})
	return e.Message.(wire.ActionRequest)
}

// WaitForResult waits for the end of an action, its result or its
// timeout, and returns it; id "" matches any action. Results that Act
// returned are not handed out again.
func (s *Server) WaitForResult(id string) server.Result {
	s.t.Helper()
	what := "action result from " + s.whose()
	if id != "" {
		what = fmt.Sprintf("result of action id %s from %s", id, s.whose())
	}
	match := server.IsResult(id)
	e := s.next(what, func(e server.Event) bool { return match(e) && s.ofGame(e) })
	return *e.Result
}

// WaitForForceDone waits until the simulator finished with a force of the
// game and says how: server.ForceSucceeded once an action of it got a
// successful result, server.ForceGaveUp after the retries (silently: the
// game is told nothing), server.ForceReplaced when the game sent another
// force meanwhile, and so on.
func (s *Server) WaitForForceDone() server.ForceDone {
	s.t.Helper()
	e := s.next("end of a force of "+s.whose(), func(e server.Event) bool {
		return e.Kind == server.EventForceDone && s.ofGame(e)
	})
	return *e.Force
}

// WaitForWarning waits for a protocol warning of the given kind ("" for
// any) and returns it. Use it to test that the simulator catches a
// mistake; RequireNoWarnings still reports the warning afterwards.
func (s *Server) WaitForWarning(kind server.FindingKind) server.Finding {
	s.t.Helper()
	what := "protocol warning"
	if kind != "" {
		what = fmt.Sprintf("warning %q", kind)
	}
	match := server.IsFinding(kind)
	e := s.next(what+" about "+s.whose(), func(e server.Event) bool { return match(e) && s.ofGame(e) })
	return *e.Finding
}

// WaitDisconnected waits until a game connection ends and returns the
// websocket close code and reason the game sent: 1000 for a normal close,
// 1006 when the connection ended without a close frame from the game
// (it dropped, or the simulator closed it).
func (s *Server) WaitDisconnected() (code int, reason string) {
	s.t.Helper()
	e := s.next("disconnection of "+s.whose(), func(e server.Event) bool {
		return e.Kind == server.EventDisconnected && s.ofGame(e)
	})
	if code, reason, ok := transport.CloseCode(e.Err); ok {
		return code, reason
	}
	return transport.CloseAbnormal, ""
}

// WaitRegistered waits until every named action is registered by the game
// the helpers look at, and returns the game's registry. With no names it
// waits for the first registration.
func (s *Server) WaitRegistered(names ...string) []neuro.Action {
	s.t.Helper()
	ctx, cancel := s.context()
	defer cancel()
	w := s.sim.Watch() // taken before the first look: nothing is missed
	for {
		st, stErr := s.gameState()
		if stErr == nil && len(st.Actions) > 0 && len(missingFrom(st.Actions, names)) == 0 {
			return st.Actions
		}
		if _, err := w.Next(ctx); err != nil {
			s.fatalWait(fmt.Sprintf("registration of %q by %s (registered now: %q)",
				names, s.whose(), actionNames(st.Actions)), err)
		}
	}
}
