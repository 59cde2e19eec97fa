package manager_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/neurokit/neurokit/manager"
)

// rendezvous returns two handlers that each wait for the other to start.
// Run one after the other, they would deadlock; the deadline turns that
// into an error.
func rendezvous() (manager.Handler, manager.Handler) {
	a, b := make(chan struct{}), make(chan struct{})
	meet := func(mine, theirs chan struct{}) manager.Handler {
		return func(ctx context.Context, _ manager.Event) error {
			close(mine)
			select {
			case <-theirs:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return meet(a, b), meet(b, a)
}

func TestHandlersRunConcurrently(t *testing.T) {
	for _, nested := range []bool{false, true} {
		t.Run(fmt.Sprintf("nested=%v", nested), func(t *testing.T) {
			m := manager.New("root")
			other := m
			if nested {
				other = manager.New("child")
				mustAdd(t, m, other)
			}
			h1, h2 := rendezvous()
			mustAdd(t, m, newComp("one", handles("meet", h1)))
			mustAdd(t, other, newComp("two", handles("meet", h2)))
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			if err := m.Raise(ctx, manager.NewEvent("meet", nil)); err != nil {
				t.Fatalf("handlers did not run concurrently: %v", err)
			}
		})
	}
}

func TestHandlerReentrancy(t *testing.T) {
	// Each handler calls back into the manager while the dispatch that
	// called it is under way; a lock held during handlers would deadlock.
	tests := []struct {
		name  string
		do    func(c *comp, m *manager.Manager) error
		check func(t *testing.T, m *manager.Manager)
	}{
		{"register handler", func(c *comp, _ *manager.Manager) error {
			_, err := c.RegisterHandler("later", nop)
			return err
		}, func(t *testing.T, m *manager.Manager) {
			if !m.HasHandler("later") {
				t.Error("not registered")
			}
		}},
		{"unregister own handlers", func(c *comp, _ *manager.Manager) error {
			return c.UnregisterHandlers("go")
		}, func(t *testing.T, m *manager.Manager) {
			if m.HasHandler("go") {
				t.Error("still registered")
			}
		}},
		{"add component", func(_ *comp, m *manager.Manager) error {
			return m.Add(newComp("added", handles("go", nop)))
		}, func(t *testing.T, m *manager.Manager) {
			if !m.ComponentExists("added") {
				t.Error("not added")
			}
		}},
		{"remove itself", func(c *comp, m *manager.Manager) error {
			return m.Remove(c.Name())
		}, func(t *testing.T, m *manager.Manager) {
			if m.ComponentExists("actor") || m.HasHandler("go") {
				t.Error("not removed")
			}
		}},
		{"raise another event", func(c *comp, _ *manager.Manager) error {
			return c.Raise(context.Background(), manager.NewEvent("echo", nil))
		}, nil},
		{"raise another event through the parent", func(c *comp, _ *manager.Manager) error {
			return c.Raise(context.Background(), manager.NewEvent("echo", nil).WithLevel(1))
		}, nil},
		{"look up components", func(c *comp, m *manager.Manager) error {
			if !c.ComponentsExist("actor", "echoer") || len(m.ComponentNames()) != 2 {
				return errors.New("lookup failed")
			}
			_, err := c.Components("echoer")
			return err
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := manager.New("root")
			m := manager.New("m")
			mustAdd(t, root, m)
			echoed := make(chan string, 4)
			actor := newComp("actor", nil)
			actor.bind = handles("go", func(ctx context.Context, _ manager.Event) error { return tt.do(actor, m) })
			mustAdd(t, m, actor, newComp("echoer", handles("echo", sender(echoed, "echo"))))
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- m.Raise(ctx, manager.NewEvent("go", nil)) }()
			if err := recv(t, done, "Raise (deadlock?)"); err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
			if len(echoed) > 1 {
				t.Errorf("echo handled %d times", len(echoed))
			}
		})
	}
}

func TestRemoveWhileHandlerRuns(t *testing.T) {
	m := manager.New("root")
	entered, release := make(chan struct{}), make(chan struct{})
	after := make(chan error, 1)
	c := newComp("worker", nil)
	c.bind = handles("work", func(ctx context.Context, _ manager.Event) error {
		close(entered)
		<-release
		_, err := c.RegisterHandler("more", nop) // now unbound
		after <- err
		return nil
	})
	mustAdd(t, m, c)
	done := make(chan error, 1)
	go func() { done <- m.Raise(context.Background(), manager.NewEvent("work", nil)) }()
	recv(t, entered, "handler start")
	if err := m.Remove("worker"); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := recv(t, done, "Raise"); err != nil {
		t.Fatalf("Raise = %v", err)
	}
	if err := recv(t, after, "handler end"); !errors.Is(err, manager.ErrUnbound) {
		t.Fatalf("call after removal = %v, want ErrUnbound", err)
	}
	if m.HasHandler("work") || m.HasHandler("more") {
		t.Fatal("handlers survive removal")
	}
}

func TestConcurrentUse(t *testing.T) {
	// Raise, register, unregister, add and remove from many goroutines;
	// -race and the absence of deadlock are the assertions.
	root := manager.New("root")
	child := manager.New("child")
	mustAdd(t, root, child)
	const workers, rounds = 8, 100
	var wg sync.WaitGroup
	ctx := context.Background()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			target := root
			if w%2 == 1 {
				target = child
			}
			for i := range rounds {
				name := fmt.Sprintf("w%d-%d", w, i)
				c := newComp(name, handles("tick", nop))
				if err := target.Add(c); err != nil {
					t.Error(err)
					return
				}
				id, err := c.RegisterHandler("tock", nop)
				if err != nil {
					t.Error(err)
					return
				}
				if err := root.Raise(ctx, manager.NewEvent("tick", i)); err != nil {
					t.Error(err)
				}
				if err := c.UnregisterHandler(id); err != nil {
					t.Error(err)
				}
				if err := target.Remove(name); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if root.HasHandler("tick") || child.HasHandler("tock") || len(child.ComponentNames()) != 0 {
		t.Fatal("leftovers after concurrent use")
	}
}
