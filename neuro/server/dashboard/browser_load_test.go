package dashboard

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/neurokit/neurokit/neuro/server"
)

// TestBrowserManyGames loads the page with 100 games and over 10,000
// logged frames: it renders, its lists stay virtual (a few dozen rows in
// the DOM), filters work and live events still come in.
func TestBrowserManyGames(t *testing.T) {
	const games, actsPerGame = 100, 50 // 5000 round trips: 10,000 frames
	b := newBrowser(t)
	e := newEnv(t, []server.Option{server.WithEventHistory(40000)})
	ctx := testCtx(t)
	for i := range games {
		pipeGame(t, e.s, fmt.Sprintf("game-%03d", i+1), testActions)
	}
	for i := range games {
		waitRegistered(t, e.s, fmt.Sprintf("game-%03d", i+1), 2)
	}
	var wg sync.WaitGroup
	errs := make(chan error, games)
	for i := range games {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range actsPerGame {
				if _, err := e.s.Act(ctx, fmt.Sprintf("#%d", i+1), "play", fmt.Sprintf(`{"cell":%d}`, n%9+1)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	frames := 0
	for _, ev := range e.s.History() {
		if ev.Kind == server.EventSent || ev.Kind == server.EventReceived {
			frames++
		}
	}
	if frames < 10000 {
		t.Fatalf("only %d frames logged", frames)
	}
	total := int(e.s.LastSeq())

	b.open(e)
	b.waitJS("every game", `document.querySelector('#game-count').textContent === '100 connected of 100'`)
	// The count can update a frame before the list lays its rows out.
	b.waitJS("game rows laid out", `document.querySelectorAll('#game-list .game-row').length > 0`)
	if n := eval[int](b, `document.querySelectorAll('#game-list .game-row').length`); n == 0 || n >= games {
		t.Errorf("%d game rows in the DOM: the list is not virtual", n)
	}
	b.click(`.tab[data-tab="messages"]`)
	eval[any](b, `(() => { const s = document.querySelector('#f-game'); s.value = 'all'; s.dispatchEvent(new Event('change')); })()`)
	want := fmt.Sprintf("%d of %d events", total, total)
	b.waitJS("every event in the log", `document.querySelector('#log-count').textContent.startsWith(`+jsString(want)+`)`)
	if n := eval[int](b, `document.querySelectorAll('#log .log-row').length`); n == 0 || n > 200 {
		t.Errorf("%d log rows in the DOM: the log is not virtual", n)
	}
	// The page follows the tail (once the list is laid out: rows are 24px
	// high); scrolled to the top it shows the first event.
	b.waitJS("the tail shown", `(() => {
		const l = document.querySelector('#log');
		return l.querySelector('.vlist-spacer').style.height === '`+fmt.Sprint(total*24)+`px' && l.scrollTop > 0 &&
			[...l.querySelectorAll('.log-row')].some((r) => r.dataset.seq === '`+fmt.Sprint(total)+`');
	})()`)
	eval[any](b, `document.querySelector('#log').scrollTop = 0`)
	b.waitJS("the first event", `document.querySelector('#log .log-row')?.dataset.seq === '1'`)

	// Filtering 15,000 events answers.
	b.setEditor("#f-text", "game-077")
	b.waitJS("the filtered log", `(() => {
		const rows = [...document.querySelectorAll('#log .log-row .g')];
		return rows.length > 0 && rows.every((g) => g.textContent.startsWith('game-077 ('));
	})()`)
	count := eval[string](b, `document.querySelector('#log-count').textContent`)
	if want := fmt.Sprintf("%d of %d events", 3+3*actsPerGame, total); !strings.HasPrefix(count, want) {
		t.Errorf("filtered count %q, want %q (startup both ways, register, then a round trip and a result per action)", count, want)
	}
	b.setEditor("#f-text", "")

	// Pick a game far down the list, through its filter.
	b.setEditor("#game-filter", "game-100")
	b.waitJS("the filtered games", `document.querySelectorAll('#game-list .game-row').length === 1`)
	b.click(`#game-list .game-row`)
	b.waitJS("game 100 selected", `document.querySelector('#game-title').textContent.startsWith('game-100 (#')`)

	// Live events still arrive.
	if _, err := e.s.Act(ctx, "game-100", "pass", ""); err != nil {
		t.Fatal(err)
	}
	after := int(e.s.LastSeq())
	b.waitJS("the new events", `document.querySelector('#log-count').textContent.includes(' of `+fmt.Sprint(after)+` events')`)
	b.requireCleanConsole()
}
