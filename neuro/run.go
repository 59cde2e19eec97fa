package neuro

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/transport"
)

// A connection run: dial with backoff (dial), serve one connection
// (serveConn), and again with WithReconnect, until the run ends.

// Serve is the connection run in its blocking form: it connects to url
// and serves the connection, then, with WithReconnect, the next ones,
// until ctx ends, Stop is called, the connection ends without reconnect,
// or reconnecting gives up. It raises the same events as Connect and
// blocks until the run is over, so that the caller (a supervised
// manager's scope, a supervisor) owns it; Connect and events.Connect run
// the same loop in a goroutine of the component.
//
// It returns ErrStopped after Stop; context.Cause(ctx) when ctx ended (the
// connection is then closed with 1001, going away, and the component may
// be served or connected again); the dial error when the first connection
// could not be made (without WithReconnect) or reconnecting gave up; and
// an error wrapping the read error when the connection ended without
// reconnect. It returns an error at once while the component is already
// connecting or connected, and ErrStopped after Stop. Stop waits for
// Serve to return.
func (c *Component) Serve(ctx context.Context, url string) error {
	if _, _, err := c.transition(step{kind: begin}); err != nil {
		return err
	}
	defer c.wg.Done()
	return c.run(ctx, url)
}

// start starts a connection run in a goroutine of the component and
// returns its first attempt.
func (c *Component) start(url string) (*attempt, error) {
	_, after, err := c.transition(step{kind: begin})
	if err != nil {
		return nil, err
	}
	go func() {
		defer c.wg.Done()
		if err := c.run(context.Background(), url); err != nil && !errors.Is(err, ErrStopped) {
			c.log.Debug("connection run ended", zap.String("url", url), zap.Error(err))
		}
	}()
	return after.attempt, nil
}

// runState is what one run remembers between its connections.
type runState struct {
	url       string
	policy    *ReconnectPolicy
	served    bool      // a connection of this run was served
	attempts  int       // dials that failed in a row, plus the current one
	downSince time.Time // when the last connection dropped
	delays    interface{ NextBackOff() time.Duration }
}

// run dials and serves connections until the run ends; see Serve. It
// ends the run in the component's state before it queues the run's last
// event, so that a handler of that event may connect again.
func (c *Component) run(ctx context.Context, url string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopped := make(chan struct{})
	unfollow := context.AfterFunc(c.stopCtx, func() {
		defer close(stopped)
		cancel(ErrStopped)
	})
	defer func() {
		if !unfollow() {
			<-stopped // join the AfterFunc goroutine
		}
	}()
	r := &runState{url: url, policy: c.o.reconnect}
	if r.policy != nil {
		r.delays = r.policy.backoff()
	}
	for {
		conn, closer, err := c.dial(ctx, r)
		if err != nil {
			over := c.runEnded(ctx) // nil: the dials failed
			c.transition(step{kind: ended, err: err})
			if over == nil {
				c.events.push(events.ConnectFailed, events.ConnectFailedData{URL: url, Err: err, Attempts: r.attempts})
			}
			return err
		}
		again, d, err := c.serveConn(ctx, r, conn, closer)
		if !again {
			c.transition(step{kind: ended, err: err})
			c.events.push(events.Disconnected, d)
			return err
		}
		c.events.push(events.Disconnected, d)
		if !c.sleep(ctx, r.delays.NextBackOff()) {
			err := c.runEnded(ctx)
			c.transition(step{kind: ended, err: err})
			return err
		}
	}
}

// runEnded returns why the run must end now, or nil: ErrStopped after
// Stop (even before the run's context saw it), else the cause of ctx.
func (c *Component) runEnded(ctx context.Context) error {
	if c.state().phase >= stopping {
		return ErrStopped
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}

// dial dials until a connection is set up (startup, registry and buffered
// context sent), waiting between failed attempts as the reconnect policy
// says. The first failure of a run that retries raises ConnectFailed and
// settles the run's first attempt. It returns the error that ends the
// run: the dial error when there is no policy or it is used up, or an
// error when ctx ended.
func (c *Component) dial(ctx context.Context, r *runState) (transport.Conn, *closer, error) {
	for {
		r.attempts++
		conn, err := c.o.dialer(ctx, r.url)
		var cl *closer
		if err == nil {
			cl, err = c.setUp(ctx, conn)
		}
		if err == nil {
			return conn, cl, nil
		}
		if over := c.runEnded(ctx); over != nil {
			return nil, nil, over
		}
		c.log.Warn("connecting to Neuro failed", zap.String("url", r.url), zap.Int("attempt", r.attempts), zap.Error(err))
		c.transition(step{kind: failed, err: err}) // Connect and WaitConnected report it
		if r.policy == nil || r.policy.exhausted(r.attempts) {
			return nil, nil, err
		}
		if !r.served && r.attempts == 1 { // retries go on
			c.events.push(events.ConnectFailed, events.ConnectFailedData{URL: r.url, Err: err, Attempts: r.attempts})
		}
		if !c.sleep(ctx, r.delays.NextBackOff()) {
			return nil, nil, c.runEnded(ctx)
		}
	}
}

// setUp attaches a freshly dialled conn: startup, registry, buffered
// context. From here on the run owns conn: the returned closer closes it
// when ctx ends. On failure conn is closed.
func (c *Component) setUp(ctx context.Context, conn transport.Conn) (*closer, error) {
	if before, _, err := c.transition(step{kind: dialled, conn: conn}); err != nil {
		_ = conn.Close(before.code, before.reason) // stopped while dialling
		return nil, err
	}
	cl := c.closeWhenDone(ctx, conn)
	if err := c.client.Attach(ctx, conn); err != nil {
		cl.release()
		c.transition(step{kind: lost, conn: conn})
		_ = conn.CloseNow()
		return nil, fmt.Errorf("neuro: sending startup: %w", err)
	}
	if before, _, err := c.transition(step{kind: attached}); err != nil {
		if !cl.release() { // Stop came during Attach
			_ = conn.Close(before.code, before.reason)
		}
		c.transition(step{kind: lost, conn: conn})
		return nil, err
	}
	return cl, nil
}

// serveConn serves one attached connection until it ends, between the
// events that frame it: Connected (or Reconnected) and Disconnected. It
// reports whether the run goes on with a new connection, the payload of
// the Disconnected event, which the caller queues, and, when the run
// ends, why.
func (c *Component) serveConn(ctx context.Context, r *runState, conn transport.Conn, cl *closer) (again bool, d events.DisconnectedData, err error) {
	if !r.served {
		c.events.push(events.Connected, events.ConnectedData{URL: r.url})
	} else {
		c.events.push(events.Reconnected, events.ReconnectedData{URL: r.url, Attempt: r.attempts, Downtime: time.Since(r.downSince)})
	}
	r.served = true

	readErr := c.client.serve(c.hctx, &c.wg) // its readers still in handlers are the component's

	closed := cl.release()
	_, after, _ := c.transition(step{kind: dropped})
	d = events.DisconnectedData{URL: r.url}
	if after.phase >= stopping {
		if !closed {
			_ = conn.Close(after.code, after.reason)
		}
		d.Code, d.Reason = after.code, after.reason
		return false, d, ErrStopped
	}
	if ctx.Err() != nil { // the caller's context ended
		if !closed {
			_ = conn.Close(transport.CloseGoingAway, "")
		}
		d.Code, d.Err = transport.CloseGoingAway, context.Cause(ctx)
		return false, d, d.Err
	}
	_ = conn.CloseNow() // release it
	d.Err = readErr
	var ok bool
	if d.Code, d.Reason, ok = transport.CloseCode(readErr); !ok {
		d.Code, d.Reason = transport.CloseAbnormal, ""
	}
	d.WillReconnect = r.policy != nil
	c.log.Warn("connection to Neuro lost", zap.String("url", r.url), zap.Int("code", d.Code),
		zap.String("reason", d.Reason), zap.Bool("will_reconnect", d.WillReconnect), zap.Error(readErr))
	if !d.WillReconnect {
		return false, d, fmt.Errorf("neuro: connection to %s lost: %w", r.url, readErr)
	}
	r.downSince = time.Now()
	r.attempts = 0
	r.delays = r.policy.backoff()
	return true, d, nil
}

// closer closes the connection of a run when the run's context ends:
// with Stop's code and reason, or with 1001 (going away) when the
// caller's context ended.
type closer struct {
	stop func() bool
	done chan struct{}
}

func (c *Component) closeWhenDone(ctx context.Context, conn transport.Conn) *closer {
	cl := &closer{done: make(chan struct{})}
	cl.stop = context.AfterFunc(ctx, func() {
		defer close(cl.done)
		code, reason := transport.CloseGoingAway, ""
		if st := c.state(); st.phase >= stopping {
			code, reason = st.code, st.reason
		}
		_ = conn.Close(code, reason)
	})
	return cl
}

// release stops the closer, or waits for it when it started already. It
// reports whether the closer closed the connection.
func (cl *closer) release() (closed bool) {
	if cl.stop() {
		return false
	}
	<-cl.done
	return true
}
