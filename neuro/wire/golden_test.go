package wire

import (
	"encoding/json"
	"reflect"
	"testing"
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
	{"context", ContextMessage{Message: "X played 5."},
		`{"command":"context","game":` + goldenGameJSON + `,"data":{"message":"X played 5.","silent":false}}`, nil},
	{"context silent", ContextMessage{Message: "The board is empty.", Silent: true},
		`{"command":"context","game":` + goldenGameJSON + `,"data":{"message":"The board is empty.","silent":true}}`, nil},
	{"context escapes", ContextMessage{Message: "a \"quote\", a\nnewline, <tags> & \u2028"},
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
	{"result id with invalid UTF-8, written back verbatim", ActionResult{ID: "a\xff\xfe1", Success: true},
		"{\"command\":\"action/result\",\"game\":" + goldenGameJSON + ",\"data\":{\"id\":\"a\xff\xfe1\",\"success\":true}}", nil},
	{"result escapes", ActionResult{ID: "<1>", Message: "a \"quote\"\n\t\u2029"},
		`{"command":"action/result","game":` + goldenGameJSON + `,"data":{"id":"\u003c1\u003e","success":false,"message":"a \"quote\"\n\t\u2029"}}`, nil},
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
	{"startup ack", StartupAck{Session: Session{SessionID: "s-42", CharacterID: "evil", DisplayName: "Evil Neuro"}},
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
	{"speech finished", SpeechFinished{IsFinal: true},
		`{"command":"speech_finished","data":{"isFinal":true}}`, nil},
	{"speech not finished", SpeechFinished{},
		`{"command":"speech_finished","data":{"isFinal":false}}`, nil},
	{"speech cancelled", SpeechFinished{IsFinal: true, Cancelled: true, Reason: "interrupted"},
		`{"command":"speech_finished","data":{"isFinal":true,"cancelled":true,"reason":"interrupted"}}`, nil},
	{"startup ack escapes", StartupAck{Session: Session{SessionID: "<s>", CharacterID: "neuro", DisplayName: "Neuro-sama"}},
		`{"command":"startup","data":{"session":{"sessionId":"\u003cs\u003e","characterId":"neuro","displayName":"Neuro-sama"}}}`, nil},
	{"action id with invalid UTF-8", ActionRequest{ID: "a\xff\xfe1", Name: "play"},
		"{\"command\":\"action\",\"data\":{\"id\":\"a\xff\xfe1\",\"name\":\"play\"}}", nil},
	{"unknown with data", Unknown{Cmd: "voice/speaking", Data: json.RawMessage(`{"speaking":true}`)},
		`{"command":"voice/speaking","data":{"speaking":true}}`, nil},
	{"unknown without data", Unknown{Cmd: "voice/cancelled"},
		`{"command":"voice/cancelled"}`, nil},
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
			StartupAck{Session: Session{CharacterID: "neuro"}}},
		{"startup ack with null members", `{"command":"startup","data":{"session":{"sessionId":null,"characterId":"evil","displayName":null,"extra":1}}}`,
			StartupAck{Session: Session{CharacterID: "evil"}}},
		{"unknown keeps raw data", `{"command":"later/thing","data":{ "n" : [1, 2] }}`,
			Unknown{Cmd: "later/thing", Data: json.RawMessage(`{ "n" : [1, 2] }`)}},
		{"speech_finished with nulls", `{"command":"speech_finished","data":{"isFinal":true,"cancelled":null,"reason":null}}`,
			SpeechFinished{IsFinal: true}},
		{"speech_finished members in any order", `{"data":{"reason":"interrupted","isFinal":true,"cancelled":true},"command":"speech_finished"}`,
			SpeechFinished{IsFinal: true, Cancelled: true, Reason: "interrupted"}},
		{"data before command", `{"data":{"name":"play","id":"a1"},"command":"action"}`,
			ActionRequest{ID: "a1", Name: "play"}},
		{"escaped key and command", `{"comm\u0061nd":"\u0061ction","data":{"\u0069d":"a\/1","name":"pl\u00e9y"}}`,
			ActionRequest{ID: "a/1", Name: "pl\u00e9y"}},
		{"case-different keys are other members", `{"command":"action","Command":5,"data":{"id":"a1","name":"play","ID":"b"},"DATA":null}`,
			ActionRequest{ID: "a1", Name: "play"}},
		{"game member ignored", `{"command":"action","game":7,"data":{"id":"a1","name":"play"}}`,
			ActionRequest{ID: "a1", Name: "play"}},
		{"surrogate pair and lone surrogate", `{"command":"action","data":{"id":"\ud83c\udfb2\ud800x","name":"p"}}`,
			ActionRequest{ID: "\U0001F3B2\uFFFDx", Name: "p"}},
		{"invalid UTF-8 outside ids is replaced", "{\"command\":\"action\",\"data\":{\"id\":\"a\",\"name\":\"p\xff\",\"data\":\"\xc3\"}}",
			ActionRequest{ID: "a", Name: "p\uFFFD", Data: "\uFFFD", HasData: true}},
		{"unknown members of every kind skipped", `{"command":"shutdown/graceful","x":[{"a":[1.5e3,-0,true,false,null,"\""]},{}],"data":{"y":{"z":[]},"wants_shutdown":true}}`,
			ShutdownGraceful{WantsShutdown: true}},
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
