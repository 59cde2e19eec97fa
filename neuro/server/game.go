package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/transport"
)

// game is the server side of one game connection.
type game struct {
	s    *Server
	id   string
	conn transport.Conn
	live atomic.Bool
	gone chan struct{} // closed when the connection ended
	wake chan struct{} // wakes the force loop (capacity 1)

	mu             sync.Mutex
	name           string
	startedUp      bool
	shutdownReady  bool
	connectedAt    time.Time
	disconnectedAt time.Time
	registry       []neuro.Action
	context        []ContextEntry
	pending        map[string]*pending
	expired        map[string]bool
	expiredOrder   []string
	queue          []*force
	warnings       []Warning
	results        []resultRec // oldest first, at most maxLogEntries
}

// pending is an action waiting for its result. It is resolved once, by its
// result or its timeout, whichever takes game.mu first: resolved and res
// are set and done closed under game.mu.
type pending struct {
	PendingAction
	force    *force
	done     chan struct{}
	resolved bool
	res      Result
}

// force is one actions/force message, queued or being served.
type force struct {
	msg        neuro.ForceActions
	receivedAt time.Time
	attempts   int
	cancel     chan struct{} // closed when a new startup drops it
}

func newGame(s *Server, id string, conn transport.Conn) *game {
	g := &game{
		s:           s,
		id:          id,
		conn:        conn,
		gone:        make(chan struct{}),
		wake:        make(chan struct{}, 1),
		connectedAt: time.Now(),
		pending:     map[string]*pending{},
		expired:     map[string]bool{},
	}
	g.live.Store(true)
	return g
}

func (g *game) nameNow() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.name
}

// label names the game in logs: "Tic Tac Toe (#1)", or "#1" before its
// first message.
func (g *game) label() string {
	if n := g.nameNow(); n != "" {
		return n + " (" + g.id + ")"
	}
	return g.id
}

func (g *game) signal() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// warnLocked records a warning; g.mu must be held. It logs and records the
// event while holding it, so warnings keep their order; neither calls back
// into the game.
func (g *game) warnLocked(kind WarningKind, detail string) {
	w := Warning{GameID: g.id, Game: g.name, Kind: kind, Detail: detail, Time: time.Now()}
	e := g.s.record(Event{Kind: EventWarning, GameID: g.id, Game: g.name, Time: w.Time, Warning: &w})
	g.warnings = appendCapped(g.warnings, *e.Warning)
	g.s.log.Warn("warning: "+string(kind), zap.String("game", orID(g.name, g.id)), zap.String("id", g.id), zap.String("detail", detail))
}

func (g *game) warn(kind WarningKind, detail string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.warnLocked(kind, detail)
}

// resultRec is a Result as a game keeps it in its history: 128 bytes
// instead of 208 (a game's id and name are its own, the deadline an offset
// from SentAt, the booleans bits), so 100 round trips cost a game about
// 13 KiB of history instead of 27. It converts back exactly.
type resultRec struct {
	id, name, data, message string
	sentAt, at              time.Time
	timeout                 time.Duration // Deadline - SentAt
	attempt                 int32
	flags                   uint8
}

const (
	recHasData uint8 = 1 << iota
	recForced
	recFaulty
	recSuccess
	recTimedOut
	recNamed // Game was the game's name (not "": no name yet)
)

func compactResult(r Result) resultRec {
	rec := resultRec{
		id: r.ID, name: r.Name, data: r.Data, message: r.Message,
		sentAt: r.SentAt, at: r.At, timeout: r.Deadline.Sub(r.SentAt), attempt: int32(r.Attempt),
	}
	for _, f := range []struct {
		on  bool
		bit uint8
	}{{r.HasData, recHasData}, {r.Forced, recForced}, {r.Faulty, recFaulty}, {r.Success, recSuccess}, {r.TimedOut, recTimedOut}, {r.Game != "", recNamed}} {
		if f.on {
			rec.flags |= f.bit
		}
	}
	return rec
}

// expandLocked expands rec, a result of g.
func (g *game) expandLocked(rec resultRec) Result {
	r := Result{
		PendingAction: PendingAction{
			ID: rec.id, Name: rec.name, Data: rec.data, HasData: rec.flags&recHasData != 0,
			Forced: rec.flags&recForced != 0, Attempt: int(rec.attempt), Faulty: rec.flags&recFaulty != 0,
			SentAt: rec.sentAt, Deadline: rec.sentAt.Add(rec.timeout),
		},
		GameID: g.id, Success: rec.flags&recSuccess != 0, Message: rec.message,
		TimedOut: rec.flags&recTimedOut != 0, At: rec.at,
	}
	if rec.flags&recNamed != 0 {
		r.Game = g.name // a game's first name is its name for good
	}
	return r
}

// resultsLocked returns g's result history, oldest first (nil if empty).
func (g *game) resultsLocked() []Result {
	if len(g.results) == 0 {
		return nil
	}
	out := make([]Result, len(g.results))
	for i, rec := range g.results {
		out[i] = g.expandLocked(rec)
	}
	return out
}

// appendResult is appendCapped growing by a quarter rather than doubling:
// a game's history grows for as long as it plays.
func appendResult(s []resultRec, r resultRec) []resultRec {
	if len(s) >= maxLogEntries {
		s = slices.Delete(s, 0, len(s)-maxLogEntries+1)
	}
	if len(s) == cap(s) {
		grown := make([]resultRec, len(s), len(s)+min(max(8, len(s)/4), maxLogEntries-len(s)))
		copy(grown, s)
		s = grown
	}
	return append(s, r)
}

func appendCapped[T any](s []T, v T) []T {
	if len(s) >= maxLogEntries {
		s = slices.Delete(s, 0, len(s)-maxLogEntries+1)
	}
	return append(s, v)
}

// ---- writing ----

// send encodes and writes one Neuro → game message.
func (g *game) send(ctx context.Context, m neuro.Message) error {
	frame, err := neuro.EncodeServer(m)
	if err != nil {
		return err
	}
	return g.write(ctx, m, frame)
}

// write records, logs and writes one frame. The EventSent is recorded
// before the write so that it precedes whatever the game answers.
func (g *game) write(ctx context.Context, m neuro.Message, frame []byte) error {
	if !g.live.Load() {
		return ErrGameNotConnected
	}
	cmd := ""
	if m != nil {
		cmd = m.Command()
	} else if _, err := neuro.DecodeServer(frame); err != nil {
		var de *neuro.DecodeError
		if errors.As(err, &de) {
			cmd = de.Command
		}
	}
	name := g.nameNow()
	g.s.record(Event{Kind: EventSent, GameID: g.id, Game: name, Command: cmd, Message: m, Frame: slices.Clone(frame)})
	if ce := g.s.log.Check(zap.DebugLevel, "→ "+orUnknown(cmd)); ce != nil { // fields cost even when not logged
		ce.Write(zap.String("game", orID(name, g.id)), zap.String("id", g.id), frameField(frame))
	}
	if err := g.conn.Write(ctx, frame); err != nil {
		if _, _, closed := transport.CloseCode(err); closed {
			return fmt.Errorf("%w: %w", ErrGameNotConnected, err)
		}
		return err
	}
	return nil
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

func orUnknown(cmd string) string {
	if cmd == "" {
		return "(unreadable)"
	}
	return cmd
}

func frameField(frame []byte) zap.Field {
	if json.Valid(frame) {
		return zap.Any("frame", json.RawMessage(frame))
	}
	return zap.ByteString("frame", frame)
}

// sendRaw writes frame unchanged, tracking it first when it is an action.
func (g *game) sendRaw(ctx context.Context, frame []byte) error {
	m, err := neuro.DecodeServer(frame)
	if err != nil {
		m = nil
	}
	a, isAction := m.(neuro.ActionRequest)
	if !isAction {
		return g.write(ctx, m, frame)
	}
	p := g.track(a, nil, 0, false)
	if p == nil {
		return ErrGameNotConnected
	}
	if err := g.write(ctx, m, frame); err != nil {
		g.untrack(p)
		return err
	}
	return nil
}

// sendAction sends an action with a fresh id; its pending record exists
// before the frame is written, so even a result that arrives before Write
// returns finds it.
func (g *game) sendAction(ctx context.Context, name, data string, hasData bool, f *force, attempt int, faulty bool) (*pending, error) {
	a := neuro.ActionRequest{ID: g.s.newActionID(), Name: name, Data: data, HasData: hasData}
	p := g.track(a, f, attempt, faulty)
	if p == nil {
		return nil, ErrGameNotConnected
	}
	if err := g.send(ctx, a); err != nil {
		g.untrack(p)
		return nil, err
	}
	return p, nil
}

func (g *game) track(a neuro.ActionRequest, f *force, attempt int, faulty bool) *pending {
	now := time.Now()
	p := &pending{
		PendingAction: PendingAction{
			ID: a.ID, Name: a.Name, Data: a.Data, HasData: a.HasData || a.Data != "",
			Forced: f != nil, Attempt: attempt, Faulty: faulty,
			SentAt: now, Deadline: now.Add(g.s.cfg.resultTimeout),
		},
		force: f,
		done:  make(chan struct{}),
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.live.Load() {
		return nil
	}
	g.pending[a.ID] = p
	return p
}

func (g *game) untrack(p *pending) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pending[p.ID] == p {
		delete(g.pending, p.ID)
	}
}

// resolveLocked removes p from the pending set and publishes its result.
func (g *game) resolveLocked(p *pending, r Result) {
	if p.resolved {
		return
	}
	p.resolved = true
	if g.pending[p.ID] == p {
		delete(g.pending, p.ID)
	}
	r.PendingAction = p.PendingAction
	r.GameID, r.Game = g.id, g.name
	if r.At.IsZero() {
		r.At = time.Now()
	}
	if r.TimedOut {
		g.expired[p.ID] = true
		g.expiredOrder = append(g.expiredOrder, p.ID)
		if len(g.expiredOrder) > maxExpiredIDs {
			delete(g.expired, g.expiredOrder[0])
			g.expiredOrder = g.expiredOrder[1:]
		}
	}
	g.results = appendResult(g.results, compactResult(r))
	if f := p.force; f != nil && (r.Success || p.Attempt > g.s.cfg.retries) {
		// The force is over as of this result: a force the game sends
		// right after it is not "while one is pending". The force
		// goroutine records how it ended.
		g.popForceLocked(f)
	}
	g.s.record(Event{Kind: EventResult, GameID: g.id, Game: g.name, Time: r.At, Result: &r})
	p.res = r
	close(p.done)
}

// expire counts p as failed unless it was resolved already. Afterwards
// p.done is closed.
func (g *game) expire(p *pending) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.expireLocked(p)
}

func (g *game) expireLocked(p *pending) {
	if p.resolved {
		return
	}
	g.warnLocked(WarnResultTimeout, fmt.Sprintf("no result for action %q (id %s) within %v; counted as failed",
		p.Name, p.ID, g.s.cfg.resultTimeout))
	g.resolveLocked(p, Result{TimedOut: true})
}

// sweepLocked expires every pending action past its deadline. Actions
// nobody waits on (sent with SendAction or POST /) expire this way.
func (g *game) sweepLocked(now time.Time) {
	for _, p := range g.pending {
		if now.After(p.Deadline) {
			g.expireLocked(p)
		}
	}
}

// await waits for p's result, expiring it at its deadline.
func (g *game) await(ctx context.Context, p *pending) (Result, error) {
	t := time.NewTimer(time.Until(p.Deadline))
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		g.expire(p)
		<-p.done
	case <-g.gone:
		select {
		case <-p.done: // answered just before the game left
		default:
			return Result{}, fmt.Errorf("%w: waiting for the result of %q (id %s)", ErrGameNotConnected, p.Name, p.ID)
		}
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	return p.res, resultErr(p.res)
}

func resultErr(r Result) error {
	if r.TimedOut {
		return ErrResultTimeout
	}
	return nil
}

func (g *game) disconnect() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.live.Store(false)
	g.disconnectedAt = time.Now()
	g.cancelForcesLocked()
	close(g.gone)
}

// ---- reading ----

// handle processes one frame from the game. Nothing it receives ends the
// connection.
func (g *game) handle(ctx context.Context, frame []byte) {
	name, m, err := neuro.DecodeGame(frame)
	var notObject []int
	if err != nil {
		// A schema that is not a JSON object fails the whole frame; keep
		// the frame, drop those schemas, and warn about them.
		if fixed, idx := dropNonObjectSchemas(frame, err); fixed != nil {
			if n2, m2, err2 := neuro.DecodeGame(fixed); err2 == nil {
				name, m, err, notObject = n2, m2, nil, idx
			}
		}
	}
	cmd := ""
	switch {
	case m != nil:
		cmd = m.Command()
	default:
		var de *neuro.DecodeError
		if errors.As(err, &de) {
			cmd = de.Command
		}
	}

	g.mu.Lock()
	now := time.Now()
	g.sweepLocked(now)
	if g.name == "" {
		g.name = name // the first name a game gives is its name for good
	}
	g.s.record(Event{Kind: EventReceived, GameID: g.id, Game: g.name, Time: now, Command: cmd,
		Message: m, Frame: frame, Err: err})
	if ce := g.s.log.Check(zap.DebugLevel, "← "+orUnknown(cmd)); ce != nil {
		ce.Write(zap.String("game", orID(g.name, g.id)), zap.String("id", g.id), frameField(frame))
	}
	if name != "" && name != g.name {
		g.warnLocked(WarnGameRenamed, fmt.Sprintf("game %q now calls itself %q; the name must never change", g.name, name))
	}
	if err != nil {
		g.warnLocked(WarnMalformed, err.Error())
		g.mu.Unlock()
		return
	}
	if _, isStartup := m.(neuro.Startup); !isStartup && !g.startedUp {
		g.warnLocked(WarnBeforeStartup, fmt.Sprintf("%q before startup; startup must be the first message of a connection", cmd))
	}
	var reply neuro.Message
	switch m := m.(type) {
	case neuro.Startup:
		g.startedUp = true
		g.registry = nil
		g.cancelForcesLocked()
		reply = neuro.StartupAck{Session: g.s.session}
	case neuro.Context:
		g.context = appendCapped(g.context, ContextEntry{Message: m.Message, Silent: m.Silent, Time: now})
	case neuro.RegisterActions:
		g.registerLocked(m, frame, notObject)
	case neuro.UnregisterActions:
		g.registry = slices.DeleteFunc(g.registry, func(a neuro.Action) bool {
			return slices.Contains(m.ActionNames, a.Name)
		})
	case neuro.ForceActions:
		g.forceLocked(m, now)
	case neuro.ActionResult:
		g.resultLocked(m, now)
	case neuro.ShutdownReady:
		g.shutdownReady = true
	case neuro.Unknown:
		g.warnLocked(WarnUnknownCommand, fmt.Sprintf("command %q is not part of the Neuro API", m.Cmd))
	}
	g.mu.Unlock()

	if reply != nil {
		if err := g.send(ctx, reply); err != nil {
			g.s.log.Debug("reply not sent", zap.String("game", g.label()), zap.Error(err))
		}
	}
}

func (g *game) registeredLocked(name string) (neuro.Action, bool) {
	for _, a := range g.registry {
		if a.Name == name {
			return a, true
		}
	}
	return neuro.Action{}, false
}

func (g *game) registerLocked(m neuro.RegisterActions, frame []byte, notObject []int) {
	nullSchema := nullSchemas(frame)
	inFrame := make(map[string]bool, len(m.Actions))
	for i, a := range m.Actions {
		if err := neuro.ValidateActionName(a.Name); err != nil {
			g.warnLocked(WarnInvalidActionName, problemOf(err))
		}
		switch {
		case slices.Contains(notObject, i):
			g.warnLocked(WarnSchemaNotObject, fmt.Sprintf("action %q: the schema is not a JSON object; registered without one", a.Name))
		case nullSchema[i]:
			g.warnLocked(WarnNullSchema, fmt.Sprintf(`action %q: "schema": null; omit the field (or send {}) for an action without parameters`, a.Name))
		case len(a.Schema) > 0:
			// Check the schema under a valid name so that a bad name does
			// not hide schema problems; report with the real one.
			ws, err := neuro.CheckAction(neuro.Action{Name: "action", Schema: a.Schema})
			if err != nil {
				g.warnLocked(WarnSchemaNotObject, fmt.Sprintf("action %q: %s", a.Name, problemOf(err)))
			}
			for _, w := range ws {
				w.Action = a.Name
				g.warnLocked(WarnDiscouragedKeyword, w.String())
			}
		}
		if prev, dup := g.registeredLocked(a.Name); dup {
			// Registering the very same action again in a later frame is
			// what a game does when it answers actions/reregister_all;
			// a name twice in one frame, or a registration that differs,
			// is a mistake worth a warning (the server keeps the first).
			if inFrame[a.Name] || !sameAction(prev, a) {
				g.warnLocked(WarnDuplicateAction, fmt.Sprintf("action %q is already registered with another description or schema; the new registration is ignored", a.Name))
			}
			continue
		}
		inFrame[a.Name] = true
		g.registry = append(g.registry, a)
	}
}

// sameAction reports whether two registrations of one name are identical.
func sameAction(a, b neuro.Action) bool {
	if a.Description != b.Description || len(a.Schema) != len(b.Schema) {
		return false
	}
	return len(a.Schema) == 0 || reflect.DeepEqual(a.Schema, b.Schema)
}

func problemOf(err error) string {
	var ve *neuro.ValidationError
	if errors.As(err, &ve) {
		return ve.Subject + ": " + ve.Problem
	}
	return err.Error()
}

// nullSchemas reports which actions of a register frame carry
// "schema": null (neuro.DecodeGame maps it to no schema).
func nullSchemas(frame []byte) map[int]bool {
	var raw struct {
		Data struct {
			Actions []map[string]json.RawMessage `json:"actions"`
		} `json:"data"`
	}
	if json.Unmarshal(frame, &raw) != nil {
		return nil
	}
	out := map[int]bool{}
	for i, a := range raw.Data.Actions {
		if s, ok := a["schema"]; ok && string(s) == "null" {
			out[i] = true
		}
	}
	return out
}

// dropNonObjectSchemas rewrites a register frame that failed to decode
// because of schemas that are not JSON objects, removing those schemas.
// It returns nil when err is about something else.
func dropNonObjectSchemas(frame []byte, err error) ([]byte, []int) {
	var de *neuro.DecodeError
	if !errors.As(err, &de) || de.Command != neuro.CmdRegister || !strings.HasSuffix(de.Field, ".schema") {
		return nil, nil
	}
	var env map[string]json.RawMessage
	if json.Unmarshal(frame, &env) != nil {
		return nil, nil
	}
	var data map[string]json.RawMessage
	if json.Unmarshal(env["data"], &data) != nil {
		return nil, nil
	}
	var actions []map[string]json.RawMessage
	if json.Unmarshal(data["actions"], &actions) != nil {
		return nil, nil
	}
	var idx []int
	for i, a := range actions {
		if s, ok := a["schema"]; ok && len(s) > 0 && s[0] != '{' && string(s) != "null" {
			delete(a, "schema")
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	var errs [3]error
	data["actions"], errs[0] = json.Marshal(actions)
	env["data"], errs[1] = json.Marshal(data)
	out, err := json.Marshal(env)
	errs[2] = err
	if errors.Join(errs[:]...) != nil {
		return nil, nil
	}
	return out, idx
}

func (g *game) forceLocked(m neuro.ForceActions, now time.Time) {
	var missing []string
	known := 0
	for _, n := range m.ActionNames {
		if _, ok := g.registeredLocked(n); ok {
			known++
		} else {
			missing = append(missing, strconv.Quote(n))
		}
	}
	if len(missing) > 0 {
		detail := "not registered: " + strings.Join(missing, ", ")
		if known == 0 {
			detail += "; no listed action is registered, the force is ignored"
		}
		g.warnLocked(WarnForceUnregistered, detail)
	}
	if known == 0 {
		if len(m.ActionNames) == 0 {
			g.warnLocked(WarnForceUnregistered, "the force lists no action; it is ignored")
		}
		return
	}
	if len(g.queue) > 0 {
		g.warnLocked(WarnForceWhilePending, fmt.Sprintf("a force (%q) is still pending; this one is queued behind %d", g.queue[0].msg.Query, len(g.queue)))
	}
	g.queue = append(g.queue, &force{msg: m, receivedAt: now, cancel: make(chan struct{})})
	g.signal()
}

func (g *game) resultLocked(m neuro.ActionResult, now time.Time) {
	if !m.Success && strings.TrimSpace(m.Message) == "" {
		g.warnLocked(WarnFailedNoMessage, fmt.Sprintf("failed result for id %s has no message; say how to succeed", m.ID))
	}
	p, ok := g.pending[m.ID]
	switch {
	case ok:
		g.resolveLocked(p, Result{Success: m.Success, Message: m.Message, At: now})
	case g.expired[m.ID]:
		g.warnLocked(WarnLateResult, fmt.Sprintf("result for id %s came after the %v timeout; discarded", m.ID, g.s.cfg.resultTimeout))
	default:
		g.warnLocked(WarnUnknownResult, fmt.Sprintf("no action with id %s is pending; discarded", m.ID))
	}
}

// ---- forces ----

// forceLoop serves the game's forces one at a time until ctx ends.
func (g *game) forceLoop(ctx context.Context) {
	for {
		g.mu.Lock()
		var f *force
		if len(g.queue) > 0 {
			f = g.queue[0]
		}
		g.mu.Unlock()
		if f == nil {
			select {
			case <-g.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		g.serveForce(ctx, f)
		if ctx.Err() != nil {
			return
		}
	}
}

// serveForce answers f: after the force delay, the policy's choice; on a
// failed or timed-out result, again after the delay, up to the retry
// limit.
func (g *game) serveForce(ctx context.Context, f *force) {
	cfg := g.s.cfg
	for attempt := 1; ; attempt++ {
		if !g.sleep(ctx, f, cfg.forceDelay) {
			return // cancelled (recorded by cancelForcesLocked) or ending
		}
		req, ok := g.forceRequest(f, attempt)
		if !ok {
			g.warn(WarnForceUnregistered, fmt.Sprintf("none of the actions of force %q is registered any more; it is dropped", f.msg.Query))
			g.finishForce(f, ForceDropped)
			return
		}
		c, err := choose(ctx, g.s.policy, req)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			g.warn(WarnPolicyFailed, fmt.Sprintf("force %q: %v", f.msg.Query, err))
			g.finishForce(f, ForceFailed)
			return
		}
		faulty := false
		if a, ok := findAction(req.Actions, c.Name); ok && len(a.Schema) > 0 && g.s.chance(cfg.errorRate) {
			c.Data, c.HasData, faulty = g.s.corrupt(a.Schema, c.Data), true, true
		}
		g.mu.Lock()
		f.attempts = attempt
		g.mu.Unlock()
		p, err := g.sendAction(ctx, c.Name, c.Data, c.HasData, f, attempt, faulty)
		if err != nil {
			return // the connection is ending
		}
		res, err := g.awaitForce(ctx, f, p)
		if err != nil {
			return // cancelled or ending
		}
		if res.Success {
			g.finishForce(f, ForceSucceeded)
			return
		}
		if attempt > cfg.retries {
			g.warn(WarnRetriesExhausted, fmt.Sprintf("force %q: no success after %d attempts; giving up", f.msg.Query, attempt))
			g.finishForce(f, ForceGaveUp)
			return
		}
	}
}

var errForceCancelled = errors.New("force cancelled")

func (g *game) awaitForce(ctx context.Context, f *force, p *pending) (Result, error) {
	t := time.NewTimer(time.Until(p.Deadline))
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		g.expire(p)
		<-p.done
	case <-f.cancel:
		return Result{}, errForceCancelled
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	return p.res, nil
}

func findAction(actions []neuro.Action, name string) (neuro.Action, bool) {
	for _, a := range actions {
		if a.Name == name {
			return a, true
		}
	}
	return neuro.Action{}, false
}

func (g *game) sleep(ctx context.Context, f *force, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-f.cancel:
	case <-ctx.Done():
	}
	return false
}

// forceRequest builds the policy's view of f: its listed actions that are
// registered now.
func (g *game) forceRequest(f *force, attempt int) (ForceRequest, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	req := ForceRequest{GameID: g.id, Game: g.name, Force: f.msg, Attempt: attempt, Context: slices.Clone(g.context)}
	for _, n := range f.msg.ActionNames {
		if a, ok := g.registeredLocked(n); ok && !slices.ContainsFunc(req.Actions, func(b neuro.Action) bool { return b.Name == n }) {
			req.Actions = append(req.Actions, a)
		}
	}
	return req, len(req.Actions) > 0
}

// finishForce removes f from the head of the queue (unless a startup
// already dropped it) and lets the next force be served.
func (g *game) finishForce(f *force, outcome ForceOutcome) {
	g.mu.Lock()
	g.popForceLocked(f)
	done := &ForceDone{Force: f.msg, Outcome: outcome, Attempts: f.attempts}
	g.s.record(Event{Kind: EventForceDone, GameID: g.id, Game: g.name, Force: done})
	g.mu.Unlock()
	g.s.log.Debug("force done", zap.String("game", g.label()), zap.String("query", f.msg.Query),
		zap.String("outcome", string(outcome)), zap.Int("attempts", f.attempts))
	g.signal()
}

// cancelForcesLocked drops every queued force (a new startup, or the
// connection ended), waking the force goroutine if it serves one.
func (g *game) cancelForcesLocked() {
	for _, f := range g.queue {
		close(f.cancel)
		g.s.record(Event{Kind: EventForceDone, GameID: g.id, Game: g.name,
			Force: &ForceDone{Force: f.msg, Outcome: ForceCancelled, Attempts: f.attempts}})
	}
	g.queue = nil
}

func (g *game) popForceLocked(f *force) {
	if len(g.queue) > 0 && g.queue[0] == f {
		g.queue = g.queue[1:]
	}
}

// ---- snapshot ----

func (g *game) snapshot() GameState {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.live.Load() {
		g.sweepLocked(time.Now())
	}
	st := GameState{
		ID:            g.id,
		Name:          g.name,
		Connected:     g.live.Load(),
		StartedUp:     g.startedUp,
		ShutdownReady: g.shutdownReady,
		ConnectedAt:   g.connectedAt,
		Actions:       slices.Clone(g.registry),
		Context:       slices.Clone(g.context),
		Warnings:      slices.Clone(g.warnings),
		Results:       g.resultsLocked(),
		Pending:       []PendingAction{},
		ForceQueue:    []QueuedForce{},
	}
	if st.Actions == nil {
		st.Actions = []neuro.Action{}
	}
	if st.Context == nil {
		st.Context = []ContextEntry{}
	}
	if st.Warnings == nil {
		st.Warnings = []Warning{}
	}
	if st.Results == nil {
		st.Results = []Result{}
	}
	if !g.disconnectedAt.IsZero() {
		t := g.disconnectedAt
		st.DisconnectedAt = &t
	}
	for _, p := range g.pending {
		st.Pending = append(st.Pending, p.PendingAction)
	}
	slices.SortFunc(st.Pending, func(a, b PendingAction) int { return a.SentAt.Compare(b.SentAt) })
	for _, f := range g.queue {
		st.ForceQueue = append(st.ForceQueue, QueuedForce{ForceActions: f.msg, ReceivedAt: f.receivedAt, Attempts: f.attempts})
	}
	return st
}
