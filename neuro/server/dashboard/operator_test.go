package dashboard

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/server"
)

// fixedPolicy always answers with its choice and counts its calls.
type fixedPolicy struct {
	c     server.Choice
	calls chan server.ForceRequest
}

func (p *fixedPolicy) Choose(_ context.Context, req server.ForceRequest) (server.Choice, error) {
	p.calls <- req
	return p.c, nil
}

func newFixed() *fixedPolicy {
	return &fixedPolicy{c: server.Choice{Name: "pass"}, calls: make(chan server.ForceRequest, 16)}
}

func forceReq() server.ForceRequest {
	return server.ForceRequest{GameID: "#1", Game: "G", Attempt: 1,
		Force:   neuro.ForceActions{Query: "q", ActionNames: []string{"play", "pass"}},
		Actions: testActions}
}

// choose runs op.Choose on its own goroutine and waits until the prompt
// is listed.
func choose(t *testing.T, ctx context.Context, op *Operator) (<-chan server.Choice, <-chan error, ForcePrompt) {
	t.Helper()
	changed := op.changes()
	out, errc := make(chan server.Choice, 1), make(chan error, 1)
	go func() {
		c, err := op.Choose(ctx, forceReq())
		if err != nil {
			errc <- err
			return
		}
		out <- c
	}()
	for {
		if w := op.Waiting(); len(w) > 0 {
			return out, errc, w[len(w)-1]
		}
		select {
		case <-changed:
			changed = op.changes()
		case <-ctx.Done():
			t.Fatal("no prompt")
		}
	}
}

func TestOperatorAnswer(t *testing.T) {
	ctx := testCtx(t)
	fb := newFixed()
	op := NewOperator(fb, OperatorSeed(1))
	out, _, p := choose(t, ctx, op)
	if p.Force.Query != "q" || len(p.Actions) != 2 || p.Deadline != nil {
		t.Errorf("prompt %+v", p)
	}
	cs, _ := schema.Compile(testActions[0].Name, testActions[0].Schema)
	if err := cs.Check(p.Suggestions["play"], true); err != nil {
		t.Errorf("suggestion %q: %v", p.Suggestions["play"], err)
	}
	if _, ok := p.Suggestions["pass"]; ok {
		t.Error("suggestion for an action without schema")
	}
	if err := op.Answer(p.ID, server.Choice{Name: "fly"}); err == nil {
		t.Error("answer with an unlisted action accepted")
	}
	want := server.Choice{Name: "play", Data: `{"cell":3}`, HasData: true}
	if err := op.Answer(p.ID, want); err != nil {
		t.Fatal(err)
	}
	if got := <-out; got != want {
		t.Fatalf("chose %+v", got)
	}
	if err := op.Answer(p.ID, want); !errors.Is(err, ErrNoSuchPrompt) {
		t.Errorf("second answer: %v", err)
	}
	if len(fb.calls) != 0 || len(op.Waiting()) != 0 {
		t.Error("fallback called or prompt left")
	}
}

func TestOperatorFallbacks(t *testing.T) {
	ctx := testCtx(t)
	t.Run("explicit", func(t *testing.T) {
		fb := newFixed()
		op := NewOperator(fb)
		out, _, p := choose(t, ctx, op)
		if err := op.Fallback(p.ID); err != nil {
			t.Fatal(err)
		}
		if got := <-out; got.Name != "pass" || len(fb.calls) != 1 {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		fb := newFixed()
		op := NewOperator(fb, OperatorTimeout(time.Millisecond))
		c, err := op.Choose(ctx, forceReq())
		if err != nil || c.Name != "pass" || len(fb.calls) != 1 {
			t.Fatalf("got %+v %v", c, err)
		}
	})
	t.Run("disabled", func(t *testing.T) {
		fb := newFixed()
		op := NewOperator(fb, OperatorEnabled(false))
		c, err := op.Choose(ctx, forceReq())
		if err != nil || c.Name != "pass" || len(op.Waiting()) != 0 {
			t.Fatalf("got %+v %v", c, err)
		}
	})
	t.Run("disabled while waiting", func(t *testing.T) {
		fb := newFixed()
		op := NewOperator(fb)
		out1, _, _ := choose(t, ctx, op)
		out2, _, _ := choose(t, ctx, op)
		op.SetEnabled(false)
		<-out1
		<-out2
		if len(fb.calls) != 2 || op.Enabled() {
			t.Fatalf("%d fallback calls", len(fb.calls))
		}
	})
	t.Run("game gone", func(t *testing.T) {
		op := NewOperator(newFixed())
		cctx, cancel := context.WithCancel(ctx)
		_, errc, _ := choose(t, cctx, op)
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v", err)
		}
		if len(op.Waiting()) != 0 {
			t.Fatal("prompt left behind")
		}
	})
}

func TestOperatorEndpoints(t *testing.T) {
	t.Run("without operator", func(t *testing.T) {
		e := newEnv(t, nil)
		if code, _ := e.post(t, "operator", map[string]any{"enabled": true}); code != http.StatusNotFound {
			t.Errorf("toggle: %d", code)
		}
		if code, _ := e.post(t, "operator/answer", map[string]any{"id": "f1", "fallback": true}); code != http.StatusNotFound {
			t.Errorf("answer: %d", code)
		}
	})
	op := NewOperator(newFixed(), OperatorSeed(2))
	e := newEnv(t, []server.Option{server.WithPolicy(op)}, WithOperator(op))
	ctx := testCtx(t)
	g := pipeGame(t, e.s, "Forced", testActions)
	waitRegistered(t, e.s, "Forced", 2)
	changed := op.changes()
	g.send(neuro.ForceActions{Query: "now", ActionNames: []string{"play", "pass"}})
	for len(op.Waiting()) == 0 {
		select {
		case <-changed:
			changed = op.changes()
		case <-ctx.Done():
			t.Fatal("no prompt")
		}
	}
	id := op.Waiting()[0].ID
	for _, tc := range []struct {
		body map[string]any
		want int
	}{
		{map[string]any{"id": "f999", "name": "pass"}, http.StatusNotFound},
		{map[string]any{"id": id, "name": "fly"}, http.StatusUnprocessableEntity},
		{map[string]any{"id": id, "name": "play", "data": `{"cell":0}`, "hasData": true}, http.StatusUnprocessableEntity},
		{map[string]any{"id": id, "name": "play"}, http.StatusUnprocessableEntity},
		{map[string]any{"id": id, "name": "play", "data": `{"cell":0}`, "hasData": true, "allowInvalid": true}, http.StatusOK},
	} {
		if code, body := e.post(t, "operator/answer", tc.body); code != tc.want {
			t.Errorf("%v: %d %v, want %d", tc.body, code, body, tc.want)
		}
	}
	if a := g.nextAction(ctx); a.Name != "play" || a.Data != `{"cell":0}` {
		t.Fatalf("game got %+v", a)
	}
	if code, body := e.post(t, "operator", map[string]any{}); code != http.StatusBadRequest {
		t.Errorf("toggle without value: %d %v", code, body)
	}
	if code, body := e.post(t, "operator", map[string]any{"enabled": false}); code != http.StatusOK || body["enabled"] != false || op.Enabled() {
		t.Errorf("toggle off: %d %v", code, body)
	}
}
