package tictactoe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// PlayAction is the name of the action Neuro moves with.
const PlayAction = "play"

// Rules is the context sent once connected, before the first game.
const Rules = "Let's play tic-tac-toe! You are O, the computer is X. " +
	"Cells are numbered like a phone keypad: 1 2 3 on top, 4 5 6 in the middle, 7 8 9 at the bottom. " +
	"Three in a row wins. On your turn, use the play action with a free cell."

// Score counts the games won by each side.
type Score struct {
	Neuro, Computer, Draws int
}

// String returns the score as "Neuro 1 · computer 0 · draws 0".
func (s Score) String() string {
	return fmt.Sprintf("Neuro %d · computer %d · draws %d", s.Neuro, s.Computer, s.Draws)
}

// Run plays a session of tic-tac-toe with Neuro at url (a websocket URL)
// and writes its transcript to w: the boards, the moves and every message
// exchanged, one short line each. It returns the score.
//
// It connects a neuro.Component with reconnect on (see WithReconnect),
// retrying the first connection for the connect wait (WithConnectWait);
// waits for Neuro's acknowledgement of the startup, at most for the ack
// wait (WithAckWait), so that a seeded match prints the same transcript
// every time; sends the rules as context; plays the games (each Neuro
// turn first waits, at most for the speech wait (WithSpeechWait), until
// she finished talking about the last move, then is one typed action
// window: context, register "play" with the free cells, force at priority
// low with the board as state, wait for a valid move, unregister before
// the successful result); sends each outcome as context; and stops the
// component with a clean close (1000, "match over").
//
// A dropped connection does not end the match: the component reconnects
// and the turn in progress is forced again. Run fails when the first
// connection cannot be made within the connect wait, when reconnecting
// gives up, or when Neuro makes no valid move in several turn timeouts in
// a row while connected. When ctx ends, Run stops the component cleanly
// (1001, "game closed") and returns ctx.Err(). Run returns only once every
// goroutine it started has returned.
func Run(ctx context.Context, url string, w io.Writer, opts ...Option) (Score, error) {
	o := newOptions(opts)
	t := newTranscript(w, o.color, o.quiet)
	dial := o.dialer
	if dial == nil {
		dial = gorilla.Dialer()
	}
	comp, err := neuro.NewComponent(o.gameName,
		neuro.WithLogger(o.logger),
		neuro.WithDialer(t.dialer(dial)),
		neuro.WithReconnect(o.reconnect),
	)
	if err != nil {
		return Score{}, err
	}
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	s := &session{
		Base:    manager.NewBase("tictactoe"),
		o:       o,
		url:     url,
		t:       t,
		log:     o.logger.Named("tictactoe"),
		neuro:   comp,
		x:       NewComputer(X, o.seed),
		cancel:  cancel,
		changed: make(chan struct{}),
	}
	m := manager.New("demo", manager.WithLogger(o.logger))
	if err := m.AddAll(comp, s); err != nil {
		return Score{}, err
	}
	defer m.RemoveAll()

	err = s.play(sctx)
	switch {
	case ctx.Err() != nil:
		err = ctx.Err()
	case err != nil && sctx.Err() != nil:
		err = context.Cause(sctx) // reconnecting gave up
	}
	if stopErr := s.stop(ctx, err); err == nil {
		err = stopErr
	}
	return s.score, err
}

// session is one Run: the game state and the component that listens to
// the Neuro component's connection events.
type session struct {
	manager.Base
	o      options
	url    string
	t      *transcript
	log    *zap.Logger
	neuro  *neuro.Component
	x      *Computer
	score  Score // only the Run goroutine touches it
	cancel context.CancelCauseFunc

	mu      sync.Mutex
	changed chan struct{} // closed and replaced at each connection event
	downs   int           // connections lost so far
}

// BindHandlers follows the Neuro component's connection events.
func (s *session) BindHandlers() error {
	_, err := s.RegisterHandlers(map[string]manager.Handler{
		events.Connected:     s.onChange,
		events.Reconnected:   s.onChange,
		events.Disconnected:  s.onDisconnected,
		events.ConnectFailed: s.onConnectFailed,
		// The acknowledgement only wakes waitAck, which reads the
		// component's Session: events may arrive out of order.
		events.StartupAcknowledged: s.onChange,
	})
	return err
}

func (s *session) onChange(context.Context, manager.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kickLocked()
	return nil
}

func (s *session) kickLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *session) onDisconnected(_ context.Context, ev manager.Event) error {
	d, err := manager.Payload[events.DisconnectedData](ev)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.downs++
	s.kickLocked()
	s.mu.Unlock()
	if d.Err != nil && !d.WillReconnect {
		s.cancel(fmt.Errorf("lost Neuro at %s: %w", s.url, d.Err))
	}
	return nil
}

func (s *session) onConnectFailed(_ context.Context, ev manager.Event) error {
	d, err := manager.Payload[events.ConnectFailedData](ev)
	if err != nil {
		return err
	}
	// The first failure of the first connection is reported while the
	// component keeps trying; only giving up ends the session.
	limit := s.o.reconnect.MaxAttempts
	if limit == 0 {
		limit = neuro.DefaultReconnectMaxAttempts
	}
	if limit > 0 && d.Attempts >= limit {
		s.cancel(fmt.Errorf("cannot reach Neuro at %s: gave up after %d attempts: %w", s.url, d.Attempts, d.Err))
	}
	return nil
}

// watch returns the channel closed at the next connection event and the
// number of connections lost so far.
func (s *session) watch() (<-chan struct{}, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed, s.downs
}

// waitUp waits at most d for a connection; it reports whether there is
// one.
func (s *session) waitUp(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		changed, _ := s.watch()
		if s.neuro.Connected() {
			return true
		}
		select {
		case <-changed:
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// play runs the session up to the last outcome.
func (s *session) play(ctx context.Context) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	s.waitAck(ctx)
	if err := s.neuro.SendContext(ctx, Rules, true); err != nil {
		return err
	}
	for n := 1; n <= s.o.games; n++ {
		if err := s.game(ctx, n); err != nil {
			return err
		}
	}
	s.t.block(s.t.paint(styleBold, "Final score: "+s.score.String()))
	// The last outcome may be waiting for a connection.
	if !s.waitUp(ctx, s.o.connectWait) && ctx.Err() == nil {
		s.t.print(s.t.paint(styleRed, "… Neuro is away; she will not hear the last outcome"))
	}
	return nil
}

// waitAck waits, at most for the ack wait, until Neuro acknowledged the
// startup of the first connection. Nothing depends on the
// acknowledgement (it is optional, and older servers never send it), but
// the frames she sends on connecting (actions/reregister_all, the
// acknowledgement) then come before the rules in the transcript, in the
// same place every run, instead of wherever the reader goroutine happens
// to print them.
func (s *session) waitAck(ctx context.Context) {
	timer := time.NewTimer(s.o.ackWait)
	defer timer.Stop()
	for {
		changed, _ := s.watch()
		if _, ok := s.neuro.Session(); ok {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			s.log.Debug("no startup acknowledgement; going on", zap.Duration("waited", s.o.ackWait))
			return
		case <-ctx.Done():
			return
		}
	}
}

// connect makes the first connection, retrying for the connect wait.
func (s *session) connect(ctx context.Context) error {
	err := s.neuro.Connect(ctx, s.url)
	if err == nil || ctx.Err() != nil {
		return err
	}
	s.t.print(s.t.paint(styleRed, fmt.Sprintf("… no Neuro at %s yet (%s); retrying for %s",
		s.url, rootCause(err), s.o.connectWait)))
	if s.waitUp(ctx, s.o.connectWait) {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &ConnectError{URL: s.url, Tried: s.o.connectWait, Err: err}
}

// ConnectError reports that Run could not make its first connection.
type ConnectError struct {
	URL   string
	Tried time.Duration // how long Run kept trying
	Err   error         // the first dial error
}

// Error returns one line: "cannot reach Neuro at URL (tried for 5s):
// connection refused".
func (e *ConnectError) Error() string {
	return fmt.Sprintf("cannot reach Neuro at %s (tried for %s): %s", e.URL, e.Tried, rootCause(e.Err))
}

// Unwrap returns the dial error.
func (e *ConnectError) Unwrap() error { return e.Err }

// rootCause returns the innermost part of an error's text, "connection
// refused" for "gorilla: dial ws://…: dial tcp …: connect: connection
// refused".
func rootCause(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		msg = msg[i+2:]
	}
	return shorten(msg, maxTextRunes)
}

// stop stops the component: a clean close after the match, "game closed"
// otherwise.
func (s *session) stop(ctx context.Context, cause error) error {
	code, reason := transport.CloseNormal, "match over"
	if cause != nil {
		code, reason = transport.CloseGoingAway, "game closed"
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultStopTimeout)
	defer cancel()
	if err := s.neuro.Stop(sctx, code, reason); err != nil {
		return fmt.Errorf("stopping the Neuro component: %w", err)
	}
	return nil
}

// game plays game n: Neuro moves first in the odd ones.
func (s *session) game(ctx context.Context, n int) error {
	var b Board
	turn, intro := O, fmt.Sprintf("Game %d of %d: you move first.", n, s.o.games)
	who := "Neuro (O) moves first"
	if n%2 == 0 {
		turn, intro = X, fmt.Sprintf("Game %d of %d: the computer moves first.", n, s.o.games)
		who = "the computer (X) moves first"
	}
	s.t.print("\n" + s.t.paint(styleBold, fmt.Sprintf("── Game %d of %d · %s ──", n, s.o.games, who)))
	news := intro
	for !b.Over() {
		if turn == X {
			cell := s.x.Move(b)
			if err := b.Play(cell, X); err != nil {
				return err
			}
			s.printMove(styleX, "The computer (X) plays %d", cell, b)
			news = strings.TrimSpace(fmt.Sprintf("%s The computer (X) took cell %d.", news, cell))
		} else {
			cell, err := s.neuroTurn(ctx, b, news)
			if err != nil {
				return err
			}
			if err := b.Play(cell, O); err != nil {
				return fmt.Errorf("neuro's move: %w", err) // the window's rule checked it
			}
			s.printMove(styleO, "Neuro (O) plays %d", cell, b)
			news = ""
		}
		turn = turn.Other()
	}

	winner, line := b.Winner()
	var said, told string
	switch winner {
	case O:
		s.score.Neuro++
		said = fmt.Sprintf("Neuro wins game %d with %s!", n, joinLine(line))
		told = fmt.Sprintf("You won game %d with cells %s!", n, JoinCells(line))
	case X:
		s.score.Computer++
		said = fmt.Sprintf("The computer wins game %d with %s.", n, joinLine(line))
		told = fmt.Sprintf("The computer won game %d with cells %s.", n, JoinCells(line))
	default:
		s.score.Draws++
		said = fmt.Sprintf("Game %d is a draw.", n)
		told = said
	}
	s.log.Info("game over", zap.Int("game", n), zap.Stringer("winner", winner), zap.Stringer("score", s.score))
	s.t.block(s.t.paint(styleWin, said))
	told += fmt.Sprintf(" Score: you %d, the computer %d, draws %d.", s.score.Neuro, s.score.Computer, s.score.Draws)
	return s.neuro.SendContext(ctx, told, false)
}

func joinLine(line []int) string {
	parts := make([]string, len(line))
	for i, c := range line {
		parts[i] = fmt.Sprint(c)
	}
	return strings.Join(parts, "-")
}

// printMove prints a move's title, then the board after it.
func (s *session) printMove(style, format string, cell int, b Board) {
	s.t.block(s.t.paint(style, fmt.Sprintf(format, cell)) + "\n" + s.t.board(b))
}

// Move is the data of the play action: the cell Neuro puts her O in. Its
// schema says 1 to 9; each window narrows it to the free cells (Among).
type Move struct {
	Cell int `json:"cell" jsonschema:"minimum=1,maximum=9"`
}

// playDescription is the description of the play action.
const playDescription = "Put your O in a free cell. Cells are numbered like a phone keypad: " +
	"1 2 3 on top, 4 5 6 in the middle, 7 8 9 at the bottom."

// neuroTurn asks Neuro for her move on b through an action window whose
// context is news (what happened since her last move), and returns the
// cell. It first lets her finish talking about the last move (see
// waitSpeech), so that the force, at priority low, does not wait behind
// her. The play action's schema lists the free cells (neuro.Among), and
// a move outside them is answered with a failed result that lists them.
// A window that gets no valid move within the turn timeout is closed and
// opened again; several in a row while connected end the session.
func (s *session) neuroTurn(ctx context.Context, b Board, news string) (int, error) {
	unanswered := 0
	for {
		s.waitSpeech(ctx)
		_, downs := s.watch()
		spec := neuro.WindowSpec{
			Context: news,
			Silent:  true,
			Force: neuro.ForceActions{
				State:    "You are O, the computer is X.\n\n" + b.Markdown(),
				Query:    "Your move: pick a free cell for your O.",
				Priority: neuro.PriorityLow,
			},
		}
		wctx, cancel := context.WithTimeout(ctx, s.o.turnTimeout)
		m, err := neuro.TypedWindow[Move](wctx, s.neuro, spec, PlayAction, playDescription, nil, neuro.Among("cell", b.Free()...))
		cancel()
		if err == nil {
			return m.Cell, nil
		}
		if ctx.Err() != nil || !(errors.Is(err, context.DeadlineExceeded) || errors.Is(err, neuro.ErrForceIgnored)) {
			return 0, err
		}
		if _, now := s.watch(); now == downs && s.neuro.Connected() {
			unanswered++
		}
		if unanswered >= maxUnansweredTurns {
			return 0, fmt.Errorf("no valid move from Neuro after asking %d times (%s each)", unanswered, s.o.turnTimeout)
		}
		s.log.Warn("no valid move from Neuro within the turn timeout; asking again",
			zap.Duration("timeout", s.o.turnTimeout), zap.Int("unanswered", unanswered), zap.Error(err))
		s.t.print(s.t.paint(styleRed, fmt.Sprintf("… no valid move from Neuro within %s; asking again", s.o.turnTimeout)))
		news = "Still your move."
	}
}

// waitSpeech waits, at most for the speech wait, until Neuro has finished
// talking: a force at priority low waits until she stops anyway, and a
// new force while she comments on her last move would only hurry her. It
// returns at once when she is not speaking (a server that never sends
// speech_finished costs nothing), and when the connection drops (the
// window handles the reconnect).
func (s *session) waitSpeech(ctx context.Context) {
	if !s.neuro.Speaking() {
		return
	}
	wctx, cancel := context.WithTimeout(ctx, s.o.speechWait)
	defer cancel()
	err := s.neuro.WaitSpeechFinished(wctx)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		s.log.Info("Neuro is still talking; asking for her move anyway", zap.Duration("waited", s.o.speechWait))
		s.t.print(s.t.paint(styleDim, fmt.Sprintf("… Neuro is still talking after %s; asking for her move anyway", s.o.speechWait)))
	}
}
