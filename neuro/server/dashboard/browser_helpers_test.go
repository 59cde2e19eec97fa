package dashboard

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds a Chromium or Chrome: $CHROME_PATH, else the usual
// names on $PATH.
func chromiumPath() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless Chromium with one tab, and what its console
// said.
type browser struct {
	t   testing.TB
	ctx context.Context // the tab; every action runs with a deadline below it

	mu      sync.Mutex
	console []consoleLine
}

// consoleLine is one console message, exception or browser log entry.
type consoleLine struct {
	level string // "log", "warning", "error", "exception", ...
	text  string
}

// newBrowser starts a headless Chromium with a fresh profile, closed when
// the test ends. Without Chromium the test is skipped, unless CI=true,
// where it fails.
func newBrowser(t testing.TB) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		msg := "no Chromium found: install it (apt-get install chromium) or set CHROME_PATH"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: browser tests must run)")
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &browser{t: t, ctx: ctx}
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
		_ = chromedp.Cancel(cctx)
		ccancel()
		cancel()
		acancel()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	if err := chromedp.Listen(ctx, b.listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return b
}

// listen runs on chromedp's reading goroutine: it only records.
func (b *browser) listen(ev any) {
	var line consoleLine
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, string(a.Value))
			}
		}
		line = consoleLine{level: string(ev.Type), text: strings.Join(parts, " ")}
	case *runtime.EventExceptionThrown:
		text := ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			text += " " + ev.ExceptionDetails.Exception.Description
		}
		line = consoleLine{level: "exception", text: text}
	case *cdplog.EventEntryAdded:
		line = consoleLine{level: string(ev.Entry.Level), text: ev.Entry.Text + " (" + ev.Entry.URL + ")"}
	default:
		return
	}
	b.mu.Lock()
	b.console = append(b.console, line)
	b.mu.Unlock()
}

// do runs actions with a deadline.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v\nconsole:\n%s", err, b.consoleText())
	}
}

// eval evaluates a JavaScript expression (promises awaited).
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v\nconsole:\n%s", expr, err, b.consoleText())
	}
	return v
}

// waitJS waits until the expression is truthy.
func (b *browser) waitJS(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(waitLimit))); err != nil {
		b.t.Fatalf("waiting for %s: %v\nconsole:\n%s", what, err, b.consoleText())
	}
}

func (b *browser) consoleText() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var sb strings.Builder
	for _, m := range b.console {
		sb.WriteString(m.level + ": " + m.text + "\n")
	}
	return sb.String()
}

// requireCleanConsole fails on any error, exception or CSP report.
func (b *browser) requireCleanConsole() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		if m.level == "exception" || m.level == "error" || strings.Contains(m.text, "Content Security Policy") {
			b.t.Errorf("console %s: %s", m.level, m.text)
		}
	}
}

// open loads the dashboard and waits until it streams.
func (b *browser) open(e *env) {
	b.t.Helper()
	b.do(chromedp.Navigate(e.url("/")))
	b.waitJS("the live stream", `document.querySelector('#conn').textContent === 'live'`)
}

// setEditor replaces a textarea's text as typing would (input event).
func (b *browser) setEditor(sel, text string) {
	b.t.Helper()
	eval[chromedp.Void](b, `(() => { const el = document.querySelector(`+jsString(sel)+`);
		el.value = `+jsString(text)+`; el.dispatchEvent(new Event('input', {bubbles: true})); })()`)
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

func jsString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == '\n':
			sb.WriteString(`\n`)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			sb.WriteString(`\u`)
			const hex = "0123456789abcdef"
			sb.WriteByte(hex[r>>12&0xf])
			sb.WriteByte(hex[r>>8&0xf])
			sb.WriteByte(hex[r>>4&0xf])
			sb.WriteByte(hex[r&0xf])
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

func contextWithLimit(b *browser) (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, waitLimit)
}
