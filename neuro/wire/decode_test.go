package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// errSyntax in a table stands for any *syntaxError.
var errSyntax = errors.New("(a syntax error)")

// badInputs are malformed frames for the decoder of side ("server" for
// DecodeServer, "game" for DecodeGame), with the DecodeError each must
// give.
var badInputs = []struct {
	name    string
	side    string
	frame   string
	command string
	field   string
	id      string
	cause   error
}{
	// Not a JSON object, or not well-formed JSON.
	{"empty frame", "server", ``, "", "", "", errNotJSON},
	{"only whitespace", "game", " \n\t", "", "", "", errNotJSON},
	{"JSON null", "server", `null`, "", "", "", errNotJSON},
	{"top-level array", "server", `[{"command":"action"}]`, "", "", "", errNotJSON},
	{"top-level string", "game", `"startup"`, "", "", "", errNotJSON},
	{"byte order mark", "server", "\xef\xbb\xbf{\"command\":\"actions/reregister_all\"}", "", "", "", errNotJSON},
	{"truncated after command", "server", `{"command":"action",`, "action", "", "", errSyntax},
	{"truncated game frame", "game", `{"command":"startup","game":"g"`, "startup", "", "", errSyntax},
	{"trailing garbage", "server", `{"command":"actions/reregister_all"} x`, "actions/reregister_all", "", "", errSyntax},
	{"trailing NUL", "server", "{\"command\":\"actions/reregister_all\"}\x00", "actions/reregister_all", "", "", errSyntax},
	{"two objects", "game", `{"command":"startup","game":"g"}{}`, "startup", "", "", errSyntax},
	{"trailing comma in object", "server", `{"command":"later",}`, "later", "", "", errSyntax},
	{"trailing comma in array", "server", `{"command":"later","n":[1,]}`, "later", "", "", errSyntax},
	{"missing colon", "server", `{"command" "later"}`, "", "", "", errSyntax},
	{"single quotes", "server", `{'command':'later'}`, "", "", "", errSyntax},
	{"leading zero", "server", `{"command":"later","n":01}`, "later", "", "", errSyntax},
	{"bare minus", "server", `{"command":"later","n":-}`, "later", "", "", errSyntax},
	{"fraction without digits", "server", `{"command":"later","n":1.}`, "later", "", "", errSyntax},
	{"exponent without digits", "server", `{"command":"later","n":1e+}`, "later", "", "", errSyntax},
	{"bad literal", "server", `{"command":"later","n":tru}`, "later", "", "", errSyntax},
	{"bad null", "game", `{"command":"context","game":nul}`, "context", "", "", errSyntax},
	{"invalid escape", "server", `{"command":"la\xter"}`, "", "", "", errSyntax},
	{"short unicode escape", "server", `{"command":"later","s":"\u12"}`, "later", "", "", errSyntax},
	{"control character in string", "server", "{\"command\":\"later\",\"s\":\"a\nb\"}", "later", "", "", errSyntax},
	{"unterminated string", "server", `{"command":"later","s":"abc}`, "later", "", "", errSyntax},
	{"nested too deeply", "server", `{"command":"later","data":{"a":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + `}}`, "later", "", "", errSyntax},
	{"unknown data truncated", "server", `{"command":"later","data":{"a":1}`, "later", "", "", errSyntax},

	// The envelope.
	{"missing command", "server", `{"data":{}}`, "", "command", "", errMissing},
	{"null command", "game", `{"command":null,"game":"g"}`, "", "command", "", errMissing},
	{"command not string", "server", `{"command":42}`, "", "command", "", errNotString},
	{"command is object", "game", `{"command":{"name":"startup"},"game":"g"}`, "", "command", "", errNotString},
	{"empty command", "server", `{"command":""}`, "", "command", "", errEmpty},
	{"command twice", "server", `{"command":"action","command":"startup"}`, "action", "command", "", errDuplicate},
	{"data twice", "server", `{"command":"startup","data":{},"data":{}}`, "startup", "data", "", errDuplicate},
	{"data is a string", "server", `{"command":"action","data":"{\"id\":\"1\"}"}`, "action", "data", "", errNotObject},
	{"data is an array", "server", `{"command":"shutdown/graceful","data":[true]}`, "shutdown/graceful", "data", "", errNotObject},
	{"data is a number", "game", `{"command":"context","game":"g","data":5}`, "context", "data", "", errNotObject},
	{"data is a bool, unknown command", "server", `{"command":"later","data":true}`, "later", "data", "", errNotObject},
	{"data before command, not an object", "game", `{"data":5,"command":"context","game":"g"}`, "context", "data", "", errNotObject},
	{"game missing", "game", `{"command":"startup"}`, "startup", "game", "", errMissing},
	{"game null", "game", `{"command":"startup","game":null}`, "startup", "game", "", errMissing},
	{"game not string", "game", `{"command":"startup","game":1}`, "startup", "game", "", errNotString},
	{"game twice", "game", `{"command":"startup","game":"a","game":"a"}`, "startup", "game", "", errDuplicate},

	// action: the id is kept whenever it was readable.
	{"action without data", "server", `{"command":"action"}`, "action", "data", "", errMissing},
	{"action with null data", "server", `{"command":"action","data":null}`, "action", "data", "", errMissing},
	{"action without id", "server", `{"command":"action","data":{"name":"play"}}`, "action", "data.id", "", errMissing},
	{"action id null", "server", `{"command":"action","data":{"id":null,"name":"play"}}`, "action", "data.id", "", errMissing},
	{"action id not string", "server", `{"command":"action","data":{"id":7,"name":"play"}}`, "action", "data.id", "", errNotString},
	{"action id empty", "server", `{"command":"action","data":{"id":"","name":"play"}}`, "action", "data.id", "", errEmpty},
	{"action id twice", "server", `{"command":"action","data":{"id":"a1","id":"a2","name":"play"}}`, "action", "data.id", "", errDuplicate},
	{"action without name", "server", `{"command":"action","data":{"id":"a1"}}`, "action", "data.name", "a1", errMissing},
	{"action name empty", "server", `{"command":"action","data":{"id":"a1","name":""}}`, "action", "data.name", "a1", errEmpty},
	{"action name not string", "server", `{"command":"action","data":{"id":"a1","name":["play"]}}`, "action", "data.name", "a1", errNotString},
	{"action bad name before id", "server", `{"command":"action","data":{"name":5,"id":"a1"}}`, "action", "data.name", "a1", errNotString},
	{"action name twice", "server", `{"command":"action","data":{"name":"a","id":"a1","name":"b"}}`, "action", "data.name", "a1", errDuplicate},
	{"action data is an object", "server", `{"command":"action","data":{"id":"a1","name":"play","data":{"cell":5}}}`, "action", "data.data", "a1", errNotString},
	{"action data is a number", "server", `{"command":"action","data":{"id":"a1","name":"play","data":5}}`, "action", "data.data", "a1", errNotString},
	{"action data twice", "server", `{"command":"action","data":{"id":"a1","name":"play","data":"{}","data":"{}"}}`, "action", "data.data", "a1", errDuplicate},
	{"action trailing garbage", "server", `{"command":"action","data":{"id":"a1","name":"play"}}garbage`, "action", "", "a1", errSyntax},
	{"action trailing garbage, data first", "server", `{"data":{"id":"a1","name":"play"},"command":"action"} }`, "action", "", "a1", errSyntax},
	{"action truncated after the id", "server", `{"command":"action","data":{"id":"a1","name":"pl`, "action", "", "a1", errSyntax},
	{"action truncated before the id", "server", `{"command":"action","data":{"name":"play","id":"a`, "action", "", "", errSyntax},
	{"action data given twice", "server", `{"command":"action","data":{"id":"a1","name":"play"},"data":{}}`, "action", "data", "a1", errDuplicate},

	// Other Neuro → game commands.
	{"graceful without wants_shutdown", "server", `{"command":"shutdown/graceful","data":{}}`, "shutdown/graceful", "data.wants_shutdown", "", errMissing},
	{"graceful without data", "server", `{"command":"shutdown/graceful"}`, "shutdown/graceful", "data.wants_shutdown", "", errMissing},
	{"graceful wants_shutdown not bool", "server", `{"command":"shutdown/graceful","data":{"wants_shutdown":"yes"}}`, "shutdown/graceful", "data.wants_shutdown", "", errNotBool},
	{"graceful wants_shutdown is 1", "server", `{"command":"shutdown/graceful","data":{"wants_shutdown":1}}`, "shutdown/graceful", "data.wants_shutdown", "", errNotBool},
	{"startup session not object", "server", `{"command":"startup","data":{"session":"s-1"}}`, "startup", "data.session", "", errNotObject},
	{"startup session twice", "server", `{"command":"startup","data":{"session":{},"session":{}}}`, "startup", "data.session", "", errDuplicate},
	{"startup sessionId not string", "server", `{"command":"startup","data":{"session":{"sessionId":1}}}`, "startup", "data.session.sessionId", "", errNotString},
	{"speech without isFinal", "server", `{"command":"speech_finished","data":{"cancelled":true}}`, "speech_finished", "data.isFinal", "", errMissing},
	{"speech without data", "server", `{"command":"speech_finished"}`, "speech_finished", "data.isFinal", "", errMissing},
	{"speech isFinal not bool", "server", `{"command":"speech_finished","data":{"isFinal":"true"}}`, "speech_finished", "data.isFinal", "", errNotBool},
	{"speech cancelled not bool", "server", `{"command":"speech_finished","data":{"isFinal":true,"cancelled":0}}`, "speech_finished", "data.cancelled", "", errNotBool},
	{"speech reason not string", "server", `{"command":"speech_finished","data":{"isFinal":true,"reason":{}}}`, "speech_finished", "data.reason", "", errNotString},

	// Game → Neuro commands.
	{"context without message", "game", `{"command":"context","game":"g","data":{"silent":true}}`, "context", "data.message", "", errMissing},
	{"context message null", "game", `{"command":"context","game":"g","data":{"message":null}}`, "context", "data.message", "", errMissing},
	{"context silent not bool", "game", `{"command":"context","game":"g","data":{"message":"m","silent":"no"}}`, "context", "data.silent", "", errNotBool},
	{"register without data", "game", `{"command":"actions/register","game":"g"}`, "actions/register", "data.actions", "", errMissing},
	{"register actions not array", "game", `{"command":"actions/register","game":"g","data":{"actions":{"name":"a"}}}`, "actions/register", "data.actions", "", errNotArray},
	{"register actions twice", "game", `{"command":"actions/register","game":"g","data":{"actions":[],"actions":[]}}`, "actions/register", "data.actions", "", errDuplicate},
	{"register action not object", "game", `{"command":"actions/register","game":"g","data":{"actions":["play"]}}`, "actions/register", "data.actions[0]", "", errNotObject},
	{"register action null", "game", `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a"},null]}}`, "actions/register", "data.actions[1]", "", errNotObject},
	{"register action without name", "game", `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a"},{"description":"b"}]}}`, "actions/register", "data.actions[1].name", "", errMissing},
	{"register name not string", "game", `{"command":"actions/register","game":"g","data":{"actions":[{"name":1}]}}`, "actions/register", "data.actions[0].name", "", errNotString},
	{"register name twice", "game", `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","name":"b"}]}}`, "actions/register", "data.actions[0].name", "", errDuplicate},
	{"register description not string", "game", `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","description":["d"]}]}}`, "actions/register", "data.actions[0].description", "", errNotString},
	{"register schema twice", "game", `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","schema":{},"schema":null}]}}`, "actions/register", "data.actions[0].schema", "", errDuplicate},
	{"register schema number out of range", "game", `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","schema":{"maximum":1e400}}]}}`, "actions/register", "data.actions[0].schema", "", nil},
	{"register schema truncated", "game", `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","schema":{"type":`, "actions/register", "", "", errSyntax},
	{"unregister names not array", "game", `{"command":"actions/unregister","game":"g","data":{"action_names":"a"}}`, "actions/unregister", "data.action_names", "", errNotArray},
	{"unregister names not strings", "game", `{"command":"actions/unregister","game":"g","data":{"action_names":["a",2]}}`, "actions/unregister", "data.action_names[1]", "", errNotString},
	{"force without query", "game", `{"command":"actions/force","game":"g","data":{"action_names":["a"]}}`, "actions/force", "data.query", "", errMissing},
	{"force state not string", "game", `{"command":"actions/force","game":"g","data":{"state":{},"query":"q","action_names":["a"]}}`, "actions/force", "data.state", "", errNotString},
	{"force priority not string", "game", `{"command":"actions/force","game":"g","data":{"query":"q","priority":3,"action_names":["a"]}}`, "actions/force", "data.priority", "", errNotString},
	{"force ephemeral not bool", "game", `{"command":"actions/force","game":"g","data":{"query":"q","ephemeral_context":"true","action_names":["a"]}}`, "actions/force", "data.ephemeral_context", "", errNotBool},
	{"force without names", "game", `{"command":"actions/force","game":"g","data":{"query":"q"}}`, "actions/force", "data.action_names", "", errMissing},
	{"force null name", "game", `{"command":"actions/force","game":"g","data":{"query":"q","action_names":[null]}}`, "actions/force", "data.action_names[0]", "", errNotString},
	{"result without success", "game", `{"command":"action/result","game":"g","data":{"id":"a1","message":"ok"}}`, "action/result", "data.success", "", errMissing},
	{"result without id", "game", `{"command":"action/result","game":"g","data":{"success":true}}`, "action/result", "data.id", "", errMissing},
	{"result id not string", "game", `{"command":"action/result","game":"g","data":{"id":1,"success":true}}`, "action/result", "data.id", "", errNotString},
	{"result id twice", "game", `{"command":"action/result","game":"g","data":{"id":"a","id":"a","success":true}}`, "action/result", "data.id", "", errDuplicate},
	{"result success is a string", "game", `{"command":"action/result","game":"g","data":{"id":"a1","success":"true"}}`, "action/result", "data.success", "", errNotBool},
	{"result message not string", "game", `{"command":"action/result","game":"g","data":{"id":"a1","success":false,"message":{}}}`, "action/result", "data.message", "", errNotString},
}

// TestDecodeBadInput feeds malformed frames to both decoders: each must
// return a *DecodeError naming the bad field, the command when it was
// readable and the action id whenever it was readable; never a message,
// never a panic.
func TestDecodeBadInput(t *testing.T) {
	if len(badInputs) < 100 {
		t.Fatalf("only %d cases", len(badInputs))
	}
	for _, tt := range badInputs {
		t.Run(tt.side+": "+tt.name, func(t *testing.T) {
			var (
				m   Message
				err error
			)
			if tt.side == "server" {
				m, err = DecodeServer([]byte(tt.frame))
			} else {
				_, m, err = DecodeGame([]byte(tt.frame))
			}
			if m != nil {
				t.Errorf("got message %#v with the error", m)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T) is not a *DecodeError", err, err)
			}
			if de.Field != tt.field || de.Command != tt.command || de.ID != tt.id {
				t.Errorf("got Field %q Command %q ID %q, want %q %q %q (%v)", de.Field, de.Command, de.ID, tt.field, tt.command, tt.id, err)
			}
			var se *syntaxError
			switch {
			case tt.cause == errSyntax:
				if !errors.As(err, &se) {
					t.Errorf("error %v is not a syntax error", err)
				}
			case tt.cause != nil && !errors.Is(err, tt.cause):
				t.Errorf("error %v does not wrap %v", err, tt.cause)
			}
			if de.Err == nil || err.Error() == "" {
				t.Errorf("error without a cause or text: %#v", de)
			}
		})
	}
}

func TestDecodeErrorText(t *testing.T) {
	tests := []struct{ frame, want string }{
		{`{"command":"action","data":{"id":"a1"}}`, `wire: bad field "data.name" in "action" message: missing`},
		{`{"command":5}`, `wire: bad field "command": want a string`},
		{`[]`, `wire: malformed frame: not a JSON object`},
		{`{"command":"action","data":{"id":"a1","name":"p"}} x`, `wire: malformed "action" message: invalid character 'x' after the frame's object at offset 51`},
		{`{"command`, `wire: malformed frame: unexpected end of frame at offset 9`},
		{`{"command":"later","s":"\q"}`, `wire: malformed "later" message: invalid escape "\\q" at offset 24`},
	}
	for _, tt := range tests {
		_, err := DecodeServer([]byte(tt.frame))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s:\n got %v\nwant %s", tt.frame, err, tt.want)
		}
	}
}

// TestDecodeActionInvalidUTF8ID checks that an id holding invalid UTF-8
// comes out byte for byte, and goes back byte for byte in the result.
func TestDecodeActionInvalidUTF8ID(t *testing.T) {
	const id = "\xff\xfe-a1-\xc3(-\xed\xa0\x80"
	frame := []byte(`{"command":"action","data":{"id":"` + id + `","name":"play"}}`)
	m, err := DecodeServer(frame)
	if err != nil {
		t.Fatal(err)
	}
	a := m.(ActionRequest)
	if a.ID != id {
		t.Fatalf("ID = %q, want %q", a.ID, id)
	}
	want := []byte(`{"command":"action/result","game":"g","data":{"id":"` + id + `","success":false,"message":"no"}}`)
	got, err := EncodeGame("g", ActionResult{ID: a.ID, Message: "no"})
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("EncodeGame = %q, %v\nwant %q", got, err, want)
	}
	got, _ = NewGameEncoder("g").Append(nil, ActionResult{ID: a.ID, Message: "no"})
	if !bytes.Equal(got, want) {
		t.Fatalf("GameEncoder.Append = %q\nwant %q", got, want)
	}
	_, r, err := DecodeGame(got)
	if err != nil || r.(ActionResult).ID != id {
		t.Fatalf("DecodeGame(result) = %#v, %v", r, err)
	}

	// A bad frame still reports the id as received.
	_, err = DecodeServer([]byte(`{"command":"action","data":{"id":"` + id + `","name":7}}`))
	var de *DecodeError
	if !errors.As(err, &de) || de.ID != id || de.Field != "data.name" {
		t.Fatalf("got %#v, want the raw id", err)
	}
}

// TestDecodeActionTrailingGarbageKeepsID: an action the SDK can name must
// be answerable even when the frame has bytes after its object.
func TestDecodeActionTrailingGarbageKeepsID(t *testing.T) {
	for _, frame := range []string{
		`{"command":"action","data":{"id":"a1","name":"play"}}garbage`,
		`{"command":"action","data":{"id":"a1","name":"play","data":"{}"}} {"command":"action"}`,
		`{"data":{"name":"play","id":"a1"},"command":"action"},`,
	} {
		m, err := DecodeServer([]byte(frame))
		var de *DecodeError
		if m != nil || !errors.As(err, &de) || de.ID != "a1" || de.Command != CmdAction || de.Field != "" {
			t.Errorf("%s: got %#v, %#v; want a DecodeError with ID a1", frame, m, err)
		}
	}
}

func TestDecodeGameReturnsNameWithError(t *testing.T) {
	game, m, err := DecodeGame([]byte(`{"command":"context","game":"Tic Tac","data":{}}`))
	if game != "Tic Tac" || m != nil || err == nil {
		t.Errorf("got %q, %#v, %v", game, m, err)
	}
}

// TestDecodeRegisterSchemaNotes: a schema that is null or not an object
// is noted, and that action and the rest of the frame still decode.
func TestDecodeRegisterSchemaNotes(t *testing.T) {
	frame := `{"command":"actions/register","game":"g","data":{"actions":[
		{"name":"a","schema":null},
		{"name":"b","description":"B","schema":"object"},
		{"name":"c","schema":[{"type":"object"}]},
		{"name":"d","schema":{}},
		{"name":"e","schema":5},
		{"name":"f"},
		{"schema":true,"name":"g"},
		{"name":"h","schema":{"type":"object","properties":{"x":{"type":"string"}}}}
	]}}`
	_, m, err := DecodeGame([]byte(frame))
	if err != nil {
		t.Fatal(err)
	}
	want := RegisterActions{
		Actions: []Action{{Name: "a"}, {Name: "b", Description: "B"}, {Name: "c"}, {Name: "d", Schema: Schema{}},
			{Name: "e"}, {Name: "f"}, {Name: "g"},
			{Name: "h", Schema: Schema{"type": "object", "properties": map[string]any{"x": map[string]any{"type": "string"}}}}},
		SchemaNotes: []SchemaNote{{Index: 0, Null: true}, {Index: 1}, {Index: 2}, {Index: 4}, {Index: 6}},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got  %#v\nwant %#v", m, want)
	}
	// The notes are not sent.
	b, err := EncodeGame("g", want)
	if err != nil || bytes.Contains(b, []byte("note")) || bytes.Contains(b, []byte("Null")) {
		t.Errorf("EncodeGame = %s, %v", b, err)
	}
}

func TestDecodeGameVariants(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		want  Message
	}{
		{"startup with data", `{"command":"startup","game":"g","data":{"x":[1]}}`, Startup{}},
		{"shutdown ready with null data", `{"command":"shutdown/ready","game":"g","data":null}`, ShutdownReady{}},
		{"context without silent", `{"command":"context","game":"g","data":{"message":"m"}}`, ContextMessage{Message: "m"}},
		{"context silent null", `{"command":"context","game":"g","data":{"message":"m","silent":null}}`, ContextMessage{Message: "m"}},
		{"force with nulls and an unusual priority", `{"command":"actions/force","game":"g","data":{"state":null,"query":"q","ephemeral_context":null,"priority":"urgent","action_names":[]}}`,
			ForceActions{Query: "q", Priority: "urgent", ActionNames: []string{}}},
		{"result with null message and extra members", ` {"data":{"message":null,"success":true,"id":"","x":{}},"game":"g","command":"action/result","y":0} `,
			ActionResult{Success: true}},
		{"register with extra members", `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","description":null,"x":1}],"y":[]}}`,
			RegisterActions{Actions: []Action{{Name: "a"}}}},
		{"unknown game command", `{"command":"later/thing","game":"g","data":{"a":[]}}`, Unknown{Cmd: "later/thing", Data: json.RawMessage(`{"a":[]}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			game, m, err := DecodeGame([]byte(tt.frame))
			if err != nil || game != "g" {
				t.Fatalf("DecodeGame: %q, %v", game, err)
			}
			if !reflect.DeepEqual(m, tt.want) {
				t.Errorf("got  %#v\nwant %#v", m, tt.want)
			}
		})
	}
}

// TestDecodeUnknownCopiesData: the message must not alias the frame,
// which a transport may reuse.
func TestDecodeUnknownCopiesData(t *testing.T) {
	frame := []byte(`{"command":"later","data":{"a":1}}`)
	m, err := DecodeServer(frame)
	if err != nil {
		t.Fatal(err)
	}
	for i := range frame {
		frame[i] = ' '
	}
	if got := string(m.(Unknown).Data); got != `{"a":1}` {
		t.Errorf("Data = %q after the frame changed", got)
	}
}

// TestDecodeDeepNesting: nesting is bounded, whatever the depth sent, and
// what is accepted can be encoded again.
func TestDecodeDeepNesting(t *testing.T) {
	ok := strings.Repeat(`{"a":`, maxDepth-baseDepth-1) + "1" + strings.Repeat("}", maxDepth-baseDepth-1)
	m, err := DecodeServer([]byte(`{"command":"later","data":` + ok + `}`))
	if err != nil {
		t.Fatalf("nesting below the limit: %v", err)
	}
	if _, err := EncodeServer(m); err != nil {
		t.Fatalf("re-encoding: %v", err)
	}
	huge := strings.Repeat("[", 1<<20)
	if _, err := DecodeServer([]byte(`{"command":"later","x":` + huge)); err == nil {
		t.Fatal("a million open brackets decoded")
	}
}
