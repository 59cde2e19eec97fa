package relay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// Sentinel errors. Test for them with errors.Is.
var (
	// ErrClosed is returned once Close or Shutdown was called.
	ErrClosed = errors.New("relay: closed")
	// ErrServing is returned by a second call of Serve (or Run).
	ErrServing = errors.New("relay: already serving")
)

// Relay lets several games share one Neuro connection. Games connect to
// it as they would to Neuro (Handler, ServeConn); it holds one upstream
// connection (Serve), names each game's actions so that they cannot
// collide, serves the games' forces one at a time, routes actions and
// results, and restores everything when either side reconnects.
//
// All methods are safe for concurrent use. Serve runs the upstream side
// and ServeConn one game; both block, and Close or Shutdown ends them and
// waits for every goroutine the relay started.
type Relay struct {
	cfg config
	log *zap.Logger
	url string

	mu      sync.Mutex
	st      *state
	lastErr string
	serving bool
	conns   map[transport.Conn]struct{} // live connections, for Close
	servers []*http.Server              // Run's, for Close and Shutdown

	kick chan struct{} // the force in flight changed (capacity 1)

	games *tracker // ServeConn calls
	work  *tracker // Serve and Run's listeners

	gamesCtx  context.Context // ended by Shutdown (first step) and Close
	stopGames context.CancelFunc
	upCtx     context.Context // ended by Shutdown (second step) and Close
	stopUp    context.CancelFunc
	hardCtx   context.Context // ended by Close: writes give up
	stopHard  context.CancelFunc

	closeOnce sync.Once
	finished  chan struct{} // closed when Close or a successful Shutdown finished
	finish    sync.Once
}

// New returns a relay to the Neuro websocket server at upstreamURL (ws://
// or wss://). It starts nothing: run Serve (or Run) and connect games.
// It fails for a bad URL or a prefix given by WithPrefixes that does not
// pass CheckPrefix.
func New(upstreamURL string, opts ...Option) (*Relay, error) {
	u, err := url.Parse(upstreamURL)
	if err != nil {
		return nil, fmt.Errorf("relay: upstream URL: %w", err)
	}
	if s := strings.ToLower(u.Scheme); (s != "ws" && s != "wss") || u.Host == "" {
		return nil, fmt.Errorf("relay: upstream URL %q: want ws://host[:port][/path] or wss://", upstreamURL)
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	r := &Relay{
		cfg:      cfg,
		log:      cfg.logger.Named("relay"),
		url:      upstreamURL,
		conns:    map[transport.Conn]struct{}{},
		kick:     make(chan struct{}, 1),
		games:    newTracker(),
		work:     newTracker(),
		finished: make(chan struct{}),
	}
	r.gamesCtx, r.stopGames = context.WithCancel(context.Background())
	r.upCtx, r.stopUp = context.WithCancel(context.Background())
	r.hardCtx, r.stopHard = context.WithCancel(context.Background())
	r.st = newState(&r.cfg, r.log, r.rearm)
	return r, nil
}

// rearm wakes the force timer (called by the state, under r.mu).
func (r *Relay) rearm() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

func (r *Relay) track(c transport.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hardCtx.Err() != nil {
		return false
	}
	r.conns[c] = struct{}{}
	return true
}

func (r *Relay) untrack(c transport.Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.conns, c)
}

// ServeConn serves one game over conn until the game leaves, ctx ends, or
// the relay closes; conn is closed on return (with 1001 "relay shutting
// down" when the relay or ctx ended it). Past WithMaxGames the game is
// refused with close code 1008. Nothing the game sends ends the
// connection; a game that does not read its frames is disconnected
// (1008) once its queue is full.
//
// It returns nil when the game closed the connection, ctx.Err() when ctx
// ended, ErrClosed when the relay was closed, and the read error
// otherwise.
func (r *Relay) ServeConn(ctx context.Context, conn transport.Conn) error {
	return r.serveGame(ctx, conn, "")
}

func (r *Relay) serveGame(ctx context.Context, conn transport.Conn, remote string) error {
	if !r.games.enter() {
		_ = conn.Close(transport.CloseGoingAway, "relay shutting down")
		return ErrClosed
	}
	defer r.games.leave()
	if !r.track(conn) {
		_ = conn.CloseNow()
		return ErrClosed
	}
	defer r.untrack(conn)
	ctx, cancel := merge(ctx, r.gamesCtx)
	defer cancel()

	out := newOutbox(conn, outboxFrames)
	r.mu.Lock()
	g, err := r.st.addGame(out, remote)
	r.mu.Unlock()
	if err != nil {
		r.log.Warn("game refused", zap.String("remote", remote), zap.Error(err))
		_ = conn.Close(transport.ClosePolicyViolation, "relay: too many games connected")
		return err
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		_ = out.run(r.hardCtx)
	}()

	// A Read whose ctx ends closes conn without a handshake
	// (transport.Conn): close it as ended would when ctx ends.
	stopClosing := context.AfterFunc(ctx, func() { r.closeEnded(conn) })
	readCtx := context.WithoutCancel(ctx)
	d := r.newDirect()
	var rerr error
	for {
		var frame []byte
		if frame, rerr = conn.Read(readCtx); rerr != nil {
			break
		}
		hot := scanResult(frame) // pure: outside the lock
		r.mu.Lock()
		r.st.direct = d
		r.st.gameFrameScanned(g, frame, &hot)
		r.st.direct = nil
		r.mu.Unlock()
		d.flush()
	}
	stopClosing()
	r.mu.Lock()
	r.st.direct = d
	r.st.removeGame(g)
	r.st.direct = nil
	r.mu.Unlock()
	d.flush()
	out.stop()
	<-writerDone
	return r.ended(ctx, r.gamesCtx, conn, rerr)
}

// newDirect returns the write-through batch of one reading goroutine
// (outbox, direct): it sets it as the state's direct around each call,
// under r.mu, and flushes it once it released r.mu.
func (r *Relay) newDirect() *direct { return &direct{ctx: r.hardCtx} }

// ended closes conn after its read loop stopped with rerr, and returns
// what Serve and ServeConn report. closing is the relay's context for
// that side (gamesCtx or upCtx).
func (r *Relay) ended(ctx, closing context.Context, conn transport.Conn, rerr error) error {
	if closing.Err() == nil && ctx.Err() == nil { // the peer, or the link, ended it
		_ = conn.CloseNow()
		var ce *transport.CloseError
		if errors.As(rerr, &ce) && (ce.Code == transport.CloseNormal || ce.Code == transport.CloseGoingAway) {
			return nil
		}
		return rerr
	}
	r.closeEnded(conn)
	if closing.Err() != nil {
		return ErrClosed
	}
	return ctx.Err()
}

// closeEnded closes conn once its context ended: with a handshake unless
// the relay is closing hard.
func (r *Relay) closeEnded(conn transport.Conn) {
	if r.hardCtx.Err() == nil {
		_ = conn.Close(transport.CloseGoingAway, "relay shutting down")
	} else {
		_ = conn.CloseNow()
	}
}

// Handler returns the websocket endpoint games connect to, at any path,
// as they would to Neuro: it upgrades the request (any Origin: web games
// connect from browsers) and runs ServeConn until the game leaves. A
// request that is not a websocket upgrade gets 426 with a line of help.
func (r *Relay) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
			w.Header().Set("Upgrade", "websocket")
			http.Error(w, "neuro-relay: connect a game here with a websocket, as to Neuro", http.StatusUpgradeRequired)
			return
		}
		conn, err := gorilla.Accept(w, req, gorilla.WithReadLimit(r.cfg.readLimit), gorilla.WithLogger(r.cfg.logger))
		if err != nil {
			r.log.Info("websocket upgrade failed", zap.String("remote", req.RemoteAddr), zap.Error(err))
			return
		}
		// The connection outlives the request; Close and Shutdown end it.
		err = r.serveGame(context.WithoutCancel(req.Context()), conn, req.RemoteAddr)
		if err != nil && !errors.Is(err, ErrClosed) {
			r.log.Debug("game connection ended", zap.String("remote", req.RemoteAddr), zap.Error(err))
		}
	})
}

// Status returns a snapshot of the relay: upstream, games, forces,
// counters.
func (r *Relay) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.st.status()
	st.Upstream.URL = redact(r.url)
	st.Upstream.LastError = r.lastErr
	return st
}

// Shutdown ends the relay gracefully: it stops Run's listeners, closes
// every game with a close handshake (1001) — their actions are
// unregistered and their pending actions answered upstream — then closes
// upstream after those frames went out, and waits for every goroutine.
// When ctx ends first it falls back to Close and returns ctx.Err().
// Calling it again, or after Close, waits for the first to finish.
func (r *Relay) Shutdown(ctx context.Context) error {
	first := false
	r.closeOnce.Do(func() { first = true })
	if !first {
		return wait(ctx, r.finished)
	}
	r.closeServers()
	r.stopGames()
	err := wait(ctx, r.games.close())
	if err == nil {
		r.stopUp()
		err = wait(ctx, r.work.close())
	}
	if err != nil {
		r.close()
		return err
	}
	r.finish.Do(func() { close(r.finished) })
	return nil
}

// Close ends the relay at once: listeners, games and upstream are closed
// without a handshake, and it returns once every goroutine the relay
// started has returned. Calling it again returns nil.
func (r *Relay) Close() error {
	r.closeOnce.Do(func() {})
	r.close()
	return nil
}

func (r *Relay) close() {
	r.closeServers()
	r.mu.Lock()
	r.stopHard()
	r.stopGames()
	r.stopUp()
	conns := make([]transport.Conn, 0, len(r.conns))
	for c := range r.conns {
		conns = append(conns, c)
	}
	r.mu.Unlock()
	for _, c := range conns {
		_ = c.CloseNow()
	}
	<-r.games.close()
	<-r.work.close()
	r.finish.Do(func() { close(r.finished) })
}
