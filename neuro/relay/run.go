package relay

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// Timeouts of the HTTP servers Run starts.
const (
	readHeaderTimeout = 5 * time.Second
	statusTimeout     = 10 * time.Second // read and write of a status request
	idleTimeout       = 60 * time.Second
)

// Run is the whole relay on listeners: games connect to games (Handler,
// any path), the status page is served on status (StatusHandler; nil:
// none), and upstream is served (Serve). It blocks until ctx ends — then
// it shuts down gracefully within WithShutdownTimeout, falling back to
// Close — or until Close or Shutdown is called, and returns once every
// goroutine it started has returned. The listeners are closed on return.
//
// It returns nil after a shutdown (ctx ending included), ErrServing when
// Serve already ran, and ErrClosed when the relay was already closed.
func (r *Relay) Run(ctx context.Context, games, status net.Listener) error {
	if games == nil {
		if status != nil {
			_ = status.Close()
		}
		return errors.New("relay: Run needs a listener for games")
	}
	errLog := zap.NewStdLog(r.log.Named("http"))
	gamesSrv := &http.Server{
		Handler:           r.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    statusMaxHeader,
		ErrorLog:          errLog,
	}
	servers := []*http.Server{gamesSrv}
	listeners := []net.Listener{games}
	if status != nil {
		servers = append(servers, &http.Server{
			Handler:           r.StatusHandler(),
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       statusTimeout,
			WriteTimeout:      statusTimeout,
			IdleTimeout:       idleTimeout,
			MaxHeaderBytes:    statusMaxHeader,
			ErrorLog:          errLog,
		})
		listeners = append(listeners, status)
	}
	if !r.addServers(servers) {
		for _, ln := range listeners {
			_ = ln.Close()
		}
		return ErrClosed
	}

	// Every goroutine below sends exactly once on served; Run receives
	// every send before it returns.
	served := make(chan error, len(servers)+1)
	for i, srv := range servers {
		if !r.work.enter() {
			_ = listeners[i].Close()
			served <- nil
			continue
		}
		go func() {
			defer r.work.leave()
			err := srv.Serve(listeners[i])
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			served <- err
		}()
	}
	go func() { served <- r.Serve(context.WithoutCancel(ctx)) }()

	var err error
	pending := cap(served)
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.shutdownTimeout)
		if serr := r.Shutdown(sctx); serr != nil {
			r.log.Warn("shutdown was not clean", zap.Error(serr))
		}
		cancel()
	case err = <-served: // a listener failed, or Serve ended (Close, Shutdown, ErrServing)
		pending--
		_ = r.Close()
	}
	for ; pending > 0; pending-- {
		if e := <-served; err == nil {
			err = e
		}
	}
	<-r.finished
	if errors.Is(err, ErrClosed) {
		err = nil
	}
	return err
}

// addServers records Run's servers, unless the relay is closing.
func (r *Relay) addServers(srvs []*http.Server) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.upCtx.Err() != nil {
		return false
	}
	r.servers = append(r.servers, srvs...)
	return true
}

// closeServers stops Run's listeners; websockets already handed to
// ServeConn are not affected.
func (r *Relay) closeServers() {
	r.mu.Lock()
	srvs := r.servers
	r.servers = nil
	r.mu.Unlock()
	for _, s := range srvs {
		_ = s.Close()
	}
}
