package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestVoicePhaseQuick runs phase v with tiny counts: every frame is
// counted by the simulator, the figures are there and the table prints.
// It asserts no timing.
func TestVoicePhaseQuick(t *testing.T) {
	cfg := quickConfig()
	v, err := voicePhase(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if v.Frames != cfg.trips || v.Speakers != 32 || v.FramesPerSec <= 0 || v.VsTalking <= 0 || v.Send.N == 0 {
		t.Errorf("phase v: %+v", v)
	}
	var out bytes.Buffer
	if err := writeVoiceTable(&out, v); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"v   voice", "v1  200 frames", "32 players talking", "allocs/frame"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	t.Logf("\n%s", out.String())
}
