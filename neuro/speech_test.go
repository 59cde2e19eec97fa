package neuro

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// cancelledCtx is a context that has ended: a wait given it returns at
// once, so a call that returns nil with it did not wait.
func cancelledCtx() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// within returns the next value from ch, failing the test when none
// comes within waitFor.
func within[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitFor):
		t.Fatalf("nothing on the channel within %s", waitFor)
		var zero T
		return zero
	}
}

// utteranceOf returns what Neuro is saying on c, nil when silent.
func utteranceOf(c *Client) *utterance {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.talk
}

func speechData(t *testing.T, ev manager.Event) events.SpeechFinishedData {
	t.Helper()
	d, err := manager.Payload[events.SpeechFinishedData](ev)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSpeaking: speaking starts with a message that is not final and
// ends with the final one; each message raises SpeechFinished.
func TestSpeaking(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	if f.c.Speaking() {
		t.Fatal("speaking before any message")
	}
	if err := f.c.WaitSpeechFinished(cancelledCtx()); err != nil {
		t.Fatalf("WaitSpeechFinished while silent = %v, want nil at once", err)
	}

	// A final message alone: a short utterance, over already.
	srv.send(wire.SpeechFinished{IsFinal: true})
	if d := speechData(t, f.rec.wait(t, events.SpeechFinished)); d != (events.SpeechFinishedData{IsFinal: true}) {
		t.Errorf("SpeechFinished %+v", d)
	}
	if f.c.Speaking() {
		t.Error("speaking after a final message alone")
	}

	srv.send(wire.SpeechFinished{})
	if d := speechData(t, f.rec.wait(t, events.SpeechFinished)); d.IsFinal {
		t.Errorf("SpeechFinished %+v, want not final", d)
	}
	if !f.c.Speaking() {
		t.Fatal("not speaking after a message that is not final")
	}
	if err := f.c.WaitSpeechFinished(cancelledCtx()); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitSpeechFinished while speaking = %v, want it to wait until ctx ends", err)
	}
	u := utteranceOf(f.c.client)
	waited := make(chan error, 1)
	go func() { waited <- f.c.WaitSpeechFinished(ctxT(t)) }()
	srv.send(wire.SpeechFinished{}) // still talking
	speechData(t, f.rec.wait(t, events.SpeechFinished))
	if !f.c.Speaking() || utteranceOf(f.c.client) != u {
		t.Fatal("a second message that is not final started another utterance")
	}
	srv.send(wire.SpeechFinished{IsFinal: true, Cancelled: true, Reason: "interrupted"})
	if d := speechData(t, f.rec.wait(t, events.SpeechFinished)); d != (events.SpeechFinishedData{IsFinal: true, Cancelled: true, Reason: "interrupted"}) {
		t.Errorf("SpeechFinished %+v", d)
	}
	if err := within(t, waited); err != nil {
		t.Errorf("WaitSpeechFinished = %v, want nil at the final message", err)
	}
	select {
	case <-u.done:
		if u.err != nil {
			t.Errorf("utterance ended with %v", u.err)
		}
	default:
		t.Error("the utterance did not end at the final message")
	}
	if f.c.Speaking() {
		t.Error("speaking after the final message")
	}
	srv.quiet() // speech is not answered
}

// TestWaitSpeechFinishedConnectionLost: a drop ends the wait with
// ErrConnectionLost, and the next connection starts silent.
func TestWaitSpeechFinishedConnectionLost(t *testing.T) {
	timers := newFakeTimers()
	f := newFixture(t, WithReconnect(fastPolicy), timers.option())
	srv := f.connect()
	srv.send(wire.SpeechFinished{})
	f.rec.wait(t, events.SpeechFinished)
	u := utteranceOf(f.c.client)
	if u == nil {
		t.Fatal("not speaking")
	}
	_ = srv.conn.Close(transport.CloseGoingAway, "bye")
	f.rec.wait(t, events.Disconnected)
	within(t, u.done)
	if !errors.Is(u.err, ErrConnectionLost) {
		t.Errorf("utterance ended with %v, want ErrConnectionLost", u.err)
	}
	if f.c.Speaking() {
		t.Error("speaking after the drop")
	}
	timers.elapse(t)
	srv2 := f.d.accept(t)
	expect[wire.Startup](srv2)
	f.rec.wait(t, events.Reconnected)
	if f.c.Speaking() {
		t.Error("speaking on a new connection")
	}
}

// TestWaitSpeechFinishedStop: Stop ends a wait in progress.
func TestWaitSpeechFinishedStop(t *testing.T) {
	f := newFixture(t)
	srv := f.connect()
	srv.send(wire.SpeechFinished{})
	f.rec.wait(t, events.SpeechFinished)
	u := utteranceOf(f.c.client)
	if err := f.c.Stop(ctxT(t), 0, ""); err != nil {
		t.Fatal(err)
	}
	within(t, u.done)
	if !errors.Is(u.err, ErrConnectionLost) {
		t.Errorf("utterance ended with %v, want ErrConnectionLost", u.err)
	}
	if err := f.c.WaitSpeechFinished(cancelledCtx()); err != nil {
		t.Errorf("WaitSpeechFinished after Stop = %v, want nil", err)
	}
}

// TestClientSpeaking: a Client on its own tracks speech too, and its
// Receiver hears the message after Speaking changed.
func TestClientSpeaking(t *testing.T) {
	p := connectedPair(t)
	p.srv.send(wire.SpeechFinished{})
	if m := within(t, p.msgs); !reflect.DeepEqual(m, wire.Message(wire.SpeechFinished{})) {
		t.Errorf("receiver got %#v", m)
	}
	if !p.cl.Speaking() {
		t.Fatal("not speaking")
	}
	p.srv.send(wire.SpeechFinished{IsFinal: true})
	within(t, p.msgs)
	if p.cl.Speaking() {
		t.Fatal("speaking after the final message")
	}
}

// orderRecorder records the lifecycle events it sees, by name, in the
// order their handlers run.
type orderRecorder struct {
	manager.Base
	bind map[string]manager.Handler
	ch   chan string
}

func newOrderRecorder(names ...string) *orderRecorder {
	r := &orderRecorder{Base: manager.NewBase("order"), ch: make(chan string, 64)}
	hs := map[string]manager.Handler{}
	for _, name := range names {
		hs[name] = func(_ context.Context, ev manager.Event) error {
			label := name
			switch d := ev.Data.(type) {
			case events.UnknownCommandData:
				label += " " + d.Command
			case events.SpeechFinishedData:
				label += fmt.Sprintf(" final=%v", d.IsFinal)
			}
			r.ch <- label
			return nil
		}
	}
	r.bind = hs
	return r
}

func (r *orderRecorder) BindHandlers() error {
	_, err := r.RegisterHandlers(r.bind)
	return err
}

// next returns the next n labels.
func (r *orderRecorder) next(t *testing.T, n int) []string {
	t.Helper()
	var got []string
	for range n {
		select {
		case l := <-r.ch:
			got = append(got, l)
		case <-ctxT(t).Done():
			t.Fatalf("events so far %v, want %d", got, n)
		}
	}
	return got
}

// TestFutureCommandDisturbsNothing: commands newer than this package
// raise UnknownCommand and nothing else: actions before and after them
// are answered, the force in flight stays, nothing is sent, and the
// lifecycle events keep their order.
func TestFutureCommandDisturbsNothing(t *testing.T) {
	f := newFixture(t)
	order := newOrderRecorder(events.StartupAcknowledged, events.UnknownCommand, events.SpeechFinished, events.Disconnected)
	if err := f.m.Add(order); err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	if err := f.c.HandleAction(ctx, actPass, func(context.Context, events.Action) Result { return Success("passed") }); err != nil {
		t.Fatal(err)
	}
	if err := f.c.HandleAction(ctx, actPlay, func(context.Context, events.Action) Result { return Success("played") }); err != nil {
		t.Fatal(err)
	}
	srv := f.connect()
	expect[wire.RegisterActions](srv)
	if err := f.c.Force(ctx, forcePass); err != nil {
		t.Fatal(err)
	}
	expect[ForceActions](srv)

	srv.send(wire.StartupAck{Session: wire.Session{SessionID: "s", CharacterID: "neuro", DisplayName: "Neuro-sama"}})
	srv.action("before", "play", `{"cell": 2}`)
	if r := srv.result("before"); !r.Success || r.Message != "played" {
		t.Errorf("result before %+v", r)
	}
	srv.sendRaw(`{"command":"neuro/future_thing","data":{"x":[1,2],"y":{"z":null}}}`)
	srv.send(wire.SpeechFinished{})
	srv.sendRaw(`{"command":"other/new"}`)
	srv.sendRaw(`{"command":"another","data":"not even an object"}`) // malformed: logged, no event
	srv.send(wire.SpeechFinished{IsFinal: true})
	srv.action("after", "play", `{"cell": 3}`)
	if r := srv.result("after"); !r.Success || r.Message != "played" {
		t.Errorf("result after %+v", r)
	}
	if !f.c.forceInFlight() || !reflect.DeepEqual(f.c.Registered(), []string{"pass", "play"}) {
		t.Errorf("force in flight %v, registered %v", f.c.forceInFlight(), f.c.Registered())
	}
	srv.action("win", "pass", "")
	if r := srv.result("win"); !r.Success {
		t.Errorf("result %+v", r)
	}
	if f.c.forceInFlight() {
		t.Error("the force outlived its success")
	}
	srv.quiet()
	_ = srv.conn.Close(transport.CloseNormal, "")

	want := []string{
		events.StartupAcknowledged,
		events.UnknownCommand + " neuro/future_thing",
		events.SpeechFinished + " final=false",
		events.UnknownCommand + " other/new",
		events.SpeechFinished + " final=true",
		events.Disconnected,
	}
	if got := order.next(t, len(want)); !reflect.DeepEqual(got, want) {
		t.Errorf("lifecycle events\n got %v\nwant %v", got, want)
	}
}
