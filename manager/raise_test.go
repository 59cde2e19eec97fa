package manager_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/manager"
)

// tree builds root ⊃ child ⊃ grandchild, each with a component that
// reports "<manager>" on calls for event "e".
func tree(t *testing.T, opts ...manager.Option) (root, child, grand *manager.Manager, calls chan string) {
	t.Helper()
	calls = make(chan string, 16)
	root, child, grand = manager.New("root", opts...), manager.New("child"), manager.New("grand")
	mustAdd(t, root, newComp("r", handles("e", sender(calls, "root"))))
	mustAdd(t, child, newComp("c", handles("e", sender(calls, "child"))))
	mustAdd(t, grand, newComp("g", handles("e", sender(calls, "grand"))))
	mustAdd(t, child, grand)
	mustAdd(t, root, child)
	return root, child, grand, calls
}

func TestLevels(t *testing.T) {
	all := map[string]int{"root": 1, "child": 1, "grand": 1}
	tests := []struct {
		name  string
		from  string
		level uint8
		want  map[string]int
	}{
		{"level 0 at root reaches every child", "root", 0, all},
		{"level 0 at child dispatches there and below", "child", 0, map[string]int{"child": 1, "grand": 1}},
		{"level 0 at leaf", "grand", 0, map[string]int{"grand": 1}},
		{"level 1 from child goes to root", "child", 1, all},
		{"level 1 from grandchild goes to child", "grand", 1, map[string]int{"child": 1, "grand": 1}},
		{"level 2 from grandchild goes to root", "grand", 2, all},
		{"level beyond the root stops at the root", "grand", 9, all},
		{"level at root without parent dispatches", "root", 3, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, child, grand, calls := tree(t)
			from := map[string]*manager.Manager{"root": root, "child": child, "grand": grand}[tt.from]
			if err := from.Raise(context.Background(), manager.NewEvent("e", nil).WithLevel(tt.level)); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range tt.want {
				n += c
			}
			if got := drain(t, calls, n); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("dispatched in %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLevelFromComponent(t *testing.T) {
	root, child, _, calls := tree(t)
	src := newComp("src", nil)
	mustAdd(t, child, src)
	// A component's Raise goes to its manager, which forwards by level.
	if err := src.Raise(context.Background(), manager.NewEvent("e", nil).WithLevel(1)); err != nil {
		t.Fatal(err)
	}
	drain(t, calls, 3)
	// A manager's embedded Base raises in its parent.
	if err := child.Base.Raise(context.Background(), manager.NewEvent("e", nil)); err != nil {
		t.Fatal(err)
	}
	drain(t, calls, 3)
	if err := root.Base.Raise(context.Background(), manager.NewEvent("e", nil)); !errors.Is(err, manager.ErrUnbound) {
		t.Fatalf("root.Base.Raise = %v, want ErrUnbound", err)
	}
}

func TestRaiseNoHandlers(t *testing.T) {
	root, _, _, _ := tree(t)
	if err := root.Raise(context.Background(), manager.NewEvent("nobody", nil)); err != nil {
		t.Fatalf("Raise = %v", err)
	}
	if err := manager.New("empty").Raise(context.Background(), manager.NewEvent("x", nil)); err != nil {
		t.Fatalf("Raise on empty = %v", err)
	}
}

var errA, errB = errors.New("a failed"), errors.New("b failed")

type codeError struct{ code int }

func (e *codeError) Error() string { return fmt.Sprintf("code %d", e.code) }

func TestWaitingJoinsErrors(t *testing.T) {
	for _, nested := range []bool{false, true} {
		t.Run(fmt.Sprintf("nested=%v", nested), func(t *testing.T) {
			m := manager.New("root")
			target := m
			if nested {
				target = manager.New("child")
				mustAdd(t, m, target)
			}
			finished := make(chan string, 4)
			mustAdd(t, m,
				newComp("a", handles("e", func(context.Context, manager.Event) error { return errA })),
				newComp("ok", handles("e", sender(finished, "ok"))),
			)
			mustAdd(t, target,
				newComp("b", handles("e", func(context.Context, manager.Event) error { return &codeError{7} })),
				newComp("slow", handles("e", func(ctx context.Context, _ manager.Event) error {
					// A sibling's error must not cancel this one.
					if ctx.Err() != nil {
						return ctx.Err()
					}
					finished <- "slow"
					return nil
				})),
			)
			err := m.Raise(context.Background(), manager.NewEvent("e", nil))
			if !errors.Is(err, errA) {
				t.Errorf("errors.Is(err, errA) false: %v", err)
			}
			var ce *codeError
			if !errors.As(err, &ce) || ce.code != 7 {
				t.Errorf("errors.As codeError failed: %v", err)
			}
			var he *manager.HandlerError
			if !errors.As(err, &he) || he.Event != "e" {
				t.Errorf("errors.As HandlerError failed: %v", err)
			}
			for _, name := range []string{`"a"`, `"b"`} {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("joined error %q does not name component %s", err, name)
				}
			}
			// Both successful handlers had finished when Raise returned.
			if got := drain(t, finished, 2); got["ok"] != 1 || got["slow"] != 1 {
				t.Errorf("finished = %v", got)
			}
		})
	}
}

func TestSingleErrorIsHandlerError(t *testing.T) {
	m := manager.New("root")
	mustAdd(t, m, newComp("a", handles("e", func(context.Context, manager.Event) error { return errA })))
	err := m.Raise(context.Background(), manager.NewEvent("e", nil))
	he, ok := err.(*manager.HandlerError)
	if !ok || he.Component != "a" || he.Event != "e" || he.Err != errA {
		t.Fatalf("err = %#v", err)
	}
}

func TestPanicBecomesError(t *testing.T) {
	for _, n := range []int{1, 3} { // inline path and goroutine path
		t.Run(fmt.Sprintf("%d handlers", n), func(t *testing.T) {
			m := manager.New("root")
			for i := range n {
				h := nop
				if i == n-1 {
					h = func(context.Context, manager.Event) error { panic("kaboom") }
				}
				mustAdd(t, m, newComp(fmt.Sprintf("c%d", i), handles("explode", h)))
			}
			err := m.Raise(context.Background(), manager.NewEvent("explode", nil))
			var pe *manager.PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a PanicError", err)
			}
			last := fmt.Sprintf("c%d", n-1)
			if pe.Event != "explode" || pe.Component != last || pe.Value != "kaboom" || len(pe.Stack) == 0 {
				t.Fatalf("PanicError = %+v", pe)
			}
			var he *manager.HandlerError
			if !errors.As(err, &he) || !strings.Contains(err.Error(), "explode") || !strings.Contains(err.Error(), last) {
				t.Fatalf("error %q does not name event and component", err)
			}
		})
	}
}

func TestCancelReachesHandlers(t *testing.T) {
	m := manager.New("root")
	started := make(chan struct{}, 2)
	wait := func(ctx context.Context, _ manager.Event) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}
	mustAdd(t, m, newComp("a", handles("block", wait)), newComp("b", handles("block", wait)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Raise(ctx, manager.NewEvent("block", nil)) }()
	recv(t, started, "first handler")
	recv(t, started, "second handler")
	cancel()
	if err := recv(t, done, "Raise to return"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Raise = %v, want context.Canceled", err)
	}
}

func TestRaiseSingleHandlerAllocs(t *testing.T) {
	flat := manager.New("root")
	mustAdd(t, flat, newComp("a", handles("e", nop)))
	root, child := manager.New("root"), manager.New("child")
	mustAdd(t, root, child)
	mustAdd(t, child, newComp("a", handles("e", nop)))
	tests := []struct {
		name string
		m    *manager.Manager
		ev   manager.Event
	}{
		{"one handler", flat, manager.NewEvent("e", nil)},
		{"no handler", flat, manager.NewEvent("none", nil)},
		{"into a child", root, manager.NewEvent("e", nil)},
		{"level 1 from a child", child, manager.NewEvent("e", nil).WithLevel(1)},
	}
	ctx := context.Background()
	for _, tt := range tests {
		if n := testing.AllocsPerRun(100, func() { _ = tt.m.Raise(ctx, tt.ev) }); n != 0 {
			t.Errorf("%s: Raise allocates %v times", tt.name, n)
		}
	}
}
