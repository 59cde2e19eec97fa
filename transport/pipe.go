package transport

import (
	"context"
	"sync"
)

// Pipe returns two connected in-memory Conns, for tests. A frame written on
// one end is read on the other, in order. Writes never block (frames queue
// like bytes in a socket buffer). Closing one end lets the other read the
// frames already queued and then fail with a *CloseError carrying the code
// and reason given to Close (CloseAbnormal for CloseNow); the end that
// closed gets ErrClosed. Read follows the Conn contract for its ctx: one
// that ends while Read waits for a frame closes the end as CloseNow does;
// one that ended before (or while Read waited behind another Read) just
// makes Read return ctx.Err().
func Pipe() (Conn, Conn) {
	s := &pipeState{}
	for i := range 2 {
		s.notify[i] = make(chan struct{}, 1)
		s.rsem[i] = make(chan struct{}, 1)
		s.done[i] = make(chan struct{})
	}
	return &pipeEnd{s: s, side: 0}, &pipeEnd{s: s, side: 1}
}

type pipeState struct {
	mu     sync.Mutex
	queue  [2][][]byte      // queue[i] holds frames for side i to read
	notify [2]chan struct{} // notify[i] wakes side i's reader
	rsem   [2]chan struct{} // rsem[i]: side i's read token (one Read waits for frames at a time)
	done   [2]chan struct{} // done[i] is closed once side i closed locally
	closed [2]bool          // side i closed locally
	peer   [2]*CloseError   // what side i sees once the other side closed
}

type pipeEnd struct {
	s    *pipeState
	side int
}

func (p *pipeEnd) wake(side int) {
	select {
	case p.s.notify[side] <- struct{}{}:
	default:
	}
}

func (p *pipeEnd) Read(ctx context.Context) ([]byte, error) {
	s, i := p.s, p.side
	select {
	case s.rsem[i] <- struct{}{}:
	default:
		select {
		case s.rsem[i] <- struct{}{}:
		case <-s.done[i]:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	defer func() { <-s.rsem[i] }()
	for first := true; ; first = false {
		s.mu.Lock()
		switch {
		case s.closed[i]:
			s.mu.Unlock()
			return nil, ErrClosed
		case first && ctx.Err() != nil:
			s.mu.Unlock()
			return nil, ctx.Err()
		case len(s.queue[i]) > 0:
			f := s.queue[i][0]
			s.queue[i][0] = nil
			s.queue[i] = s.queue[i][1:]
			s.mu.Unlock()
			return f, nil
		case s.peer[i] != nil:
			err := *s.peer[i]
			s.mu.Unlock()
			return nil, &err
		}
		s.mu.Unlock()
		select {
		case <-s.notify[i]:
		case <-ctx.Done():
			_ = p.CloseNow()
			return nil, ctx.Err()
		}
	}
}

func (p *pipeEnd) Write(ctx context.Context, frame []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, i := p.s, p.side
	s.mu.Lock()
	if s.closed[i] {
		s.mu.Unlock()
		return ErrClosed
	}
	if s.peer[i] != nil {
		err := *s.peer[i]
		s.mu.Unlock()
		return &err
	}
	s.queue[1-i] = append(s.queue[1-i], append([]byte(nil), frame...))
	s.mu.Unlock()
	p.wake(1 - i)
	return nil
}

func (p *pipeEnd) Close(code int, reason string) error {
	return p.close(&CloseError{Code: code, Reason: reason})
}

func (p *pipeEnd) CloseNow() error {
	return p.close(&CloseError{Code: CloseAbnormal})
}

func (p *pipeEnd) close(seen *CloseError) error {
	s, i := p.s, p.side
	s.mu.Lock()
	if s.closed[i] {
		s.mu.Unlock()
		return nil
	}
	s.closed[i] = true
	close(s.done[i])
	s.queue[i] = nil
	if s.peer[1-i] == nil {
		s.peer[1-i] = seen
	}
	s.mu.Unlock()
	p.wake(i)
	p.wake(1 - i)
	return nil
}
