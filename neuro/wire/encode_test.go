package wire

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestEncodeErrors(t *testing.T) {
	bad := RegisterActions{Actions: []Action{{Name: "a", Schema: Schema{"f": func() {}}}}}
	tests := []struct {
		name string
		enc  func() ([]byte, error)
		want string
	}{
		{"nil to game", func() ([]byte, error) { return EncodeGame("g", nil) }, "nil message"},
		{"nil to server", func() ([]byte, error) { return EncodeServer(nil) }, "nil message"},
		{"pointer", func() ([]byte, error) { return EncodeGame("g", &ContextMessage{}) }, "*wire.ContextMessage is not a game → Neuro message"},
		{"Neuro's message from the game", func() ([]byte, error) { return EncodeGame("g", ActionRequest{ID: "1", Name: "a"}) },
			"wire.ActionRequest is not a game → Neuro message"},
		{"startup ack from the game", func() ([]byte, error) { return EncodeGame("g", StartupAck{}) }, "not a game → Neuro message"},
		{"game's message from Neuro", func() ([]byte, error) { return EncodeServer(ActionResult{ID: "1"}) },
			"wire.ActionResult is not a Neuro → game message"},
		{"game's startup from Neuro", func() ([]byte, error) { return EncodeServer(Startup{}) }, "not a Neuro → game message"},
		{"unknown without command", func() ([]byte, error) { return EncodeServer(Unknown{}) }, "without a command"},
		{"unknown with invalid data", func() ([]byte, error) { return EncodeServer(Unknown{Cmd: "x", Data: json.RawMessage(`{bad`)}) }, `data of "x" message`},
		{"unknown with array data", func() ([]byte, error) { return EncodeGame("g", Unknown{Cmd: "x", Data: json.RawMessage(`[1]`)}) }, "not a JSON object"},
		{"unencodable schema", func() ([]byte, error) { return EncodeGame("g", bad) }, `schema of action "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.enc()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "wire: ") {
				t.Errorf("got %q, %v; want an error containing %q", b, err, tt.want)
			}
			if b != nil {
				t.Errorf("got a frame %q with the error", b)
			}
		})
	}
}

func TestEncodeUnknownNullData(t *testing.T) {
	b, err := EncodeServer(Unknown{Cmd: "x", Data: json.RawMessage(` null `)})
	if err != nil || string(b) != `{"command":"x"}` {
		t.Errorf("got %s, %v", b, err)
	}
}

// TestGameEncoderMatchesEncodeGame compares the two ways to encode a game
// frame, and Append's handling of dst.
func TestGameEncoderMatchesEncodeGame(t *testing.T) {
	var msgs []Message
	for _, id := range []string{"a1", "", `x"<>&\`, "\u2028é\x00\x1f", "\xff\xc3"} {
		for _, success := range []bool{true, false} {
			for _, msg := range []string{"", "ok", "cell \"5\" is taken\n", "\xffbad"} {
				msgs = append(msgs, ActionResult{ID: id, Success: success, Message: msg})
			}
		}
	}
	for _, g := range gameGolden {
		msgs = append(msgs, g.msg)
	}
	for _, game := range []string{goldenGame, "", "<Game & \u2029 \xff>"} {
		enc := NewGameEncoder(game)
		for _, m := range msgs {
			want, err := EncodeGame(game, m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := enc.Append(nil, m)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("Append(nil, %#v) = %q, %v\nwant %q", m, got, err, want)
			}
			prefix := []byte("prefix:")
			got, err = enc.Append(prefix, m)
			if err != nil || !bytes.Equal(got, append([]byte("prefix:"), want...)) {
				t.Errorf("Append(prefix, %#v) = %q, %v", m, got, err)
			}
			if !json.Valid(got[len(prefix):]) {
				t.Errorf("invalid JSON %q", got)
			}
		}
	}
}

func TestGameEncoderZeroValue(t *testing.T) {
	var enc GameEncoder
	for _, m := range []Message{Startup{}, ActionResult{ID: "1", Success: true}, Unknown{Cmd: "x"}} {
		got, err := enc.Append(nil, m)
		want, _ := EncodeGame("", m)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("zero GameEncoder: %s, %v; want %s", got, err, want)
		}
	}
}

func TestGameEncoderAppendError(t *testing.T) {
	enc := NewGameEncoder("g")
	dst := []byte("kept")
	got, err := enc.Append(dst, RegisterActions{Actions: []Action{{Name: "ok"}, {Name: "a", Schema: Schema{"c": make(chan int)}}}})
	if err == nil || string(got) != "kept" {
		t.Errorf("got %q, %v; want dst unchanged and an error", got, err)
	}
	got, err = enc.Append(dst, ShutdownImmediate{})
	if err == nil || string(got) != "kept" {
		t.Errorf("got %q, %v; want dst unchanged and an error", got, err)
	}
}

// TestGameEncoderResultAllocs: the SDK's hot path allocates nothing with a
// buffer of room, and one buffer without.
func TestGameEncoderResultAllocs(t *testing.T) {
	enc := NewGameEncoder("Alloc Game")
	buf := make([]byte, 0, 512)
	id, msg := "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", "Cell 5 is taken; free cells are 1, 9."
	if n := testing.AllocsPerRun(100, func() {
		buf, _ = enc.Append(buf[:0], ActionResult{ID: id, Message: msg})
	}); n != 0 {
		t.Errorf("Append into a buffer with room: %v allocations, want 0", n)
	}
	escaped := msg + " <&>\n"
	if n := testing.AllocsPerRun(100, func() {
		buf, _ = enc.Append(nil, ActionResult{ID: id, Success: true, Message: escaped})
	}); n != 1 {
		t.Errorf("Append(nil, …): %v allocations, want 1", n)
	}
}

// TestAppendStringMatchesEncodingJSON: strings are escaped as
// encoding/json escapes them; verbatim differs only on invalid UTF-8.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r < 0x3000; r++ {
		all.WriteRune(r)
	}
	for _, s := range []string{"", "plain", all.String(), "\xff\xfe", "a\xc3", "\xed\xa0\x80", "\U0001F3B2", "\u2028\u2029"} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s, false); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
		verbatim := appendString(nil, s, true)
		if strings.ToValidUTF8(s, "") == s && !bytes.Equal(verbatim, want) {
			t.Errorf("appendString(%q, verbatim) = %s, want %s", s, verbatim, want)
		}
		var back string
		if err := json.Unmarshal(verbatim, &back); err != nil {
			t.Errorf("verbatim %q does not decode: %v", verbatim, err)
		}
		if m, err := DecodeServer([]byte(`{"command":"action","data":{"id":` + string(verbatim) + `,"name":"a"}}`)); s != "" && (err != nil || m.(ActionRequest).ID != s) {
			t.Errorf("id %q does not come back verbatim: %#v, %v", s, m, err)
		}
	}
}
