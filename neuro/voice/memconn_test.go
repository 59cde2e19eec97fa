package voice_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/transport"
)

// memConn is an in-memory voice.Conn: it answers voice/ready once, then
// waits for Close; what is written is counted and discarded. It measures
// the client's own cost per frame, without a socket.
type memConn struct {
	ready     atomic.Bool
	closed    chan struct{}
	closeOnce sync.Once
	frames    atomic.Int64
}

func newMemConn() *memConn { return &memConn{closed: make(chan struct{})} }

func (m *memConn) ReadFrame() (voice.FrameKind, []byte, error) {
	if m.ready.CompareAndSwap(false, true) {
		return voice.TextFrame, []byte(`{"command":"voice/ready","data":{"sample_rate":48000,"channels":1}}`), nil
	}
	<-m.closed
	return 0, nil, transport.ErrClosed
}

func (m *memConn) WriteText(context.Context, []byte) error { return m.err() }

func (m *memConn) WriteBinary(_ context.Context, p []byte) error {
	if err := m.err(); err != nil {
		return err
	}
	m.frames.Add(1)
	return nil
}

func (m *memConn) err() error {
	select {
	case <-m.closed:
		return transport.ErrClosed
	default:
		return nil
	}
}

func (m *memConn) Close(int, string) error { return m.CloseNow() }

func (m *memConn) CloseNow() error {
	m.closeOnce.Do(func() { close(m.closed) })
	return nil
}

// memClient returns a ready client over a memConn with speakers 0..n-1
// registered, and a function that stops it.
func memClient(tb testing.TB, speakers int) (*voice.Client, *memConn, func()) {
	tb.Helper()
	conn := newMemConn()
	ready := make(chan struct{})
	c, err := voice.New("ws://127.0.0.1:1", "Bench", voice.WithDialer(func(context.Context, string) (voice.Conn, error) {
		return conn, nil
	}), voice.WithHandlers(voice.Handlers{Ready: func(events.VoiceReadyData) { close(ready) }}))
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Serve(context.Background()) }()
	select {
	case <-ready:
	case err := <-done:
		tb.Fatalf("Serve = %v", err)
	}
	for i := 0; i < speakers; i++ {
		if err := c.Register(context.Background(), uint16(i), "player"); err != nil {
			tb.Fatal(err)
		}
	}
	return c, conn, func() { _ = c.Close(); <-done }
}
