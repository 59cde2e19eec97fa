package dashboard

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/neurokit/neurokit/neuro/server"
)

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "\n\r\t\x00\x1f", "<b>&</b>", "\u2028\u2029", "é日本", "\xff\xfe", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		if strings.ContainsAny(string(b), "\n\r") {
			t.Fatalf("raw newline in %q", b)
		}
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q encodes to invalid JSON %q: %v", s, b, err)
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if utf8.ValidString(s) && got != s || !utf8.ValidString(s) && got != decodeLikeJSON(s) {
			t.Fatalf("%q round-trips to %q (want %q)", s, got, want)
		}
	})
}

// decodeLikeJSON replaces each invalid byte with U+FFFD, as appendString
// (and encoding/json) do.
func decodeLikeJSON(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		sb.WriteRune(r)
		i += n
	}
	return sb.String()
}

func TestAppendEvent(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	for _, e := range []server.Event{
		{Seq: 1, Time: at, Kind: server.EventConnected, GameID: "#1"},
		{Seq: 2, Time: at, Kind: server.EventReceived, GameID: "#1", Game: "G\"x", Command: "startup", Frame: []byte(`{"command":"startup"}`)},
		{Seq: 3, Time: at, Kind: server.EventReceived, GameID: "#1", Frame: []byte("\xff{"), Err: errors.New("bad\nframe")},
		{Seq: 4, Time: at, Kind: server.EventFinding, Finding: &server.Finding{Kind: server.FindingMalformed, Detail: "d"}},
		{Seq: 5, Time: at, Kind: server.EventResult, Result: &server.Result{Success: true, Message: "ok"}},
		{Seq: 6, Time: at, Kind: server.EventForceDone, Force: &server.ForceDone{Outcome: server.ForceGaveUp, Attempts: 3}},
	} {
		line := appendEvent(nil, e)
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if m["seq"] != float64(e.Seq) || m["kind"] != string(e.Kind) || m["time"] != "2026-01-02T03:04:05.0000006Z" {
			t.Errorf("line %s", line)
		}
		if e.Frame != nil && m["frame"] != strings.ToValidUTF8(string(e.Frame), "\ufffd") {
			t.Errorf("frame %q in %s", m["frame"], line)
		}
		if e.Err != nil && m["error"] != e.Err.Error() {
			t.Errorf("error in %s", line)
		}
		for key, set := range map[string]bool{"finding": e.Finding != nil, "result": e.Result != nil, "forceDone": e.Force != nil} {
			if _, ok := m[key]; ok != set {
				t.Errorf("%s present %v in %s", key, ok, line)
			}
		}
	}
}
