package tictactoe

import (
	"io"
	"slices"
	"strings"
	"sync"
)

// transcript writes the session's lines to w, each whole, in the order
// the calls take its lock. It is safe for concurrent use.
type transcript struct {
	mu    sync.Mutex
	w     io.Writer
	color bool
	quiet bool // hide the lines of the messages exchanged
	gap   bool // the last text was a block: separate the next one
}

func newTranscript(w io.Writer, color, quiet bool) *transcript {
	if w == nil {
		w = io.Discard
	}
	return &transcript{w: w, color: color, quiet: quiet}
}

// ANSI styles, used only when colour is on.
const (
	styleReset = "\x1b[0m"
	styleBold  = "\x1b[1m"
	styleDim   = "\x1b[2m"
	styleRed   = "\x1b[31m"
	styleGreen = "\x1b[32m"
	styleBlue  = "\x1b[34m"
	styleOut   = "\x1b[36m" // cyan: game → Neuro
	styleIn    = "\x1b[35m" // magenta: Neuro → game
	styleX     = "\x1b[1;33m"
	styleO     = "\x1b[1;35m"
	styleWin   = "\x1b[1;32m"
)

// paint wraps s in style when colour is on.
func (t *transcript) paint(style, s string) string {
	if !t.color || style == "" || s == "" {
		return s
	}
	return style + s + styleReset
}

// print writes text (one or more lines; a final newline is added when
// missing) at once.
func (t *transcript) print(text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.printLocked(text)
}

func (t *transcript) printLocked(text string) {
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if t.gap && !strings.HasPrefix(text, "\n") {
		text = "\n" + text
	}
	t.gap = false
	_, _ = io.WriteString(t.w, text)
}

// block writes text as a paragraph: after an empty line, and followed by
// one before whatever comes next.
func (t *transcript) block(text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gap = false
	t.printLocked("\n" + text)
	t.gap = true
}

// wireLocked writes the line of a message exchanged, unless quiet. The
// caller holds t.mu.
func (t *transcript) wireLocked(line string) {
	if !t.quiet {
		t.printLocked(line)
	}
}

// board renders b indented, with colours when on: X, O, the winning line,
// dim numbers for the free cells.
func (t *transcript) board(b Board) string {
	_, win := b.Winner()
	var paint func(cell int, m Mark, text string) string
	if t.color {
		paint = func(cell int, m Mark, text string) string {
			switch {
			case m == Empty:
				return t.paint(styleDim, text)
			case slices.Contains(win, cell):
				return t.paint(styleWin, text)
			case m == X:
				return t.paint(styleX, text)
			default:
				return t.paint(styleO, text)
			}
		}
	}
	grid := strings.TrimSuffix(b.render(paint), "\n")
	return "    " + strings.ReplaceAll(grid, "\n", "\n    ") + "\n"
}
