package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/neurokit/neurokit/neuro"
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
		"-force-delay", "1ms", "-seed", "7", "-retries", "2", "-result-timeout", "5s")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	conn, err := gorilla.Dial(ctx, wsURL)
	if err != nil {
		_ = stop()
		t.Fatal(err)
	}
	defer conn.CloseNow()
	send := func(m neuro.Message) {
		t.Helper()
		frame, _ := neuro.EncodeGame("CLI Game", m)
		if err := conn.Write(ctx, frame); err != nil {
			t.Fatal(err)
		}
	}
	recv := func(cmd string) neuro.Message {
		t.Helper()
		frame, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m, err := neuro.DecodeServer(frame)
		if err != nil || m.Command() != cmd {
			t.Fatalf("got %s (%v), want %s", frame, err, cmd)
		}
		return m
	}
	recv(neuro.CmdReregisterAll)
	send(neuro.Startup{})
	recv(neuro.CmdStartup)
	send(neuro.RegisterActions{Actions: []neuro.Action{{Name: "wave", Description: "Wave."}}})
	send(neuro.ForceActions{Query: "wave", ActionNames: []string{"wave"}})
	a := recv(neuro.CmdAction).(neuro.ActionRequest)
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
	if m := recv(neuro.CmdAction).(neuro.ActionRequest); m.ID != "curl-1" {
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
		{"-retries", "-1"},
		{"-result-timeout", "0s"},
		{"-log-level", "loud"},
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
		"-policy", "-operator-timeout", "-dashboard-host"} {
		if !strings.Contains(out.String(), f) {
			t.Fatalf("usage lacks %s:\n%s", f, out.String())
		}
	}
}
