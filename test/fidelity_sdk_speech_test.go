package test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
)

// fidLabel names a recorded lifecycle event with what tells it apart.
func fidLabel(ev manager.Event) string {
	switch d := ev.Data.(type) {
	case events.UnknownCommandData:
		return fmt.Sprintf("%s %s %s", ev.Name, d.Command, d.Data)
	case events.SpeechFinishedData:
		return fmt.Sprintf("%s final=%v cancelled=%v %q", ev.Name, d.IsFinal, d.Cancelled, d.Reason)
	}
	return ev.Name
}

// TestFidelitySDKSpeechAndFutureCommands: over a real socket, Neuro talks
// (speech_finished, cut off at the end) and sends commands newer than the
// SDK between two actions. Speaking and WaitSpeechFinished follow her, the
// lifecycle events come in the order she sent their messages, and the
// actions before and after are answered as usual.
func TestFidelitySDKSpeechAndFutureCommands(t *testing.T) {
	url, conns := fidServer(t)
	c, evs := fidGameOf(t, url, events.StartupAcknowledged, events.UnknownCommand, events.SpeechFinished)
	n := fidAccept(t, conns)
	fidExpect[wire.Startup](n)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := c.HandleAction(ctx, fidPlay, func(_ context.Context, act events.Action) neuro.Result {
		return neuro.Success("played " + act.Data)
	}); err != nil {
		t.Fatal(err)
	}
	fidExpect[wire.RegisterActions](n)
	if err := c.WaitSpeechFinished(ctx); err != nil || c.Speaking() {
		t.Fatalf("before she spoke: WaitSpeechFinished = %v, Speaking = %v", err, c.Speaking())
	}

	n.send(wire.StartupAck{Session: wire.Session{SessionID: "s-1", CharacterID: "evil", DisplayName: "Evil Neuro"}})
	n.send(wire.ActionRequest{ID: "before", Name: "play", Data: `{"cell": 1}`, HasData: true})
	if r := fidExpect[neuro.ActionResult](n); r.ID != "before" || !r.Success {
		t.Errorf("result %+v", r)
	}
	n.sendRaw(`{"command":"neuro/mood","data":{"mood":"smug","level":[1,2]}}`)
	n.send(wire.SpeechFinished{})
	n.sendRaw(`{"command":"game/hint"}`)

	want := []string{
		events.StartupAcknowledged,
		events.UnknownCommand + ` neuro/mood {"mood":"smug","level":[1,2]}`,
		events.SpeechFinished + ` final=false cancelled=false ""`,
		events.UnknownCommand + " game/hint ",
	}
	var got []string
	for range want {
		got = append(got, fidLabel(fidEvent(t, evs)))
	}
	// Speaking changed when her message was read, before its event.
	if !c.Speaking() {
		t.Fatal("not speaking after a speech_finished that is not final")
	}
	waited := make(chan error, 1)
	go func() { waited <- c.WaitSpeechFinished(ctx) }()
	n.send(wire.SpeechFinished{IsFinal: true, Cancelled: true, Reason: "interrupted"})
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("WaitSpeechFinished = %v, want nil at her final message", err)
		}
	case <-time.After(waitFor):
		t.Fatal("WaitSpeechFinished did not return at her final message")
	}
	want = append(want, events.SpeechFinished+` final=true cancelled=true "interrupted"`)
	got = append(got, fidLabel(fidEvent(t, evs)))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lifecycle events\n got %q\nwant %q", got, want)
	}
	if c.Speaking() {
		t.Error("speaking after her final message")
	}

	n.send(wire.ActionRequest{ID: "after", Name: "play", Data: `{"cell": 2}`, HasData: true})
	if r := fidExpect[neuro.ActionResult](n); r.ID != "after" || !r.Success || r.Message != `played {"cell": 2}` {
		t.Errorf("result %+v", r)
	}
	if s, ok := c.Session(); !ok || s.DisplayName != "Evil Neuro" {
		t.Errorf("Session = %+v, %v", s, ok)
	}
}
