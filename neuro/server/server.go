package server

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/transport"
)

// Server is a Neuro simulator. Games connect to it (ServeConn, Handler or
// Start); it answers them the way the official mock server does and checks
// what they send. All methods are safe for concurrent use.
type Server struct {
	cfg    config
	log    *zap.Logger
	env    *gameEnv // shared with every game
	events *eventLog
	guard  *guard
	voice  *voiceSide // voice chat on /game/<name>/voice (voice.go)

	ctx    context.Context // cancelled by Close and Shutdown
	cancel context.CancelFunc
	done   chan struct{} // closed when Close or Shutdown finished

	mu        sync.Mutex
	closed    bool
	immediate bool // Close (not Shutdown): drop connections without handshake
	games     []*game
	gameCount int
	conns     sync.WaitGroup // ServeConn calls
	listeners []*http.Server
	serving   sync.WaitGroup // http.Server.Serve goroutines
	wsAddr    net.Addr
	httpAddr  net.Addr
	closeOnce sync.Once
}

// New returns a Server configured by opts. It starts nothing: connect
// games with ServeConn, Handler or Start. Release it with Close or
// Shutdown.
func New(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	seed := cfg.seed
	if !cfg.seeded {
		seed = rand.Int64()
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	log := cfg.logger.Named("server")
	events := newEventLog(cfg.eventHistory, cfg.eventHistoryBytes)
	env := &gameEnv{
		settings: gameSettings{
			behaviour:    cfg.behaviour,
			maxActions:   cfg.maxActions,
			advice:       cfg.advice,
			adviceLimits: cfg.adviceLimits,
		},
		log:     log,
		events:  events,
		policy:  cfg.policy,
		own:     NewRandomPolicy(seed ^ ownSeedMix),
		session: cfg.session,
		ids:     &idSource{},
		faults:  &faultSource{rate: cfg.errorRate, rng: rng},
		rand:    &randSource{r: rand.New(rand.NewPCG(uint64(seed), timingStream))},
	}
	if env.policy == nil {
		env.policy = NewRandomPolicy(seed)
	}
	if env.session.SessionID == "" {
		env.session.SessionID = uuidFrom(rng)
	}
	env.ids.prefix = fmt.Sprintf("%08x", rng.Uint32())
	s := &Server{
		cfg:    cfg,
		log:    log,
		env:    env,
		events: events,
		guard:  newGuard(log, cfg.allowedHosts, cfg.allowedOrigins),
		done:   make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.voice = newVoiceSide(s)
	env.voice = s.voice
	return s
}

// Streams of the seed for what was added after the first edition (her own
// actions, timing): they leave the draws of faults, the session id and
// action ids as they were, so that a seed replays the same match.
const (
	ownSeedMix   = 0x0a7e5e1f
	timingStream = 0x71e5
)

func uuidFrom(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, (b>>48)&0x3fff|0x8000, b&0xffffffffffff)
}

// Session returns the session sent in startup acknowledgements.
func (s *Server) Session() events.Session { return s.env.session }

func (s *Server) record(e Event) Event { return s.events.add(e) }

// Close closes every game connection at once (no close handshake), stops
// the listeners started by Start, and waits for every goroutine the server
// started. It is idempotent and returns nil.
func (s *Server) Close() error {
	s.beginClose(true)
	for _, srv := range s.httpServers() {
		_ = srv.Close()
	}
	for _, g := range s.gameList() {
		_ = g.conn.CloseNow()
	}
	s.voice.close() // its sockets are among the connections waited for
	s.conns.Wait()
	s.serving.Wait()
	s.finish()
	return nil
}

// Shutdown stops accepting connections and closes every game connection
// with a close handshake (1001, "server shutting down"), waiting for them
// and every goroutine the server started. If ctx ends first it falls back
// to Close and returns ctx.Err().
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginClose(false)
	var errs []error
	for _, srv := range s.httpServers() {
		// Websocket connections are hijacked: http.Server does not wait
		// for them, s.conns does.
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	done := make(chan struct{})
	go func() {
		s.voice.close() // voice sockets get a close handshake (1001)
		s.conns.Wait()
		s.serving.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.finish()
		return errors.Join(errs...)
	case <-ctx.Done():
		_ = s.Close()
		<-done
		return ctx.Err()
	}
}

func (s *Server) beginClose(immediate bool) {
	s.mu.Lock()
	s.closed = true
	s.immediate = s.immediate || immediate
	s.mu.Unlock()
	s.cancel()
}

func (s *Server) closingNow() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.immediate
}

func (s *Server) finish() {
	s.closeOnce.Do(func() { close(s.done) })
}

func (s *Server) httpServers() []*http.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.listeners)
}

func (s *Server) gameList() []*game {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.games)
}

// addGameLocked registers a new connection and drops the oldest
// disconnected games beyond the limit.
func (s *Server) addGameLocked(ctx context.Context, conn transport.Conn) *game {
	s.gameCount++
	g := newGame(ctx, s.env, fmt.Sprintf("#%d", s.gameCount), conn)
	s.games = append(s.games, g)
	gone := 0
	for _, g := range s.games {
		if !g.live.Load() {
			gone++
		}
	}
	for i := 0; gone > maxDisconnected && i < len(s.games); {
		if !s.games[i].live.Load() {
			s.games = slices.Delete(s.games, i, i+1)
			gone--
			continue
		}
		i++
	}
	return g
}

// findGame resolves a game reference: "" is the most recently connected
// game still connected; otherwise an id ("#2") or a game name (the most
// recent connection with that name, connected ones first).
func (s *Server) findGame(ref string) (*game, error) {
	// "" and ids are resolved under s.mu without copying the game list
	// (every Act resolves one); names need each game's lock, which is not
	// taken under s.mu, so they are looked up in a copy.
	s.mu.Lock()
	if g := s.findByIDLocked(ref); g != nil {
		s.mu.Unlock()
		return g, nil
	}
	if ref == "" {
		s.mu.Unlock()
		return nil, fmt.Errorf("%w: no game is connected", ErrUnknownGame)
	}
	games := slices.Clone(s.games)
	s.mu.Unlock()
	var fallback *game
	for i := len(games) - 1; i >= 0; i-- {
		if games[i].nameNow() != ref {
			continue
		}
		if games[i].live.Load() {
			return games[i], nil
		}
		if fallback == nil {
			fallback = games[i]
		}
	}
	if fallback != nil {
		return fallback, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownGame, ref)
}

// findByIDLocked returns the most recently connected live game for ref
// "", the game whose id is ref otherwise, or nil.
func (s *Server) findByIDLocked(ref string) *game {
	if ref == "" {
		for i := len(s.games) - 1; i >= 0; i-- {
			if s.games[i].live.Load() {
				return s.games[i]
			}
		}
		return nil
	}
	for _, g := range s.games {
		if g.id == ref {
			return g
		}
	}
	return nil
}

// Disconnect closes one game's connection with code and reason (a close
// handshake, as the real server does when it goes away), while the server
// keeps running and accepting connections. Games use it in tests to
// exercise their reconnect path. Code 0 means 1001 (going away).
func (s *Server) Disconnect(gameRef string, code int, reason string) error {
	g, err := s.findGame(gameRef)
	if err != nil {
		return err
	}
	if code == 0 {
		code = transport.CloseGoingAway
	}
	g.closeSent.CompareAndSwap(nil, &closeNote{code: code, reason: reason})
	return g.conn.Close(code, reason)
}
