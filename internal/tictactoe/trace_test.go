package tictactoe

import (
	"context"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

func TestDescribeGame(t *testing.T) {
	tr := newTranscript(nil, false, false)
	tests := []struct {
		m    wire.Message
		want string
	}{
		{wire.Startup{}, "startup"},
		{wire.ContextMessage{Message: "Let's play", Silent: true}, `context "Let's play" (silent)`},
		{wire.ContextMessage{Message: "You won\ngame 1 with cells 1, 2, 3! Score: you 1, the computer 0"}, `context "You won game 1 with cells 1, 2, 3! Score: you 1…"`},
		{wire.RegisterActions{Actions: []neuro.Action{playAction(t, 3, 5, 9)}}, "actions/register play(cell ∈ 3,5,9)"},
		{wire.RegisterActions{Actions: []neuro.Action{
			{Name: "pass", Description: "Pass."},
			{Name: "say", Description: "Say.", Schema: neuro.Schema{"type": "object", "properties": neuro.Schema{"text": neuro.Schema{"type": "string"}, "loud": neuro.Schema{}}}},
		}}, "actions/register pass(), say(loud, text: string)"},
		{wire.UnregisterActions{ActionNames: []string{"play", "pass"}}, "actions/unregister play, pass"},
		{neuro.ForceActions{Query: "Your move", State: "board", ActionNames: []string{"play"}}, `actions/force "Your move" [play]`},
		{neuro.ForceActions{Query: "Now!", Priority: neuro.PriorityHigh, ActionNames: []string{"a", "b"}}, `actions/force "Now!" [a, b] high`},
		{neuro.ActionResult{ID: "3", Success: true}, "action/result #3 ✓"},
		{neuro.ActionResult{ID: "4", Message: "cell 5 is taken; free cells are 3, 9"}, `action/result #4 ✗ "cell 5 is taken; free cells are 3, 9"`},
		{neuro.ActionResult{ID: "a-very-long-action-id-17", Message: `"cell" must be one of 3, 9`}, `action/result #a-very-long-a… ✗ "\"cell\" must be one of 3, 9"`},
		{wire.ShutdownReady{}, "shutdown/ready"},
	}
	for _, tt := range tests {
		frame, err := wire.EncodeGame("Tic-tac-toe", tt.m)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.describeGame(frame); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", frame, got, tt.want)
		}
	}
	if got := tr.describeGame([]byte("{oops")); !strings.HasPrefix(got, "malformed frame {oops") {
		t.Errorf("malformed: %s", got)
	}
}

func TestDescribeServer(t *testing.T) {
	tr := newTranscript(nil, false, false)
	tests := []struct {
		frame string
		want  string
	}{
		{`{"command":"action","data":{"id":"3","name":"play","data":"{ \"cell\": 5 }"}}`, `action play {"cell":5} #3`},
		{`{"command":"action","data":{"id":"4","name":"play","data":"{\"cell\":5"}}`, `action play {"cell":5 (malformed) #4`},
		{`{"command":"action","data":{"id":"5","name":"pass"}}`, `action pass (no data) #5`},
		{`{"command":"action","data":{"id":"6","name":"say","data":"{\"text\":\"a very long sentence that goes on and on\"}"}}`, `action say {"text":"a very long sentence that goes… #6`},
		{`{"command":"actions/reregister_all"}`, "actions/reregister_all"},
		{`{"command":"startup","data":{"session":{"sessionId":"s","characterId":"evil","displayName":"Evil Neuro"}}}`, "startup Evil Neuro"},
		{`{"command":"shutdown/graceful","data":{"wants_shutdown":true}}`, "shutdown/graceful wants_shutdown=true"},
		{`{"command":"shutdown/immediate"}`, "shutdown/immediate"},
		{`{"command":"future/command","data":{"x":1}}`, `future/command {"x":1}`},
		{`{"command":"speech_finished","data":{"isFinal":false}}`, "speech_finished (speaking…)"},
		{`{"command":"speech_finished","data":{"isFinal":true}}`, "speech_finished (final)"},
		{`{"command":"speech_finished","data":{"isFinal":true,"cancelled":true,"reason":"interrupted"}}`, `speech_finished (final, cancelled: "interrupted")`},
		{`{"command":"speech_finished","data":{"isFinal":true,"cancelled":true}}`, "speech_finished (final, cancelled)"},
		{`{"command":"action","data":{"name":7}}`, `malformed frame {"command":"action","data":{"name":7}}`},
	}
	for _, tt := range tests {
		if got := tr.describeServer([]byte(tt.frame)); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.frame, got, tt.want)
		}
	}
}

func TestShorten(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"one two  three\nfour", 100, "one two three four"},
		{"héllo wörld", 6, "héllo…"},
	}
	for _, tt := range tests {
		if got := shorten(tt.in, tt.n); got != tt.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestTraceDialer: every frame through a traced connection gets its line,
// in order, and so do the connection, its loss and a local close.
func TestTraceDialer(t *testing.T) {
	ctx := context.Background()
	game, neuroEnd := transport.Pipe()
	var out strings.Builder
	dial := TraceDialer(func(context.Context, string) (transport.Conn, error) { return game, nil }, &out)
	conn, err := dial(ctx, "ws://neuro")
	if err != nil {
		t.Fatal(err)
	}
	startup, _ := wire.EncodeGame("g", wire.Startup{})
	if err := conn.Write(ctx, startup); err != nil {
		t.Fatal(err)
	}
	act, _ := wire.EncodeServer(wire.ActionRequest{ID: "1", Name: "play", Data: `{"cell":5}`, HasData: true})
	if err := neuroEnd.Write(ctx, act); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Read(ctx); err != nil {
		t.Fatal(err)
	}
	_ = neuroEnd.Close(transport.CloseGoingAway, "restarting")
	if _, err := conn.Read(ctx); err == nil {
		t.Fatal("Read after the peer closed succeeded")
	}
	if _, err := dial(ctx, "ws://neuro"); err != nil { // the same pipe end: only the line matters
		t.Fatal(err)
	}
	_ = conn.Close(transport.CloseNormal, "match over")

	want := []string{
		"⇄ connected to ws://neuro",
		"→ startup",
		`← action play {"cell":5} #1`,
		`✗ connection lost: 1001 "restarting"; reconnecting…`,
		"⇄ reconnected to ws://neuro after ",
		`→ close 1000 "match over"`,
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("transcript:\n%s", out.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], w)
		}
	}
}

// TestTraceQuiet: quiet hides the messages, not the connection lines.
func TestTraceQuiet(t *testing.T) {
	ctx := context.Background()
	game, _ := transport.Pipe()
	var out strings.Builder
	dial := newTranscript(&out, false, true).dialer(func(context.Context, string) (transport.Conn, error) { return game, nil })
	conn, err := dial(ctx, "ws://neuro")
	if err != nil {
		t.Fatal(err)
	}
	startup, _ := wire.EncodeGame("g", wire.Startup{})
	_ = conn.Write(ctx, startup)
	_ = conn.CloseNow()
	if got := out.String(); got != "⇄ connected to ws://neuro\n" {
		t.Errorf("quiet transcript %q", got)
	}
}

// TestTraceSpeech: of an utterance's speech_finished messages that are
// not final only the first gets a line; every final one does.
func TestTraceSpeech(t *testing.T) {
	ctx := context.Background()
	game, neuroEnd := transport.Pipe()
	defer game.CloseNow()
	var out strings.Builder
	dial := newTranscript(&out, false, false).dialer(func(context.Context, string) (transport.Conn, error) { return game, nil })
	conn, err := dial(ctx, "ws://neuro")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []wire.SpeechFinished{
		{}, {}, {}, {IsFinal: true},
		{IsFinal: true},
		{}, {IsFinal: true, Cancelled: true, Reason: "interrupted"},
	} {
		frame, _ := wire.EncodeServer(m)
		if err := neuroEnd.Write(ctx, frame); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := "⇄ connected to ws://neuro\n" +
		"← speech_finished (speaking…)\n" +
		"← speech_finished (final)\n" +
		"← speech_finished (final)\n" +
		"← speech_finished (speaking…)\n" +
		"← speech_finished (final, cancelled: \"interrupted\")\n"
	if got := out.String(); got != want {
		t.Errorf("transcript\n%s\nwant\n%s", got, want)
	}
}
