package test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/transport"
)

// Bounds of the waits, generous for a loaded machine: nothing waits this
// long when the code works.
const (
	buildTimeout = 5 * time.Minute
	waitFor      = 30 * time.Second
	pollEvery    = 20 * time.Millisecond
)

// ---- building and running cmd/neuro-server ----

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// neuroServerBinary builds cmd/neuro-server once per run of the tests
// and returns its path.
func neuroServerBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs cmd/neuro-server; skipped in -short mode")
	}
	buildOnce.Do(func() { binary, buildErr = build("./cmd/neuro-server", "neuro-server") })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// build runs go build on pkg (relative to the module root) into tempDir.
func build(pkg, name string) (string, error) {
	goTool, err := exec.LookPath("go") // go test puts GOROOT/bin first in PATH
	if err != nil {
		return "", fmt.Errorf("finding the go command: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	gomod, err := exec.CommandContext(ctx, goTool, "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if root == "." || root == "" {
		return "", errors.New("go env GOMOD: not inside the module")
	}
	out := filepath.Join(tempDir, name)
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", out, pkg)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
	}
	return out, nil
}

// lineLog collects a process's output, line by line, and lets a test
// wait for a line.
type lineLog struct {
	mu      sync.Mutex
	lines   []string
	ended   bool
	changed chan struct{} // closed and replaced on every change
}

func newLineLog() *lineLog { return &lineLog{changed: make(chan struct{})} }

func (l *lineLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *lineLog) end() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ended = true
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *lineLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// wait returns the submatches of the first line matching re, waiting
// until one comes, the output ends, or ctx ends.
func (l *lineLog) wait(ctx context.Context, re *regexp.Regexp) ([]string, error) {
	for seen := 0; ; {
		l.mu.Lock()
		lines, ended, changed := l.lines[seen:], l.ended, l.changed
		l.mu.Unlock()
		for _, line := range lines {
			if m := re.FindStringSubmatch(line); m != nil {
				return m, nil
			}
		}
		seen += len(lines)
		if ended {
			return nil, fmt.Errorf("output ended without a line matching %q", re)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("no line matching %q: %w", re, ctx.Err())
		}
	}
}

// neuroServer is a running cmd/neuro-server process.
type neuroServer struct {
	cmd     *exec.Cmd
	out     *lineLog // stdout and stderr
	done    chan struct{}
	waitErr error // after done
	wsURL   string
	httpURL string
}

var readyLine = regexp.MustCompile(`neuro-server ready.*"websocket": "(ws://[^"]+)", "http": "(http://[^"]+)"`)

// startNeuroServer runs the binary with args and waits until it announces
// its addresses. The test's cleanup kills it if it is still running, and
// logs its output when the test failed.
func startNeuroServer(t *testing.T, bin string, args ...string) *neuroServer {
	t.Helper()
	s := &neuroServer{cmd: exec.Command(bin, args...), out: newLineLog(), done: make(chan struct{})}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stderr = s.cmd.Stdout // the same pipe: one ordered log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			s.out.add(sc.Text())
		}
		s.out.end()
		s.waitErr = s.cmd.Wait() // after every read, as os/exec requires
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("neuro-server %s output:\n%s", strings.Join(args, " "), s.out)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	m, err := s.out.wait(ctx, readyLine)
	if err != nil {
		t.Fatalf("neuro-server did not announce its addresses: %v", err)
	}
	s.wsURL, s.httpURL = m[1], m[2]
	return s
}

// exit waits for the process to end and returns its exit code.
func (s *neuroServer) exit(t *testing.T) int {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(waitFor):
		t.Fatalf("neuro-server still running %v after the signal", waitFor)
	}
	var ee *exec.ExitError
	if s.waitErr != nil && !errors.As(s.waitErr, &ee) {
		t.Fatalf("waiting for neuro-server: %v", s.waitErr)
	}
	return s.cmd.ProcessState.ExitCode()
}

func skipSignalsOnWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("os.Process.Signal cannot send SIGINT on Windows")
	}
}

// ---- HTTP side ----

func httpClient(t *testing.T) *http.Client {
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: waitFor}
}

func getState(t *testing.T, c *http.Client, base string) server.State {
	t.Helper()
	resp, err := c.Get(base + "/state")
	if err != nil {
		t.Fatalf("GET /state: %v", err)
	}
	defer resp.Body.Close()
	var st server.State
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /state: status %d, %v", resp.StatusCode, err)
	}
	return st
}

// pollState polls GET /state until ok accepts it (there is no event to
// wait on across processes) and returns the accepted state.
func pollState(t *testing.T, c *http.Client, base, what string, ok func(server.State) bool) server.State {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		st := getState(t, c, base)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			body, _ := json.MarshalIndent(st, "", "  ")
			t.Fatalf("GET /state never showed %s within %v; last state:\n%s", what, waitFor, body)
		}
		time.Sleep(pollEvery)
	}
}

func findResult(st server.State, id string) (server.Result, bool) {
	for _, g := range st.Games {
		for _, r := range g.Results {
			if r.ID == id {
				return r, true
			}
		}
	}
	return server.Result{}, false
}

// ---- the game ----

// greeter is a small game built on neuro.Component: Neuro greets someone.
type greeter struct {
	neuro        *neuro.Component
	greeted      chan string                  // data of each greet handled
	disconnected chan events.DisconnectedData // each Disconnected event
}

var greetAction = neuro.Action{
	Name:        "greet",
	Description: "Greet someone by name.",
	Schema: neuro.Schema{
		"type":       "object",
		"properties": map[string]any{"name": map[string]any{"type": "string", "minLength": 1, "maxLength": 20}},
		"required":   []string{"name"},
	},
}

func startGreeter(t *testing.T, url string) *greeter {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	g := &greeter{greeted: make(chan string, 16), disconnected: make(chan events.DisconnectedData, 4)}
	m := manager.New("greeter")
	c, err := neuro.NewComponent("E2E Greeter", neuro.WithLogger(zaptest.NewLogger(t).Named("game")))
	if err != nil {
		t.Fatal(err)
	}
	g.neuro = c
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := c.Stop(ctx, 0, "test over"); err != nil {
			t.Errorf("stopping the game: %v", err)
		}
	})
	if _, err := m.RegisterHandler(events.Disconnected, func(_ context.Context, ev manager.Event) error {
		d, err := manager.Payload[events.DisconnectedData](ev)
		if err == nil {
			g.disconnected <- d
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err = c.HandleAction(ctx, greetAction, func(_ context.Context, act events.Action) neuro.Result {
		var p struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal([]byte(act.Data), &p); err != nil {
			return neuro.Failure(`send {"name": "someone"}`)
		}
		g.greeted <- p.Name
		return neuro.Success(fmt.Sprintf("Hello, %s!", p.Name))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx, url); err != nil {
		t.Fatalf("connecting the game to %s: %v", url, err)
	}
	return g
}

func (g *greeter) nextGreeting(t *testing.T) string {
	t.Helper()
	select {
	case name := <-g.greeted:
		return name
	case <-time.After(waitFor):
		t.Fatalf("the game handled no greet within %v", waitFor)
		return ""
	}
}

// ---- tests ----

// TestNeuroServerCommand runs cmd/neuro-server as a subprocess on free
// ports: a game connects, an action injected through POST / reaches it,
// its result shows in GET /state, a force is served, and SIGINT ends the
// server cleanly (exit 0, the game told "going away").
func TestNeuroServerCommand(t *testing.T) {
	skipSignalsOnWindows(t)
	bin := neuroServerBinary(t)
	srv := startNeuroServer(t, bin, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0",
		"-force-delay", "10ms", "-seed", "1", "-result-timeout", "20s")
	client := httpClient(t)
	game := startGreeter(t, srv.wsURL)

	pollState(t, client, srv.httpURL, "the game started up with greet registered", func(st server.State) bool {
		return len(st.Games) == 1 && st.Games[0].StartedUp && st.Games[0].Name == "E2E Greeter" &&
			slices.ContainsFunc(st.Games[0].Actions, func(a neuro.Action) bool { return a.Name == "greet" })
	})

	// POST / sends the body, as is, to every game (like the official mock).
	body := `{"command":"action","data":{"id":"e2e-1","name":"greet","data":"{\"name\":\"Vedal\"}"}}`
	resp, err := client.Post(srv.httpURL, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST /: %v", err)
	}
	var sent struct {
		Sent  int    `json:"sent"`
		Error string `json:"error"`
	}
	err = json.NewDecoder(resp.Body).Decode(&sent)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || sent.Sent != 1 || sent.Error != "" {
		t.Fatalf("POST / = %d %+v (%v); want 200, sent to 1 game", resp.StatusCode, sent, err)
	}
	if name := game.nextGreeting(t); name != "Vedal" {
		t.Fatalf("the game greeted %q, want Vedal", name)
	}
	st := pollState(t, client, srv.httpURL, "the result of e2e-1", func(st server.State) bool {
		_, ok := findResult(st, "e2e-1")
		return ok
	})
	if r, _ := findResult(st, "e2e-1"); !r.Success || r.Message != "Hello, Vedal!" || r.Name != "greet" || r.Forced || r.TimedOut {
		t.Fatalf("result of e2e-1 in GET /state: %+v", r)
	}

	// A bad request is refused without reaching the game.
	resp, err = client.Post(srv.httpURL, "application/json", strings.NewReader(`[1, 2]`))
	if err != nil {
		t.Fatalf("POST / with an array: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("POST / with an array = %d, want 400", resp.StatusCode)
	}

	// A force is answered by the server with data made from the schema.
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := game.neuro.Force(ctx, neuro.ForceActions{Query: "Greet someone.", ActionNames: []string{"greet"}}); err != nil {
		t.Fatal(err)
	}
	if name := game.nextGreeting(t); name == "" || len(name) > 20 {
		t.Fatalf("forced greet with name %q: out of the schema", name)
	}
	st = pollState(t, client, srv.httpURL, "the forced result", func(st server.State) bool {
		return len(st.Games) == 1 && slices.ContainsFunc(st.Games[0].Results, func(r server.Result) bool { return r.Forced })
	})
	// The server sends actions/reregister_all on connect and the game
	// answers it after its own registration: the simulator currently
	// counts that as a duplicate registration. Any other warning is a bug.
	g := st.Games[0]
	warnings := slices.DeleteFunc(slices.Clone(g.Findings), func(w server.Finding) bool {
		return w.Kind == server.FindingDuplicateAction
	})
	if len(warnings) != 0 || len(g.Pending) != 0 || len(g.ForceQueue) != 0 {
		t.Fatalf("after the force: warnings %v, pending %v, queue %v", warnings, g.Pending, g.ForceQueue)
	}

	// SIGINT: a clean shutdown, the game told the server is going away.
	if err := srv.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := srv.exit(t); code != 0 {
		t.Fatalf("neuro-server exited with %d after SIGINT, want 0", code)
	}
	for _, want := range []string{"shutting down", "stopped"} {
		if !strings.Contains(srv.out.String(), want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	if strings.Contains(srv.out.String(), "shutdown was not clean") {
		t.Error("the server reports an unclean shutdown")
	}
	select {
	case d := <-game.disconnected:
		if d.Code != transport.CloseGoingAway {
			t.Fatalf("the game saw close code %d (%q), want %d", d.Code, d.Reason, transport.CloseGoingAway)
		}
	case <-time.After(waitFor):
		t.Fatal("the game was not disconnected by the shutdown")
	}
	if game.neuro.Connected() {
		t.Fatal("the game still counts itself connected")
	}
}

// TestNeuroServerSignals checks that SIGINT and SIGTERM both end an idle
// server with exit code 0.
func TestNeuroServerSignals(t *testing.T) {
	skipSignalsOnWindows(t)
	bin := neuroServerBinary(t)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			srv := startNeuroServer(t, bin, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0")
			if err := srv.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := srv.exit(t); code != 0 {
				t.Fatalf("exit code %d after %v, want 0", code, sig)
			}
			if !strings.Contains(srv.out.String(), "stopped") {
				t.Fatal(`the log lacks "stopped"`)
			}
		})
	}
}

// TestNeuroServerBusyPort checks that a port in use makes the command
// fail with exit code 1 and a message saying so.
func TestNeuroServerBusyPort(t *testing.T) {
	bin := neuroServerBinary(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-ws-addr", busy.Addr().String(), "-http-addr", "127.0.0.1:0").CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("neuro-server on a busy port: %v, want exit code 1\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("neuro-server:")) || !bytes.Contains(out, []byte(busy.Addr().String())) {
		t.Fatalf("the message does not name the problem:\n%s", out)
	}
}
