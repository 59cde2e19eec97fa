// Package memconn is the in-memory game-side connection shared by the
// action round-trip benchmarks (neuro's BenchmarkGameActionRoundTrip and
// cmd/neurobench), so that both measure exactly the same thing.
package memconn

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"github.com/neurokit/neurokit/transport"
)

// Conn is a minimal in-memory transport.Conn for the game side of a
// benchmark. The benchmark puts action frames in with RoundTrip; Write
// reports results back to it and drops every other frame (startup,
// register). Its only allocation is the copy Read returns, as
// transport/gorilla's reader makes one per frame.
type Conn struct {
	in        chan []byte
	results   chan bool // one per action/result written: whether it was a success
	closed    chan struct{}
	closeOnce sync.Once
}

// New returns an open Conn.
func New() *Conn {
	return &Conn{in: make(chan []byte, 1), results: make(chan bool, 1), closed: make(chan struct{})}
}

var (
	resultCmd  = []byte(`"command":"action/result"`)
	successTag = []byte(`"success":true`)
	// ErrFailedResult is returned by RoundTrip when the game answered a
	// failed result.
	ErrFailedResult = errors.New("the game answered a failed result")
)

// RoundTrip hands frame to the game and waits for its result.
func (c *Conn) RoundTrip(ctx context.Context, frame []byte) error {
	select {
	case c.in <- frame:
	case <-c.closed:
		return transport.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case ok := <-c.results:
		if !ok {
			return ErrFailedResult
		}
		return nil
	case <-c.closed:
		return transport.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Read returns a copy of the next frame: the caller owns it.
func (c *Conn) Read(ctx context.Context) ([]byte, error) {
	select {
	case f := <-c.in:
		return bytes.Clone(f), nil
	case <-c.closed:
		return nil, transport.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Write inspects the frame before returning, so it keeps no reference.
func (c *Conn) Write(ctx context.Context, frame []byte) error {
	select {
	case <-c.closed:
		return transport.ErrClosed
	default:
	}
	if !bytes.Contains(frame, resultCmd) {
		return nil
	}
	select {
	case c.results <- bytes.Contains(frame, successTag):
		return nil
	case <-c.closed:
		return transport.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close closes the Conn; code and reason are ignored.
func (c *Conn) Close(int, string) error { return c.CloseNow() }

// CloseNow closes the Conn. It is idempotent.
func (c *Conn) CloseNow() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}
