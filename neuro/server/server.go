package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/transport"
)

// Server is a Neuro simulator. Games connect to it (ServeConn, Handler or
// Start); it answers them the way the official mock server does and checks
// what they send. All methods are safe for concurrent use.
type Server struct {
	cfg     config
	log     *zap.Logger
	policy  Policy
	session events.Session
	events  *eventLog

	rngMu sync.Mutex
	rng   *rand.Rand // error injection

	idPrefix string
	nextID   atomic.Uint64

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
	s := &Server{
		cfg:     cfg,
		log:     cfg.logger.Named("server"),
		policy:  cfg.policy,
		session: cfg.session,
		events:  newEventLog(cfg.eventHistory),
		rng:     rng,
		done:    make(chan struct{}),
	}
	if s.policy == nil {
		s.policy = NewRandomPolicy(seed)
	}
	if s.session.SessionID == "" {
		s.session.SessionID = uuidFrom(rng)
	}
	s.idPrefix = fmt.Sprintf("%08x", rng.Uint32())
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

func uuidFrom(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, (b>>48)&0x3fff|0x8000, b&0xffffffffffff)
}

// Session returns the session sent in startup acknowledgements.
func (s *Server) Session() events.Session { return s.session }

func (s *Server) newActionID() string {
	return s.idPrefix + "-" + strconv.FormatUint(s.nextID.Add(1), 10)
}

func (s *Server) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.Float64() < p
}

func (s *Server) corrupt(schema neuro.Schema, valid string) string {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return corruptData(schema, valid, s.rng)
}

func (s *Server) record(e Event) Event { return s.events.add(e) }

// ServeConn runs one game connection until it ends: it sends
// actions/reregister_all (unless disabled), then reads and answers the
// game's messages, serving its forces on a goroutine of its own that it
// joins before returning. Bad input never ends the connection.
//
// It returns nil when the game closed the connection normally, ctx.Err()
// when ctx ended, ErrServerClosed when the server was closed, and the read
// error otherwise. In every case conn is closed on return: with a close
// handshake (1001, "server shutting down") when the server or ctx ended
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

func (s *Server) serveConn(ctx context.Context, conn transport.Conn, attach func(*game)) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = conn.CloseNow()
		return ErrServerClosed
	}
	s.conns.Add(1)
	defer s.conns.Done()
	s.gameCount++
	g := newGame(s, "#"+strconv.Itoa(s.gameCount), conn)
	s.games = append(s.games, g)
	s.trimGamesLocked()
	s.mu.Unlock()
	if attach != nil {
		attach(g)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	s.log.Info("game connected", zap.String("game", g.id))
	s.record(Event{Kind: EventConnected, GameID: g.id})

	var workers sync.WaitGroup
	workers.Add(1)
	go func() {
		defer workers.Done()
		g.forceLoop(ctx)
	}()

	var readErr error
	if s.cfg.reregister {
		readErr = g.send(ctx, neuro.ReregisterAll{})
	}
	for readErr == nil {
		var frame []byte
		frame, readErr = conn.Read(ctx)
		if readErr == nil {
			g.handle(ctx, frame)
		}
	}
	ended := ctx.Err() != nil
	cancel()
	workers.Wait()
	switch {
	case ended && !s.closingNow():
		_ = conn.Close(transport.CloseGoingAway, "server shutting down")
	case errors.Is(readErr, transport.ErrClosed):
		// Closed locally (Disconnect, Shutdown): a close handshake may be
		// under way, and Close waits for it where CloseNow would cut it.
		_ = conn.Close(transport.CloseGoingAway, "")
	default:
		_ = conn.CloseNow()
	}
	g.disconnect()

	code, reason, _ := transport.CloseCode(readErr)
	s.log.Info("game disconnected", zap.String("game", g.label()), zap.Int("code", code),
		zap.String("reason", reason), zap.Error(readErr))
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

// trimGamesLocked drops the oldest disconnected games beyond the limit.
func (s *Server) trimGamesLocked() {
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
}

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
	return g.conn.Close(code, reason)
}

// ---- Go API: sending ----
//
// Every method taking a game reference accepts "" (the most recently
// connected game still connected), a connection id ("#1") or a game name.

// Send sends one Neuro → game message to a game. An ActionRequest sent
// this way is tracked like any other action (see SendAction).
func (s *Server) Send(ctx context.Context, gameRef string, m neuro.Message) error {
	frame, err := neuro.EncodeServer(m)
	if err != nil {
		return err
	}
	return s.SendRaw(ctx, gameRef, frame)
}

// SendRaw sends frame to a game unchanged, whatever it holds. When it is
// an action with an id, the server tracks it as pending (before writing
// it) so that the game's result is recorded and not reported as unknown.
func (s *Server) SendRaw(ctx context.Context, gameRef string, frame []byte) error {
	g, err := s.findGame(gameRef)
	if err != nil {
		return err
	}
	return g.sendRaw(ctx, frame)
}

// Broadcast sends frame unchanged to every connected game, like the
// official mock's POST /, and returns how many games it reached. Actions
// are tracked as in SendRaw.
func (s *Server) Broadcast(ctx context.Context, frame []byte) (int, error) {
	var (
		n    int
		errs []error
	)
	for _, g := range s.gameList() {
		if !g.live.Load() {
			continue
		}
		if err := g.sendRaw(ctx, frame); err != nil {
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
	p, err := g.sendAction(ctx, name, data, data != "", nil, 0, false)
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
	p, err := g.sendAction(ctx, name, data, data != "", nil, 0, false)
	if err != nil {
		return Result{}, err
	}
	return g.await(ctx, p)
}

// AwaitResult waits for the result of the action id sent to a game, or
// returns it at once if it came already. It returns ErrResultTimeout
// (with the timed-out Result) when none came in time, and
// ErrUnknownAction for an id never sent to that game.
func (s *Server) AwaitResult(ctx context.Context, gameRef, id string) (Result, error) {
	g, err := s.findGame(gameRef)
	if err != nil {
		return Result{}, err
	}
	g.mu.Lock()
	p, ok := g.pending[id]
	if !ok {
		for i := len(g.results) - 1; i >= 0; i-- {
			if g.results[i].id == id {
				r := g.expandLocked(g.results[i])
				g.mu.Unlock()
				return r, resultErr(r)
			}
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
	return s.Send(ctx, gameRef, neuro.ReregisterAll{})
}

// ShutdownGraceful sends shutdown/graceful to a game; wants false cancels
// an earlier request.
func (s *Server) ShutdownGraceful(ctx context.Context, gameRef string, wants bool) error {
	return s.Send(ctx, gameRef, neuro.ShutdownGraceful{WantsShutdown: wants})
}

// ShutdownImmediate sends shutdown/immediate to a game.
func (s *Server) ShutdownImmediate(ctx context.Context, gameRef string) error {
	return s.Send(ctx, gameRef, neuro.ShutdownImmediate{})
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
	return State{Session: s.session, Games: s.Games()}
}

// Registry returns the actions a game has registered, in registration
// order.
func (s *Server) Registry(gameRef string) ([]neuro.Action, error) {
	st, err := s.Game(gameRef)
	return st.Actions, err
}

// ContextLog returns the context messages a game sent, oldest first.
func (s *Server) ContextLog(gameRef string) ([]ContextEntry, error) {
	st, err := s.Game(gameRef)
	return st.Context, err
}

// Warnings returns every recorded warning of every game, in order.
func (s *Server) Warnings() []Warning {
	var out []Warning
	for _, st := range s.Games() {
		out = append(out, st.Warnings...)
	}
	slices.SortFunc(out, func(a, b Warning) int { return cmp.Compare(a.Seq, b.Seq) })
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

// ---- listeners ----

// Start listens on wsAddr for game websockets and, unless httpAddr is "",
// on httpAddr for the HTTP side (HTTPHandler), serving both on goroutines
// that Close and Shutdown stop and wait for. Use "127.0.0.1:0" for a free
// port and Addr/HTTPAddr to learn it. The websocket port also answers
// plain HTTP requests with HTTPHandler.
func (s *Server) Start(wsAddr, httpAddr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrServerClosed
	}
	if len(s.listeners) > 0 {
		return errors.New("server: already started")
	}
	wsLn, err := net.Listen("tcp", wsAddr)
	if err != nil {
		return fmt.Errorf("server: listen websocket: %w", err)
	}
	var httpLn net.Listener
	if httpAddr != "" {
		if httpLn, err = net.Listen("tcp", httpAddr); err != nil {
			_ = wsLn.Close()
			return fmt.Errorf("server: listen http: %w", err)
		}
	}
	s.wsAddr = wsLn.Addr()
	s.serveLocked(wsLn, s.Handler(), "websocket")
	if httpLn != nil {
		s.httpAddr = httpLn.Addr()
		s.serveLocked(httpLn, s.HTTPHandler(), "http")
	}
	return nil
}

func (s *Server) serveLocked(ln net.Listener, h http.Handler, what string) {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          zap.NewStdLog(s.log.Named(what)),
	}
	s.listeners = append(s.listeners, srv)
	s.log.Info("listening", zap.String("side", what), zap.Stringer("addr", ln.Addr()))
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve failed", zap.String("side", what), zap.Error(err))
		}
	}()
}

// Addr returns the websocket listener's address after Start ("" before).
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wsAddr == nil {
		return ""
	}
	return s.wsAddr.String()
}

// HTTPAddr returns the HTTP listener's address after Start ("" when there
// is none).
func (s *Server) HTTPAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpAddr == nil {
		return ""
	}
	return s.httpAddr.String()
}

// URL returns the websocket URL games dial after Start, for example
// "ws://127.0.0.1:8000" ("" before).
func (s *Server) URL() string {
	if a := s.Addr(); a != "" {
		return "ws://" + a
	}
	return ""
}
