package relay

import (
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"

	"go.uber.org/zap"
)

// twin is a relay state with recording sinks: upstream, and two started
// games — "Bench" (actions play, an odd name, a non-ASCII one; a force
// for play in flight) and "Other" (play; a force waiting) — with actions
// pending for both. The byte-level path is checked against the full
// path by feeding one twin a frame the usual way and the other the same
// frame with its scan withheld (the full path alone).
type twin struct {
	s           *state
	up          *recorder
	bench, othr *game
	benchOut    *recorder
	otherOut    *recorder
}

// twinPending are the ids pending for Bench (the last one for Other).
var twinPending = []string{"1", "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", "é\xff", "a<b>&c", "o1"}

// twinActions are Bench's action names.
var twinActions = []string{"play", `Jouer <vite> & "bien"`, "é"}

func newTwin(t testing.TB) *twin {
	cfg, err := newConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	tw := &twin{s: newState(&cfg, zap.NewNop(), func() {}), up: &recorder{}, benchOut: &recorder{}, otherOut: &recorder{}}
	s := tw.s
	s.upConnected(tw.up)
	if tw.bench, err = s.addGame(tw.benchOut, "b"); err != nil {
		t.Fatal(err)
	}
	if tw.othr, err = s.addGame(tw.otherOut, "o"); err != nil {
		t.Fatal(err)
	}
	acts := make([]wireAction, len(twinActions))
	for i, n := range twinActions {
		acts[i] = wireAction{Name: n, Description: "d"}
	}
	for _, x := range []struct {
		g    *game
		name string
		acts []wireAction
	}{{tw.bench, "Bench", acts}, {tw.othr, "Other", []wireAction{{Name: "play"}}}} {
		f, err := encodeGame(x.name, startupMsg{})
		if err != nil {
			t.Fatal(err)
		}
		s.gameFrame(x.g, f)
		if f, err = encodeGame(x.name, registerMsg{Actions: x.acts}); err != nil {
			t.Fatal(err)
		}
		s.gameFrame(x.g, f)
		if f, err = encodeGame(x.name, forceMsg{Query: "q", ActionNames: []string{"play"}}); err != nil {
			t.Fatal(err)
		}
		s.gameFrame(x.g, f)
	}
	for i, id := range twinPending {
		name := "bench__play"
		if i == len(twinPending)-1 {
			name = "other__play"
		}
		s.upFrameScanned(mustServer(t, actionMsg{ID: id, Name: name}), &hotAction{})
	}
	if s.force == nil || s.force.g != tw.bench || len(s.pending) != len(twinPending) {
		t.Fatalf("twin not set up: force %+v, %d pending", s.force, len(s.pending))
	}
	return tw
}

// sameAs fails t unless tw and o took the same decisions: the same
// counters, pending actions and force, and frames that decode to the
// same messages on every connection.
func (tw *twin) sameAs(t testing.TB, o *twin, what string) {
	t.Helper()
	if tw.s.counts != o.s.counts {
		t.Fatalf("%s: counters %+v, full path %+v", what, tw.s.counts, o.s.counts)
	}
	pend := func(x *twin) map[string]string {
		m := map[string]string{}
		for id, p := range x.s.pending {
			m[id] = fmt.Sprint(p.g.id, p.upstream, p.id == id)
		}
		return m
	}
	if a, b := pend(tw), pend(o); !maps.Equal(a, b) {
		t.Fatalf("%s: pending %v, full path %v", what, a, b)
	}
	for _, x := range []*twin{tw, o} {
		for _, g := range []*game{x.bench, x.othr} {
			n := 0
			for _, p := range x.s.pending {
				if p.g == g {
					n++
				}
			}
			if g.npending != n {
				t.Fatalf("%s: game %s counts %d pending, has %d", what, g.name, g.npending, n)
			}
		}
	}
	if (tw.s.force == nil) != (o.s.force == nil) || tw.s.force != nil && tw.s.force.g.id != o.s.force.g.id {
		t.Fatalf("%s: force %+v, full path %+v", what, tw.s.force, o.s.force)
	}
	type decoded struct {
		game string
		m    message
		err  string
	}
	decode := func(f []byte, fromGame bool) decoded {
		var d decoded
		var err error
		if fromGame {
			d.game, d.m, err = decodeGame(f)
		} else {
			d.m, err = decodeServer(f)
		}
		if err != nil {
			d.err = err.Error()
		}
		return d
	}
	for _, x := range []struct {
		name     string
		a, b     *recorder
		fromGame bool
	}{{"upstream", tw.up, o.up, true}, {"Bench", tw.benchOut, o.benchOut, false}, {"Other", tw.otherOut, o.otherOut, false}} {
		if len(x.a.frames) != len(x.b.frames) {
			t.Fatalf("%s: %d frames to %s, full path %d:\n%q\n%q", what, len(x.a.frames), x.name, len(x.b.frames), x.a.frames, x.b.frames)
		}
		for i := range x.a.frames {
			a, b := decode(x.a.frames[i], x.fromGame), decode(x.b.frames[i], x.fromGame)
			if a.err != "" || !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: frame %d to %s\n%s → %+v\nfull path\n%s → %+v", what, i, x.name, x.a.frames[i], a, x.b.frames[i], b)
			}
		}
	}
}

// twinFeed feeds frame to a fresh twin as the relay does (scan, then
// the byte-level path or the full one) and to another with the full
// path only, from upstream (fromGame false) or from Bench, and compares
// them. It returns whether the byte-level path took the frame.
func twinFeed(t testing.TB, frame []byte, fromGame bool) (hot bool) {
	t.Helper()
	fast, full := newTwin(t), newTwin(t)
	if fromGame {
		r := scanResult(frame)
		hot = r.ok && fast.s.resultHot(fast.bench, &r)
		if !hot {
			fast.s.gameFrameScanned(fast.bench, frame, &hotResult{})
		}
		full.s.gameFrameScanned(full.bench, frame, &hotResult{})
	} else {
		a := scanAction(frame)
		hot = a.ok && fast.s.actionHot(&a)
		if !hot {
			fast.s.upFrameScanned(frame, &hotAction{})
		}
		full.s.upFrameScanned(frame, &hotAction{})
	}
	fast.sameAs(t, full, fmt.Sprintf("frame %q", frame))
	return hot
}

// hotSeed is a frame, and whether the byte-level path takes it.
type hotSeed struct {
	frame string
	hot   bool
}

// hotActionSeeds and hotResultSeeds are frames of both kinds: plain
// ones the byte-level path takes, unusual ones it must decline, and a
// few unusual ones it takes and must get right.
var hotActionSeeds = []hotSeed{
	{`{"command":"action","data":{"id":"7","name":"bench__play"}}`, true},
	{`{"command":"action","data":{"id":"7","name":"bench__play","data":"{\"x\":1}"}}`, true},
	{`{"command":"action","data":{"id":"7","name":"bench__play","data":""}}`, true},
	{`{"command":"action","data":{"id":"7","name":"bench__play","data":null}}`, true},
	{` { "command" : "action" , "data" : { "data" : "<\u2028>" , "name" : "bench__jouer__vite_____bien_" , "id" : "é" } } `, true},
	{`{"command":"action","data":{"id":"7","name":"bench____"}}`, true},
	{`{"command":"action","data":{"id":"7","name":"other__play"}}`, true},
	{`{"command":"action","data":{"id":"1","name":"bench__play"}}`, false},                                      // pending already
	{`{"command":"action","data":{"id":"7","name":"nobody__play"}}`, false},                                     // no game
	{`{"command":"action","data":{"id":"7","name":"bench__pl\u0061y"}}`, false},                                 // escaped name
	{`{"command":"action","data":{"id":"\u0037","name":"bench__play"}}`, false},                                 // escaped id
	{`{"command":"action","data":{"id":"","name":"bench__play"}}`, false},                                       // empty id
	{`{"command":"action","data":{"id":"7","id":"8","name":"bench__play"}}`, false},                             // id twice
	{`{"command":"action","data":{"id":"7","name":"bench__play","extra":1}}`, false},                            // extra member
	{`{"data":{"id":"7","name":"bench__play"},"command":"action"}`, false},                                      // data first
	{`{"command":"action","data":{"id":"7","name":"bench__play"},"x":0}`, false},                                // extra envelope member
	{`{"command":"action","data":{"id":"7","name":"bench__play"}}x`, false},                                     // trailing bytes
	{`{"command":"action","data":{"id":"7","name":"bench__play","data":"` + "\x01" + `"}}`, false},              // control character
	{`{"command":"action","data":{"id":"7","name":"bench__play","data":"\q"}}`, false},                          // bad escape
	{`{"command":"action","data":{"id":7,"name":"bench__play"}}`, false},                                        // number id
	{`{"command":"action","data":{"id":"7` + "\xff" + `","name":"bench__play","data":"` + "\xfe" + `"}}`, true}, // invalid UTF-8
	{`{"command":"action","data":{"name":"bench__play"}}`, false},                                               // no id
	{`{"command":"action","data":{}}`, false},
	{`{"command":"actions/reregister_all"}`, false},
}

var hotResultSeeds = []hotSeed{
	{`{"command":"action/result","game":"Bench","data":{"id":"1","success":true}}`, true},
	{`{"command":"action/result","game":"Bench","data":{"id":"1","success":false,"message":"try <again> & \"again\""}}`, true},
	{`{"command":"action/result","game":"Bench","data":{"id":"1","success":false,"message":null}}`, true},
	{` { "command" : "action/result" , "game" : "Bench" , "data" : { "message" : "\u00e9" , "success" : true , "id" : "é` + "\xff" + `" } } `, true},
	{`{"command":"action/result","game":"Bench","data":{"id":"a<b>&c","success":true}}`, true},
	{`{"command":"action/result","game":"Bench","data":{"id":"0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01","success":true}}`, true},
	{`{"command":"action/result","game":"Bench","data":{"id":"o1","success":true}}`, false},            // Other's
	{`{"command":"action/result","game":"Bench","data":{"id":"9","success":true}}`, false},             // not pending
	{`{"command":"action/result","game":"Other","data":{"id":"1","success":true}}`, false},             // another name
	{`{"command":"action/result","game":"B\u0065nch","data":{"id":"1","success":true}}`, false},        // escaped name
	{`{"command":"action/result","game":"Bench","data":{"id":"\u0031","success":true}}`, false},        // escaped id
	{`{"command":"action/result","game":"Bench","data":{"id":"1","success":null}}`, false},             // null success
	{`{"command":"action/result","game":"Bench","data":{"id":"1"}}`, false},                            // no success
	{`{"command":"action/result","game":"Bench","data":{"id":"1","success":true,"x":[]}}`, false},      // extra member
	{`{"command":"action/result","game":"Bench","data":{"id":"1","id":"1","success":true}}`, false},    // id twice
	{`{"command":"action/result","data":{"id":"1","success":true},"game":"Bench"}`, false},             // data before game
	{`{"command":"action/result","game":"Bench","data":{"id":"1","success":true}} {}`, false},          // trailing bytes
	{`{"command":"action/result","game":"Bench","data":{"id":"1","success":true,"message":1}}`, false}, // number message
	{`{"command":"action/result","game":"Bench","data":{"id":"1","success":tru}}`, false},
	{`{"command":"action/result","game":"Bench","data":{"id":"1","success":true,"message":"\ud800"}}`, true},
	{`{"command":"context","game":"Bench","data":{"message":"hi","silent":false}}`, false},
}

// TestHotPathMatchesFullPath: every seed gives the same decisions and
// messages through the byte-level path as through the full one, and
// the plain frames do take the byte-level path.
func TestHotPathMatchesFullPath(t *testing.T) {
	for _, x := range hotActionSeeds {
		if hot := twinFeed(t, []byte(x.frame), false); hot != x.hot {
			t.Errorf("action %q: byte-level path %v, want %v", x.frame, hot, x.hot)
		}
	}
	for _, x := range hotResultSeeds {
		if hot := twinFeed(t, []byte(x.frame), true); hot != x.hot {
			t.Errorf("result %q: byte-level path %v, want %v", x.frame, hot, x.hot)
		}
	}
}

// TestHotFramesAreTheEncodersFrames: for the frames the encoders write
// (ids without characters they escape), the byte-level path writes the
// very bytes the full path does.
func TestHotFramesAreTheEncodersFrames(t *testing.T) {
	for _, m := range []actionMsg{
		{ID: "7", Name: "bench__play"},
		{ID: "7", Name: "bench__jouer__vite_____bien_", Data: `{"where":"<here> & now"}`, HasData: true},
		{ID: "é", Name: "bench____", HasData: true},
	} {
		fast, full := newTwin(t), newTwin(t)
		f := mustServer(t, m)
		fast.s.upFrame(f)
		full.s.upFrameScanned(f, &hotAction{})
		got, want := fast.benchOut.frames[len(fast.benchOut.frames)-1], full.benchOut.frames[len(full.benchOut.frames)-1]
		if string(got) != string(want) {
			t.Errorf("action %+v:\n%s\nfull path\n%s", m, got, want)
		}
	}
	for _, m := range []resultMsg{
		{ID: "1", Success: true},
		{ID: "é\xff", Success: false, Message: "Pick a free cell <1-9> & \"try\" again."},
	} {
		fast, full := newTwin(t), newTwin(t)
		f, err := encodeGame("Bench", m)
		if err != nil {
			t.Fatal(err)
		}
		fast.s.gameFrame(fast.bench, f)
		full.s.gameFrameScanned(full.bench, f, &hotResult{})
		got, want := fast.up.frames[len(fast.up.frames)-1], full.up.frames[len(full.up.frames)-1]
		if string(got) != string(want) {
			t.Errorf("result %+v:\n%s\nfull path\n%s", m, got, want)
		}
	}
}

// FuzzHotAction: whatever upstream sends, the byte-level path decides
// and writes what the full path would (or declines).
func FuzzHotAction(f *testing.F) {
	for _, x := range hotActionSeeds {
		f.Add([]byte(x.frame))
	}
	f.Fuzz(func(t *testing.T, frame []byte) { twinFeed(t, frame, false) })
}

// FuzzHotResult: whatever a game sends, the byte-level path decides and
// writes what the full path would (or declines).
func FuzzHotResult(f *testing.F) {
	for _, x := range hotResultSeeds {
		f.Add([]byte(x.frame))
	}
	f.Fuzz(func(t *testing.T, frame []byte) { twinFeed(t, frame, true) })
}

// TestPlainRun: the eight-at-a-time check agrees with plainByte for
// every byte but the quote (str finds that first) at every position of
// a word and of the tail.
func TestPlainRun(t *testing.T) {
	for n := range 20 {
		for at := range n {
			for c := range 256 {
				if c == '"' {
					continue
				}
				p := []byte(strings.Repeat("a", n))
				p[at] = byte(c)
				if got, want := plainRun(p), plainByte[c]; got != want {
					t.Fatalf("plainRun with %#x at %d of %d: %v, want %v", c, at, n, got, want)
				}
			}
		}
	}
}
