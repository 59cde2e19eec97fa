package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// game is the server side of one game connection: its state, changed by
// the frames it sends (handle), by its force loop and by the Go API, all
// under mu.
type game struct {
	env  *gameEnv
	id   string
	conn transport.Conn
	live atomic.Bool
	gone chan struct{} // closed when the connection ended
	crew crew          // the goroutines that run while there is work (crew.go)
	out  outbox

	// closeSent is the close code and reason Disconnect sent, for the log.
	closeSent atomic.Pointer[closeNote]

	mu             sync.Mutex
	name           string
	startedUp      bool
	shutdownReady  bool
	connectedAt    time.Time
	disconnectedAt time.Time
	frames         int
	frameBytes     int64
	registry       registry
	logs           gameLogs
	pending        map[string]*pending
	expired        map[string]bool
	expiredOrder   []string
	queue          []*force
	forcing        bool // the force loop runs (forces.go)
	forces         forceTally
	held           []ContextEntry // context held while a result is pending
	heldBytes      int
	speech         *utterance // what she is saying; nil when silent
	utterances     int
	lastFinal      time.Time
	nextAct        time.Time     // her next action of her own (WithActEvery)
	thinking       bool          // the brain runs (brain.go)
	brainWake      chan struct{} // wakes the brain (capacity 1); made when it first starts
	advice         adviser
	// While a frame is handled, inFrame is set and frameKinds counts the
	// findings of each kind it caused (see findLocked).
	inFrame    bool
	frameKinds map[FindingKind]int
}

// closeNote is a close code and reason sent to a game.
type closeNote struct {
	code   int
	reason string
}

// newGame returns the game of a connection; ctx is the connection's,
// under which the game's goroutines run.
func newGame(ctx context.Context, env *gameEnv, id string, conn transport.Conn) *game {
	g := &game{
		env:         env,
		id:          id,
		conn:        conn,
		gone:        make(chan struct{}),
		crew:        crew{ctx: ctx},
		connectedAt: time.Now(),
		logs:        newGameLogs(),
		pending:     map[string]*pending{},
		advice:      newAdviser(env.settings.advice, env.settings.adviceLimits),
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

// findLocked records a finding or, for the Advice… kinds, an advice;
// g.mu must be held. It logs and records the event while holding it, so
// findings keep their order; neither calls back into the game. While a
// frame is handled, only the first few findings of each kind are
// recorded; endFrameLocked counts the rest.
func (g *game) findLocked(kind FindingKind, detail string) {
	if g.inFrame {
		if g.frameKinds == nil {
			g.frameKinds = map[FindingKind]int{}
		}
		g.frameKinds[kind]++
		if g.frameKinds[kind] > maxFindingsOfKind {
			return
		}
	}
	level := kind.Level()
	f := Finding{GameID: g.id, Game: g.name, Level: level, Kind: kind, Detail: clip(detail, maxDetail), Time: time.Now()}
	fields := []zap.Field{zap.String("game", orID(g.name, g.id)), zap.String("id", g.id), zap.String("detail", f.Detail)}
	if level == LevelAdvice {
		e := g.env.record(Event{Kind: EventAdvice, GameID: g.id, Game: g.name, Time: f.Time, Finding: &f})
		g.logs.advice.add(*e.Finding)
		g.env.log.Info("advice: "+string(kind), fields...)
		return
	}
	e := g.env.record(Event{Kind: EventFinding, GameID: g.id, Game: g.name, Time: f.Time, Finding: &f})
	g.logs.findings.add(*e.Finding)
	g.env.log.Warn("finding: "+string(kind), fields...)
}

func (g *game) find(kind FindingKind, detail string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.findLocked(kind, detail)
}

// endFrameLocked closes the handling of a frame: one finding per kind
// says how many more of that kind the frame caused.
func (g *game) endFrameLocked() {
	g.inFrame = false
	kinds := make([]FindingKind, 0, len(g.frameKinds))
	for k, n := range g.frameKinds {
		if n > maxFindingsOfKind {
			kinds = append(kinds, k)
		}
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		g.findLocked(k, fmt.Sprintf("and %d more like this in the same frame", g.frameKinds[k]-maxFindingsOfKind))
	}
	g.frameKinds = nil
}

// handle processes one frame from the game. Nothing it receives ends the
// connection; a reply is queued, never waited for.
func (g *game) handle(frame []byte) {
	d := decodeGame(frame)
	g.mu.Lock()
	now := time.Now()
	g.sweepLocked(now)
	if g.name == "" {
		g.name = d.game // the first name a game gives is its name for good
	}
	g.frames++
	g.frameBytes += int64(len(frame))
	// Log, then record: whoever waits for the event finds the line logged.
	g.logFrame("← ", d.cmd, frame)
	g.env.record(Event{Kind: EventReceived, GameID: g.id, Game: g.name, Time: now, Command: d.cmd,
		Message: d.msg, Frame: frame, Err: d.err})
	g.inFrame = true
	reply := g.applyLocked(d, now)
	g.endFrameLocked()
	g.mu.Unlock()

	if reply != nil {
		if err := g.post(reply, nil); err != nil {
			g.env.log.Debug("reply not sent", zap.String("game", g.label()), zap.Error(err))
		}
	}
}

// applyLocked checks a decoded frame and changes the game's state by it;
// it returns the reply to send, if any.
func (g *game) applyLocked(d decoded, now time.Time) wire.Message {
	if d.game != "" && d.game != g.name {
		g.findLocked(FindingGameRenamed, fmt.Sprintf("game %q now calls itself %q; the name must never change", g.name, d.game))
	}
	if d.err != nil {
		g.findLocked(FindingMalformed, d.err.Error())
		return nil
	}
	if _, isStartup := d.msg.(wire.Startup); !isStartup && !g.startedUp {
		g.findLocked(FindingBeforeStartup, fmt.Sprintf("%q before startup; startup must be the first message of a connection", d.cmd))
	}
	switch m := d.msg.(type) {
	case wire.Startup:
		g.startedUp = true
		g.registry.reset()
		g.cancelForcesLocked()
		g.wakeBrain() // she may act on her own from now on
		if g.env.settings.startupAck {
			return wire.StartupAck{Session: wire.Session(g.env.session)}
		}
	case wire.ContextMessage:
		g.contextLocked(m, now)
	case wire.RegisterActions:
		g.registerLocked(m, now)
	case wire.UnregisterActions:
		removed := g.registry.remove(m.ActionNames)
		g.adviseChangesLocked(len(removed), removed, now)
	case wire.ForceActions:
		g.forceLocked(m, now)
	case wire.ActionResult:
		g.resultLocked(m, now)
	case wire.ShutdownReady:
		g.shutdownReady = true
	case wire.Unknown:
		g.findLocked(FindingUnknownCommand, fmt.Sprintf("command %q is not part of the Neuro API", m.Cmd))
	}
	return nil
}

// logFrame logs a frame at debug level, cut to maxLoggedFrame bytes.
func (g *game) logFrame(arrow, cmd string, frame []byte) {
	if ce := g.env.log.Check(zap.DebugLevel, arrow+orUnknown(cmd)); ce != nil { // fields cost even when not logged
		ce.Write(zap.String("game", orID(g.name, g.id)), zap.String("id", g.id), frameField(frame))
	}
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

// frameField renders a frame for the log: as JSON when it is short valid
// JSON, else as text, cut to maxLoggedFrame bytes with its length noted.
func frameField(frame []byte) zap.Field {
	if len(frame) <= maxLoggedFrame {
		if json.Valid(frame) {
			return zap.Any("frame", json.RawMessage(frame))
		}
		return zap.ByteString("frame", frame)
	}
	return zap.String("frame", fmt.Sprintf("%s… (%d bytes)", cutAt(string(frame[:min(len(frame), maxLoggedFrame+utf8.UTFMax)]), maxLoggedFrame), len(frame)))
}

// disconnect marks the game gone, cancels its forces, ends her
// utterance, delivers its held context, and keeps only a summary of its
// logs and registry; the big frames it sent lose their decoded copies in
// the event history.
func (g *game) disconnect() {
	g.mu.Lock()
	g.live.Store(false)
	now := time.Now()
	g.disconnectedAt = now
	g.cancelForcesLocked()
	g.endSpeechLocked(now, true, reasonGone)
	g.releaseHeldLocked(now)
	g.logs.summarise()
	g.registry.summarise()
	close(g.gone)
	g.mu.Unlock()
	g.env.events.slim(g.id)
}
