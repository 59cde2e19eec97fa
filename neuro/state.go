package neuro

import (
	"context"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/transport"
)

// phase is where a Component is in its life:
//
//	idle ──begin──▶ connecting ──attached──▶ connected
//	  ▲                 │  ▲                    │
//	  └──────ended──────┘  └───────dropped──────┘ (WithReconnect)
//	(any) ──stop──▶ stopping ──joined──▶ stopped
type phase uint8

const (
	idle       phase = iota // no connection run: never connected, or the last run ended
	connecting              // a run dials, or waits to dial again
	connected               // a run serves an attached connection
	stopping                // Stop was called; the component joins its goroutines
	stopped                 // Stop joined every goroutine
)

// status is the state of a Component: one value, guarded by
// Component.mu, changed only by transition.
type status struct {
	phase phase
	// conn is the connection of the run, from its dial until it is served
	// no more.
	conn       transport.Conn
	session    events.Session // Neuro's acknowledgement of conn's startup
	hasSession bool
	// attempt is the first connection attempt of the current or next run,
	// which Connect and WaitConnected wait for.
	attempt *attempt
	// changed is closed, and replaced, at every new connection.
	changed chan struct{}
	// code and reason are Stop's.
	code   int
	reason string
}

// step is one change of a Component's state.
type step struct {
	kind    stepKind
	conn    transport.Conn
	err     error
	session events.Session
	code    int
	reason  string
}

type stepKind uint8

const (
	begin        stepKind = iota // a run starts: idle → connecting
	dialled                      // the run dialled conn; Stop can now close it
	attached                     // startup went out on conn: connecting → connected
	lost                         // setting conn up failed: conn is forgotten
	failed                       // a dial of the run failed with err
	dropped                      // the served connection ended: connected → connecting
	ended                        // the run ended with err: → idle
	acknowledged                 // Neuro acknowledged startup with session
	stop                         // Stop with code and reason: → stopping
	joined                       // every goroutine returned: stopping → stopped
)

// transition applies s to the component's state, in one place, and
// returns the state before and after it. It refuses (with ErrStopped, or
// errRunning for a second run) what the current phase does not allow.
// begin counts the run in c.wg: Stop sets stopping under the same lock
// before it waits, so it never waits on a run that starts after it.
func (c *Component) transition(s step) (before, after status, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := &c.st
	before = *st
	switch s.kind {
	case begin:
		switch st.phase {
		case stopping, stopped:
			return before, before, ErrStopped
		case connecting, connected:
			return before, before, errRunning
		}
		st.phase = connecting
		if st.attempt.settled() {
			st.attempt = newAttempt()
		}
		c.wg.Add(1)
	case dialled:
		if st.phase != connecting {
			return before, before, ErrStopped
		}
		st.conn = s.conn
	case attached:
		if st.phase != connecting {
			return before, before, ErrStopped
		}
		st.phase = connected
		st.session, st.hasSession = events.Session{}, false
		close(st.changed)
		st.changed = make(chan struct{})
		st.attempt.settle(nil)
	case lost:
		if st.conn == s.conn {
			st.conn = nil
		}
	case failed:
		st.attempt.settle(s.err)
	case dropped:
		st.conn, st.hasSession = nil, false
		if st.phase == connected {
			st.phase = connecting
		}
	case ended:
		st.conn, st.hasSession = nil, false
		if st.phase == connecting || st.phase == connected {
			st.phase = idle
		}
		st.attempt.settle(s.err)
	case acknowledged:
		if st.phase == connected {
			st.session, st.hasSession = s.session, true
		}
	case stop:
		if st.phase == stopping || st.phase == stopped {
			break
		}
		st.phase = stopping
		st.code, st.reason = s.code, s.reason
		st.attempt.settle(ErrStopped)
	case joined:
		st.phase = stopped
	}
	return before, *st, nil
}

// state returns a copy of the component's state.
func (c *Component) state() status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// attempt is the outcome of a run's first connection attempt. Its fields
// are guarded by Component.mu; done is closed once err is set.
type attempt struct {
	done chan struct{}
	err  error
}

func newAttempt() *attempt { return &attempt{done: make(chan struct{})} }

func (a *attempt) settled() bool {
	select {
	case <-a.done:
		return true
	default:
		return false
	}
}

// settle sets the outcome, once. The caller holds Component.mu.
func (a *attempt) settle(err error) {
	if !a.settled() {
		a.err = err
		close(a.done)
	}
}

func (a *attempt) wait(ctx context.Context) error {
	select {
	case <-a.done:
		return a.err
	case <-ctx.Done():
		return ctx.Err()
	}
}
