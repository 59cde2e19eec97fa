package dashboard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// TestBrowserScreenshot builds a small scene (four games, one gone, a
// force waiting for the operator, a pending action, a warning, some
// traffic) and checks that the
// page shows it. With NEUROKIT_SCREENSHOT=1 it writes docs/dashboard.png.
func TestBrowserScreenshot(t *testing.T) {
	b := newBrowser(t)
	op := NewOperator(nil, OperatorSeed(3))
	e := newEnv(t, []server.Option{server.WithPolicy(op)}, WithOperator(op), WithRetries(server.DefaultRetries))
	ctx := testCtx(t)

	ttt := wsGame(t, e, "Tic Tac Toe", testActions)
	other := pipeGame(t, e.s, "Buckshot Roulette", []neuro.Action{
		{Name: "shoot", Description: "Shoot yourself or the dealer.", Schema: neuro.Schema{
			"type": "object", "required": []any{"target"},
			"properties": map[string]any{"target": map[string]any{"enum": []any{"self", "dealer"}}},
		}},
		{Name: "use_item", Description: "Use an item from the table.", Schema: neuro.Schema{
			"type": "object", "required": []any{"item"},
			"properties": map[string]any{"item": map[string]any{"type": "string", "enum": []any{"beer", "cigarettes", "handsaw", "magnifier"}}},
		}},
	})
	gone := pipeGame(t, e.s, "Inscryption", nil)
	slow := pipeGame(t, e.s, "Slowpoke", testActions)
	slow.answer = nil // never answers: its action stays pending
	waitRegistered(t, e.s, "Tic Tac Toe", 2)
	waitRegistered(t, e.s, "Buckshot Roulette", 2)
	waitRegistered(t, e.s, "Slowpoke", 2)
	_ = gone.conn.Close(1000, "bye")
	if _, err := e.s.SendAction(ctx, "Slowpoke", "play", `{"cell":2}`); err != nil {
		t.Fatal(err)
	}

	ttt.send(wire.ContextMessage{Message: "The board is empty. You play X.", Silent: true})
	ttt.send(wire.ContextMessage{Message: "Your opponent played in cell 5."})
	for _, cell := range []string{`{"cell":1}`, `{"cell":9}`} {
		if _, err := e.s.Act(ctx, "Tic Tac Toe", "play", cell); err != nil {
			t.Fatal(err)
		}
	}
	other.answer = func(a wire.ActionRequest) neuro.ActionResult { return neuro.ActionResult{ID: a.ID, Success: false} }
	if _, err := e.s.Act(ctx, "Buckshot Roulette", "shoot", `{"target":"dealer"}`); err != nil {
		t.Fatal(err)
	}
	ttt.send(neuro.ForceActions{State: "X: 1, 9\nO: 5", Query: "It is your turn. Where do you play?", ActionNames: []string{"play", "pass"}, Priority: neuro.PriorityHigh})

	b.do(chromedp.EmulateViewport(1440, 900))
	b.open(e)
	b.waitJS("the waiting force", `document.querySelector('#operator-panel .prompt') !== null`)
	b.click(`.game-row[data-id="#1"]`)
	b.click(`.tab[data-tab="messages"]`)
	b.waitJS("the messages", `document.querySelectorAll('#log .log-row').length >= 8`)
	eval[any](b, `[...document.querySelectorAll('#log .log-row')].find((r) => r.querySelector('.c').textContent === 'action').click()`)
	b.waitJS("the frame", `document.querySelector('#log-detail').textContent.includes('data (the JSON string, decoded)')`)
	if n := eval[int](b, `document.querySelectorAll('#game-list .game-row').length`); n != 4 {
		t.Errorf("%d games listed, want 4", n)
	}
	if text := eval[string](b, `document.querySelector('#game-list').textContent`); !strings.Contains(text, "1 pending") || !strings.Contains(text, "1 warning") {
		t.Errorf("game list %q lacks the pending action or the warning", text)
	}
	b.requireCleanConsole()

	if os.Getenv("NEUROKIT_SCREENSHOT") != "1" {
		return
	}
	shot := runShot(t, b)
	path := filepath.Join("..", "..", "..", "docs", "dashboard.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(shot))
}

func runShot(t *testing.T, b *browser) []byte {
	t.Helper()
	ctx, cancel := contextWithLimit(b)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	return shot
}
