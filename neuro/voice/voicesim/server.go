package voicesim

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/transport"
)

// Server is the simulator's voice side: it serves voice sockets, checks
// what games send, counts their audio and speaks to them as Neuro.
//
// ServeHTTP and ServeConn block for the life of one socket; Speak blocks
// for one utterance. Close ends every socket and utterance and waits for
// those calls to return. All methods are safe for concurrent use.
type Server struct {
	o   *options
	log *zap.Logger

	closeOnce sync.Once
	closed    chan struct{}
	wg        sync.WaitGroup // ServeConn and Speak calls

	mu       sync.Mutex
	enabled  bool
	games    map[string]*game
	warnings []Warning // ring, oldest first once full
	wnext    int
	changed  chan struct{} // closed at the next change, when watched
	watched  bool          // Changed handed out changed
}

// game is what the server knows of one game name.
type game struct {
	name     string
	sock     *socket // the current socket, nil when none
	speakers map[uint16]*speaker
	dropped  int64
	spoken   int64 // frames of Neuro's voice sent to it
	warnings int
	lastSeen time.Time
}

type speaker struct {
	name       string
	registered bool
	samples    int64
	frames     int64
	last       time.Time
}

// New returns a server. It starts nothing.
func New(opts ...Option) *Server {
	o := newOptions(opts)
	return &Server{
		o:       o,
		log:     o.logger.Named("voicesim"),
		closed:  make(chan struct{}),
		enabled: o.enabled,
		games:   make(map[string]*game),
		changed: make(chan struct{}),
	}
}

// SetEnabled turns voice chat on or off: while off, voice/start is answered
// with voice/unavailable and the socket is closed. Sockets already started
// keep going.
func (s *Server) SetEnabled(on bool) {
	s.mu.Lock()
	s.enabled = on
	s.changedLocked()
	s.mu.Unlock()
}

// Enabled reports whether voice chat is on (see SetEnabled).
func (s *Server) Enabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enabled
}

// Changed returns a channel that is closed at the next change of what
// State or Warnings report: a socket opened or closed, a session started
// or stopped, a speaker registered or unregistered, audio counted or
// dropped, a warning, Neuro starting or ending an utterance, SetEnabled.
// Take it, read the state, then wait on it: a change in between closes
// it. It costs nothing while nobody waits.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watched = true
	return s.changed
}

// changedLocked wakes the waiters of Changed; s.mu must be held.
func (s *Server) changedLocked() {
	if s.watched {
		close(s.changed)
		s.changed = make(chan struct{})
		s.watched = false
	}
}

// ServeHTTP serves a voice socket on a path ending in /game/<name>/voice
// (404 otherwise); the name is URL-decoded. It blocks until the socket
// ends. Mount it on the simulator's websocket listener, for example
// mux.Handle("/game/", srv).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := ParsePath(r.URL.EscapedPath())
	if !ok {
		http.NotFound(w, r)
		return
	}
	conn, err := voice.Accept(w, r, voice.WithReadLimit(s.o.readLimit), voice.WithLogger(s.log),
		voice.WithCheckOrigin(s.o.checkOrigin))
	if err != nil {
		s.log.Debug("voice upgrade failed", zap.Error(err))
		return
	}
	_ = s.ServeConn(r.Context(), conn, name)
}

// ParsePath returns the game name of a voice socket's path, which ends
// in /game/<name>/voice (a trailing slash is allowed): <name>
// URL-decoded, and true. It returns false for any other path, and for an
// empty or undecodable name. p is the escaped path (URL.EscapedPath), so
// that a name holding "/" stays one segment.
func ParsePath(p string) (string, bool) {
	segs := strings.Split(strings.TrimSuffix(p, "/"), "/")
	n := len(segs)
	if n < 3 || segs[n-1] != "voice" || segs[n-3] != "game" || segs[n-2] == "" {
		return "", false
	}
	name, err := url.PathUnescape(segs[n-2])
	if err != nil || name == "" {
		return "", false
	}
	return name, true
}

// ServeConn runs one voice socket for game until it ends, ctx ends or the
// server closes, then closes conn. A newer socket for the same game
// replaces (closes) an older one. It returns nil when the socket ended
// normally and ErrClosed when the server was closed first.
func (s *Server) ServeConn(ctx context.Context, conn voice.Conn, gameName string) error {
	sock := &socket{s: s, conn: conn, game: gameName,
		registered: make(map[uint16]string), unregistered: make(map[uint16]struct{}),
		done: make(chan struct{}), replaced: make(chan struct{})}
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		_ = conn.CloseNow()
		return ErrClosed
	default:
	}
	s.wg.Add(1)
	defer s.wg.Done()
	g := s.gameLocked(gameName)
	old := g.sock
	g.sock = sock
	g.lastSeen = s.o.clock.Now()
	s.changedLocked()
	s.mu.Unlock()
	if old != nil {
		old.replaceOnce.Do(func() { close(old.replaced) }) // its watcher closes it
	}
	s.log.Debug("voice socket open", zap.String("game", gameName))

	watchDone := make(chan struct{})
	go sock.watch(ctx, watchDone)
	sock.run()
	close(sock.done)
	<-watchDone
	_ = conn.Close(transport.CloseNormal, "")

	s.mu.Lock()
	if g.sock == sock {
		g.sock = nil
		for _, sp := range g.speakers {
			sp.registered = false // registrations belong to the socket
		}
	}
	g.lastSeen = s.o.clock.Now()
	s.changedLocked()
	s.mu.Unlock()
	select {
	case <-s.closed:
		return ErrClosed
	default:
		return nil
	}
}

// gameLocked returns the record of name, creating it (and forgetting the
// least recently seen disconnected game past the limit).
func (s *Server) gameLocked(name string) *game {
	if g, ok := s.games[name]; ok {
		return g
	}
	if len(s.games) >= s.o.maxGames {
		var oldest *game
		for _, g := range s.games {
			if g.sock == nil && (oldest == nil || g.lastSeen.Before(oldest.lastSeen)) {
				oldest = g
			}
		}
		if oldest != nil {
			delete(s.games, oldest.name)
		}
	}
	g := &game{name: name, speakers: make(map[uint16]*speaker)}
	s.games[name] = g
	return g
}

// warn records a warning and calls the hook. No lock may be held.
func (s *Server) warn(gameName string, kind WarningKind, detail string) {
	w := Warning{Game: gameName, Kind: kind, Detail: detail, Time: s.o.clock.Now()}
	s.mu.Lock()
	if len(s.warnings) < s.o.maxWarnings {
		s.warnings = append(s.warnings, w)
	} else {
		s.warnings[s.wnext] = w
		s.wnext = (s.wnext + 1) % s.o.maxWarnings
	}
	if g, ok := s.games[gameName]; ok {
		g.warnings++
	}
	s.changedLocked()
	s.mu.Unlock()
	s.log.Warn("voice check failed", zap.String("game", gameName), zap.String("kind", string(kind)), zap.String("detail", detail))
	if s.o.onWarning != nil {
		func() {
			defer func() {
				if p := recover(); p != nil {
					s.log.Error("warning hook panicked", zap.Any("panic", p))
				}
			}()
			s.o.onWarning(w)
		}()
	}
}

// Warnings returns the kept warnings, oldest first.
func (s *Server) Warnings() []Warning {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Warning, 0, len(s.warnings))
	out = append(out, s.warnings[s.wnext:]...)
	return append(out, s.warnings[:s.wnext]...)
}

// State returns a snapshot of every known game, sorted by name.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := State{Enabled: s.enabled, SampleRate: SampleRate, Games: make([]GameState, 0, len(s.games))}
	for _, g := range s.games {
		st.Games = append(st.Games, g.stateLocked())
	}
	slices.SortFunc(st.Games, func(a, b GameState) int { return strings.Compare(a.Game, b.Game) })
	return st
}

// Game returns the snapshot of one game, and false when the server knows
// no voice socket of that name (none ever came, or it was forgotten).
func (s *Server) Game(name string) (GameState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.games[name]
	if !ok {
		return GameState{}, false
	}
	return g.stateLocked(), true
}

func (g *game) stateLocked() GameState {
	gs := GameState{Game: g.name, Connected: g.sock != nil, DroppedFrames: g.dropped, Warnings: g.warnings,
		SpokenFrames: g.spoken, SpokenSeconds: float64(g.spoken) * FrameDuration.Seconds(),
		Speakers: make([]SpeakerState, 0, len(g.speakers))}
	if g.sock != nil {
		gs.Started = g.sock.started
		gs.Speaking = g.sock.speech != nil
	}
	for id, sp := range g.speakers {
		gs.Speakers = append(gs.Speakers, SpeakerState{ID: id, Name: sp.name, Registered: sp.registered,
			Seconds: float64(sp.samples) / SampleRate, Frames: sp.frames, LastFrame: sp.last})
	}
	slices.SortFunc(gs.Speakers, func(a, b SpeakerState) int { return int(a.ID) - int(b.ID) })
	return gs
}

// Disconnect closes game's voice socket with a close handshake (1001),
// as a server that goes away does, and keeps serving: games use it in
// tests of their voice reconnect. It returns ErrNoSocket when the game
// has none. It waits (a bounded time) for the game's answer.
func (s *Server) Disconnect(name string) error {
	s.mu.Lock()
	var sock *socket
	if g := s.games[name]; g != nil {
		sock = g.sock
	}
	s.mu.Unlock()
	if sock == nil {
		return fmt.Errorf("%w: %q", ErrNoSocket, name)
	}
	return sock.conn.Close(transport.CloseGoingAway, "disconnected by the simulator")
}

// Close ends every voice socket and utterance and waits until every
// ServeConn, ServeHTTP and Speak call has returned. It is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock() // ServeConn and Speak check closed and join wg under mu
		close(s.closed)
		s.mu.Unlock()
	})
	s.wg.Wait()
	return nil
}
