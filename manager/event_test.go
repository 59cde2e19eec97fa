package manager_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/manager"
)

func TestEventFields(t *testing.T) {
	ev := manager.NewEvent("score", 3)
	if ev.Name != "score" || ev.Data != 3 || ev.Level != 0 {
		t.Fatalf("NewEvent = %+v", ev)
	}
	up := ev.WithLevel(2)
	if up.Level != 2 || ev.Level != 0 {
		t.Fatalf("WithLevel changed the original or did not set: %+v %+v", ev, up)
	}
	if s := up.String(); !strings.Contains(s, `"score"`) || !strings.Contains(s, "level 2") {
		t.Fatalf("String = %q", s)
	}
}

type point struct{ X, Y int }

func TestPayload(t *testing.T) {
	t.Run("match", func(t *testing.T) {
		p, err := manager.Payload[point](manager.NewEvent("move", point{1, 2}))
		if err != nil || p != (point{1, 2}) {
			t.Fatalf("Payload = %v, %v", p, err)
		}
		s, err := manager.Payload[fmt.Stringer](manager.NewEvent("e", manager.NewEvent("x", nil)))
		if err != nil || s == nil {
			t.Fatalf("interface payload = %v, %v", s, err)
		}
		a, err := manager.Payload[any](manager.NewEvent("e", nil))
		if err != nil || a != nil {
			t.Fatalf("nil payload as any = %v, %v", a, err)
		}
	})
	tests := []struct {
		name string
		ev   manager.Event
		get  func(manager.Event) error
		want []string
	}{
		{"wrong type", manager.NewEvent("move", "north"),
			func(ev manager.Event) error { _, err := manager.Payload[point](ev); return err },
			[]string{`"move"`, "manager_test.point", "string"}},
		{"pointer wanted", manager.NewEvent("move", point{}),
			func(ev manager.Event) error { _, err := manager.Payload[*point](ev); return err },
			[]string{`"move"`, "*manager_test.point", "manager_test.point"}},
		{"nil payload", manager.NewEvent("connect", nil),
			func(ev manager.Event) error { _, err := manager.Payload[string](ev); return err },
			[]string{`"connect"`, "<nil>", "want string"}},
		{"nil pointer wanted", manager.NewEvent("connect", nil),
			func(ev manager.Event) error { _, err := manager.Payload[*point](ev); return err },
			[]string{"<nil>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.get(tt.ev)
			if !errors.Is(err, manager.ErrPayloadType) {
				t.Fatalf("err = %v, want ErrPayloadType", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	for _, err := range []error{
		manager.ErrUnbound, manager.ErrAlreadyBound, manager.ErrDuplicateName, manager.ErrNotFound,
		manager.ErrNoName, manager.ErrPayloadType, manager.ErrNilHandler, manager.ErrCycle, manager.ErrScopeClosed,
	} {
		if !strings.HasPrefix(err.Error(), "manager: ") {
			t.Errorf("%q lacks the package prefix", err)
		}
	}
	cause := errors.New("boom")
	he := &manager.HandlerError{Event: "e", Component: "c", Err: cause}
	if !errors.Is(he, cause) || !strings.Contains(he.Error(), `"e"`) || !strings.Contains(he.Error(), `"c"`) {
		t.Errorf("HandlerError %q does not wrap/name", he)
	}
	pe := &manager.PanicError{Value: cause}
	if !errors.Is(pe, cause) || !strings.Contains(pe.Error(), "boom") {
		t.Errorf("PanicError %q does not unwrap an error value", pe)
	}
}
