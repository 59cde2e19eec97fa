package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
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

// TestRunSeededFlaky: -flaky shows failed results and retries; the same
// seed plays the same match.
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
	again, _, err := demo(t, testCtx(t), nil, args...)
	if err != nil {
		t.Fatalf("second run = %v", err)
	}
	if moves(out) != moves(again) {
		t.Errorf("seed 7 played two different matches:\n%s\n---\n%s", moves(out), moves(again))
	}
}

// moves keeps the lines that say who played what and who won.
func moves(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, " plays ") || strings.Contains(l, "Final score") || strings.Contains(l, "← action ") {
			keep = append(keep, l[:strings.LastIndex(l+" #", " #")])
		}
	}
	return strings.Join(keep, "\n")
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
	requireContains(t, errb.String(), "-url", "-games", "-seed", "-flaky", "-quiet")
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
