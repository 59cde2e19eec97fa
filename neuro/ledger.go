package neuro

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/wire"
)

// This file is the one home of "every action gets exactly one result".
// The ledger of a Client records the actions waiting for their result
// (refusing duplicates and, beyond WithMaxActions, excess actions),
// sends every result (the game's own through events.Action.Reply, and
// every failed result sent on the game's behalf), times actions out, and
// turns panics and unanswered actions into failed results. Every text
// such a failed result carries is written here, and nowhere else.

// ledger is the record of the actions of the attached connection that
// wait for their result. Its fields are guarded by Client.mu.
type ledger struct {
	c       *Client
	max     int           // actions waiting for a result at most
	timeout time.Duration // 0: none
	pending map[string]*pendingAction
	// timers counts the armed timeouts of the attached connection and
	// their running callbacks; Serve waits for it. A new one per
	// connection.
	timers *sync.WaitGroup
}

func newLedger(c *Client, max int, timeout time.Duration) ledger {
	return ledger{c: c, max: max, timeout: timeout, pending: make(map[string]*pendingAction), timers: new(sync.WaitGroup)}
}

// attached starts the ledger of a new connection. The caller holds c.mu.
func (l *ledger) attached() {
	l.timers = new(sync.WaitGroup)
}

// forget drops every pending action (its connection ended: the server
// forgot it) and disarms its timeout. The caller holds c.mu.
func (l *ledger) forget() {
	for _, p := range l.pending {
		p.disarmLocked()
	}
	clear(l.pending)
}

// pendingAction is an action handed to the Receiver and waiting for its
// one result. It is the events.Replier of the events.Action delivered.
type pendingAction struct {
	l        *ledger
	id, name string
	gen      uint64          // the connection it came on
	ctx      context.Context // the context it is delivered with
	answered bool            // guarded by Client.mu
	to       *timeout        // set by arm, guarded by Client.mu
}

// timeout is the armed timeout of a pending action.
type timeout struct {
	base     context.Context         // Serve's context, which ctx follows until the action is answered
	timer    *time.Timer             // nil once stopped
	timers   *sync.WaitGroup         // the group timer counts in
	cancel   context.CancelCauseFunc // ends ctx when the timeout answers
	unfollow func() bool             // stops ctx following base
	followed chan struct{}           // closed when ctx followed base (the AfterFunc goroutine is done)
}

// base is Serve's context: failed results on the game's behalf use it,
// since p.ctx ends with the timeout.
func (p *pendingAction) base() context.Context {
	if p.to != nil {
		return p.to.base
	}
	return p.ctx
}

// receive admits an action read on the connection of generation gen
// (registered name, id not pending, room for it), then asks handOff to
// pass reading to another goroutine, then validates the action and
// passes it to the Receiver on the caller's goroutine, or answers it with
// a failed result. It reports whether it called the Receiver, which it
// does only once handOff said yes: otherwise the caller is still the
// reader, and the action is answered busy.
func (l *ledger) receive(ctx context.Context, gen uint64, req wire.ActionRequest, handOff func() bool) (handedOff bool) {
	c := l.c
	c.mu.Lock()
	e, ok := c.reg.get(req.Name)
	c.forceSignLocked(req.Name)
	switch {
	case !ok:
		names := c.reg.names()
		c.mu.Unlock()
		c.log.Warn("action for an unregistered name; answering a failed result",
			zap.String("action", req.Name), zap.String("id", req.ID))
		l.refuse(ctx, gen, req.ID, unknownActionMessage(req.Name, names))
		return false
	case l.pending[req.ID] != nil:
		c.mu.Unlock()
		c.log.Warn("duplicate action id; answering a failed result",
			zap.String("action", req.Name), zap.String("id", req.ID))
		l.refuse(ctx, gen, req.ID, fmt.Sprintf("action id %q is already being handled; wait for its result", req.ID))
		return false
	case len(l.pending) >= l.max:
		c.mu.Unlock()
		c.log.Warn("too many actions waiting for a result; answering a failed result (game busy)",
			zap.String("action", req.Name), zap.String("id", req.ID), zap.Int("max_actions", l.max))
		l.refuse(ctx, gen, req.ID, busyMessage(req.Name))
		return false
	}
	cs := e.schema
	p := &pendingAction{l: l, id: req.ID, name: req.Name, gen: gen, ctx: ctx}
	// Claim the id before checking the data, so that a duplicate arriving
	// meanwhile cannot slip through; a failed check answers through p.
	if c.gen == gen && c.conn != nil {
		l.pending[req.ID] = p
	}
	c.mu.Unlock()

	if !handOff() {
		// Every reader is in a handler (they keep running after their
		// action was answered): this one must go on reading.
		c.log.Warn("every reader is busy in a handler; answering a failed result (game busy)",
			zap.String("action", req.Name), zap.String("id", req.ID))
		if _, err := p.send(ctx, false, busyMessage(req.Name)); err != nil {
			c.log.Warn("answering a busy action failed", zap.String("id", req.ID), zap.Error(err))
		}
		return false
	}
	if cs != nil {
		if err := cs.Check(req.Data, req.HasData); err != nil {
			msg := err.Error()
			var de *schema.DataError
			if errors.As(err, &de) {
				msg = de.Message
			}
			c.log.Info("action data does not match the schema; answering a failed result",
				zap.String("action", req.Name), zap.String("id", req.ID), zap.Error(err))
			if _, rerr := p.send(ctx, false, msg); rerr != nil {
				c.log.Warn("answering an invalid action failed", zap.String("id", req.ID), zap.Error(rerr))
			}
			return true
		}
	}
	l.arm(p)
	l.deliver(p, events.NewAction(req.ID, req.Name, req.Data, p))
	return true
}

// refuseMalformed answers an action frame the decoder rejected but whose
// id it could read, with that id exactly as received.
func (l *ledger) refuseMalformed(ctx context.Context, gen uint64, de *wire.DecodeError) {
	l.c.log.Warn("malformed action; answering a failed result", zap.String("id", de.ID), zap.Error(de))
	l.refuse(ctx, gen, de.ID, fmt.Sprintf("malformed action message: field %s: %v", de.Field, de.Err))
}

// refuse answers the action id of connection gen with a failed result
// that is not recorded as pending: the action never reached the Receiver.
func (l *ledger) refuse(ctx context.Context, gen uint64, id, message string) {
	c := l.c
	if err := c.lock(ctx); err != nil {
		return
	}
	defer c.unlock()
	c.mu.Lock()
	conn := c.conn
	if c.gen != gen {
		conn = nil
	}
	c.mu.Unlock()
	if conn == nil {
		return
	}
	if err := conn.Write(ctx, c.resultFrame(id, false, message)); err != nil {
		c.log.Warn("sending a failed result failed", zap.String("id", id), zap.Error(err))
	}
}

// deliver hands act to the Receiver; a panic answers it with a failed
// result.
func (l *ledger) deliver(p *pendingAction, act events.Action) {
	defer func() {
		if v := recover(); v != nil {
			l.c.log.Error("action receiver panicked; answering a failed result",
				zap.String("action", p.name), zap.String("id", p.id),
				zap.Any("panic", v), zap.ByteString("stack", debug.Stack()))
			if _, err := p.send(p.base(), false, internalErrorMessage); err != nil && !errors.Is(err, ErrAlreadyAnswered) {
				l.c.log.Warn("sending an action result failed", zap.String("id", p.id), zap.Error(err))
			}
		}
	}()
	l.c.recv.ReceiveAction(p.ctx, act)
}

// arm starts p's timeout, when there is one: p gets a context of its own
// that follows Serve's while p waits for its result, and that the timeout
// ends. The context is no longer registered with Serve's once p is
// answered, so nothing piles up there.
func (l *ledger) arm(p *pendingAction) {
	if l.timeout <= 0 {
		return
	}
	c := l.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.answered || p.gen != c.gen || c.conn == nil {
		return
	}
	base := p.ctx
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(base))
	p.ctx = ctx
	followed := make(chan struct{})
	p.to = &timeout{base: base, timers: l.timers, cancel: cancel, followed: followed,
		unfollow: context.AfterFunc(base, func() {
			defer close(followed)
			cancel(context.Cause(base))
		})}
	l.timers.Add(1)
	p.to.timer = time.AfterFunc(l.timeout, p.expire)
}

// disarmLocked stops p's timeout. The caller holds c.mu.
func (p *pendingAction) disarmLocked() {
	t := p.to
	if t == nil {
		return
	}
	if t.timer != nil {
		if t.timer.Stop() {
			t.timers.Done() // else expire runs, or ran, and counts itself out
		}
		t.timer = nil
	}
	if t.unfollow != nil {
		if !t.unfollow() {
			<-t.followed // it only cancels ctx: join it
		}
		t.unfollow = nil
	}
}

// expire answers p on the game's behalf when its timeout passed first,
// then ends the context it was delivered with. It runs on the timer's
// goroutine, which Serve joins through timers.
func (p *pendingAction) expire() {
	t := p.to // set before the timer started
	defer t.timers.Done()
	l := p.l
	dropped, err := p.send(t.base, false, fmt.Sprintf("the game took longer than %s to handle action %q; try again", l.timeout, p.name))
	switch {
	case errors.Is(err, ErrAlreadyAnswered):
		return // the handler won the race
	case err != nil:
		l.c.log.Warn("action handler timed out; sending its failed result failed",
			zap.String("action", p.name), zap.String("id", p.id), zap.Error(err))
	case dropped:
		l.c.log.Warn("action handler timed out after its connection ended; no result sent",
			zap.String("action", p.name), zap.String("id", p.id), zap.Duration("timeout", l.timeout))
	default:
		l.c.log.Warn("action handler timed out; answered a failed result",
			zap.String("action", p.name), zap.String("id", p.id), zap.Duration("timeout", l.timeout))
	}
	t.cancel(ErrHandlerTimeout)
}

// Reply sends the action's result; see events.Action.Reply. Only the first
// call is sent (later ones return an error wrapping ErrAlreadyAnswered);
// a failure needs a message. A result for an action received on a
// connection that has ended is dropped with a log and Reply returns nil:
// the server forgot that action. Once Reply got past ctx and validation
// the action counts as answered, even if the write fails.
func (p *pendingAction) Reply(ctx context.Context, success bool, message string) error {
	_, err := p.send(ctx, success, message)
	return err
}

// Answered reports whether a result of p was accepted (sent or dropped).
func (p *pendingAction) Answered() bool {
	p.l.c.mu.Lock()
	defer p.l.c.mu.Unlock()
	return p.answered
}

// send sends p's one result, or reports why not: dropped is true when
// the result was accepted but not sent because its connection has ended.
func (p *pendingAction) send(ctx context.Context, success bool, message string) (dropped bool, err error) {
	if !success && strings.TrimSpace(message) == "" {
		return false, wire.CheckResult(ActionResult{ID: p.id, Success: success, Message: message})
	}
	if p.Answered() { // no need to wait for the send lock
		return false, p.alreadyAnswered()
	}
	l, c := p.l, p.l.c
	if err := c.lock(ctx); err != nil {
		return false, err
	}
	defer c.unlock()
	c.mu.Lock()
	if p.answered {
		c.mu.Unlock()
		return false, p.alreadyAnswered()
	}
	p.answered = true
	p.disarmLocked()
	conn := c.conn
	if p.gen != c.gen || conn == nil {
		c.mu.Unlock()
		c.log.Warn("dropping the result of an action received on a connection that has ended",
			zap.String("action", p.name), zap.String("id", p.id), zap.Bool("success", success))
		return true, nil
	}
	if l.pending[p.id] == p {
		delete(l.pending, p.id)
	}
	// The force state changes before the write, under the send lock: a
	// queued force still goes out after this result, and the state is
	// current by the time Neuro sees the result.
	c.resultSentLocked(p.name, success)
	c.mu.Unlock()
	return false, conn.Write(ctx, c.resultFrame(p.id, success, message))
}

func (p *pendingAction) alreadyAnswered() error {
	return fmt.Errorf("%w: action %q (id %q)", ErrAlreadyAnswered, p.name, p.id)
}

// SendResult answers the pending action whose id is r.ID; it is the same
// as calling Reply on the events.Action the Receiver got. It returns
// ErrNotConnected without a connection, an error wrapping
// ErrAlreadyAnswered when no action with that id is waiting for a result
// on the attached connection (answered already, never received, or
// received on a connection that has ended), and a *ValidationError for a
// failure without a message.
func (c *Client) SendResult(ctx context.Context, r ActionResult) error {
	if err := wire.CheckResult(r); err != nil {
		return err
	}
	c.mu.Lock()
	p, connected := c.book.pending[r.ID], c.conn != nil
	c.mu.Unlock()
	if !connected {
		return ErrNotConnected
	}
	if p == nil {
		return fmt.Errorf("%w: no action with id %q is waiting for a result", ErrAlreadyAnswered, r.ID)
	}
	return p.Reply(ctx, r.Success, r.Message)
}

// unanswered says why the game answers an action on its own behalf once
// the code that should have answered it is done.
type unanswered uint8

const (
	notHandled    unanswered = iota // nothing handles the action's event
	handlerFailed                   // a handler returned an error or panicked
	noReply                         // every handler returned nil without replying
	choiceBusy                      // a one-shot group stayed busy until the action's context ended
	choiceClosed                    // a one-shot group closed before this use could run
)

// settle answers act with a failed result for why, unless it was
// answered: every failed result the game sends on its own behalf after
// the action reached its Receiver is decided here. cause is the
// handlers' error, for handlerFailed. An action left unanswered that was
// unregistered meanwhile (a one-shot action or group that closed) is
// answered as closed instead.
func (c *Client) settle(ctx context.Context, act events.Action, why unanswered, cause error) {
	if why == handlerFailed {
		c.log.Error("action handler failed", zap.String("action", act.Name), zap.String("id", act.ID), zap.Error(cause))
	}
	if act.Answered() { // the usual case, checked first: no text to build
		return
	}
	var msg string
	switch why {
	case notHandled:
		c.log.Warn("action without a handler; answering a failed result", zap.String("action", act.Name), zap.String("id", act.ID))
		msg = notHandledMessage(act.Name)
	case handlerFailed:
		msg = internalErrorMessage
	case noReply:
		c.log.Warn("action handlers returned without replying; answering a failed result",
			zap.String("action", act.Name), zap.String("id", act.ID))
		msg = fmt.Sprintf("the game did not answer action %q; try again", act.Name)
	case choiceBusy:
		msg = "the game is busy with another choice; try again"
	case choiceClosed:
		msg = closedMessage(act.Name)
	}
	if (why == notHandled || why == noReply) && !c.hasAction(act.Name) {
		msg = closedMessage(act.Name)
	}
	c.reply(ctx, act, false, msg)
}

// reply answers act unless it was answered; other errors are logged.
func (c *Client) reply(ctx context.Context, act events.Action, success bool, message string) {
	err := act.Reply(ctx, success, message)
	if err != nil && !errors.Is(err, ErrAlreadyAnswered) {
		c.log.Warn("sending an action result failed", zap.String("action", act.Name), zap.String("id", act.ID), zap.Error(err))
	}
}

// callActionFunc runs fn, turning a panic into a failed result and an
// empty failure message into one that Neuro can read.
func callActionFunc(ctx context.Context, log *zap.Logger, fn ActionFunc, act events.Action) (res Result) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("action handler panicked; answering a failed result",
				zap.String("action", act.Name), zap.String("id", act.ID),
				zap.Any("panic", v), zap.ByteString("stack", debug.Stack()))
			res = Failure(internalErrorMessage)
		}
	}()
	res = fn(ctx, act)
	if !res.Success && res.Message == "" {
		log.Warn("action handler failed without a message; Neuro needs one", zap.String("action", act.Name))
		res.Message = fmt.Sprintf("action %q cannot be done right now; try something else", act.Name)
	}
	return res
}

// ---- the texts of the failed results sent on the game's behalf ----

const internalErrorMessage = "internal error in the game while handling this action; try again or choose another action"

func unknownActionMessage(name string, available []string) string {
	if len(available) == 0 {
		return fmt.Sprintf("unknown action %q; no actions are available right now", name)
	}
	return fmt.Sprintf("unknown action %q; available actions: %s", name, strings.Join(available, ", "))
}

func notHandledMessage(name string) string {
	return fmt.Sprintf("the game does not handle action %q right now; try another action", name)
}

func busyMessage(name string) string {
	return fmt.Sprintf("the game is busy with other actions and cannot handle %q now; try again in a moment", name)
}

func closedMessage(name string) string {
	return fmt.Sprintf("action %q is no longer available: that choice is closed", name)
}
