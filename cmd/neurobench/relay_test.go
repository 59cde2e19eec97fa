package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRelayPhasesQuick runs phase r with tiny counts: every figure is
// there, 10 games went through one relay without an error, and the
// table prints. It asserts no timing.
func TestRelayPhasesQuick(t *testing.T) {
	cfg := quickConfig()
	r, err := relayPhases(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Direct.N != cfg.trips || r.Relayed.N != cfg.trips || r.RelayedVsDirectP50 <= 0 {
		t.Errorf("r1: %+v %+v ratio %v", r.Direct, r.Relayed, r.RelayedVsDirectP50)
	}
	if r.PipeRelayed.AllocsPerOp <= r.PipeDirect.AllocsPerOp {
		t.Errorf("r2: relayed %d allocs/op, direct %d: the relay cannot allocate nothing", r.PipeRelayed.AllocsPerOp, r.PipeDirect.AllocsPerOp)
	}
	if s := r.Scale; s.Games != relayGamesQuick || s.Errors != 0 || s.RoundTrips != relayGamesQuick*cfg.gameTrips {
		t.Errorf("r3: %+v", s)
	}
	if len(r.Targets) != 3 {
		t.Errorf("targets %+v", r.Targets)
	}
	var out bytes.Buffer
	if err := writeRelayTable(&out, r, cfg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"r1  through the relay", "the relay's share", "r3  10 codec games", "targets (neuro-relay)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	t.Logf("\n%s", out.String())
}
