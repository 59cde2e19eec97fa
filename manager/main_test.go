package manager_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/neurokit/neurokit/manager"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// deadline bounds every wait in the tests; nothing sleeps to synchronise.
const deadline = 5 * time.Second

// recv waits for one value from ch or fails the test after deadline.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(deadline):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// comp is a test component whose BindHandlers runs bind, if set.
type comp struct {
	manager.Base
	bind func(c *comp) error
}

func newComp(name string, bind func(c *comp) error) *comp {
	return &comp{Base: manager.NewBase(name), bind: bind}
}

func (c *comp) BindHandlers() error {
	if c.bind == nil {
		return nil
	}
	return c.bind(c)
}

// plain is a component that is not a Binder.
type plain struct{ manager.Base }

// handles returns a bind func registering h for event.
func handles(event string, h manager.Handler) func(c *comp) error {
	return func(c *comp) error {
		_, err := c.RegisterHandler(event, h)
		return err
	}
}

// mustAdd adds components or fails.
func mustAdd(t testing.TB, m *manager.Manager, cs ...manager.Component) {
	t.Helper()
	if err := m.AddAll(cs...); err != nil {
		t.Fatalf("AddAll: %v", err)
	}
}

// counter returns a handler that sends its component's label on ch.
func sender(ch chan<- string, label string) manager.Handler {
	return func(ctx context.Context, ev manager.Event) error {
		ch <- label
		return nil
	}
}

// drain collects n labels from ch.
func drain(t testing.TB, ch <-chan string, n int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for range n {
		got[recv(t, ch, "handler")]++
	}
	select {
	case extra := <-ch:
		t.Fatalf("unexpected extra handler call %q", extra)
	default:
	}
	return got
}
