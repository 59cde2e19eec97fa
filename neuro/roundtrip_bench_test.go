package neuro_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/transport"
)

// BenchmarkGameActionRoundTrip counts what the game side costs per action
// round trip, without a schema: frame read → decode → dispatch through the
// Manager to a HandleAction handler → result encoded → frame written. The
// connection is memConn, driven by the benchmark: it hands the game a
// pre-encoded action frame and is told, from inside Write, that the result
// went out. Its only allocation is the copy Read returns (as
// transport/gorilla's reader makes one per frame); everything else counted
// by ReportAllocs is the SDK's. cmd/neurobench runs the same round trip
// (allocs_per_roundtrip).
func BenchmarkGameActionRoundTrip(b *testing.B) {
	conn := newMemConn()
	c, err := neuro.NewComponent("Bench Game", neuro.WithDialer(func(context.Context, string) (transport.Conn, error) {
		return conn, nil
	}))
	if err != nil {
		b.Fatal(err)
	}
	m := manager.New("game")
	if err := m.Add(c); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	play := neuro.Action{Name: "play", Description: "Play a move."}
	if err := c.HandleAction(ctx, play, func(context.Context, events.Action) neuro.Result {
		return neuro.Success("")
	}); err != nil {
		b.Fatal(err)
	}
	if err := c.Connect(ctx, "ws://memconn"); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := c.Stop(ctx, 0, ""); err != nil {
			b.Error(err)
		}
	}()
	frame, err := neuro.EncodeServer(neuro.ActionRequest{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Name: "play"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := conn.roundTrip(ctx, frame); err != nil {
			b.Fatal(err)
		}
	}
}

// memConn is a minimal in-memory transport.Conn for the game side. The
// benchmark puts action frames in with roundTrip; Write reports results
// back through results and drops every other frame (startup, register).
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
