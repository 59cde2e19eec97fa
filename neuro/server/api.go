package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/neurokit/neurokit/neuro/wire"
)

// ---- Go API: sending ----
//
// Every method taking a game reference accepts "" (the most recently
// connected game still connected), a connection id ("#1") or a game name.

// Send sends one Neuro → game message to a game and waits until it is
// written. An ActionRequest sent this way is tracked like any other action
// (see SendAction).
func (s *Server) Send(ctx context.Context, gameRef string, m wire.Message) error {
	frame, err := encodeToGame(m)
	if err != nil {
		return err
	}
	return s.SendRaw(ctx, gameRef, frame)
}

// SendRaw sends frame to a game unchanged, whatever it holds, and waits
// until it is written; when ctx ends while the frame still waits in the
// game's send queue, it is not sent. When it is an action with an id, the
// server tracks it as pending (before writing it) so that the game's
// result is recorded and not reported as unknown.
func (s *Server) SendRaw(ctx context.Context, gameRef string, frame []byte) error {
	g, err := s.findGame(gameRef)
	if err != nil {
		return err
	}
	m, _ := decodeToGame(frame)
	return g.sendRaw(ctx, m, frame, true)
}

// Broadcast queues frame, unchanged, for every connected game, like the
// official mock's POST /, and returns how many games it was queued for.
// It never waits for a game to read: a game whose send queue is full is
// skipped, with ErrSendQueueFull in the joined error. Actions are tracked
// as in SendRaw. ctx is only checked before anything is queued.
func (s *Server) Broadcast(ctx context.Context, frame []byte) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m, _ := decodeToGame(frame)
	var (
		n    int
		errs []error
	)
	for _, g := range s.gameList() {
		if !g.live.Load() {
			continue
		}
		if err := g.sendRaw(ctx, m, frame, false); err != nil {
			errs = append(errs, fmt.Errorf("game %s: %w", g.label(), err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// SendAction sends an action outside any force and returns its id. data
// is the JSON document to send ("" sends no data). The pending record
// exists before the frame is written. Failed results of such actions are
// not retried.
func (s *Server) SendAction(ctx context.Context, gameRef, name, data string) (string, error) {
	g, err := s.findGame(gameRef)
	if err != nil {
		return "", err
	}
	p, err := g.sendAction(ctx, name, data, data != "", nil, PendingAction{})
	if err != nil {
		return "", err
	}
	return p.ID, nil
}

// Act sends an action (as SendAction) and waits for its result. When no
// result comes within the result timeout it returns the timed-out Result
// and ErrResultTimeout.
func (s *Server) Act(ctx context.Context, gameRef, name, data string) (Result, error) {
	g, err := s.findGame(gameRef)
	if err != nil {
		return Result{}, err
	}
	p, err := g.sendAction(ctx, name, data, data != "", nil, PendingAction{})
	if err != nil {
		return Result{}, err
	}
	return g.await(ctx, p)
}

// AwaitResult waits for the result of the action id sent to a game, or
// returns it at once if it came already. It returns ErrResultTimeout
// (with the timed-out Result) when none came in time, and
// ErrUnknownAction for an id never sent to that game (or one no longer in
// its history).
func (s *Server) AwaitResult(ctx context.Context, gameRef, id string) (Result, error) {
	g, err := s.findGame(gameRef)
	if err != nil {
		return Result{}, err
	}
	g.mu.Lock()
	p, ok := g.pending[id]
	if !ok {
		if r, found := g.findResultLocked(id); found {
			g.mu.Unlock()
			return r, resultErr(r)
		}
	}
	g.mu.Unlock()
	if !ok {
		return Result{}, fmt.Errorf("%w: %q", ErrUnknownAction, id)
	}
	return g.await(ctx, p)
}

// ReregisterAll sends actions/reregister_all to a game.
func (s *Server) ReregisterAll(ctx context.Context, gameRef string) error {
	return s.Send(ctx, gameRef, wire.ReregisterAll{})
}

// ShutdownGraceful sends shutdown/graceful to a game; wants false cancels
// an earlier request.
func (s *Server) ShutdownGraceful(ctx context.Context, gameRef string, wants bool) error {
	return s.Send(ctx, gameRef, wire.ShutdownGraceful{WantsShutdown: wants})
}

// ShutdownImmediate sends shutdown/immediate to a game.
func (s *Server) ShutdownImmediate(ctx context.Context, gameRef string) error {
	return s.Send(ctx, gameRef, wire.ShutdownImmediate{})
}

// ---- Go API: inspecting ----

// Games returns a snapshot of every game connection the server knows, in
// connection order (disconnected ones included, the oldest dropped beyond
// a limit).
func (s *Server) Games() []GameState {
	games := s.gameList()
	out := make([]GameState, 0, len(games))
	for _, g := range games {
		out = append(out, g.snapshot())
	}
	return out
}

// Game returns a snapshot of one game.
func (s *Server) Game(gameRef string) (GameState, error) {
	g, err := s.findGame(gameRef)
	if err != nil {
		return GameState{}, err
	}
	return g.snapshot(), nil
}

// State returns the snapshot served by GET /state.
func (s *Server) State() State {
	return State{Session: s.env.session, Games: s.Games(), Voice: s.VoiceState()}
}

// Registry returns the actions a game has registered, in registration
// order.
func (s *Server) Registry(gameRef string) ([]wire.Action, error) {
	st, err := s.Game(gameRef)
	return st.Actions, err
}

// ContextLog returns the context messages a game sent, oldest first.
func (s *Server) ContextLog(gameRef string) ([]ContextEntry, error) {
	st, err := s.Game(gameRef)
	return st.Context, err
}

// Findings returns the recorded protocol findings of every game, in
// order (advice apart: see Advice).
func (s *Server) Findings() []Finding {
	return s.allFindings(func(st GameState) []Finding { return st.Findings })
}

// allFindings gathers one list of findings of every game, in order.
func (s *Server) allFindings(list func(GameState) []Finding) []Finding {
	var out []Finding
	for _, st := range s.Games() {
		out = append(out, list(st)...)
	}
	slices.SortFunc(out, func(a, b Finding) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}

// Results returns every action result (and timeout) of every game, in the
// order they came.
func (s *Server) Results() []Result {
	var out []Result
	for _, st := range s.Games() {
		out = append(out, st.Results...)
	}
	slices.SortStableFunc(out, func(a, b Result) int { return a.At.Compare(b.At) })
	return out
}
