package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/relay"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testTimeout = 20 * time.Second

var readyLine = regexp.MustCompile(`neuro-relay ready.*"games": "(ws://[^"]+)", "upstream": "([^"]+)", "status": "(http://[^"]+)"`)

// started runs run with args in the background until it announces its
// addresses, and returns them with a stop function that cancels it and
// returns its error.
func started(t *testing.T, getenv func(string) string, args ...string) (gamesURL, upstream, statusURL string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, getenv)
		_ = pw.Close()
		done <- err
	}()
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	stop = func() error {
		cancel()
		err := <-done
		for range lines { // drain until the pipe closes
		}
		return err
	}
	deadline := time.After(testTimeout)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("run ended before it was ready: %v", <-done)
			}
			if m := readyLine.FindStringSubmatch(line); m != nil {
				return m[1], m[2], m[3], stop
			}
		case <-deadline:
			_ = stop()
			t.Fatal("run did not announce its addresses")
		}
	}
}

func noEnv(string) string { return "" }

func TestRunRelaysAndShutsDown(t *testing.T) {
	sim := server.New(server.WithSeed(3))
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	env := func(k string) string {
		if k == urlEnv {
			return sim.URL()
		}
		return ""
	}
	gamesURL, upstream, statusURL, stop := started(t, env, "-listen", "127.0.0.1:0", "-http-addr", "127.0.0.1:0",
		"-name", "Relay Under Test", "-prefix", "Tic-tac-toe=ttt", "-log-level", "debug")
	if upstream != sim.URL() {
		t.Errorf("upstream %q, want $%s = %q", upstream, urlEnv, sim.URL())
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	conn, err := gorilla.Dial(ctx, gamesURL)
	if err != nil {
		_ = stop()
		t.Fatal(err)
	}
	for _, m := range []wire.Message{
		wire.Startup{},
		wire.RegisterActions{Actions: []neuro.Action{{Name: "play", Description: "Play."}}},
	} {
		frame, _ := wire.EncodeGame("Tic-tac-toe", m)
		if err := conn.Write(ctx, frame); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sim.WaitFor(ctx, func(e server.Event) bool {
		acts, _ := sim.Registry("")
		return e.Kind == server.EventReceived && len(acts) == 1 && acts[0].Name == "ttt__play"
	}); err != nil {
		t.Fatalf("the simulator never saw ttt__play: %v", err)
	}
	if g, err := sim.Game(""); err != nil || g.Name != "Relay Under Test" {
		t.Fatalf("the simulator's game: %+v, %v", g, err)
	}

	resp, err := http.Get(statusURL)
	if err != nil {
		t.Fatal(err)
	}
	var st relay.Status
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil || len(st.Games) != 1 || st.Games[0].Prefix != "ttt" {
		t.Fatalf("status %+v, %v", st, err)
	}

	if err := stop(); err != nil {
		t.Fatalf("run after the signal: %v", err)
	}
	// The game was told the relay is going away.
	for {
		if _, err := conn.Read(ctx); err != nil {
			if code, _, _ := transport.CloseCode(err); code != transport.CloseGoingAway {
				t.Fatalf("the game's connection ended with %v, want 1001", err)
			}
			break
		}
	}
	_ = conn.CloseNow()
}

func TestHelpAndUsageErrors(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-h"}, &out, noEnv); err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, want := range []string{"several games share one Neuro connection", "tic_tac_toe__play", "-upstream", "-listen", "-http-addr"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h does not mention %q:\n%s", want, out.String())
		}
	}
	for _, args := range [][]string{
		{"-max-games", "0"},
		{"-force-timeout", "0s"},
		{"-prefix", "nogame"},
		{"-prefix", "Game=Bad Prefix"},
		{"-upstream", "http://localhost:8000"},
		{"extra"},
		{"-nope"},
	} {
		if err := run(context.Background(), args, io.Discard, noEnv); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

func TestBusyPort(t *testing.T) {
	_, _, statusURL, stop := started(t, noEnv, "-listen", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-upstream", "ws://127.0.0.1:1")
	defer stop()
	addr := strings.TrimSuffix(strings.TrimPrefix(statusURL, "http://"), "/state")
	err := run(context.Background(), []string{"-listen", addr, "-http-addr", ""}, io.Discard, noEnv)
	if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), "listen for games") {
		t.Fatalf("a busy port gave %v", err)
	}
}
