package wire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// Seeds shared by the fuzz targets, besides the golden frames and the
// committed corpus in testdata/fuzz.
var fuzzExtraSeeds = []string{
	``,
	`null`,
	`[]`,
	`{}`,
	`{"command":"action","data":{"id":"a1","name":"play","data":null}}`,
	`{"command":"action","data":{"id":"a1","name":"play","data":{"cell":5}}}`,
	`{"command":"action","data":{"id":"a1"}}`,
	`{"command":"shutdown/graceful","data":{"wants_shutdown":"yes"}}`,
	`{"command":"startup","data":{"session":{"sessionId":1}}}`,
	`{"command":"speech_finished","data":{ "n" : [1, 2, {"<":"\u2028"}] }}`,
	`{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","schema":{}}]}}`,
	`{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","schema":{"x":1e400}}]}}`,
	`{"command":"actions/force","game":"g","data":{"query":"q","priority":"urgent","action_names":["a"]}}`,
	`{"command":"context","game":"\xff","data":{"message":"\xfe","silent":true}}`,
	`{"Command":"action","DATA":{"ID":"a","Name":"b"}}`,
}

func FuzzDecodeServer(f *testing.F) {
	for _, g := range serverGolden {
		f.Add([]byte(g.frame))
	}
	for _, s := range fuzzExtraSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		m, err := DecodeServer(frame)
		if err != nil {
			if _, ok := err.(*DecodeError); !ok {
				t.Fatalf("error %v is a %T, want *DecodeError", err, err)
			}
			if m != nil {
				t.Fatalf("got message %#v with error %v", m, err)
			}
			return
		}
		if m == nil {
			t.Fatal("no message and no error")
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

func FuzzDecodeGame(f *testing.F) {
	for _, g := range gameGolden {
		f.Add([]byte(g.frame))
	}
	for _, s := range fuzzExtraSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		game, m, err := DecodeGame(frame)
		if err != nil {
			if _, ok := err.(*DecodeError); !ok {
				t.Fatalf("error %v is a %T, want *DecodeError", err, err)
			}
			if m != nil {
				t.Fatalf("got message %#v with error %v", m, err)
			}
			return
		}
		if m == nil {
			t.Fatal("no message and no error")
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

// canonicalMessage maps m to a form where messages that mean the same compare
// equal: an empty schema is no schema, and raw JSON is compared by value
// (an Unknown's data is compacted and HTML-escaped on re-encoding).
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
		d := json.NewDecoder(bytes.NewReader(v.Data))
		d.UseNumber()
		var x any
		if err := d.Decode(&x); err != nil {
			t.Fatalf("unknown message with invalid raw data %q: %v", v.Data, err)
		}
		b, err := json.Marshal(x)
		if err != nil {
			t.Fatalf("re-marshalling %q: %v", v.Data, err)
		}
		return Unknown{Cmd: v.Cmd, Data: b}
	}
	return m
}
