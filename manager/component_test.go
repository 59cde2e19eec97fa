package manager_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/manager"
)

func nop(context.Context, manager.Event) error { return nil }

func TestAddErrors(t *testing.T) {
	m := manager.New("root")
	other := manager.New("other")
	bound := newComp("bound", nil)
	mustAdd(t, m, bound)
	var nilComp *comp
	tests := []struct {
		name string
		into *manager.Manager
		c    manager.Component
		want error
	}{
		{"nil interface", m, nil, manager.ErrNoName},
		{"nil pointer", m, nilComp, manager.ErrNoName},
		{"zero Base", m, &plain{}, manager.ErrNoName},
		{"empty name", m, newComp("", nil), manager.ErrNoName},
		{"duplicate name", m, newComp("bound", nil), manager.ErrDuplicateName},
		{"bind twice, same manager", m, bound, manager.ErrAlreadyBound},
		{"bind twice, other manager", other, bound, manager.ErrAlreadyBound},
		{"manager into itself", m, m, manager.ErrCycle},
		{"zero manager", &manager.Manager{}, newComp("x", nil), manager.ErrUnbound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.into.Add(tt.c); !errors.Is(err, tt.want) {
				t.Fatalf("Add = %v, want %v", err, tt.want)
			}
		})
	}
	if got := m.ComponentNames(); !slices.Equal(got, []string{"bound"}) {
		t.Fatalf("failed adds left components: %v", got)
	}
}

func TestAddCycle(t *testing.T) {
	root, mid, leaf := manager.New("root"), manager.New("mid"), manager.New("leaf")
	mustAdd(t, root, mid)
	mustAdd(t, mid, leaf)
	if err := leaf.Add(root); !errors.Is(err, manager.ErrCycle) {
		t.Fatalf("adding an ancestor = %v, want ErrCycle", err)
	}
}

func TestBindHandlersCalledOnAdd(t *testing.T) {
	m := manager.New("root")
	c := newComp("game", handles("tick", nop))
	if c.Bound() || c.HasHandler("tick") {
		t.Fatal("bound before Add")
	}
	mustAdd(t, m, c)
	if !c.Bound() || !m.HasHandler("tick") || !c.HasHandler("tick") {
		t.Fatal("BindHandlers did not run on Add")
	}
	if got, err := c.Manager(); err != nil || got != m {
		t.Fatalf("Manager() = %v, %v", got, err)
	}
}

func TestBindHandlersErrorAbortsAdd(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		bind func(c *comp) error
		want func(error) bool
	}{
		{"error", func(c *comp) error {
			if _, err := c.RegisterHandler("tick", nop); err != nil {
				return err
			}
			return boom
		}, func(err error) bool { return errors.Is(err, boom) }},
		{"panic", func(c *comp) error {
			_, _ = c.RegisterHandler("tick", nop)
			panic("bad bind")
		}, func(err error) bool { var p *manager.PanicError; return errors.As(err, &p) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := manager.New("root")
			c := newComp("game", tt.bind)
			if err := m.Add(c); !tt.want(err) {
				t.Fatalf("Add = %v", err)
			}
			if c.Bound() || m.ComponentExists("game") || m.HasHandler("tick") {
				t.Fatal("failed bind left the component or its handlers")
			}
			c.bind = nil
			mustAdd(t, m, c) // can be added again
		})
	}
}

func TestUnboundCalls(t *testing.T) {
	removed := newComp("gone", nil)
	m := manager.New("root")
	mustAdd(t, m, removed)
	if err := m.Remove("gone"); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]*manager.Base{
		"zero Base":   {},
		"nil Base":    nil,
		"never added": &newComp("new", nil).Base,
		"removed":     &removed.Base,
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			errs := map[string]error{}
			_, errs["Manager"] = b.Manager()
			_, errs["RegisterHandler"] = b.RegisterHandler("e", nop)
			_, errs["RegisterHandlers"] = b.RegisterHandlers(map[string]manager.Handler{"e": nop})
			errs["UnregisterHandler"] = b.UnregisterHandler(1)
			errs["UnregisterHandlers"] = b.UnregisterHandlers("e")
			errs["Raise"] = b.Raise(ctx, manager.NewEvent("e", nil))
			_, errs["Component"] = b.Component("x")
			_, errs["Components"] = b.Components("x")
			for call, err := range errs {
				if !errors.Is(err, manager.ErrUnbound) {
					t.Errorf("%s = %v, want ErrUnbound", call, err)
				}
			}
			if b.Bound() || b.HasHandler("e") || b.ComponentExists("x") || b.ComponentsExist() {
				t.Error("a boolean query answered true while unbound")
			}
		})
	}
	if (&manager.Base{}).Name() != "" || removed.Name() != "gone" {
		t.Error("Name")
	}
}

func TestZeroManager(t *testing.T) {
	var m manager.Manager
	if err := m.Raise(context.Background(), manager.NewEvent("e", nil)); err != nil {
		t.Fatalf("Raise = %v", err)
	}
	if _, err := m.RegisterHandler("e", nop); !errors.Is(err, manager.ErrUnbound) {
		t.Fatalf("RegisterHandler = %v", err)
	}
	if m.Parent() != nil || m.HasHandler("e") || len(m.ComponentNames()) != 0 {
		t.Fatal("zero manager is not empty")
	}
	m.RemoveAll()
}

func TestComponentLookups(t *testing.T) {
	m := manager.New("root")
	a, b := newComp("a", nil), newComp("b", nil)
	mustAdd(t, m, b, a)
	if got := m.ComponentNames(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("ComponentNames = %v", got)
	}
	got, err := a.Component("b")
	if err != nil || got != manager.Component(b) {
		t.Fatalf("Component(b) = %v, %v", got, err)
	}
	if _, err := a.Component("zzz"); !errors.Is(err, manager.ErrNotFound) {
		t.Fatalf("Component(zzz) = %v", err)
	}
	cs, err := a.Components("b", "a")
	if err != nil || len(cs) != 2 || cs[0] != manager.Component(b) || cs[1] != manager.Component(a) {
		t.Fatalf("Components = %v, %v", cs, err)
	}
	if _, err := a.Components("a", "zzz"); !errors.Is(err, manager.ErrNotFound) {
		t.Fatalf("Components with missing = %v", err)
	}
	tests := []struct {
		names []string
		want  bool
	}{{nil, true}, {[]string{"a"}, true}, {[]string{"a", "b"}, true}, {[]string{"a", "zzz"}, false}}
	for _, tt := range tests {
		if got := a.ComponentsExist(tt.names...); got != tt.want {
			t.Errorf("ComponentsExist(%v) = %v", tt.names, got)
		}
	}
	if !a.ComponentExists("b") || a.ComponentExists("zzz") {
		t.Error("ComponentExists")
	}
	// The manager's own look-ups answer about itself.
	if !m.ComponentExists("a") || !m.ComponentsExist("a", "b") {
		t.Error("Manager.ComponentExists")
	}
}

func TestRegisterAndUnregister(t *testing.T) {
	m := manager.New("root")
	a, b := newComp("a", nil), newComp("b", nil)
	mustAdd(t, m, a, b)
	ctx := context.Background()
	calls := make(chan string, 16)

	// Two closures from one literal: different registrations.
	mk := func(label string) manager.Handler { return sender(calls, label) }
	id1, err := a.RegisterHandler("e", mk("a1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.RegisterHandler("e", mk("a2")); err != nil {
		t.Fatal(err)
	}
	ids, err := b.RegisterHandlers(map[string]manager.Handler{"e": mk("b1"), "f": mk("bf")})
	if err != nil || len(ids) != 2 {
		t.Fatalf("RegisterHandlers = %v, %v", ids, err)
	}
	if err := m.Raise(ctx, manager.NewEvent("e", nil)); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, calls, 3); got["a1"]+got["a2"]+got["b1"] != 3 {
		t.Fatalf("calls = %v", got)
	}

	// Unregister one registration by ID; its twin closure stays.
	if err := b.UnregisterHandler(id1); !errors.Is(err, manager.ErrNotFound) {
		t.Fatalf("unregistering another component's handler = %v", err)
	}
	if err := a.UnregisterHandler(id1); err != nil {
		t.Fatal(err)
	}
	if err := a.UnregisterHandler(id1); !errors.Is(err, manager.ErrNotFound) {
		t.Fatalf("second unregister = %v", err)
	}
	_ = m.Raise(ctx, manager.NewEvent("e", nil))
	if got := drain(t, calls, 2); got["a2"] != 1 || got["b1"] != 1 {
		t.Fatalf("calls after unregister = %v", got)
	}

	// Unregister every handler of an event owned by a; b's stays.
	if err := a.UnregisterHandlers("e"); err != nil {
		t.Fatal(err)
	}
	_ = m.Raise(ctx, manager.NewEvent("e", nil))
	if got := drain(t, calls, 1); got["b1"] != 1 {
		t.Fatalf("calls after UnregisterHandlers = %v", got)
	}
	if err := b.UnregisterHandlers("e"); err != nil {
		t.Fatal(err)
	}
	if m.HasHandler("e") || !m.HasHandler("f") {
		t.Fatal("event without handlers did not disappear, or f went too")
	}

	// Bad registrations.
	if _, err := a.RegisterHandler("", nop); !errors.Is(err, manager.ErrNoName) {
		t.Errorf("empty event = %v", err)
	}
	if _, err := a.RegisterHandler("e", nil); !errors.Is(err, manager.ErrNilHandler) {
		t.Errorf("nil handler = %v", err)
	}
	if _, err := a.RegisterHandlers(map[string]manager.Handler{"ok": nop, "bad": nil}); !errors.Is(err, manager.ErrNilHandler) {
		t.Errorf("RegisterHandlers with nil = %v", err)
	}
	if m.HasHandler("ok") {
		t.Error("RegisterHandlers is not all-or-none")
	}
}

func TestManagerOwnHandlers(t *testing.T) {
	m := manager.New("root")
	c := newComp("c", handles("e", nop))
	mustAdd(t, m, c)
	id, err := m.RegisterHandler("e", nop)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.RegisterHandlers(map[string]manager.Handler{"own": nop}); err != nil {
		t.Fatal(err)
	}
	if err := c.UnregisterHandler(id); !errors.Is(err, manager.ErrNotFound) {
		t.Fatalf("component removed the manager's handler: %v", err)
	}
	if err := m.UnregisterHandler(id); err != nil {
		t.Fatal(err)
	}
	if err := m.UnregisterHandlers("own"); err != nil || m.HasHandler("own") {
		t.Fatalf("UnregisterHandlers own = %v", err)
	}
	if !m.HasHandler("e") {
		t.Fatal("component handler went with the manager's")
	}
	m.ClearHandlers("e")
	if m.HasHandler("e") {
		t.Fatal("ClearHandlers left handlers")
	}
}

func TestRemoveDropsHandlers(t *testing.T) {
	m := manager.New("root")
	calls := make(chan string, 4)
	a := newComp("a", handles("only-a", sender(calls, "a")))
	b := newComp("b", handles("shared", sender(calls, "b")))
	a2 := newComp("a2", handles("shared", sender(calls, "a2")))
	mustAdd(t, m, a, b, a2)
	if err := m.Remove("a"); err != nil {
		t.Fatal(err)
	}
	if err := m.Remove("a"); !errors.Is(err, manager.ErrNotFound) {
		t.Fatalf("second Remove = %v", err)
	}
	if a.Bound() || m.HasHandler("only-a") || b.HasHandler("only-a") {
		t.Fatal("removed component's handlers remain")
	}
	if err := m.Remove("a2"); err != nil {
		t.Fatal(err)
	}
	_ = m.Raise(context.Background(), manager.NewEvent("shared", nil))
	if got := drain(t, calls, 1); got["b"] != 1 {
		t.Fatalf("calls = %v", got)
	}
}

func TestAddAllRollsBack(t *testing.T) {
	m := manager.New("root")
	err := m.AddAll(newComp("a", nil), newComp("b", nil), newComp("a", nil))
	if !errors.Is(err, manager.ErrDuplicateName) {
		t.Fatalf("AddAll = %v", err)
	}
	if names := m.ComponentNames(); len(names) != 0 {
		t.Fatalf("AddAll left %v", names)
	}
}

func TestTemporary(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		fn   func(m *manager.Manager) func(context.Context) error
		want error
	}{
		{"success", func(*manager.Manager) func(context.Context) error {
			return func(context.Context) error { return nil }
		}, nil},
		{"error", func(*manager.Manager) func(context.Context) error {
			return func(context.Context) error { return boom }
		}, boom},
		{"removed inside", func(m *manager.Manager) func(context.Context) error {
			return func(context.Context) error { return m.Remove("tmp") }
		}, nil},
		{"nil fn", func(*manager.Manager) func(context.Context) error { return nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := manager.New("root")
			tmp := newComp("tmp", handles("e", nop))
			err := m.Temporary(context.Background(), tmp, func(ctx context.Context) error {
				if !m.ComponentExists("tmp") || !m.HasHandler("e") {
					t.Error("not added during fn")
				}
				if f := tt.fn(m); f != nil {
					return f(ctx)
				}
				return nil
			})
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Temporary = %v, want %v", err, tt.want)
			}
			if tmp.Bound() || m.ComponentExists("tmp") || m.HasHandler("e") {
				t.Fatal("temporary component not removed")
			}
		})
	}
	t.Run("panic", func(t *testing.T) {
		m := manager.New("root")
		tmp := newComp("tmp", nil)
		func() {
			defer func() { _ = recover() }()
			_ = m.Temporary(context.Background(), tmp, func(context.Context) error { panic("in fn") })
		}()
		if tmp.Bound() {
			t.Fatal("temporary component not removed after a panic")
		}
	})
	t.Run("add fails", func(t *testing.T) {
		m := manager.New("root")
		ran := false
		err := m.Temporary(context.Background(), newComp("", nil), func(context.Context) error { ran = true; return nil })
		if !errors.Is(err, manager.ErrNoName) || ran {
			t.Fatalf("Temporary = %v, ran = %v", err, ran)
		}
	})
}

func TestRemoveAllRecursive(t *testing.T) {
	root, child, grandchild := manager.New("root"), manager.New("child"), manager.New("grandchild")
	a, b, c := newComp("a", handles("e", nop)), newComp("b", handles("e", nop)), newComp("c", handles("e", nop))
	mustAdd(t, grandchild, c)
	mustAdd(t, child, b, grandchild)
	mustAdd(t, root, a, child)
	if _, err := root.RegisterHandler("own", nop); err != nil {
		t.Fatal(err)
	}
	root.RemoveAll()
	for _, x := range []interface{ Bound() bool }{a, b, c, child, grandchild} {
		if x.Bound() {
			t.Errorf("%v still bound after RemoveAll", x)
		}
	}
	for _, m := range []*manager.Manager{root, child, grandchild} {
		if n := m.ComponentNames(); len(n) != 0 || m.HasHandler("e") {
			t.Errorf("%s still holds %v", m.Name(), n)
		}
	}
	if child.Parent() != nil {
		t.Error("child still has a parent")
	}
	if !root.HasHandler("own") {
		t.Error("RemoveAll dropped the manager's own handler")
	}
}

func TestOptions(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	s := manager.NewScope(context.Background())
	defer s.Close()
	m := manager.New("game", manager.WithLogger(zap.New(core)), manager.WithScope(s), nil)
	if m.Scope() != s || manager.New("plain", manager.WithLogger(nil)).Scope() != nil {
		t.Fatal("Scope()")
	}
	mustAdd(t, m, newComp("a", nil))
	if err := m.Remove("a"); err != nil {
		t.Fatal(err)
	}
	entries := logs.All()
	if len(entries) != 2 || entries[0].LoggerName != "game" || entries[0].Message != "component added" ||
		entries[1].Message != "component removed" || entries[0].ContextMap()["component"] != "a" {
		t.Fatalf("logged %+v", entries)
	}
}
