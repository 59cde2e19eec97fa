package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// demo runs the command with args and the environment vars.
func demo(t *testing.T, ctx context.Context, vars map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(ctx, args, &out, &errb, env(vars))
	t.Logf("stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	return out.String(), errb.String(), err
}

func requireContains(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

// TestRunDefaults is `go run ./cmd/demo`: the embedded simulator, one
// game, exit 0, nothing on stderr.
func TestRunDefaults(t *testing.T) {
	out, errOut, err := demo(t, testCtx(t), nil)
	if err != nil || exitCode(err) != 0 {
		t.Fatalf("run = %v", err)
	}
	requireContains(t, out,
		"neurokit demo · tic-tac-toe", "Neuro: the embedded simulator at ws://127.0.0.1:", "Replay this match: go run ./cmd/demo -seed ",
		"→ startup", "→ actions/register play(cell ∈ 1,2,3,4,5,6,7,8,9)", "→ actions/force ", "← action play ",
		"→ actions/unregister play", "→ action/result #", "Final score: ", `→ close 1000 "match over"`, "Thanks for watching!")
	if errOut != "" {
		t.Errorf("stderr not empty:\n%s", errOut)
	}
}

// TestRunSeededFlaky: -flaky shows failed results and retries.
func TestRunSeededFlaky(t *testing.T) {
	args := []string{"-seed", "7", "-flaky", "0.5", "-games", "2", "-delay", "5ms", "-quiet=false"}
	out, errOut, err := demo(t, testCtx(t), nil, args...)
	if err != nil {
		t.Fatalf("run = %v", err)
	}
	requireContains(t, out, "(seed 7, thinks 5ms, flaky 0.5)", "── Game 2 of 2 ·", "✗ ", "✓")
	if errOut != "" {
		t.Errorf("stderr not empty:\n%s", errOut)
	}
}

// TestRunSeededTranscript: the same seed prints the same transcript, line
// for line, apart from the simulator's port and timings; the startup
// acknowledgement included, which comes before the rules.
func TestRunSeededTranscript(t *testing.T) {
	for _, args := range [][]string{
		{"-seed", "7", "-delay", "0s"},
		{"-seed", "7", "-flaky", "0.5", "-games", "2", "-delay", "0s"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			first, _, err := demo(t, testCtx(t), nil, args...)
			if err != nil {
				t.Fatalf("run = %v", err)
			}
			second, _, err := demo(t, testCtx(t), nil, args...)
			if err != nil {
				t.Fatalf("second run = %v", err)
			}
			a, b := maskRun(first), maskRun(second)
			if a != b {
				t.Fatalf("two runs with %q differ:\n%s", args, lineDiff(a, b))
			}
			startup := "→ startup\n← actions/reregister_all\n← startup Neuro-sama\n→ context \"Let's play"
			if !strings.Contains(a, startup) {
				t.Errorf("the transcript does not open with startup, its acknowledgement, then the rules:\n%s", a)
			}
		})
	}
}

var (
	portRE     = regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]):[0-9]+`)
	durationRE = regexp.MustCompile(`\b([0-9]+(\.[0-9]+)?(ns|µs|ms|s|m|h))+\b`)
)

// maskRun replaces what may change between two runs of one seed: the
// embedded simulator's port and durations.
func maskRun(out string) string {
	out = portRE.ReplaceAllString(out, "$1:PORT")
	return durationRE.ReplaceAllString(out, "DURATION")
}

// lineDiff shows the first line where a and b differ, with its number.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  first:  %q\n  second: %q", i+1, x, y)
		}
	}
	return "(no line differs)"
}

func TestMaskRun(t *testing.T) {
	in := "Neuro: the embedded simulator at ws://127.0.0.1:41234 (seed 7, thinks 300ms, flaky 0)\n" +
		"⇄ reconnected to ws://127.0.0.1:41234 after 1.5s\n… no valid move from Neuro within 1m5s; asking again\n" +
		"← action play {\"cell\":5} #0e843ac5-1"
	want := "Neuro: the embedded simulator at ws://127.0.0.1:PORT (seed 7, thinks DURATION, flaky 0)\n" +
		"⇄ reconnected to ws://127.0.0.1:PORT after DURATION\n… no valid move from Neuro within DURATION; asking again\n" +
		"← action play {\"cell\":5} #0e843ac5-1"
	if got := maskRun(in); got != want {
		t.Errorf("maskRun =\n%s\nwant\n%s", got, want)
	}
}

func TestRunQuiet(t *testing.T) {
	out, _, err := demo(t, testCtx(t), nil, "-quiet", "-delay", "0s")
	if err != nil {
		t.Fatalf("run = %v", err)
	}
	requireContains(t, out, "⇄ connected to ", "Neuro (O) plays ", "Final score: ")
	if strings.Contains(out, "→ ") || strings.Contains(out, "← ") {
		t.Error("-quiet still shows the messages")
	}
}

// TestRunURL: NEURO_SDK_WS_URL points the demo at a running Neuro, and
// -url wins over it.
func TestRunURL(t *testing.T) {
	s := neurotest.NewServer(t)
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
		from string
	}{
		{"environment", map[string]string{neuro.URLEnv: s.URL()}, nil, "(from $NEURO_SDK_WS_URL"},
		{"flag over environment", map[string]string{neuro.URLEnv: "ws://127.0.0.1:1"}, []string{"-url", s.URL()}, "(from -url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := demo(t, testCtx(t), tc.vars, tc.args...)
			if err != nil {
				t.Fatalf("run = %v", err)
			}
			requireContains(t, out, "Neuro: "+s.URL()+" "+tc.from, "Final score: ")
			if code, reason := s.WaitDisconnected(); code != 1000 || reason != "match over" {
				t.Errorf("closed with %d %q", code, reason)
			}
		})
	}
	s.RequireNoWarnings()
}

// TestRunUnreachable: one clear line and exit 1 when nobody answers.
func TestRunUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "ws://" + l.Addr().String()
	_ = l.Close()
	_, _, err = demo(t, testCtx(t), nil, "-url", url, "-connect-wait", "300ms", "-flaky", "0.3")
	if exitCode(err) != 1 {
		t.Fatalf("run = %v (exit %d), want exit 1", err, exitCode(err))
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "cannot reach Neuro at "+url) || strings.Contains(msg, "\n") {
		t.Errorf("error %q", msg)
	}
}

// cancelOn is a stdout that cancels the run when a line containing substr
// is written (a signal arriving mid-match).
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	substr string
	cancel context.CancelFunc
}

func (w *cancelOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Contains(p, []byte(w.substr)) {
		w.cancel()
	}
	return w.buf.Write(p)
}

// TestRunInterrupted: a signal mid-turn closes the connection cleanly and
// exits 130.
func TestRunInterrupted(t *testing.T) {
	s := neurotest.NewServer(t)
	ctx, cancel := context.WithCancel(testCtx(t))
	out := &cancelOn{substr: "→ actions/force", cancel: cancel}
	var errb bytes.Buffer
	err := run(ctx, []string{"-url", s.URL()}, out, &errb, env(nil))
	t.Logf("stdout:\n%s\nstderr:\n%s", out.buf.String(), errb.String())
	if !errors.Is(err, errInterrupted) || exitCode(err) != 130 {
		t.Fatalf("run = %v (exit %d), want interrupted, exit 130", err, exitCode(err))
	}
	if code, reason := s.WaitDisconnected(); code != 1001 || reason != "game closed" {
		t.Errorf("closed with %d %q, want 1001 \"game closed\"", code, reason)
	}
	requireContains(t, out.buf.String(), "Interrupted; score so far: ")
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-games", "0"}, {"-flaky", "1.5"}, {"-flaky", "-0.1"}, {"-delay", "-1s"},
		{"-connect-wait", "0s"}, {"-nope"}, {"extra"}, {"-seed", "x"},
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, &out, &errb, env(nil))
		if exitCode(err) != 2 {
			t.Errorf("%q: run = %v (exit %d), want exit 2", args, err, exitCode(err))
		}
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &out, &errb, env(nil))
	if !errors.Is(err, flag.ErrHelp) || exitCode(err) != 0 {
		t.Errorf("-h: run = %v", err)
	}
	help := errb.String()
	requireContains(t, help, "-url", "-games", "-seed", "-flaky", "-quiet")
	if !strings.HasPrefix(help, "demo plays tic-tac-toe with Neuro") {
		t.Errorf("-h does not start with what the demo does:\n%s", help)
	}
	legend := strings.Index(help, "Reading the transcript:")
	flags := strings.Index(help, "\n  -url")
	if legend < 0 || flags < legend {
		t.Errorf("-h lacks the transcript legend before the flags:\n%s", help)
	}
	requireContains(t, help, "→ ", "← ", "(silent)", "✓", "✗", "#0e843ac5-1", "⇄ ", "(no data)")
}

func TestExitCode(t *testing.T) {
	for err, want := range map[error]int{
		nil: 0, flag.ErrHelp: 0, errUsage: 2, errInterrupted: 130, errors.New("cannot reach"): 1,
	} {
		if got := exitCode(err); got != want {
			t.Errorf("exitCode(%v) = %d, want %d", err, got, want)
		}
	}
}

func TestUseColor(t *testing.T) {
	if useColor(&bytes.Buffer{}, env(nil)) {
		t.Error("colour on for a buffer")
	}
}
