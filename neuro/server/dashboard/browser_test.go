package dashboard

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// TestBrowserLiveGameAndSendAction: a game connected over a real
// websocket shows with its actions; an action sent from the editor
// reaches the game with the data typed, and its result shows.
func TestBrowserLiveGameAndSendAction(t *testing.T) {
	b := newBrowser(t)
	e := newEnv(t, nil)
	ctx := testCtx(t)
	g := wsGame(t, e, "Tic Tac Toe", testActions)
	waitRegistered(t, e.s, "Tic Tac Toe", 2)

	b.open(e)
	b.waitJS("the game in the list", `(document.querySelector('.game-row[data-id="#1"]') || {}).textContent?.includes('Tic Tac Toe')`)
	b.waitJS("the game selected", `document.querySelector('#game-title').textContent === 'Tic Tac Toe (#1)'`)
	b.click(`.tab[data-tab="actions"]`)
	b.waitJS("the actions", `document.querySelectorAll('#action-list .action').length === 2`)
	if desc := eval[string](b, `document.querySelector('.action[data-name="play"] p').textContent`); desc != "Play in a cell of the board." {
		t.Errorf("description %q", desc)
	}
	if schema := eval[string](b, `document.querySelector('.action[data-name="play"] pre').textContent`); !strings.Contains(schema, `"maximum": 9`) {
		t.Errorf("schema not pretty-printed: %q", schema)
	}

	// The editor is pre-filled with valid data.
	b.waitJS("generated data", `document.querySelector('#send-data').value.includes('cell')`)
	var pre struct{ Cell int }
	if err := json.Unmarshal([]byte(eval[string](b, `document.querySelector('#send-data').value`)), &pre); err != nil || pre.Cell < 1 || pre.Cell > 9 {
		t.Fatalf("pre-filled data %+v (%v)", pre, err)
	}
	b.waitJS("valid", `document.querySelector('#send-validation').textContent.startsWith('✓')`)

	// Invalid data is flagged as typed and cannot be sent unless asked.
	b.setEditor("#send-data", `{"cell": 12}`)
	if v := eval[string](b, `document.querySelector('#send-validation').textContent`); !strings.Contains(v, "$.cell: must be ≤ 9") {
		t.Errorf("validation %q", v)
	}
	if !eval[bool](b, `document.querySelector('#send-button').disabled`) {
		t.Error("send enabled with invalid data")
	}
	b.click("#send-invalid")
	if eval[bool](b, `document.querySelector('#send-button').disabled`) {
		t.Error("send disabled although invalid data was asked for")
	}
	b.click("#send-invalid")

	b.setEditor("#send-data", "{\n  \"cell\": 5\n}")
	b.click("#send-button")
	a := g.nextAction(ctx)
	if a.Name != "play" || a.Data != `{"cell":5}` {
		t.Fatalf("game got %s %s", a.Name, a.Data)
	}
	b.waitJS("the result", `document.querySelector('#send-result').textContent.includes('success — done: play')`)

	b.click(`.tab[data-tab="messages"]`)
	b.waitJS("the result frame in the log", `[...document.querySelectorAll('#log .log-row .c')].some((c) => c.textContent === 'action/result')`)
	// Filtered to one command, a frame expands with the action's data
	// decoded.
	eval[chromedp.Void](b, `(() => { const s = document.querySelector('#f-command'); s.value = 'action'; s.dispatchEvent(new Event('change')); })()`)
	b.waitJS("the filter", `document.querySelectorAll('#log .log-row').length === 1`)
	b.click(`#log .log-row`)
	b.waitJS("the decoded data", `document.querySelector('#log-detail').textContent.includes('"cell": 5')`)
	b.requireCleanConsole()
}

// TestBrowserOperator: with the operator on, a force waits in the page;
// the person's choice, and nothing else, reaches the game.
func TestBrowserOperator(t *testing.T) {
	b := newBrowser(t)
	op := NewOperator(nil, OperatorSeed(1))
	e := newEnv(t, []server.Option{server.WithPolicy(op)}, WithOperator(op), WithRetries(2))
	ctx := testCtx(t)
	g := pipeGame(t, e.s, "Tic Tac Toe", testActions)
	waitRegistered(t, e.s, "Tic Tac Toe", 2)
	b.open(e)
	b.waitJS("the operator switch", `!document.querySelector('#operator-switch').hidden && document.querySelector('#operator-toggle').checked`)

	w := e.s.Watch()
	g.send(neuro.ForceActions{State: "X to play", Query: "Your turn", ActionNames: []string{"play", "pass"}, Priority: neuro.PriorityMedium})
	b.waitJS("the force", `document.querySelector('#operator-panel .prompt') !== null && !document.querySelector('#operator-panel').hidden`)
	text := eval[string](b, `document.querySelector('#operator-panel .prompt').textContent`)
	for _, want := range []string{"Your turn", "X to play", "priority medium", "play", "pass"} {
		if !strings.Contains(text, want) {
			t.Errorf("prompt lacks %q: %s", want, text)
		}
	}
	b.waitJS("pre-filled data", `document.querySelector('.prompt-data').value.includes('cell')`)
	// Invalid data is refused by the page...
	b.setEditor(".prompt-data", `{"cell": "seven"}`)
	if !eval[bool](b, `document.querySelector('.prompt-send').disabled`) {
		t.Error("operator can send invalid data without asking")
	}
	b.setEditor(".prompt-data", `{"cell": 7}`)
	b.click(".prompt-send")
	a := g.nextAction(ctx)
	if a.Name != "play" || a.Data != `{"cell":7}` {
		t.Fatalf("game got %s %s, want play {\"cell\":7}", a.Name, a.Data)
	}
	done, err := w.WaitFor(ctx, func(ev server.Event) bool { return ev.Kind == server.EventForceDone })
	if err != nil {
		t.Fatal(err)
	}
	if done.Force.Outcome != server.ForceSucceeded || done.Force.Attempts != 1 {
		t.Fatalf("force ended %s after %d attempts", done.Force.Outcome, done.Force.Attempts)
	}
	select {
	case extra := <-g.got:
		t.Fatalf("the game got another action: %+v", extra)
	default:
	}
	b.waitJS("the prompt gone", `document.querySelector('#operator-panel').hidden`)

	// Turned off in the page, the next force is answered by the fallback.
	changed := op.changes()
	b.click("#operator-toggle")
	for op.Enabled() {
		select {
		case <-changed:
			changed = op.changes()
		case <-ctx.Done():
			t.Fatal("the page's switch did not turn the operator off")
		}
	}
	g.send(neuro.ForceActions{Query: "Again", ActionNames: []string{"pass"}})
	if a := g.nextAction(ctx); a.Name != "pass" {
		t.Fatalf("fallback sent %s", a.Name)
	}
	b.requireCleanConsole()
}

// TestBrowserExportImport: the session downloads as JSON Lines holding
// every frame, and the page shows such a file again.
func TestBrowserExportImport(t *testing.T) {
	b := newBrowser(t)
	e := newEnv(t, nil)
	ctx := testCtx(t)
	g := pipeGame(t, e.s, "Exporter", testActions)
	waitRegistered(t, e.s, "Exporter", 2)
	g.send(wire.ContextMessage{Message: "hello <b>world</b>", Silent: true})
	if _, err := e.s.Act(ctx, "Exporter", "play", `{"cell":3}`); err != nil {
		t.Fatal(err)
	}
	b.open(e)

	dir := t.TempDir()
	tctx, cancel := contextWithLimit(b)
	defer cancel()
	yes := true
	if _, err := chromedp.CallBrowser(tctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes,
	}); err != nil {
		t.Fatal(err)
	}
	progress := chromedp.BrowserEvents(tctx, cdpbrowser.DownloadProgress)
	b.click("#export")
	var done cdpbrowser.EventDownloadProgress
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State != cdpbrowser.DownloadProgressStateInProgress {
			done = ev
			break
		}
	}
	if done.State != cdpbrowser.DownloadProgressStateCompleted {
		t.Fatalf("download %s", done.State)
	}
	path := done.FilePath
	if path == "" {
		path = filepath.Join(dir, done.GUID)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := parseExport(t, data)
	if lines[0]["kind"] != "session" {
		t.Fatalf("first line %v", lines[0])
	}
	want := map[string]bool{"received startup": false, "received actions/register": false, "received context": false,
		"sent action": false, "received action/result": false, "result ": false}
	var last float64
	for _, l := range lines[1:] {
		seq, _ := l["seq"].(float64)
		if seq <= last {
			t.Errorf("seq %v after %v", seq, last)
		}
		last = seq
		if _, err := timeOf(l); err != nil {
			t.Errorf("line %v: %v", l, err)
		}
		key := l["kind"].(string) + " "
		if c, ok := l["command"].(string); ok {
			key += c
		}
		if _, ok := want[key]; ok {
			want[key] = true
		}
		if l["command"] == "context" {
			var f struct{ Data wire.ContextMessage }
			if err := json.Unmarshal([]byte(l["frame"].(string)), &f); err != nil || f.Data.Message != "hello <b>world</b>" {
				t.Errorf("context frame changed: %v (%v)", l["frame"], err)
			}
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("export lacks %q", k)
		}
	}

	// Import the file back.
	file := filepath.Join(t.TempDir(), "session.jsonl")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#import"), []string{file}))
	b.waitJS("the import", `!document.querySelector('#import-banner').hidden`)
	banner := eval[string](b, `document.querySelector('#import-name').textContent`)
	if !strings.Contains(banner, "session.jsonl") || !strings.Contains(banner, itoa(len(lines)-1)+" events") {
		t.Errorf("banner %q", banner)
	}
	b.waitJS("the imported game", `document.querySelector('#game-title').textContent === 'Exporter (#1)'`)
	b.click(`.tab[data-tab="context"]`)
	b.waitJS("the imported context", `document.querySelector('#context-list').textContent.includes('hello <b>world</b>')`)
	if n := eval[int](b, `document.querySelectorAll('#context-list b').length`); n != 0 {
		t.Error("context text was parsed as HTML")
	}
	b.click("#import-leave")
	b.waitJS("back to live", `document.querySelector('#import-banner').hidden`)
	b.requireCleanConsole()
}

func parseExport(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", len(out)+1, err, sc.Bytes())
		}
		out = append(out, m)
	}
	if len(out) < 2 {
		t.Fatalf("export of %d lines", len(out))
	}
	return out
}
