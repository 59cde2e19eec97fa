package neuro

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/neurokit/neurokit/neuro/wire"
)

// goldenGame is the game name used by the golden game → Neuro frames. It
// holds a quote and symbols on purpose: the name is sent as is.
const goldenGame = `Neuro's "Tic" Tac Toe`

const goldenGameJSON = `"Neuro's \"Tic\" Tac Toe"`

var goldenSchema = Schema{
	"type":       "object",
	"properties": map[string]any{"cell": map[string]any{"type": "integer", "minimum": 1, "maximum": 9}},
	"required":   []any{"cell"},
}

// gameGolden lists, for every game → Neuro command with and without each
// optional field, the exact frame EncodeGame produces. decoded, when set,
// is what DecodeGame returns for it (when it differs from msg only by nil
// versus empty slices).
var gameGolden = []struct {
	name    string
	msg     Message
	frame   string
	decoded Message
}{
	{"startup", Startup{},
		`{"command":"startup","game":` + goldenGameJSON + `}`, nil},
	{"context", Context{Message: "X played 5."},
		`{"command":"context","game":` + goldenGameJSON + `,"data":{"message":"X played 5.","silent":false}}`, nil},
	{"context silent", Context{Message: "The board is empty.", Silent: true},
		`{"command":"context","game":` + goldenGameJSON + `,"data":{"message":"The board is empty.","silent":true}}`, nil},
	{"context escapes", Context{Message: "a \"quote\", a\nnewline, <tags> & \u2028"},
		`{"command":"context","game":` + goldenGameJSON + `,"data":{"message":"a \"quote\", a\nnewline, \u003ctags\u003e \u0026 \u2028","silent":false}}`, nil},
	{"register without schema", RegisterActions{Actions: []Action{{Name: "pass", Description: "Skip your turn."}}},
		`{"command":"actions/register","game":` + goldenGameJSON + `,"data":{"actions":[{"name":"pass","description":"Skip your turn."}]}}`, nil},
	{"register with schema", RegisterActions{Actions: []Action{{Name: "play", Description: "Place your mark.", Schema: goldenSchema}}},
		`{"command":"actions/register","game":` + goldenGameJSON + `,"data":{"actions":[{"name":"play","description":"Place your mark.","schema":{"properties":{"cell":{"maximum":9,"minimum":1,"type":"integer"}},"required":["cell"],"type":"object"}}]}}`,
		RegisterActions{Actions: []Action{{Name: "play", Description: "Place your mark.", Schema: Schema{
			"type":       "object",
			"properties": map[string]any{"cell": map[string]any{"type": "integer", "minimum": 1.0, "maximum": 9.0}},
			"required":   []any{"cell"},
		}}}}},
	{"register with empty schema", RegisterActions{Actions: []Action{{Name: "pass", Description: "Skip.", Schema: Schema{}}, {Name: "fold"}}},
		`{"command":"actions/register","game":` + goldenGameJSON + `,"data":{"actions":[{"name":"pass","description":"Skip."},{"name":"fold","description":""}]}}`,
		RegisterActions{Actions: []Action{{Name: "pass", Description: "Skip."}, {Name: "fold"}}}},
	{"register nothing", RegisterActions{},
		`{"command":"actions/register","game":` + goldenGameJSON + `,"data":{"actions":[]}}`,
		RegisterActions{Actions: []Action{}}},
	{"unregister", UnregisterActions{ActionNames: []string{"play", "pass"}},
		`{"command":"actions/unregister","game":` + goldenGameJSON + `,"data":{"action_names":["play","pass"]}}`, nil},
	{"unregister nothing", UnregisterActions{},
		`{"command":"actions/unregister","game":` + goldenGameJSON + `,"data":{"action_names":[]}}`,
		UnregisterActions{ActionNames: []string{}}},
	{"force minimal", ForceActions{Query: "Your turn.", ActionNames: []string{"play"}},
		`{"command":"actions/force","game":` + goldenGameJSON + `,"data":{"query":"Your turn.","action_names":["play"]}}`, nil},
	{"force with state", ForceActions{State: "# Board\n. . .", Query: "Your turn.", ActionNames: []string{"play"}},
		`{"command":"actions/force","game":` + goldenGameJSON + `,"data":{"state":"# Board\n. . .","query":"Your turn.","action_names":["play"]}}`, nil},
	{"force ephemeral", ForceActions{Query: "Your turn.", EphemeralContext: true, ActionNames: []string{"play"}},
		`{"command":"actions/force","game":` + goldenGameJSON + `,"data":{"query":"Your turn.","ephemeral_context":true,"action_names":["play"]}}`, nil},
	{"force with priority", ForceActions{Query: "Now!", Priority: PriorityCritical, ActionNames: []string{"play"}},
		`{"command":"actions/force","game":` + goldenGameJSON + `,"data":{"query":"Now!","priority":"critical","action_names":["play"]}}`, nil},
	{"force full", ForceActions{State: "s", Query: "q", EphemeralContext: true, Priority: PriorityLow, ActionNames: []string{"play", "pass"}},
		`{"command":"actions/force","game":` + goldenGameJSON + `,"data":{"state":"s","query":"q","ephemeral_context":true,"priority":"low","action_names":["play","pass"]}}`, nil},
	{"result success", ActionResult{ID: "a1", Success: true},
		`{"command":"action/result","game":` + goldenGameJSON + `,"data":{"id":"a1","success":true}}`, nil},
	{"result success with message", ActionResult{ID: "a1", Success: true, Message: "Not now; no retry."},
		`{"command":"action/result","game":` + goldenGameJSON + `,"data":{"id":"a1","success":true,"message":"Not now; no retry."}}`, nil},
	{"result failure", ActionResult{ID: "a2", Message: "Cell 5 is taken; free cells are 1, 9."},
		`{"command":"action/result","game":` + goldenGameJSON + `,"data":{"id":"a2","success":false,"message":"Cell 5 is taken; free cells are 1, 9."}}`, nil},
	{"result failure without message", ActionResult{ID: "a3"},
		`{"command":"action/result","game":` + goldenGameJSON + `,"data":{"id":"a3","success":false}}`, nil},
	{"shutdown ready", ShutdownReady{},
		`{"command":"shutdown/ready","game":` + goldenGameJSON + `}`, nil},
	{"unknown with data", Unknown{Cmd: "custom/thing", Data: json.RawMessage(`{"a":1}`)},
		`{"command":"custom/thing","game":` + goldenGameJSON + `,"data":{"a":1}}`, nil},
	{"unknown without data", Unknown{Cmd: "custom/ping"},
		`{"command":"custom/ping","game":` + goldenGameJSON + `}`, nil},
}

// serverGolden lists every Neuro → game command and the exact frame
// EncodeServer produces; DecodeServer must give msg back.
var serverGolden = []struct {
	name    string
	msg     Message
	frame   string
	decoded Message
}{
	{"startup ack", StartupAck{Session: wire.Session{SessionID: "s-42", CharacterID: "evil", DisplayName: "Evil Neuro"}},
		`{"command":"startup","data":{"session":{"sessionId":"s-42","characterId":"evil","displayName":"Evil Neuro"}}}`, nil},
	{"startup ack empty", StartupAck{},
		`{"command":"startup","data":{"session":{"sessionId":"","characterId":"","displayName":""}}}`, nil},
	{"action with data", ActionRequest{ID: "a1", Name: "play", Data: `{"cell": 5}`, HasData: true},
		`{"command":"action","data":{"id":"a1","name":"play","data":"{\"cell\": 5}"}}`, nil},
	{"action with data, HasData unset", ActionRequest{ID: "a1", Name: "play", Data: `{}`},
		`{"command":"action","data":{"id":"a1","name":"play","data":"{}"}}`,
		ActionRequest{ID: "a1", Name: "play", Data: `{}`, HasData: true}},
	{"action with empty data", ActionRequest{ID: "a1", Name: "play", HasData: true},
		`{"command":"action","data":{"id":"a1","name":"play","data":""}}`, nil},
	{"action without data", ActionRequest{ID: "a2", Name: "pass"},
		`{"command":"action","data":{"id":"a2","name":"pass"}}`, nil},
	{"reregister all", ReregisterAll{},
		`{"command":"actions/reregister_all"}`, nil},
	{"shutdown graceful", ShutdownGraceful{WantsShutdown: true},
		`{"command":"shutdown/graceful","data":{"wants_shutdown":true}}`, nil},
	{"shutdown graceful cancelled", ShutdownGraceful{},
		`{"command":"shutdown/graceful","data":{"wants_shutdown":false}}`, nil},
	{"shutdown immediate", ShutdownImmediate{},
		`{"command":"shutdown/immediate"}`, nil},
	{"unknown with data", Unknown{Cmd: "speech_finished", Data: json.RawMessage(`{"id":7}`)},
		`{"command":"speech_finished","data":{"id":7}}`, nil},
	{"unknown without data", Unknown{Cmd: "speech_finished"},
		`{"command":"speech_finished"}`, nil},
}

func TestEncodeGameGolden(t *testing.T) {
	for _, tt := range gameGolden {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeGame(goldenGame, tt.msg)
			if err != nil {
				t.Fatalf("EncodeGame: %v", err)
			}
			if string(got) != tt.frame {
				t.Errorf("EncodeGame:\n got %s\nwant %s", got, tt.frame)
			}
		})
	}
}

func TestDecodeGameGolden(t *testing.T) {
	for _, tt := range gameGolden {
		t.Run(tt.name, func(t *testing.T) {
			game, m, err := DecodeGame([]byte(tt.frame))
			if err != nil {
				t.Fatalf("DecodeGame: %v", err)
			}
			if game != goldenGame {
				t.Errorf("game = %q, want %q", game, goldenGame)
			}
			want := tt.decoded
			if want == nil {
				want = tt.msg
			}
			if !reflect.DeepEqual(m, want) {
				t.Errorf("DecodeGame:\n got %#v\nwant %#v", m, want)
			}
		})
	}
}

func TestEncodeServerGolden(t *testing.T) {
	for _, tt := range serverGolden {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeServer(tt.msg)
			if err != nil {
				t.Fatalf("EncodeServer: %v", err)
			}
			if string(got) != tt.frame {
				t.Errorf("EncodeServer:\n got %s\nwant %s", got, tt.frame)
			}
		})
	}
}

func TestDecodeServerGolden(t *testing.T) {
	for _, tt := range serverGolden {
		t.Run(tt.name, func(t *testing.T) {
			m, err := DecodeServer([]byte(tt.frame))
			if err != nil {
				t.Fatalf("DecodeServer: %v", err)
			}
			want := tt.decoded
			if want == nil {
				want = tt.msg
			}
			if !reflect.DeepEqual(m, want) {
				t.Errorf("DecodeServer:\n got %#v\nwant %#v", m, want)
			}
		})
	}
}

// TestDecodeServerVariants covers frames that real servers send but
// EncodeServer never produces.
func TestDecodeServerVariants(t *testing.T) {
	tests := []struct {
		name  string
		frame string
		want  Message
	}{
		{"action data null", `{"command":"action","data":{"id":"a1","name":"pass","data":null}}`,
			ActionRequest{ID: "a1", Name: "pass"}},
		{"action with unicode data", `{"command":"action","data":{"id":"a1","name":"say","data":"{\"text\":\"h\u00e9\"}"}}`,
			ActionRequest{ID: "a1", Name: "say", Data: `{"text":"hé"}`, HasData: true}},
		{"action with extra fields", `{"command":"action","data":{"id":"a1","name":"pass","force_id":3},"extra":true}`,
			ActionRequest{ID: "a1", Name: "pass"}},
		{"whitespace around", " \r\n\t{ \"command\" : \"actions/reregister_all\" }\n", ReregisterAll{}},
		{"reregister_all with empty data", `{"command":"actions/reregister_all","data":{}}`, ReregisterAll{}},
		{"reregister_all with null data", `{"command":"actions/reregister_all","data":null}`, ReregisterAll{}},
		{"shutdown immediate with data", `{"command":"shutdown/immediate","data":{}}`, ShutdownImmediate{}},
		{"startup ack without data", `{"command":"startup"}`, StartupAck{}},
		{"startup ack with null session", `{"command":"startup","data":{"session":null}}`, StartupAck{}},
		{"startup ack with partial session", `{"command":"startup","data":{"session":{"characterId":"neuro"}}}`,
			StartupAck{Session: wire.Session{CharacterID: "neuro"}}},
		{"unknown keeps raw data", `{"command":"speech_finished","data":{ "n" : [1, 2] }}`,
			Unknown{Cmd: "speech_finished", Data: json.RawMessage(`{ "n" : [1, 2] }`)}},
		{"unknown with null data", `{"command":"later/thing","data":null}`, Unknown{Cmd: "later/thing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := DecodeServer([]byte(tt.frame))
			if err != nil {
				t.Fatalf("DecodeServer: %v", err)
			}
			if !reflect.DeepEqual(m, tt.want) {
				t.Errorf("DecodeServer:\n got %#v\nwant %#v", m, tt.want)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	if _, err := EncodeGame("g", nil); err == nil {
		t.Error("EncodeGame(nil) succeeded")
	}
	if _, err := EncodeServer(nil); err == nil {
		t.Error("EncodeServer(nil) succeeded")
	}
	if _, err := EncodeGame("g", &Context{}); err == nil {
		t.Error("EncodeGame(*Context) succeeded")
	}
	if _, err := EncodeServer(Unknown{Cmd: "x", Data: json.RawMessage(`{bad`)}); err == nil {
		t.Error("EncodeServer with invalid raw data succeeded")
	}
	bad := RegisterActions{Actions: []Action{{Name: "a", Schema: Schema{"f": func() {}}}}}
	if _, err := EncodeGame("g", bad); err == nil {
		t.Error("EncodeGame with an unencodable schema succeeded")
	}
}

// TestDecodeBadInput feeds malformed frames to both decoders: each must
// return a *DecodeError naming the bad field (and keep the id of an action
// whose id could be read), never panic and never return a message.
func TestDecodeBadInput(t *testing.T) {
	const server, game = "server", "game"
	tests := []struct {
		name    string
		side    string
		frame   string
		command string
		field   string
		id      string
		cause   error // a sentinel wrapped by the error, when there is one
	}{
		{"empty frame", server, ``, "", "", "", nil},
		{"invalid JSON", server, `{"command":"action",`, "", "", "", nil},
		{"invalid JSON game", game, `{"command":"startup","game":"g"`, "", "", "", nil},
		{"JSON null", server, `null`, "", "", "", nil},
		{"top-level array", server, `[{"command":"action"}]`, "", "", "", nil},
		{"top-level string", game, `"startup"`, "", "", "", nil},
		{"trailing garbage", server, `{"command":"actions/reregister_all"} x`, "", "", "", nil},
		{"missing command", server, `{"data":{}}`, "", "command", "", errMissing},
		{"null command", game, `{"command":null,"game":"g"}`, "", "command", "", errMissing},
		{"command not string", server, `{"command":42}`, "", "command", "", errNotString},
		{"command is object", game, `{"command":{"name":"startup"},"game":"g"}`, "", "command", "", errNotString},
		{"empty command", server, `{"command":""}`, "", "command", "", errEmpty},
		{"data is a string", server, `{"command":"action","data":"{\"id\":\"1\"}"}`, "action", "data", "", errNotObject},
		{"data is an array", server, `{"command":"shutdown/graceful","data":[true]}`, "shutdown/graceful", "data", "", errNotObject},
		{"data is a number", game, `{"command":"context","game":"g","data":5}`, "context", "data", "", errNotObject},
		{"data is a bool, unknown command", server, `{"command":"later","data":true}`, "later", "data", "", errNotObject},
		{"action without data", server, `{"command":"action"}`, "action", "data", "", errMissing},
		{"action without id", server, `{"command":"action","data":{"name":"play"}}`, "action", "data.id", "", errMissing},
		{"action id null", server, `{"command":"action","data":{"id":null,"name":"play"}}`, "action", "data.id", "", errMissing},
		{"action id not string", server, `{"command":"action","data":{"id":7,"name":"play"}}`, "action", "data.id", "", errNotString},
		{"action id empty", server, `{"command":"action","data":{"id":"","name":"play"}}`, "action", "data.id", "", errEmpty},
		{"action without name", server, `{"command":"action","data":{"id":"a1"}}`, "action", "data.name", "a1", errMissing},
		{"action name not string", server, `{"command":"action","data":{"id":"a1","name":["play"]}}`, "action", "data.name", "a1", errNotString},
		{"action data is an object", server, `{"command":"action","data":{"id":"a1","name":"play","data":{"cell":5}}}`, "action", "data.data", "a1", errNotString},
		{"action data is a number", server, `{"command":"action","data":{"id":"a1","name":"play","data":5}}`, "action", "data.data", "a1", errNotString},
		{"graceful without wants_shutdown", server, `{"command":"shutdown/graceful","data":{}}`, "shutdown/graceful", "data.wants_shutdown", "", errMissing},
		{"graceful without data", server, `{"command":"shutdown/graceful"}`, "shutdown/graceful", "data.wants_shutdown", "", errMissing},
		{"graceful wants_shutdown not bool", server, `{"command":"shutdown/graceful","data":{"wants_shutdown":"yes"}}`, "shutdown/graceful", "data.wants_shutdown", "", errNotBool},
		{"graceful wants_shutdown is 1", server, `{"command":"shutdown/graceful","data":{"wants_shutdown":1}}`, "shutdown/graceful", "data.wants_shutdown", "", errNotBool},
		{"startup session not object", server, `{"command":"startup","data":{"session":"s-1"}}`, "startup", "data.session", "", errNotObject},
		{"startup sessionId not string", server, `{"command":"startup","data":{"session":{"sessionId":1}}}`, "startup", "data.session.sessionId", "", errNotString},
		{"game missing", game, `{"command":"startup"}`, "startup", "game", "", errMissing},
		{"game null", game, `{"command":"startup","game":null}`, "startup", "game", "", errMissing},
		{"game not string", game, `{"command":"startup","game":1}`, "startup", "game", "", errNotString},
		{"context without message", game, `{"command":"context","game":"g","data":{"silent":true}}`, "context", "data.message", "", errMissing},
		{"context silent not bool", game, `{"command":"context","game":"g","data":{"message":"m","silent":"no"}}`, "context", "data.silent", "", errNotBool},
		{"register without data", game, `{"command":"actions/register","game":"g"}`, "actions/register", "data.actions", "", errMissing},
		{"register actions not array", game, `{"command":"actions/register","game":"g","data":{"actions":{"name":"a"}}}`, "actions/register", "data.actions", "", errNotArray},
		{"register action not object", game, `{"command":"actions/register","game":"g","data":{"actions":["play"]}}`, "actions/register", "data.actions[0]", "", errNotObject},
		{"register action null", game, `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a"},null]}}`, "actions/register", "data.actions[1]", "", errNotObject},
		{"register action without name", game, `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a"},{"description":"b"}]}}`, "actions/register", "data.actions[1].name", "", errMissing},
		{"register schema not object", game, `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","schema":"object"}]}}`, "actions/register", "data.actions[0].schema", "", errNotObject},
		{"register schema is array", game, `{"command":"actions/register","game":"g","data":{"actions":[{"name":"a","schema":[]}]}}`, "actions/register", "data.actions[0].schema", "", errNotObject},
		{"unregister names not strings", game, `{"command":"actions/unregister","game":"g","data":{"action_names":["a",2]}}`, "actions/unregister", "data.action_names[1]", "", errNotString},
		{"force without query", game, `{"command":"actions/force","game":"g","data":{"action_names":["a"]}}`, "actions/force", "data.query", "", errMissing},
		{"force priority not string", game, `{"command":"actions/force","game":"g","data":{"query":"q","priority":3,"action_names":["a"]}}`, "actions/force", "data.priority", "", errNotString},
		{"force ephemeral not bool", game, `{"command":"actions/force","game":"g","data":{"query":"q","ephemeral_context":"true","action_names":["a"]}}`, "actions/force", "data.ephemeral_context", "", errNotBool},
		{"force without names", game, `{"command":"actions/force","game":"g","data":{"query":"q"}}`, "actions/force", "data.action_names", "", errMissing},
		{"result without success", game, `{"command":"action/result","game":"g","data":{"id":"a1","message":"ok"}}`, "action/result", "data.success", "", errMissing},
		{"result without id", game, `{"command":"action/result","game":"g","data":{"success":true}}`, "action/result", "data.id", "", errMissing},
		{"result message not string", game, `{"command":"action/result","game":"g","data":{"id":"a1","success":false,"message":{}}}`, "action/result", "data.message", "", errNotString},
	}
	for _, tt := range tests {
		t.Run(tt.side+": "+tt.name, func(t *testing.T) {
			var (
				m   Message
				err error
			)
			if tt.side == server {
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
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("error %v does not wrap %v", err, tt.cause)
			}
			if de.Err == nil || err.Error() == "" {
				t.Errorf("error without a cause or text: %#v", de)
			}
		})
	}
}

func TestDecodeErrorText(t *testing.T) {
	_, err := DecodeServer([]byte(`{"command":"action","data":{"id":"a1"}}`))
	if got, want := err.Error(), `neuro: bad field "data.name" in "action" message: missing`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, err = DecodeServer([]byte(`{"command":5}`))
	if got, want := err.Error(), `neuro: bad field "command": want a string`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, err = DecodeServer([]byte(`[]`))
	if got, want := err.Error(), `neuro: malformed frame: not a JSON object`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
