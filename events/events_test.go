package events_test

import (
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
