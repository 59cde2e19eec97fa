package neurotest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
)

// waitFor bounds the tests' own waits; nothing waits this long when the
// code works.
const waitFor = 10 * time.Second

// counter is the tiny game of these tests, built on neuro.Component: Neuro
// adds 1 to 3 to a total ("add"), and may end the game once ("finish",
// a one-shot action).
type counter struct {
	neuro *neuro.Component
	mu    sync.Mutex
	total int
}

var addAction = neuro.Action{
	Name:        "add",
	Description: "Add 1, 2 or 3 to the total.",
	Schema: neuro.Schema{
		"type":       "object",
		"properties": map[string]any{"n": map[string]any{"type": "integer", "minimum": 1, "maximum": 3}},
		"required":   []string{"n"},
	},
}

var finishAction = neuro.Action{Name: "finish", Description: "End the game."}

// startCounter connects a counter game called name to url and registers
// its stop with t.Cleanup.
func startCounter(t *testing.T, url, name string) *counter {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	m := manager.New("game")
	c, err := neuro.NewComponent(name, neuro.WithLogger(zaptest.NewLogger(t).Named("game")))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	g := &counter{neuro: c}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := c.Stop(ctx, 0, "test over"); err != nil {
			t.Errorf("stopping the game: %v", err)
		}
	})
	if err := c.HandleAction(ctx, addAction, g.add); err != nil {
		t.Fatal(err)
	}
	if err := c.HandleTemporaryAction(ctx, finishAction, func(context.Context, events.Action) neuro.Result {
		return neuro.Success("Game over.")
	}); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx, url); err != nil {
		t.Fatalf("connecting the game: %v", err)
	}
	if err := c.SendContext(ctx, "A counting game started; the total is 0.", true); err != nil {
		t.Fatal(err)
	}
	return g
}

func (g *counter) add(_ context.Context, act events.Action) neuro.Result {
	var p struct {
		N int `json:"n"`
	}
	if err := json.Unmarshal([]byte(act.Data), &p); err != nil {
		return neuro.Failure("send {\"n\": 1, 2 or 3}")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.total += p.N
	return neuro.Success(fmt.Sprintf("The total is %d.", g.total))
}

func (g *counter) sum() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.total
}

func (g *counter) force(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := g.neuro.Force(ctx, neuro.ForceActions{Query: "Add something.", ActionNames: []string{"add"}}); err != nil {
		t.Fatal(err)
	}
}

// fakeT records the failure of a neurotest helper called by mustFail
// instead of failing the test; everything else goes to the real test.
type fakeT struct {
	testing.TB
	mu     sync.Mutex
	expect bool // inside mustFail
	failed bool
	msg    string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Fatalf(format string, args ...any) {
	f.mu.Lock()
	expected := f.expect
	if expected {
		f.failed, f.msg = true, fmt.Sprintf(format, args...)
	}
	f.mu.Unlock()
	if !expected {
		f.TB.Helper()
		f.TB.Fatalf(format, args...)
	}
	runtime.Goexit()
}

func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	expected := f.expect
	f.mu.Unlock()
	if expected {
		f.Fatalf(format, args...)
	}
	f.TB.Helper()
	f.TB.Errorf(format, args...)
}

// mustFail runs fn, which uses ft, on its own goroutine and returns the
// message of the failure it must report.
func mustFail(t *testing.T, ft *fakeT, fn func()) string {
	t.Helper()
	ft.mu.Lock()
	ft.expect, ft.failed = true, false
	ft.mu.Unlock()
	defer func() {
		ft.mu.Lock()
		ft.expect = false
		ft.mu.Unlock()
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(waitFor):
		t.Fatal("the helper neither failed nor returned")
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if !ft.failed {
		t.Fatal("the helper did not fail the test")
	}
	ft.failed = false
	return ft.msg
}

func requireContains(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Fatalf("%q lacks %q", s, sub)
		}
	}
}
