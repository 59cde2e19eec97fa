package relay

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v5"
	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
)

// Serve runs the upstream side until ctx ends or the relay is closed: it
// dials Neuro, sends startup and every game's actions, passes frames
// both ways, and when the connection drops dials again with exponential
// backoff (WithReconnect), for ever; games stay connected meanwhile. It
// also owns the timer that gives up a quiet force. Games may connect
// before Serve runs: they wait for upstream.
//
// It returns nil once Close or Shutdown ended it, ctx.Err() when ctx
// ended, and ErrServing when Serve is already running (or ran).
func (r *Relay) Serve(ctx context.Context) error {
	if !r.work.enter() {
		return ErrClosed
	}
	defer r.work.leave()
	r.mu.Lock()
	if r.serving {
		r.mu.Unlock()
		return ErrServing
	}
	r.serving = true
	r.mu.Unlock()

	ctx, cancel := merge(ctx, r.upCtx)
	defer cancel()
	timerDone := make(chan struct{})
	go func() {
		defer close(timerDone)
		r.forceTimer(ctx)
	}()
	r.dialLoop(ctx)
	cancel()
	<-timerDone
	if r.upCtx.Err() != nil {
		return nil
	}
	return ctx.Err()
}

// dialLoop connects upstream again and again until ctx ends.
func (r *Relay) dialLoop(ctx context.Context) {
	bo := &backoff.ExponentialBackOff{
		InitialInterval:     r.cfg.reconnectInitial,
		RandomizationFactor: 0.5,
		Multiplier:          1.5,
		MaxInterval:         r.cfg.reconnectMax,
	}
	bo.Reset()
	pause := time.NewTimer(time.Hour)
	pause.Stop()
	defer pause.Stop()
	for ctx.Err() == nil {
		r.mu.Lock()
		r.st.counts.Dials++
		r.mu.Unlock()
		conn, err := r.cfg.dialer(ctx, r.url)
		if err == nil {
			start := time.Now()
			err = r.session(ctx, conn)
			if time.Since(start) >= stableSession {
				bo.Reset()
			}
		}
		if ctx.Err() != nil {
			return
		}
		delay := bo.NextBackOff()
		r.mu.Lock()
		r.lastErr = err.Error()
		r.mu.Unlock()
		r.log.Info("upstream unavailable; dialling again", zap.String("url", redact(r.url)),
			zap.Duration("in", delay), zap.Error(err))
		pause.Reset(delay)
		select {
		case <-pause.C:
		case <-ctx.Done():
			return
		}
	}
}

// session runs one upstream connection until it ends, and returns why.
func (r *Relay) session(ctx context.Context, conn transport.Conn) error {
	if !r.track(conn) {
		_ = conn.CloseNow()
		return ErrClosed
	}
	defer r.untrack(conn)
	out := newOutbox(conn, outboxFrames)
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		if err := out.run(r.hardCtx); err != nil && r.hardCtx.Err() == nil {
			r.log.Info("writing upstream failed", zap.Error(err))
		}
	}()
	d := r.newDirect()
	r.mu.Lock()
	r.lastErr = ""
	r.st.direct = d
	r.st.upConnected(out)
	r.st.direct = nil
	r.mu.Unlock()
	d.flush()

	// A Read whose ctx ends closes conn without a handshake
	// (transport.Conn): close it as ended would when ctx ends.
	stopClosing := context.AfterFunc(ctx, func() { r.closeEnded(conn) })
	readCtx := context.WithoutCancel(ctx)
	var rerr error
	for {
		var frame []byte
		if frame, rerr = conn.Read(readCtx); rerr != nil {
			break
		}
		hot := scanAction(frame) // pure: outside the lock
		r.mu.Lock()
		r.st.direct = d
		r.st.upFrameScanned(frame, &hot)
		r.st.direct = nil
		r.mu.Unlock()
		d.flush()
	}
	stopClosing()
	r.mu.Lock()
	r.st.upDisconnected()
	r.mu.Unlock()
	out.stop()
	<-writerDone
	err := r.ended(ctx, r.upCtx, conn, rerr)
	if err == nil { // upstream closed normally: still a reason to dial again
		err = rerr
	}
	return err
}

// forceTimer gives up the force in flight once it has been quiet for
// the force timeout (state.checkQuiet), until ctx ends.
func (r *Relay) forceTimer(ctx context.Context) {
	t := time.NewTimer(time.Hour)
	t.Stop()
	for {
		r.mu.Lock()
		deadline, armed := r.st.quietDeadline()
		r.mu.Unlock()
		if armed {
			t.Reset(time.Until(deadline))
		}
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-r.kick:
		case now := <-t.C:
			r.mu.Lock()
			r.st.checkQuiet(now)
			r.mu.Unlock()
		}
		t.Stop()
	}
}
