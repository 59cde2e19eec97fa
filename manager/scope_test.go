package manager_test

import (
	"context"
	"errors"
	"testing"

	"github.com/neurokit/neurokit/manager"
)

func TestScopeJoinsEveryError(t *testing.T) {
	s := manager.NewScope(context.Background())
	s.Go(func(context.Context) error { return errA })
	s.Go(func(context.Context) error { return errB })
	s.Go(func(context.Context) error { return nil })
	s.Go(func(context.Context) error { panic("scope panic") })
	err := s.Wait()
	var pe *manager.PanicError
	if !errors.Is(err, errA) || !errors.Is(err, errB) || !errors.As(err, &pe) || pe.Value != "scope panic" {
		t.Fatalf("Wait = %v", err)
	}
	if s.Context().Err() != nil {
		t.Fatal("an error cancelled the scope")
	}
	if err2 := s.Close(); !errors.Is(err2, errA) {
		t.Fatalf("Close = %v", err2)
	}
}

func TestScopeCancel(t *testing.T) {
	s := manager.NewScope(context.Background())
	started := make(chan struct{})
	s.Go(func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err() // context.Canceled after Cancel is not an error
	})
	recv(t, started, "fn start")
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	ran := false
	s.Go(func(context.Context) error { ran = true; return nil })
	if err := s.TryGo(func(context.Context) error { return nil }); !errors.Is(err, manager.ErrScopeClosed) {
		t.Fatalf("TryGo after Close = %v", err)
	}
	if err := s.Wait(); err != nil || ran {
		t.Fatalf("Go after Close ran = %v, Wait = %v", ran, err)
	}
}

func TestScopeParentContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := manager.NewScope(ctx)
	s.Go(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	cancel()
	if err := s.Wait(); err != nil {
		t.Fatalf("Wait = %v", err)
	}
	if err := s.TryGo(func(context.Context) error { return nil }); !errors.Is(err, manager.ErrScopeClosed) {
		t.Fatalf("TryGo after parent cancel = %v", err)
	}
}

func TestScopeGoWhileWaiting(t *testing.T) {
	s := manager.NewScope(context.Background())
	defer s.Close()
	second := make(chan struct{})
	s.Go(func(context.Context) error {
		s.Go(func(context.Context) error { close(second); return errB })
		return nil
	})
	if err := s.Wait(); !errors.Is(err, errB) {
		t.Fatalf("Wait = %v, want the nested fn's error", err)
	}
	recv(t, second, "nested fn")
	// Wait does not close the scope: later work is waited for next time.
	s.Go(func(context.Context) error { return errA })
	if err := s.Wait(); !errors.Is(err, errA) {
		t.Fatalf("second Wait = %v", err)
	}
}

func TestScopeWaitEmpty(t *testing.T) {
	s := manager.NewScope(context.Background())
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
