package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport/gorilla"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// started runs run in the background and returns its log lines, the
// websocket URL and HTTP URL it announced, and a stop function that
// cancels it and returns its error.
func started(t *testing.T, args ...string) (lines <-chan string, wsURL, httpURL string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw)
		_ = pw.Close()
		done <- err
	}()
	out := make(chan string, 1024)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			out <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	stop = func() error {
		cancel()
		err := <-done
		for range out { // drain until the pipe closes
		}
		return err
	}
	ready := regexp.MustCompile(`neuro-server ready.*"websocket": "(ws://[^"]+)", "http": "(http://[^"]+)"`)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-out:
			if !ok {
				t.Fatalf("run ended before it was ready: %v", <-done)
			}
			if m := ready.FindStringSubmatch(line); m != nil {
				return out, m[1], m[2], stop
			}
		case <-deadline:
			_ = stop()
			t.Fatal("run did not announce its addresses")
		}
	}
}

func TestRunServesAndShutsDown(t *testing.T) {
	lines, wsURL, httpURL, stop := started(t, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0",
		"-force-delay", "1ms", "-seed", "7", "-retries", "2", "-result-timeout", "5s", "-log-level", "debug",
		"-reregister", "-speech", "0") // profile neuro, but the mock's reregister and no speech between the frames read below
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	conn, err := gorilla.Dial(ctx, wsURL)
	if err != nil {
		_ = stop()
		t.Fatal(err)
	}
	defer conn.CloseNow()
	send := func(m wire.Message) {
		t.Helper()
		frame, _ := wire.EncodeGame("CLI Game", m)
		if err := conn.Write(ctx, frame); err != nil {
			t.Fatal(err)
		}
	}
	recv := func(cmd string) wire.Message {
		t.Helper()
		frame, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m, err := wire.DecodeServer(frame)
		if err != nil || m.Command() != cmd {
			t.Fatalf("got %s (%v), want %s", frame, err, cmd)
		}
		return m
	}
	recv(wire.CmdReregisterAll)
	send(wire.Startup{})
	recv(wire.CmdStartup)
	send(wire.RegisterActions{Actions: []neuro.Action{{Name: "wave", Description: "Wave."}}})
	send(neuro.ForceActions{Query: "wave", ActionNames: []string{"wave"}})
	a := recv(wire.CmdAction).(wire.ActionRequest)
	send(neuro.ActionResult{ID: a.ID, Success: true})

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Post(httpURL, "application/json",
		strings.NewReader(`{"command":"action","data":{"id":"curl-1","name":"wave"}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST / = %d", resp.StatusCode)
	}
	if m := recv(wire.CmdAction).(wire.ActionRequest); m.ID != "curl-1" {
		t.Fatalf("injected action %+v", m)
	}
	send(neuro.ActionResult{ID: "curl-1", Success: true, Message: "waved"})

	// Every message shows in the log, both directions, one line each.
	want := []string{"← startup", "→ startup", "→ actions/reregister_all", "← actions/register",
		"← actions/force", "→ action", "← action/result", `"id":"curl-1"`}
	var seen []string
	deadline := time.After(10 * time.Second)
	for !containsAll(seen, want) {
		select {
		case l := <-lines:
			seen = append(seen, l)
		case <-deadline:
			t.Fatalf("log lacks some of %q:\n%s", want, strings.Join(seen, "\n"))
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("run = %v, want nil after the context ended", err)
	}
	if _, err := conn.Read(ctx); err == nil {
		t.Fatal("connection still open after shutdown")
	}
}

func containsAll(lines, want []string) bool {
	all := strings.Join(lines, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			return false
		}
	}
	return true
}

func TestRunRejectsBadInput(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := [][]string{
		{"-no-such-flag"},
		{"-error-rate", "1.5"},
		{"-force-delay", "-1s"},
		{"-retries", "-2"},
		{"-profile", "evil"},
		{"-think-time", "2s,1s"},
		{"-think-time", "soon"},
		{"-speech", "-1s"},
		{"-force-while-pending", "stack"},
		{"-advice-limit", "churn-changes=0"},
		{"-advice-limit", "no-such-limit=3"},
		{"-advice-limit", "repeat"},
		{"-act-every", "-1s"},
		{"-reregister", "-no-reregister"},
		{"-result-timeout", "0s"},
		{"-log-level", "loud"},
		{"-http-read-timeout", "0s"},
		{"-max-actions", "0"},
		{"extra"},
		{"-ws-addr", busy.Addr().String(), "-http-addr", ""},
		{"-ws-addr", "127.0.0.1:0", "-http-addr", busy.Addr().String()},
		{"-policy", "clever"},
		{"-operator-timeout", "-1s"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if err := run(context.Background(), args, io.Discard); err == nil {
				t.Fatalf("run(%q) succeeded", args)
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-h"}, &out); err != nil {
		t.Fatalf("run -h = %v", err)
	}
	for _, f := range []string{"-ws-addr", "-http-addr", "-force-delay", "-seed", "-retries", "-result-timeout", "-error-rate",
		"-allow-host", "-allow-origin", "-http-read-timeout", "-max-actions", "-profile", "-think-time", "-sticky-retries",
		"-force-while-pending", "-hold-context", "-speech", "-speech-updates", "-act-every", "-startup-ack", "-reregister",
		"-no-reregister", "-advice", "-advice-limit", "-log-level",
		"-policy", "-operator-timeout", "-dashboard-host", "-voice"} {
		if !strings.Contains(out.String(), f) {
			t.Fatalf("usage lacks %s:\n%s", f, out.String())
		}
	}
}

// TestRunLogsAtInfoByDefault checks that, without -log-level, frames are
// not logged (only connections), so that a long session's log stays
// readable and a game cannot flood it.
func TestRunLogsAtInfoByDefault(t *testing.T) {
	lines, wsURL, _, stopRun := started(t, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0")
	var once sync.Once
	stop := func() (err error) {
		once.Do(func() { err = stopRun() })
		return err
	}
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := gorilla.Dial(ctx, wsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	frame, _ := wire.EncodeGame("Quiet Game", wire.Startup{})
	if err := conn.Write(ctx, frame); err != nil {
		t.Fatal(err)
	}
	// The acknowledgement is logged (at debug) before it is written:
	// once it is read, a debug line would be in the log already.
	for {
		f, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m, err := wire.DecodeServer(f); err == nil && m.Command() == wire.CmdStartup {
			break
		}
	}
	_ = conn.Close(1000, "")
	// "game disconnected" comes after every line about the game's frames.
	seen := readUntil(t, lines, "game disconnected")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(seen, "\n")
	if !strings.Contains(all, "game connected") {
		t.Fatalf("the log lacks the connection:\n%s", all)
	}
	for _, frameLine := range []string{"← startup", "→ startup", "→ actions/reregister_all"} {
		if strings.Contains(all, frameLine) {
			t.Fatalf("frames logged at the default level (%q):\n%s", frameLine, all)
		}
	}
}

// readUntil reads log lines until one contains substr and returns them.
func readUntil(t *testing.T, lines <-chan string, substr string) []string {
	t.Helper()
	var seen []string
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the log ended without %q:\n%s", substr, strings.Join(seen, "\n"))
			}
			seen = append(seen, l)
			if strings.Contains(l, substr) {
				return seen
			}
		case <-deadline:
			t.Fatalf("no %q in the log:\n%s", substr, strings.Join(seen, "\n"))
		}
	}
}

// TestRunAllowFlags checks -allow-host and -allow-origin: without them a
// foreign Host name and a foreign web origin are refused with 403; with
// them the named host and origin are accepted, and others still refused.
func TestRunAllowFlags(t *testing.T) {
	get := func(t *testing.T, base, host string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, base+"/state", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	dial := func(t *testing.T, wsURL, origin string) int {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := gorilla.Dial(ctx, wsURL, gorilla.WithHeader(http.Header{"Origin": {origin}}))
		if err != nil {
			var he *gorilla.HandshakeError
			if errors.As(err, &he) {
				return he.StatusCode
			}
			t.Fatal(err)
		}
		_ = conn.CloseNow()
		return http.StatusSwitchingProtocols
	}
	t.Run("defaults", func(t *testing.T) {
		_, wsURL, httpURL, stop := started(t, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0")
		defer stop()
		if code := get(t, httpURL, "devbox.local"); code != http.StatusForbidden {
			t.Errorf("Host devbox.local: %d, want 403", code)
		}
		if code := get(t, httpURL, "localhost"); code != http.StatusOK {
			t.Errorf("Host localhost: %d, want 200", code)
		}
		if code := dial(t, wsURL, "https://game.example"); code != http.StatusForbidden {
			t.Errorf("Origin https://game.example: %d, want 403", code)
		}
		if code := dial(t, wsURL, "http://localhost:5500"); code != http.StatusSwitchingProtocols {
			t.Errorf("Origin http://localhost:5500: %d, want an upgrade", code)
		}
	})
	t.Run("widened", func(t *testing.T) {
		_, wsURL, httpURL, stop := started(t, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0",
			"-allow-host", "devbox.local, other.lan", "-allow-origin", "https://game.example")
		defer stop()
		for host, want := range map[string]int{"devbox.local": 200, "OTHER.lan:1337": 200, "evil.example": 403} {
			if code := get(t, httpURL, host); code != want {
				t.Errorf("Host %s: %d, want %d", host, code, want)
			}
		}
		if code := dial(t, wsURL, "https://game.example"); code != http.StatusSwitchingProtocols {
			t.Errorf("Origin https://game.example: %d, want an upgrade", code)
		}
		if code := dial(t, wsURL, "https://evil.example"); code != http.StatusForbidden {
			t.Errorf("Origin https://evil.example: %d, want 403", code)
		}
	})
}

func TestRangeAndAdviceLimitFlags(t *testing.T) {
	var r durationRange
	for in, want := range map[string]durationRange{
		"2s":        {2 * time.Second, 2 * time.Second},
		"500ms,2s":  {500 * time.Millisecond, 2 * time.Second},
		" 1s , 1s ": {time.Second, time.Second},
		"0":         {},
		"0s,10ms":   {0, 10 * time.Millisecond},
	} {
		if err := r.Set(in); err != nil || r != want {
			t.Errorf("Set(%q) = %+v, %v; want %+v", in, r, err, want)
		}
	}
	if err := r.Set("500ms,2s"); err != nil || r.String() != "500ms,2s" {
		t.Errorf("String() = %q, %v", r.String(), err)
	}
	var a adviceLimitsFlag
	if err := a.Set("churn-changes=10, churn-window=30s"); err != nil {
		t.Fatal(err)
	}
	if err := a.Set("description-chars=120"); err != nil {
		t.Fatal(err)
	}
	if a.l.ChurnChanges != 10 || a.l.ChurnWindow != 30*time.Second || a.l.DescriptionChars != 120 || a.l.Repeat != 0 {
		t.Fatalf("limits %+v", a.l)
	}
}
