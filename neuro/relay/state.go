package relay

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.uber.org/zap"
)

// sink is where the state puts the frames for one connection. push never
// blocks: a sink whose queue is full ends its connection instead. d, when
// not nil, may take the frame for the caller to write itself after the
// relay's mutex is released (outbox, direct).
type sink interface {
	push(frame []byte, d *direct)
}

// state is everything the relay knows, and every decision it takes. It
// does no I/O: it reads decoded input and pushes frames to sinks. The
// Relay calls it with its mutex held, so that the order of the frames in
// every sink is the order of the decisions.
type state struct {
	cfg  *config
	log  *zap.Logger
	now  func() time.Time
	kick func() // the force in flight changed: re-arm its quiet timer

	order    []*game            // connected games, in connection order
	nextID   uint64             // connection counter
	prefixes map[string]*game   // prefixes in use
	routes   map[string]route   // upstream action name → its game
	pending  map[string]pending // upstream action id → the game it went to

	queue []*game // games with a force waiting, first come first served
	force *flight // the force upstream, nil when none

	up       sink      // upstream's sink; nil while upstream is down
	held     [][]byte  // context frames waiting for upstream
	ack      []byte    // the last startup acknowledgement, encoded for games
	session  *Session  // its session
	askedOff []*game   // games asked to shut down that have not said ready
	counts   Counters  // for Status
	upSince  time.Time // when upstream last connected or dropped
	upConns  int       // upstream connections so far
	upEnc    *gameEncoder
	upResult []byte // what upEnc's result frames start with (resultHead)

	// direct is the write-through batch of the goroutine calling in, nil
	// for one that must not write (the force timer). Set by the Relay
	// around each call, under its mutex.
	direct *direct
}

// game is one game connection.
type game struct {
	id          uint64
	remote      string
	out         sink
	log         *zap.Logger
	connectedAt time.Time

	name    string // from its first frame ("" before it)
	named   bool
	prefix  string
	started bool
	ackChar string // character of the last acknowledgement it got
	warned  bool   // was told off once for a rename or a frame before startup

	// Bytes pushed to the game, and how many of them it has proved it
	// read by answering an action (toGame).
	sent, proven uint64

	actions  []*registered          // registration order
	byName   map[string]*registered // by the game's own name
	npending int                    // actions it has to answer (state.pending, p.g == g)
	queued   *forceMsg              // its force waiting in the queue
	leaving  bool
}

// registered is one action of a game.
type registered struct {
	name     string     // as the game named it
	upstream string     // as Neuro sees it
	wire     wireAction // the upstream registration
}

type route struct {
	g        *game
	name     string // the game's name for the action
	up       string // the upstream name (the key of the route)
	nameJSON []byte // name as a JSON string, for the byte-level path (hot.go)
}

type pending struct {
	g        *game
	id       string // the action id (the key of the entry)
	upstream string // the action's upstream name
	end      uint64 // g.sent after the action's frame: its result proves g read that far
}

// flight is the force upstream.
type flight struct {
	g     *game
	msg   forceMsg // as sent upstream (names and query translated)
	sent  bool     // sent on the current upstream connection
	since time.Time
	last  time.Time // last sign of life: sent, an action, a result, speech
}

// errTooManyGames is returned by addGame past the limit.
var errTooManyGames = errors.New("relay: too many games connected")

func newState(cfg *config, log *zap.Logger, kick func()) *state {
	upEnc := newGameEncoder(cfg.name)
	return &state{
		cfg:      cfg,
		log:      log,
		now:      time.Now,
		kick:     kick,
		prefixes: map[string]*game{},
		routes:   map[string]route{},
		pending:  map[string]pending{},
		upSince:  time.Now(),
		upEnc:    upEnc,
		upResult: resultHead(upEnc),
	}
}

// ---- games coming and going ----

// addGame records a new game connection writing to out.
func (s *state) addGame(out sink, remote string) (*game, error) {
	if len(s.order) >= s.cfg.maxGames {
		s.counts.RefusedGames++
		return nil, fmt.Errorf("%w (at most %d)", errTooManyGames, s.cfg.maxGames)
	}
	s.nextID++
	g := &game{
		id:          s.nextID,
		remote:      remote,
		out:         out,
		connectedAt: s.now(),
		byName:      map[string]*registered{},
	}
	g.log = s.log.With(zap.String("conn", g.label()), zap.String("remote", remote))
	s.order = append(s.order, g)
	g.log.Info("game connected")
	return g, nil
}

// label names a connection in logs and the status: "#3".
func (g *game) label() string { return "#" + strconv.FormatUint(g.id, 10) }

// identify gives g its name and prefix, from its first frame.
func (s *state) identify(g *game, name string) {
	g.name, g.named = name, true
	base, ok := s.cfg.prefixes[name]
	if !ok {
		base = DerivePrefix(name)
	}
	g.prefix = uniquePrefix(base, func(p string) bool { return s.prefixes[p] != nil })
	s.prefixes[g.prefix] = g
	g.log = g.log.With(zap.String("game", name), zap.String("prefix", g.prefix))
	g.log.Info("game identified")
}

// removeGame forgets g: its actions are unregistered upstream, its
// pending actions answered with a failed result, its force dropped.
func (s *state) removeGame(g *game) {
	if g.leaving {
		return
	}
	g.leaving = true
	s.clearGame(g, "disconnected")
	s.order = slices.DeleteFunc(s.order, func(x *game) bool { return x == g })
	if g.named && s.prefixes[g.prefix] == g {
		delete(s.prefixes, g.prefix)
	}
	s.shutdownReady(g, true)
	g.log.Info("game disconnected")
}

// clearGame drops what g set up, upstream too: after its new startup, or
// when it leaves. The unregistration goes first, so that a force retried
// because of the failed results finds nothing to pick.
func (s *state) clearGame(g *game, why string) {
	names := make([]string, 0, len(g.actions))
	for _, r := range g.actions {
		names = append(names, r.upstream)
		delete(s.routes, r.upstream)
	}
	g.actions, g.byName = nil, map[string]*registered{}
	if len(names) > 0 {
		s.sendUp(unregisterMsg{ActionNames: names})
	}
	if g.npending > 0 {
		ids := make([]string, 0, g.npending)
		for id, p := range s.pending {
			if p.g == g {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		for _, id := range ids {
			p := s.pending[id]
			delete(s.pending, id)
			s.counts.AnsweredForGames++
			s.sendUp(resultMsg{ID: id, Success: false, Message: fmt.Sprintf(
				"%s %s before answering; %q was not carried out.", g.name, why, p.upstream)})
		}
		g.npending = 0
	}
	s.dropQueued(g)
	if s.force != nil && s.force.g == g {
		s.endForce("its game " + why)
	}
}

// ---- frames from a game ----

// gameFrame handles one frame from g. Nothing a game sends ends its
// connection: bad input is logged and counted.
func (s *state) gameFrame(g *game, frame []byte) {
	hot := scanResult(frame)
	s.gameFrameScanned(g, frame, &hot)
}

// gameFrameScanned is gameFrame for a frame the caller has scanned
// (scanResult, without the relay's mutex): a plain result takes the
// byte-level path, anything else is decoded.
func (s *state) gameFrameScanned(g *game, frame []byte, hot *hotResult) {
	if hot.ok && s.resultHot(g, hot) {
		return
	}
	name, msg, err := decodeGame(frame)
	if !g.named && (err == nil || name != "") {
		s.identify(g, name)
	}
	if err != nil {
		s.counts.Malformed++
		g.log.Warn("malformed frame from a game; ignored", zap.Error(err))
		return
	}
	if _, ok := msg.(startupMsg); (name != g.name || !ok && !g.started) && !g.warned {
		g.warned = true // once per connection: a broken game would flood the log
		g.log.Warn("a game changed its name (the relay keeps the first) or sent a message before startup",
			zap.String("name", name), zap.String("command", msg.Command()))
	}
	switch m := msg.(type) {
	case startupMsg:
		s.startup(g)
	case contextMsg:
		s.context(g, m)
	case registerMsg:
		s.register(g, m.Actions)
	case unregisterMsg:
		s.unregister(g, m.ActionNames)
	case forceMsg:
		s.enqueueForce(g, m)
	case resultMsg:
		s.result(g, m, msg)
	case shutdownReadyMsg:
		s.shutdownReady(g, false)
	case unknownMsg:
		g.log.Warn("unknown command from a game; passed upstream", zap.String("command", m.Cmd))
		s.sendUp(m)
	default:
		g.log.Warn("unexpected message from a game; ignored", zap.String("command", m.Command()))
	}
}

// startup clears g's actions (upstream too, and only g's) and answers
// with the upstream acknowledgement when there is one.
func (s *state) startup(g *game) {
	s.clearGame(g, "restarted")
	g.started, g.ackChar = true, ""
	s.acknowledge(g)
}

// acknowledge sends g the startup acknowledgement if it has not had one
// for the current character.
func (s *state) acknowledge(g *game) {
	if s.ack == nil || !g.started || g.ackChar == s.session.character() {
		return
	}
	g.ackChar = s.session.character()
	s.toGame(g, s.ack)
}

// context passes g's context upstream, tagged with g's name; while
// upstream is down it is held (the oldest dropped past the bound).
func (s *state) context(g *game, m contextMsg) {
	frame, ok := s.encodeUp(contextMsg{Message: tag(g.name, m.Message), Silent: m.Silent})
	if !ok {
		return
	}
	if s.up != nil {
		s.up.push(frame, s.direct)
		return
	}
	if len(s.held) >= maxHeldContext {
		s.held[0] = nil
		s.held = s.held[1:]
		s.counts.DroppedContext++
		g.log.Warn("upstream down too long: the oldest held context message is dropped")
	}
	s.held = append(s.held, frame)
}

// shutdownReady notes that g is ready to be shut down (or gone). Once
// every game asked is, upstream hears shutdown/ready.
func (s *state) shutdownReady(g *game, left bool) {
	i := slices.Index(s.askedOff, g)
	if i < 0 {
		if !left {
			g.log.Info("shutdown/ready without a shutdown request; not passed upstream")
		}
		return
	}
	s.askedOff = slices.Delete(s.askedOff, i, i+1)
	if len(s.askedOff) == 0 {
		s.askedOff = nil
		s.sendUp(shutdownReadyMsg{})
	}
}

// ---- sending ----

// directBudget bounds the bytes a game may have been sent and not proved
// it read for its next frame to be written by the goroutine that
// produced it (outbox, direct); past it the frame goes through the
// game's queue and writer goroutine. A write blocks only when the peer's
// kernel buffers are full, and those hold far more than this (on Linux
// the peer's receive window alone, 64 KiB and up, plus the send buffer),
// so a game within the budget cannot stall the writer, whatever it
// does; a game that stops reading exhausts it and is served by its own
// writer goroutine, alone.
const directBudget = 8 << 10

// frameOverhead is what each frame costs in the budget beyond its bytes:
// a websocket header (at most 10 bytes from the relay), rounded up.
const frameOverhead = 16

// toGame pushes frame to g, letting the caller write it (s.direct) while
// g is within directBudget. It returns g.sent after the frame.
func (s *state) toGame(g *game, frame []byte) uint64 {
	g.sent += uint64(len(frame) + frameOverhead)
	d := s.direct
	if g.sent-g.proven > directBudget {
		d = nil
	}
	g.out.push(frame, d)
	return g.sent
}

// encodeUp encodes m as the relay's frame to Neuro.
func (s *state) encodeUp(m message) ([]byte, bool) {
	frame, err := s.upEnc.Append(nil, m)
	if err != nil {
		s.log.Error("cannot encode a frame for upstream", zap.String("command", m.Command()), zap.Error(err))
		return nil, false
	}
	return frame, true
}

// sendUp sends m upstream, or drops it while upstream is down (what it
// says is restored, or moot, on the next connection).
func (s *state) sendUp(m message) {
	if s.up == nil {
		return
	}
	if frame, ok := s.encodeUp(m); ok {
		s.up.push(frame, s.direct)
	}
}

// encodeDown encodes m for a game.
func (s *state) encodeDown(m message) ([]byte, bool) {
	frame, err := encodeServer(m)
	if err != nil {
		s.log.Error("cannot encode a frame for a game", zap.String("command", m.Command()), zap.Error(err))
		return nil, false
	}
	return frame, true
}

// broadcast sends frame, unchanged, to every game that sent startup.
func (s *state) broadcast(frame []byte) {
	for _, g := range s.order {
		if g.started {
			s.toGame(g, frame)
		}
	}
}
