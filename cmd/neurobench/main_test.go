package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testTimeout bounds a whole quick run: generous, so that a slow machine
// (or -race) never fails it, while a hang still does.
const testTimeout = 2 * time.Minute

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// TestRunQuick runs every phase with tiny counts and checks that the
// JSON carries every figure the issue asks for and that the table prints.
// It asserts no timing.
func TestRunQuick(t *testing.T) {
	dir := t.TempDir()
	heap := filepath.Join(dir, "heap.pprof")
	var out bytes.Buffer
	if err := run(testCtx(t), []string{"-quick", "-json", "-heapprofile", heap}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out.String())
	}
	for _, key := range []string{
		"sdk_vs_floor_p50", "validated_vs_floor_p50", "sdk_vs_floor_p99", "validated_vs_floor_p99",
		"typed_vs_floor_p50", "typed_vs_floor_p99",
		"transport_vs_floor_p99", "pipelined_vs_floor_throughput",
		"raise_vs_eventbus", "allocs_per_roundtrip", "allocs_per_typed_roundtrip", "heap_per_game_bytes", "scale_errors",
	} {
		v, ok := got[key].(float64)
		if !ok {
			t.Errorf("key %q missing or not a number: %v", key, got[key])
			continue
		}
		if key != "scale_errors" && v <= 0 {
			t.Errorf("%s = %v, want a positive figure", key, v)
		}
	}
	if n := got["scale_errors"]; n != 0.0 {
		t.Errorf("scale_errors = %v, want 0", n)
	}
	targets, _ := got["targets"].([]any)
	if len(targets) != 11 {
		t.Errorf("%d targets, want 11: %v", len(targets), got["targets"])
	}
	if fi, err := os.Stat(heap); err != nil || fi.Size() == 0 {
		t.Errorf("heap profile not written: %v", err)
	}

	// The table is printed from the same figures.
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := writeTable(&table, &r, quickConfig()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"a   floor", "b   SDK", "c   SDK + schema", "c2  typed", "d   SDK", "Raise ÷ EventBus", "c2's typed action", "(c2/a)",
		"f   simulator scale", "g   idle component", "targets (issues 6, 12, 17)", "p50 ÷ a", "p99 ÷ a",
	} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{"defaults", nil, false},
		{"games", []string{"-games", "1, 10"}, false},
		{"bad games", []string{"-games", "1,x"}, true},
		{"zero games", []string{"-games", "0"}, true},
		{"zero trips", []string{"-n", "0"}, true},
		{"zero idle", []string{"-idle", "0s"}, true},
		{"stray argument", []string{"extra"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := parseConfig(tc.args, &out)
			if (err != nil) != tc.wantErr {
				t.Errorf("parseConfig(%q) error = %v, want error %v", tc.args, err, tc.wantErr)
			}
		})
	}
}

func TestFrameParser(t *testing.T) {
	var c frameCounts
	p := newFrameParser(&c)
	head := "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	frames := []byte{
		0x89, 0x80, 1, 2, 3, 4, // masked ping, empty
		0x81, 0x83, 1, 2, 3, 4, 'a', 'b', 'c', // masked text "abc"
		0x8A, 0x00, // pong, empty, unmasked
		0x81, 126, 0x01, 0x00, // text of 256 bytes, unmasked
	}
	frames = append(frames, make([]byte, 256)...)
	frames = append(frames, 0x88, 0x02, 0x03, 0xe8) // close 1000
	stream := append([]byte(head), frames...)
	for _, b := range stream { // one byte at a time: every split point
		p.feed([]byte{b})
	}
	got := c.snapshot()
	want := frameSnapshot{Data: 2, Ping: 1, Pong: 1, Close: 1}
	if got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
}

func TestActionIDFixedWidth(t *testing.T) {
	if a, b := actionID('b', 0), actionID('b', 12345678); len(a) != len(b) {
		t.Errorf("ids %q and %q differ in length", a, b)
	}
}
