package neuro

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// fuzzReconnect is the line of a FuzzComponentFrames input that makes the
// fake server drop the connection (close 1001); the component reconnects
// and the frames after it go to the new connection.
const fuzzReconnect = "RECONNECT"

// Limits of one FuzzComponentFrames input, to keep each run short.
const (
	fuzzMaxFrames     = 64
	fuzzMaxReconnects = 4
)

// Actions of the fuzzed component besides actPlay and actPass.
var (
	fuzzBoom = Action{Name: "boom", Description: "Panics in its handler."}
	fuzzSlow = Action{Name: "slow", Description: "Takes ms milliseconds.", Schema: Schema{
		"type":       "object",
		"properties": Schema{"ms": Schema{"type": "integer", "minimum": 0, "maximum": 5}},
		"required":   []string{"ms"},
	}}
	fuzzOnce = Action{Name: "once", Description: "A one-shot action."}
	// fuzzRaw is handled by a plain manager handler that replies twice
	// when the action has no data and not at all when it has some.
	fuzzRaw   = Action{Name: "raw", Description: "Handled without the helpers."}
	fuzzPickA = Action{Name: "pick_a", Description: "Choice A of the window."}
	fuzzPickB = Action{Name: "pick_b", Description: "Choice B of the window."}
)

// FuzzComponentFrames runs arbitrary frame sequences through a Component
// in a manager: its reader, its action goroutines (helpers, a one-shot
// action, an action window, a panicking handler, a handler racing the
// handler timeout, a raw manager handler that replies twice or never) and
// its reconnect loop. Each line of the input is one frame from the fake
// server, followed by a well-formed action with an id of its own; a line
// "RECONNECT" drops the connection instead, and the component reconnects.
//
// Invariants: nothing panics (a panic in a component goroutine crashes
// the fuzzer; a recovered one other than the deliberate "boom" shows as
// an error log and fails); every frame the game writes is a valid game
// message; every action with an id gets at most one result per action
// frame, and exactly one on the last connection, which stays up until
// every result is in; the game logs no error other than the deliberate
// panic.
func FuzzComponentFrames(f *testing.F) {
	for _, seed := range []string{
		``,
		`{"command":"action","data":{"id":"1","name":"play","data":"{\"cell\":5}"}}`,
		`{"command":"action","data":{"id":"1","name":"slow","data":"{\"ms\":3}"}}` + "\n" +
			`{"command":"action","data":{"id":"1","name":"slow","data":"{\"ms\":0}"}}`,
		`{"command":"action","data":{"id":"2","name":"pick_a"}}` + "\n" +
			`{"command":"action","data":{"id":"3","name":"pick_b"}}`,
		`{"command":"action","data":{"id":"4","name":"once"}}` + "\n" +
			`{"command":"action","data":{"id":"4","name":"once"}}`,
		`{"command":"action","data":{"id":"5","name":"boom"}}` + "\n" +
			`{"command":"action","data":{"id":"6","name":"raw"}}` + "\n" +
			`{"command":"action","data":{"id":"7","name":"raw","data":"x"}}`,
		`{"command":"action","data":{"id":"8","name":"play","data":"{\"cell\":12}"}}` + "\n" +
			`{"command":"action","data":{"id":"9","name":"play"}}` + "\n" +
			`{"command":"action","data":{"id":"10","name":"nope"}}`,
		`{"command":"action","data":{"id":"11","name":"slow","data":"{\"ms\":5}"}}` + "\n" + fuzzReconnect + "\n" +
			`{"command":"action","data":{"id":"11","name":"pick_a"}}`,
		`{"command":"actions/reregister_all"}` + "\n" + `{"command":"startup","data":{"session":{"sessionId":"s"}}}` + "\n" +
			`{"command":"shutdown/graceful","data":{"wants_shutdown":true}}` + "\n" + `{"command":"shutdown/immediate"}`,
		`not json` + "\n" + `{"command":7}` + "\n" + `[]` + "\n" + `{"command":"speech_finished","data":{}}` + "\n" +
			`{"command":"action","data":{"id":12}}` + "\n" + `{"command":"action","data":{"id":"13","name":5}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		frames := bytes.Split(input, []byte("\n"))
		if len(frames) > fuzzMaxFrames {
			frames = frames[:fuzzMaxFrames]
		}
		runComponentFrames(t, frames)
	})
}

// fuzzEpoch is one connection of a FuzzComponentFrames run: its fake
// server and how many action frames with a readable id it sent, by id.
type fuzzEpoch struct {
	srv  *fakeServer
	want map[string]int
	got  map[string]int
}

func runComponentFrames(t *testing.T, frames [][]byte) {
	core, logs := observer.New(zap.WarnLevel)
	timers := newFakeTimers()
	d := newPipeDialer()
	c, err := NewComponent(testGame,
		WithDialer(d.dial), WithLogger(zap.New(core)), timers.option(),
		WithReconnect(ReconnectPolicy{InitialDelay: time.Millisecond, MaxAttempts: -1}),
		WithHandlerTimeout(2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			for _, e := range logs.All() {
				t.Logf("log: %s %s %v", e.Level, e.Message, e.ContextMap())
			}
		}
	}()
	m := manager.New("fuzz")
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	stopped := false
	defer func() {
		if !stopped { // a failed run: stop without checking
			sctx, scancel := context.WithTimeout(context.Background(), waitFor)
			defer scancel()
			_ = c.Stop(sctx, 0, "")
		}
	}()
	registerFuzzActions(t, ctx, c, m)

	if err := c.Connect(ctx, "ws://fuzz"); err != nil {
		t.Fatal(err)
	}
	ep := &fuzzEpoch{srv: d.accept(t), want: map[string]int{}, got: map[string]int{}}
	epochs := []*fuzzEpoch{ep}
	expect[wire.Startup](ep.srv)
	expect[wire.RegisterActions](ep.srv)

	// An action window, open while the frames come.
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	type windowOutcome struct {
		r   WindowResult
		err error
	}
	window := make(chan windowOutcome, 1)
	go func() {
		r, err := c.Window(wctx, WindowSpec{
			Actions: []ActionSpec{{Action: fuzzPickA}, {Action: fuzzPickB}},
			Force:   ForceActions{Query: "Pick one."},
		})
		window <- windowOutcome{r, err}
	}()
	windowDone := false
	defer func() {
		if !windowDone {
			wcancel()
			<-window
		}
	}()
	expect[wire.RegisterActions](ep.srv)
	expect[ForceActions](ep.srv)

	reconnects := 0
	for i, fr := range frames {
		if string(fr) == fuzzReconnect {
			if reconnects == fuzzMaxReconnects {
				continue
			}
			reconnects++
			_ = ep.srv.conn.Close(transport.CloseGoingAway, "fuzz")
			timers.elapse(t) // the backoff wait after the drop
			ep = &fuzzEpoch{srv: d.accept(t), want: map[string]int{}, got: map[string]int{}}
			epochs = append(epochs, ep)
			expect[wire.Startup](ep.srv)
			expect[wire.RegisterActions](ep.srv)
			continue
		}
		countActionFrame(ep.want, fr)
		ep.srv.sendRaw(string(fr))
		valid := fmt.Sprintf(`{"command":"action","data":{"id":"valid-%d","name":"play","data":"{\"cell\":%d}"}}`, i, i%9+1)
		countActionFrame(ep.want, []byte(valid))
		ep.srv.sendRaw(valid)
	}

	// The last connection stays up until every result is in.
	last := epochs[len(epochs)-1]
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	for !covered(last.got, last.want) {
		select {
		case msg := <-last.srv.frames:
			if r, ok := msg.(ActionResult); ok {
				last.got[r.ID]++
			}
		case <-deadline.C:
			t.Fatalf("results on the last connection: got %v, want %v", last.got, last.want)
		}
	}

	wcancel()
	w := <-window
	windowDone = true
	if w.err != nil && !errors.Is(w.err, context.Canceled) {
		t.Errorf("Window: %v", w.err)
	} else if w.err == nil && w.r.Action != fuzzPickA.Name && w.r.Action != fuzzPickB.Name {
		t.Errorf("Window won by %+v", w.r)
	}
	if err := c.Stop(ctx, 0, ""); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	stopped = true

	for n, ep := range epochs {
		_ = ep.srv.conn.CloseNow()
		<-ep.srv.done
		for drained := false; !drained; {
			select {
			case msg := <-ep.srv.frames:
				if r, ok := msg.(ActionResult); ok {
					ep.got[r.ID]++
				}
			default:
				drained = true
			}
		}
		for id, got := range ep.got {
			want := ep.want[id]
			switch {
			case got > want:
				t.Errorf("connection %d: %d results for id %q, %d action frames", n, got, id, want)
			case got < want && n == len(epochs)-1:
				t.Errorf("last connection: %d results for id %q, %d action frames", got, id, want)
			}
		}
	}

	for _, e := range logs.FilterLevelExact(zapcore.ErrorLevel).All() {
		if e.Message == "action handler panicked; answering a failed result" && e.ContextMap()["action"] == fuzzBoom.Name {
			continue
		}
		t.Errorf("error log: %s %v", e.Message, e.ContextMap())
	}
}

// registerFuzzActions sets up the fuzzed component's actions and their handlers.
func registerFuzzActions(t *testing.T, ctx context.Context, c *Component, m *manager.Manager) {
	t.Helper()
	handle := func(a Action, fn ActionFunc) {
		if err := c.HandleAction(ctx, a, fn); err != nil {
			t.Fatal(err)
		}
	}
	handle(actPlay, func(context.Context, events.Action) Result { return Success("played") })
	handle(actPass, func(context.Context, events.Action) Result { return Failure("no passing; play a cell from 1 to 9") })
	handle(fuzzBoom, func(context.Context, events.Action) Result { panic("boom") })
	handle(fuzzSlow, func(ctx context.Context, act events.Action) Result {
		var p struct{ MS int }
		if err := json.Unmarshal([]byte(act.Data), &p); err != nil {
			t.Errorf("slow: data %q passed the schema but does not decode: %v", act.Data, err)
			return Failure("bad data")
		}
		select {
		case <-time.After(time.Duration(p.MS) * time.Millisecond):
			return Success("done")
		case <-ctx.Done():
			return Failure("timed out")
		}
	})
	if err := c.HandleTemporaryAction(ctx, fuzzOnce, func(context.Context, events.Action) Result { return Success("used") }); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterActions(ctx, fuzzRaw); err != nil {
		t.Fatal(err)
	}
	if _, err := m.RegisterHandler(events.ActionEvent(fuzzRaw.Name), func(ctx context.Context, ev manager.Event) error {
		act, err := manager.Payload[events.Action](ev)
		if err != nil {
			return err
		}
		if act.Data != "" {
			return nil // the component answers "did not answer"
		}
		first := act.Reply(ctx, true, "raw")
		second := act.Reply(ctx, false, "again")
		if first == nil && !errors.Is(second, ErrAlreadyAnswered) {
			t.Errorf("second Reply = %v, want ErrAlreadyAnswered", second)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// countActionFrame counts fr in want when it is an action frame whose id
// the game can read: those, and only those, are answered.
func countActionFrame(want map[string]int, fr []byte) {
	m, err := wire.DecodeServer(fr)
	var de *wire.DecodeError
	switch {
	case err == nil:
		if a, ok := m.(wire.ActionRequest); ok {
			want[a.ID]++
		}
	case errors.As(err, &de) && de.Command == wire.CmdAction && de.ID != "":
		want[de.ID]++
	}
}

// covered reports whether got has at least want's count for every id.
func covered(got, want map[string]int) bool {
	for id, n := range want {
		if got[id] < n {
			return false
		}
	}
	return true
}
