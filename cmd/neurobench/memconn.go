package main

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"github.com/neurokit/neurokit/transport"
)

// memConn is a minimal in-memory transport.Conn for the game side, the
// same as neuro/roundtrip_bench_test.go's. The benchmark puts action
// frames in with roundTrip; Write reports results back through results
// and drops every other frame (startup, register). Its only allocation is
// the copy Read returns, as transport/gorilla's reader makes one per
// frame.
type memConn struct {
	in        chan []byte
	results   chan bool // one per action/result written: whether it was a success
	closed    chan struct{}
	closeOnce sync.Once
}

func newMemConn() *memConn {
	return &memConn{in: make(chan []byte, 1), results: make(chan bool, 1), closed: make(chan struct{})}
}

var (
	resultCmd       = []byte(`"command":"action/result"`)
	successTag      = []byte(`"success":true`)
	errFailedResult = errors.New("the game answered a failed result")
)

// roundTrip hands frame to the game and waits for its result.
func (c *memConn) roundTrip(ctx context.Context, frame []byte) error {
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
			return errFailedResult
		}
		return nil
	case <-c.closed:
		return transport.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Read returns a copy of the next frame: the caller owns it.
func (c *memConn) Read(ctx context.Context) ([]byte, error) {
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
func (c *memConn) Write(ctx context.Context, frame []byte) error {
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

func (c *memConn) Close(int, string) error { return c.CloseNow() }

func (c *memConn) CloseNow() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}
