package manager

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
)

// Scope is a supervision scope, the Go form of a trio nursery: a group of
// goroutines started with Go, owned by whoever created the scope, which
// waits on it (Wait) and shuts it down (Cancel, Close). Unlike errgroup it
// keeps every error, joined, and an error does not cancel the scope or the
// other goroutines.
//
// Every method is safe for concurrent use; in particular a function
// running in the scope may start more functions in it while the owner is
// in Wait.
type Scope struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	running   int
	cancelled bool
	idle      chan struct{} // closed when running drops to 0; nil when nobody waits
	errs      []error

	onError func(error) // test hook, called under mu for every recorded error
}

// NewScope returns a scope whose context is derived from ctx (which must
// not be nil): cancelling ctx cancels the scope.
func NewScope(ctx context.Context) *Scope {
	c, cancel := context.WithCancel(ctx)
	return &Scope{ctx: c, cancel: cancel}
}

// Context returns the scope's context, passed to every function started
// in it. It is done after Cancel or Close, or when the parent is done.
func (s *Scope) Context() context.Context { return s.ctx }

// Go starts fn in a new goroutine with the scope's context. A panic in fn
// is recovered into a *PanicError. Once the scope is cancelled (Cancel,
// Close, or its parent context is done) Go does not run fn and returns at
// once; use TryGo to learn about it. Go during or after Wait is allowed:
// the next Wait or Close waits for that fn too.
func (s *Scope) Go(fn func(ctx context.Context) error) {
	_ = s.TryGo(fn)
}

// TryGo is Go, but reports ErrScopeClosed instead of silently not running
// fn in a cancelled scope.
func (s *Scope) TryGo(fn func(ctx context.Context) error) error {
	s.mu.Lock()
	if s.cancelled || s.ctx.Err() != nil {
		s.mu.Unlock()
		return ErrScopeClosed
	}
	s.running++
	s.mu.Unlock()
	go s.run(fn)
	return nil
}

func (s *Scope) closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cancelled || s.ctx.Err() != nil
}

func (s *Scope) run(fn func(ctx context.Context) error) {
	err := call(s.ctx, fn)
	s.mu.Lock()
	defer s.mu.Unlock()
	// context.Canceled after the scope was cancelled is the expected
	// answer to that cancellation, not a failure.
	if err != nil && !(errors.Is(err, context.Canceled) && s.ctx.Err() != nil) {
		s.errs = append(s.errs, err)
		if s.onError != nil {
			s.onError(err)
		}
	}
	s.running--
	if s.running == 0 && s.idle != nil {
		close(s.idle)
		s.idle = nil
	}
}

func call(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return fn(ctx)
}

// Cancel cancels the scope's context and refuses new work. It does not
// wait; see Close.
func (s *Scope) Cancel() {
	s.mu.Lock()
	s.cancelled = true
	s.mu.Unlock()
	s.cancel()
}

// Wait blocks until no function started in the scope is running, then
// returns errors.Join of every error they returned so far (nil if none);
// context.Canceled caused by cancelling the scope is not counted. Wait
// does not close the scope.
func (s *Scope) Wait() error {
	s.mu.Lock()
	for s.running > 0 {
		if s.idle == nil {
			s.idle = make(chan struct{})
		}
		idle := s.idle
		s.mu.Unlock()
		<-idle
		s.mu.Lock()
	}
	errs := errors.Join(s.errs...)
	s.mu.Unlock()
	return errs
}

// Close cancels the scope and waits for every function in it (Cancel
// then Wait). It is idempotent and returns the same errors as Wait.
func (s *Scope) Close() error {
	s.Cancel()
	return s.Wait()
}
