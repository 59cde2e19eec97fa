package dashboard

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

func TestStateAndGame(t *testing.T) {
	e := newEnv(t, nil, WithRetries(3))
	g := pipeGame(t, e.s, "Stately", testActions)
	waitRegistered(t, e.s, "Stately", 2)
	g.send(wire.ContextMessage{Message: "hi", Silent: true})
	g.send(neuro.ActionResult{ID: "nope", Success: true}) // a warning
	ctx := testCtx(t)
	if _, err := e.s.WatchFrom(0).WaitFor(ctx, server.IsFinding(server.FindingUnknownResult)); err != nil {
		t.Fatal(err)
	}

	code, st := e.request(t, "GET", PathPrefix+"api/state", nil, nil)
	if code != http.StatusOK {
		t.Fatalf("state: %d %v", code, st)
	}
	if st["retries"] != 3.0 || st["operator"] != nil {
		t.Errorf("retries %v operator %v", st["retries"], st["operator"])
	}
	games := st["games"].([]any)
	if len(games) != 1 {
		t.Fatalf("%d games", len(games))
	}
	sum := games[0].(map[string]any)
	if sum["name"] != "Stately" || sum["actionCount"] != 2.0 || sum["contextCount"] != 1.0 || sum["warningCount"] != 1.0 || sum["actions"] != nil {
		t.Errorf("summary %v", sum)
	}

	code, body := e.request(t, "GET", PathPrefix+"api/game?id=%231", nil, nil)
	if code != http.StatusOK {
		t.Fatalf("game: %d %v", code, body)
	}
	gs := body["game"].(map[string]any)
	if len(gs["actions"].([]any)) != 2 || len(gs["context"].([]any)) != 1 {
		t.Errorf("game %v", gs)
	}
	advice := body["advice"].(map[string]any)
	if a, _ := advice[string(server.FindingUnknownResult)].(string); !strings.Contains(a, "exactly once") {
		t.Errorf("advice %v", advice)
	}
	if code, _ := e.request(t, "GET", PathPrefix+"api/game?id=nobody", nil, nil); code != http.StatusNotFound {
		t.Errorf("unknown game: %d", code)
	}
	if code, _ := e.request(t, "GET", PathPrefix+"api/game", nil, nil); code != http.StatusBadRequest {
		t.Errorf("no game: %d", code)
	}
}

func TestEveryWarningKindHasAdvice(t *testing.T) {
	for _, k := range []server.FindingKind{
		server.FindingBeforeStartup, server.FindingGameRenamed, server.FindingInvalidActionName, server.FindingSchemaKeyword,
		server.FindingSchemaNotObject, server.FindingNullSchema, server.FindingDuplicateAction, server.FindingForceUnregistered,
		server.FindingForceWhilePending, server.FindingUnknownResult, server.FindingLateResult, server.FindingFailedNoMessage,
		server.FindingBinaryFrame, server.FindingUnknownCommand, server.FindingMalformed, server.FindingResultTimeout,
		server.FindingPolicyFailed,
	} {
		if _, ok := advice[k]; !ok {
			t.Errorf("no advice for %q", k)
		}
	}
	if Advice("something new") == "" {
		t.Error("no general advice")
	}
}

func TestHistoryPages(t *testing.T) {
	e := newEnv(t, []server.Option{server.WithEventHistory(50)})
	g := pipeGame(t, e.s, "Pager", testActions)
	waitRegistered(t, e.s, "Pager", 2)
	ctx := testCtx(t)
	for range 30 { // 90 events: the first ones leave the history
		if _, err := e.s.Act(ctx, "Pager", "pass", ""); err != nil {
			t.Fatal(err)
		}
	}
	_ = g
	last := e.s.LastSeq()
	var seqs []uint64
	after := uint64(0)
	for page := 0; ; page++ {
		code, body := e.request(t, "GET", PathPrefix+"api/history?limit=20&after="+itoa(int(after)), nil, nil)
		if code != http.StatusOK {
			t.Fatalf("history: %d %v", code, body)
		}
		if page == 0 && body["dropped"].(float64) == 0 {
			t.Error("no event reported dropped from the history")
		}
		for _, ev := range body["events"].([]any) {
			seqs = append(seqs, uint64(ev.(map[string]any)["seq"].(float64)))
		}
		after = uint64(body["last"].(float64))
		if !body["more"].(bool) {
			break
		}
		if page > 10 {
			t.Fatal("history never ends")
		}
	}
	if len(seqs) != 50 || seqs[len(seqs)-1] != last {
		t.Fatalf("got %d events ending at %d, want 50 ending at %d", len(seqs), seqs[len(seqs)-1], last)
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]+1 {
			t.Fatalf("gap between %d and %d", seqs[i-1], seqs[i])
		}
	}
	if code, _ := e.request(t, "GET", PathPrefix+"api/history?after=x", nil, nil); code != http.StatusBadRequest {
		t.Errorf("bad after: %d", code)
	}
}

func TestExportIsJSONLines(t *testing.T) {
	e := newEnv(t, nil)
	g := pipeGame(t, e.s, "Exported", testActions)
	waitRegistered(t, e.s, "Exported", 2)
	g.conn.Write(testCtx(t), []byte("{not json\u2028 \xff}")) //nolint:errcheck // a malformed frame on purpose
	if _, err := e.s.WatchFrom(0).WaitFor(testCtx(t), server.IsFinding(server.FindingMalformed)); err != nil {
		t.Fatal(err)
	}
	resp, err := e.http.Client().Get(e.url(PathPrefix + "api/export"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("content type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="neuro-session-`) {
		t.Errorf("disposition %q", cd)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	lines := parseExport(t, data)
	if int(e.s.LastSeq()) != len(lines)-1 {
		t.Errorf("%d events exported, %d recorded", len(lines)-1, e.s.LastSeq())
	}
	var sawMalformed bool
	for _, l := range lines[1:] {
		if f, _ := l["frame"].(string); strings.HasPrefix(f, "{not json") {
			sawMalformed = true
			if !strings.Contains(f, "\u2028") || !strings.Contains(f, "\ufffd") {
				t.Errorf("malformed frame not kept as text: %q", f)
			}
		}
	}
	if !sawMalformed {
		t.Error("the malformed frame is not in the export")
	}
}

func TestGenerateAndSendAction(t *testing.T) {
	e := newEnv(t, nil)
	g := pipeGame(t, e.s, "Sender", testActions)
	waitRegistered(t, e.s, "Sender", 2)
	ctx := testCtx(t)

	code, gen := e.post(t, "generate", map[string]any{"game": "Sender", "action": "play"})
	if code != http.StatusOK || gen["hasData"] != true {
		t.Fatalf("generate: %d %v", code, gen)
	}
	cs, _ := schema.Compile(testActions[0].Name, testActions[0].Schema)
	if err := cs.Check(gen["data"].(string), true); err != nil {
		t.Errorf("generated data invalid: %v", err)
	}
	if code, gen := e.post(t, "generate", map[string]any{"game": "Sender", "action": "pass"}); code != http.StatusOK || gen["hasData"] != false {
		t.Errorf("generate without schema: %d %v", code, gen)
	}
	if code, _ := e.post(t, "generate", map[string]any{"game": "Sender", "action": "fly"}); code != http.StatusNotFound {
		t.Errorf("generate unknown action: %d", code)
	}

	tests := []struct {
		name     string
		body     map[string]any
		want     int
		wantData string // sent to the game ("-" for nothing sent)
	}{
		{"valid", map[string]any{"name": "play", "data": `{"cell":4}`, "hasData": true}, 200, `{"cell":4}`},
		{"invalid refused", map[string]any{"name": "play", "data": `{"cell":40}`, "hasData": true}, 422, "-"},
		{"missing data refused", map[string]any{"name": "play"}, 422, "-"},
		{"invalid on purpose", map[string]any{"name": "play", "data": `{"cell":40}`, "hasData": true, "allowInvalid": true}, 200, `{"cell":40}`},
		{"not JSON on purpose", map[string]any{"name": "play", "data": `cell 4`, "hasData": true, "allowInvalid": true}, 200, `cell 4`},
		{"no schema", map[string]any{"name": "pass"}, 200, ""},
		{"unregistered refused", map[string]any{"name": "fly"}, 422, "-"},
		{"unregistered on purpose", map[string]any{"name": "fly", "allowInvalid": true}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.body["game"] = "Sender"
			code, body := e.post(t, "action", tc.body)
			if code != tc.want {
				t.Fatalf("status %d, want %d: %v", code, tc.want, body)
			}
			if tc.wantData == "-" {
				return
			}
			a := g.nextAction(ctx)
			if a.ID != body["id"] || a.Name != tc.body["name"] || a.Data != tc.wantData {
				t.Errorf("game got %+v, want id %v data %q", a, body["id"], tc.wantData)
			}
		})
	}
	select {
	case a := <-g.got:
		t.Errorf("a refused action reached the game: %+v", a)
	default:
	}
	if code, _ := e.post(t, "action", map[string]any{"game": "ghost", "name": "pass"}); code != http.StatusNotFound {
		t.Errorf("unknown game: %d", code)
	}
}

func TestSendMessages(t *testing.T) {
	e := newEnv(t, nil)
	srvEnd, gameEnd := transport.Pipe()
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = e.s.ServeConn(testCtx(t), srvEnd)
	}()
	defer func() { _ = gameEnd.CloseNow(); <-served }()
	raw := newGame(t, "Raw", gameEnd, nil)
	raw.send(wire.Startup{})
	ctx := testCtx(t)
	read := func() string {
		t.Helper()
		for {
			f, err := gameEnd.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(f), `"startup"`) {
				return string(f)
			}
		}
	}
	tests := []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"kind": "reregister_all"}, `{"command":"actions/reregister_all"}`},
		{map[string]any{"kind": "shutdown_graceful", "wantsShutdown": true}, `{"command":"shutdown/graceful","data":{"wants_shutdown":true}}`},
		{map[string]any{"kind": "shutdown_graceful"}, `{"command":"shutdown/graceful","data":{"wants_shutdown":false}}`},
		{map[string]any{"kind": "shutdown_immediate"}, `{"command":"shutdown/immediate"}`},
		{map[string]any{"kind": "speech_finished", "isFinal": true}, `{"command":"speech_finished","data":{"isFinal":true}}`},
		{map[string]any{"kind": "speech_finished", "isFinal": true, "cancelled": true, "reason": "interrupted"},
			`{"command":"speech_finished","data":{"cancelled":true,"isFinal":true,"reason":"interrupted"}}`},
	}
	for _, tc := range tests {
		tc.body["game"] = "Raw"
		if code, body := e.post(t, "send", tc.body); code != http.StatusOK {
			t.Fatalf("%v: %d %v", tc.body, code, body)
		}
		var got, want any
		f := read()
		_ = json.Unmarshal([]byte(f), &got)
		_ = json.Unmarshal([]byte(tc.want), &want)
		if !jsonEqual(got, want) {
			t.Errorf("%v: game got %s, want %s", tc.body["kind"], f, tc.want)
		}
	}
	if code, _ := e.post(t, "send", map[string]any{"game": "Raw", "kind": "dance"}); code != http.StatusBadRequest {
		t.Errorf("unknown kind: %d", code)
	}

	// Disconnect with a chosen code.
	for _, bad := range []int{999, 1005, 1006, 2000, 5000} {
		if code, _ := e.post(t, "disconnect", map[string]any{"game": "Raw", "code": bad}); code != http.StatusBadRequest {
			t.Errorf("close code %d accepted: %d", bad, code)
		}
	}
	if code, _ := e.post(t, "disconnect", map[string]any{"game": "Raw", "code": 4000, "reason": strings.Repeat("r", 124)}); code != http.StatusBadRequest {
		t.Errorf("long reason accepted: %d", code)
	}
	if code, body := e.post(t, "disconnect", map[string]any{"game": "Raw", "code": 4321, "reason": "test over"}); code != http.StatusOK {
		t.Fatalf("disconnect: %d %v", code, body)
	}
	_, err := gameEnd.Read(ctx)
	if c, reason, ok := transport.CloseCode(err); !ok || c != 4321 || reason != "test over" {
		t.Fatalf("game saw %v", err)
	}
	<-served
	if code, _ := e.post(t, "disconnect", map[string]any{"game": "Raw", "code": 1000}); code != http.StatusConflict {
		t.Errorf("second disconnect: %d", code)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
