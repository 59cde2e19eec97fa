package server

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/neurokit/neurokit/transport"
)

// fuzzFrameSeparator splits a fuzz input into the frames a game sends.
const fuzzFrameSeparator = "\n"

// Limits of the server under fuzzing, small so that the fuzzer reaches
// them.
const (
	fuzzMaxActions   = 8
	fuzzHistoryBytes = 64 << 10
	fuzzMaxFrames    = 64
)

// FuzzGameFrames has a game send arbitrary frames (the input split at
// newlines) and checks that the simulator never panics, never stops
// answering, and holds no more than its limits allow. The seed corpus is
// in testdata/fuzz/FuzzGameFrames.
func FuzzGameFrames(f *testing.F) {
	for _, seed := range []string{
		`{"command":"startup","game":"G"}`,
		`{"command":"startup","game":"G"}` + "\n" +
			`{"command":"actions/register","game":"G","data":{"actions":[{"name":"pick","description":"d","schema":{"type":"object","properties":{"c":{"type":"integer","multipleOf":1e-300}},"required":["c"]}}]}}` + "\n" +
			`{"command":"actions/force","game":"G","data":{"query":"q","action_names":["pick","nope"]}}`,
		`{"command":"actions/register","game":"G","data":{"actions":[{"name":"b","schema":` + schemaBomb + `}]}}` + "\n" +
			`{"command":"actions/force","game":"G","data":{"query":"q","action_names":["b"]}}`,
		`{"command":"action/result","game":"G","data":{"id":"x","success":false}}`,
		`{"command":"context","game":"G","data":{"message":"hi","silent":true}}` + "\n" + `{"command":"context","game":"H","data":{}}`,
		`{"command":"actions/register","game":"G","data":{"actions":[{"name":"a","schema":"nope"},{"name":"B B","schema":null}]}}`,
		`{"command":"actions/unregister","game":"G","data":{"action_names":["a","a"]}}`,
		"not json\n\x00\xff\n{}\n[]\nnull",
		`{"command":"shutdown/ready","game":"G"}` + "\n" + `{"command":"what","game":"G"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		s := New(WithSeed(1), WithForceDelay(0), WithReregisterOnConnect(false),
			WithMaxActions(fuzzMaxActions), WithEventHistoryBytes(fuzzHistoryBytes))
		defer s.Close()
		srvEnd, gameEnd := transport.Pipe()
		defer gameEnd.CloseNow()
		done := make(chan error, 1)
		go func() { done <- s.ServeConn(context.Background(), srvEnd) }()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()

		frames := bytes.SplitN(input, []byte(fuzzFrameSeparator), fuzzMaxFrames)
		for _, fr := range frames {
			if err := gameEnd.Write(ctx, fr); err != nil {
				t.Fatal(err)
			}
		}
		// The server still reads and records: a last frame comes through.
		w := s.WatchFrom(0)
		sync := []byte(`{"command":"context","game":"fuzz","data":{"message":"fuzz sync","silent":true}}`)
		if err := gameEnd.Write(ctx, sync); err != nil {
			t.Fatal(err)
		}
		if _, err := w.WaitFor(ctx, func(e Event) bool {
			return e.Kind == EventReceived && bytes.Equal(e.Frame, sync)
		}); err != nil {
			t.Fatalf("the server stopped reading: %v", err)
		}

		if n, b := s.events.size(); n > 1 && b > fuzzHistoryBytes {
			t.Fatalf("event history: %d events, %d bytes over %d", n, b, fuzzHistoryBytes)
		}
		g, err := s.findGame("#1")
		if err != nil {
			t.Fatal(err)
		}
		g.mu.Lock()
		if g.registry.len() > fuzzMaxActions || g.registry.bytes > maxRegistryBytes ||
			len(g.queue) > maxQueuedForces ||
			g.logs.context.bytes > maxContextBytes || g.logs.findings.bytes > maxFindingBytes ||
			g.logs.results.bytes > maxResultBytes || g.logs.findings.len() > maxLogEntries {
			t.Errorf("over a limit: %d actions, %d forces, logs %d/%d/%d bytes", g.registry.len(), len(g.queue),
				g.logs.context.bytes, g.logs.findings.bytes, g.logs.results.bytes)
		}
		g.mu.Unlock()
		if _, err := json.Marshal(s.State()); err != nil {
			t.Fatalf("the state does not encode: %v", err)
		}

		_ = gameEnd.Close(1000, "done")
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatal("ServeConn did not return after the game left")
		}
	})
}
