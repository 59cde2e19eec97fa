package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// Seeds shared by the fuzz targets, besides the golden frames, the bad
// inputs and the committed corpora in testdata/fuzz.
var fuzzExtraSeeds = []string{
	``,
	`null`,
	`[]`,
	`{}`,
	`{"command":"action","data":{"id":"a1","name":"play","data":null}}`,
	`{"command":"action","data":{"id":"a\u00e9\ud800","name":"play","data":"{\"x\":\"\\u00e9\"}"}}`,
	"{\"command\":\"action\",\"data\":{\"id\":\"\xff\xfe\",\"name\":\"pl\xc3y\"}}",
	`{"command":"speech_finished","data":{ "n" : [1, 2, {"<":"\u2028"}] }}`,
	`{"command":"later","data":{"n":-0.5e-7,"t":true,"f":false,"z":null,"s":"\/\b\f\n\r\t"}}`,
	`{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","schema":{}},{"name":"b","schema":null},{"name":"c","schema":"x"}]}}`,
	`{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","schema":{"x":1e400}}]}}`,
	`{"command":"actions/force","game":"g","data":{"query":"q","priority":"urgent","action_names":["a"]}}`,
	"{\"command\":\"context\",\"game\":\"\xff\",\"data\":{\"message\":\"\xfe\",\"silent\":true}}",
	`{"Command":"action","DATA":{"ID":"a","Name":"b"}}`,
}

// addSeeds adds every frame the tests know to f.
func addSeeds(f *testing.F) {
	for _, g := range serverGolden {
		f.Add([]byte(g.frame))
	}
	for _, g := range gameGolden {
		f.Add([]byte(g.frame))
	}
	for _, b := range badInputs {
		if len(b.frame) < 512 {
			f.Add([]byte(b.frame))
		}
	}
	for _, s := range fuzzExtraSeeds {
		f.Add([]byte(s))
	}
}

// checkDecodeResult fails unless m and err are one of: a message and no
// error, or no message and a *DecodeError.
func checkDecodeResult(t *testing.T, m Message, err error) bool {
	t.Helper()
	if err != nil {
		if _, ok := err.(*DecodeError); !ok {
			t.Fatalf("error %v is a %T, want *DecodeError", err, err)
		}
		if m != nil {
			t.Fatalf("got message %#v with error %v", m, err)
		}
		return false
	}
	if m == nil {
		t.Fatal("no message and no error")
	}
	return true
}

// FuzzDecodeServer checks that DecodeServer never panics, and that what it
// decodes encodes and decodes again to the same message and the same bytes.
func FuzzDecodeServer(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, frame []byte) {
		m, err := DecodeServer(frame)
		if !checkDecodeResult(t, m, err) {
			return
		}
		b1, err := EncodeServer(m)
		if err != nil {
			t.Fatalf("EncodeServer(%#v): %v", m, err)
		}
		m2, err := DecodeServer(b1)
		if err != nil {
			t.Fatalf("decoding re-encoded %s: %v", b1, err)
		}
		if !reflect.DeepEqual(canonicalMessage(t, m), canonicalMessage(t, m2)) {
			t.Fatalf("round trip changed the message:\n first %#v\nsecond %#v\n frame %s", m, m2, b1)
		}
		b2, err := EncodeServer(m2)
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("re-encoding is not stable:\n%s\n%s (%v)", b1, b2, err)
		}
	})
}

// FuzzDecodeGame is FuzzDecodeServer for DecodeGame.
func FuzzDecodeGame(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, frame []byte) {
		game, m, err := DecodeGame(frame)
		if !checkDecodeResult(t, m, err) {
			return
		}
		b1, err := EncodeGame(game, m)
		if err != nil {
			t.Fatalf("EncodeGame(%#v): %v", m, err)
		}
		game2, m2, err := DecodeGame(b1)
		if err != nil {
			t.Fatalf("decoding re-encoded %s: %v", b1, err)
		}
		if game2 != game {
			// Invalid UTF-8 is replaced on the first decode already, so the
			// name must survive unchanged.
			t.Fatalf("round trip changed the game: %q → %q", game, game2)
		}
		if !reflect.DeepEqual(canonicalMessage(t, m), canonicalMessage(t, m2)) {
			t.Fatalf("round trip changed the message:\n first %#v\nsecond %#v\n frame %s", m, m2, b1)
		}
		b2, err := EncodeGame(game2, m2)
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("re-encoding is not stable:\n%s\n%s (%v)", b1, b2, err)
		}
	})
}

// FuzzDecodeAgreesWithJSON holds the hand-written decoder to
// encoding/json: a frame it accepts is valid JSON and decodes, through a
// plain json.Unmarshal, to the same values (strings unescaped and invalid
// UTF-8 replaced alike; action ids compared after the replacement
// encoding/json makes); a syntax error is reported only for invalid JSON
// (or nesting beyond maxDepth). It takes the place of the agreement
// target of the fast path this package no longer has.
func FuzzDecodeAgreesWithJSON(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, frame []byte) {
		valid := json.Valid(frame)
		for _, fromGame := range []bool{false, true} {
			var game string
			var m Message
			var err error
			if fromGame {
				game, m, err = DecodeGame(frame)
			} else {
				m, err = DecodeServer(frame)
			}
			var se *syntaxError
			if errors.As(err, &se) && valid && se.msg != "nested too deeply" {
				t.Fatalf("syntax error %v for valid JSON %q", err, frame)
			}
			if err != nil {
				continue
			}
			if !valid {
				t.Fatalf("decoded invalid JSON %q to %#v", frame, m)
			}
			wantGame, want := refDecode(t, frame, fromGame)
			if got := canonicalMessage(t, replaceIDs(m)); !reflect.DeepEqual(got, want) {
				t.Fatalf("frame %q\n  decoded %#v\nreference %#v", frame, got, want)
			}
			if fromGame && game != wantGame {
				t.Fatalf("frame %q: game %q, reference %q", frame, game, wantGame)
			}
		}
	})
}

// canonicalMessage maps m to a form where messages that mean the same
// compare equal: an empty schema is no schema, schema notes are dropped
// (they are not sent), and an Unknown's data is compared by value.
func canonicalMessage(t *testing.T, m Message) Message {
	switch v := m.(type) {
	case RegisterActions:
		acts := make([]Action, len(v.Actions))
		copy(acts, v.Actions)
		for i := range acts {
			if len(acts[i].Schema) == 0 {
				acts[i].Schema = nil
			}
		}
		return RegisterActions{Actions: acts}
	case Unknown:
		if len(v.Data) == 0 {
			return v
		}
		x := jsonValue(t, v.Data)
		b, err := json.Marshal(x)
		if err != nil {
			t.Fatalf("re-marshalling %q: %v", v.Data, err)
		}
		return Unknown{Cmd: v.Cmd, Data: b}
	}
	return m
}

// jsonValue decodes raw with encoding/json, numbers as json.Number.
func jsonValue(t *testing.T, raw []byte) any {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	return x
}

// replaceIDs replaces invalid UTF-8 in action ids as encoding/json would.
func replaceIDs(m Message) Message {
	switch v := m.(type) {
	case ActionRequest:
		v.ID = string([]rune(v.ID))
		return v
	case ActionResult:
		v.ID = string([]rune(v.ID))
		return v
	}
	return m
}
