package events_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/neurokit/neurokit/events"
)

func TestActionEventRoundTrip(t *testing.T) {
	for _, name := range []string{"play", "use_item", "join-friend-lobby", "a"} {
		ev := events.ActionEvent(name)
		if ev != "neuro_"+name {
			t.Errorf("ActionEvent(%q) = %q, want %q", name, ev, "neuro_"+name)
		}
		got, ok := events.ActionName(ev)
		if !ok || got != name {
			t.Errorf("ActionName(%q) = %q, %v; want %q, true", ev, got, ok, name)
		}
	}
}

func TestActionNameRejectsOtherEvents(t *testing.T) {
	for _, ev := range []string{"", "neuro_", "connect", events.Connected, events.ShutdownGraceful, "neur_play"} {
		if name, ok := events.ActionName(ev); ok {
			t.Errorf("ActionName(%q) = %q, true; want not an action event", ev, name)
		}
	}
}

// fakeReplier records results, first one wins.
type fakeReplier struct {
	results []string
}

func (f *fakeReplier) Reply(_ context.Context, success bool, message string) error {
	if len(f.results) > 0 {
		return errors.New("already answered")
	}
	f.results = append(f.results, fmt.Sprintf("%v %s", success, message))
	return nil
}

func (f *fakeReplier) Answered() bool { return len(f.results) > 0 }

func TestActionReply(t *testing.T) {
	r := &fakeReplier{}
	act := events.NewAction("id-1", "play", `{"cell":5}`, r)
	if act.ID != "id-1" || act.Name != "play" || act.Data != `{"cell":5}` {
		t.Fatalf("NewAction = %+v", act)
	}
	if act.Answered() {
		t.Fatal("answered before Reply")
	}
	ctx := context.Background()
	copied := act
	if err := copied.Reply(ctx, true, "ok"); err != nil {
		t.Fatal(err)
	}
	if !act.Answered() {
		t.Error("a copy's Reply does not count for the original")
	}
	if err := act.Reply(ctx, false, "again"); err == nil {
		t.Error("second Reply accepted")
	}
	if len(r.results) != 1 || r.results[0] != "true ok" {
		t.Errorf("results %v", r.results)
	}

	var zero events.Action
	if err := zero.Reply(ctx, true, ""); !errors.Is(err, events.ErrNoReplier) {
		t.Errorf("zero Action Reply = %v, want ErrNoReplier", err)
	}
	if zero.Answered() {
		t.Error("zero Action answered")
	}
}

// A handler test can give the handler an Action answered through a
// Replier of its own.
func ExampleNewAction() {
	r := &fakeReplier{}
	act := events.NewAction("1", "play", `{"cell": 5}`, r)
	handler := func(ctx context.Context, act events.Action) error {
		return act.Reply(ctx, true, "mark placed")
	}
	if err := handler(context.Background(), act); err != nil {
		fmt.Println(err)
	}
	fmt.Println(act.Answered(), r.results)
	// Output: true [true mark placed]
}
