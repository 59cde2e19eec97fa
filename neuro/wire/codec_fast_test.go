package wire

import (
	"reflect"
	"testing"
)

// fastSeeds are frames of the shapes the fast decoders take, and near
// misses they must hand to the general decoder.
var fastSeeds = []string{
	`{"command":"action","data":{"id":"a1","name":"play"}}`,
	`{"command":"action","data":{"id":"a1","name":"play","data":"{\"cell\":5}"}}`,
	`{"command":"action","data":{"id":"a1","name":"play","data":null}}`,
	`{"command":"action","data":{"id":"a1","name":"play","data":""}}`,
	` { "data" : { "data" : "x\n\t\\/" , "name" : "pl\u00e9y", "id" : "é" } , "game" : "g", "command" : "action" } `,
	`{"command":"action","data":{"id":"a1","name":"play","name":"other"}}`,
	`{"command":"action","data":{"id":"a1","Name":"play"}}`,
	`{"command":"action","data":{"id":"","name":"play"}}`,
	`{"command":"action","data":{"id":"a\xff","name":"play"}}`,
	`{"command":"action","data":{"id":"a1","name":"play"}}x`,
	`{"command":"action","data":{"id":"a1","name":"play","data":5}}`,
	`{"command":"action","game":null,"data":{"id":"a1","name":"play"}}`,
	`{"command":"action/result","game":"g","data":{"id":"a1","success":true}}`,
	`{"command":"action/result","game":"g","data":{"id":"a1","success":false,"message":"no \"way\""}}`,
	`{"command":"action/result","game":"g","data":{"id":"","success":false,"message":null}}`,
	`{"command":"action/result","game":"g","data":{"id":"a1","success":1}}`,
	`{"command":"action/result","data":{"id":"a1","success":true}}`,
	`{"command":"action/result","game":"g\u0041","data":{"success":true,"id":"a1","extra":1}}`,
}

// FuzzFastDecodeAgrees checks that whatever the fast decoders accept, the
// general decoders decode to the same message without error.
func FuzzFastDecodeAgrees(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	for _, g := range serverGolden {
		f.Add([]byte(g.frame))
	}
	for _, g := range gameGolden {
		f.Add([]byte(g.frame))
	}
	for _, s := range fuzzExtraSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		if a, ok := decodeActionFast(frame); ok {
			m, err := decodeServerSlow(frame)
			if err != nil || !reflect.DeepEqual(m, Message(a)) {
				t.Fatalf("%q: fast %#v, general %#v, %v", frame, a, m, err)
			}
		}
		if game, r, ok := decodeResultFast(frame); ok {
			g2, m, err := decodeGameSlow(frame)
			if err != nil || g2 != game || !reflect.DeepEqual(m, Message(r)) {
				t.Fatalf("%q: fast %q %#v, general %q %#v, %v", frame, game, r, g2, m, err)
			}
		}
	})
}

// TestFastDecodeTakesPlainFrames makes sure the fast paths are taken for
// the frames neurokit itself sends, so the benchmarks measure them.
func TestFastDecodeTakesPlainFrames(t *testing.T) {
	for _, m := range []ActionRequest{
		{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Name: "play"},
		{ID: "x", Name: "play", Data: `{"cell": 5, "s": "a\"b"}`, HasData: true},
	} {
		frame, err := EncodeServer(m)
		if err != nil {
			t.Fatal(err)
		}
		if a, ok := decodeActionFast(frame); !ok || a != m {
			t.Errorf("decodeActionFast(%s) = %#v, %v", frame, a, ok)
		}
	}
	for _, r := range []ActionResult{{ID: "x", Success: true}, {ID: "y", Message: "try \"again\"\n"}} {
		frame := appendResult(nil, []byte(`"Game"`), r.ID, r.Success, r.Message)
		if g, got, ok := decodeResultFast(frame); !ok || g != "Game" || got != r {
			t.Errorf("decodeResultFast(%s) = %q, %#v, %v", frame, g, got, ok)
		}
	}
}
