package wire

import (
	"encoding/json"
	"testing"
)

// refDecode is the reference FuzzDecodeAgreesWithJSON holds the decoder
// to: it reads a frame the decoder accepted with a plain json.Unmarshal
// into generic values, and builds the message the decoder should have
// returned, in canonicalMessage's form. It trusts the decoder about which
// frames are acceptable (the table tests check that) and checks the values.
func refDecode(t *testing.T, frame []byte, fromGame bool) (string, Message) {
	env, ok := jsonValue(t, frame).(map[string]any)
	if !ok {
		t.Fatalf("%q: not an object for encoding/json", frame)
	}
	data, _ := env["data"].(map[string]any) // nil when absent or null
	str := func(obj map[string]any, k string) string { s, _ := obj[k].(string); return s }
	boolean := func(obj map[string]any, k string) bool { b, _ := obj[k].(bool); return b }
	strs := func(obj map[string]any, k string) []string {
		out := []string{}
		for _, v := range obj[k].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	cmd := str(env, "command")
	var m Message
	switch {
	case fromGame:
		m = refGame(t, cmd, data, str, boolean, strs)
	case cmd == CmdAction:
		_, hasData := data["data"].(string)
		m = ActionRequest{ID: str(data, "id"), Name: str(data, "name"), Data: str(data, "data"), HasData: hasData}
	case cmd == CmdStartup:
		s, _ := data["session"].(map[string]any)
		m = StartupAck{Session: Session{SessionID: str(s, "sessionId"), CharacterID: str(s, "characterId"), DisplayName: str(s, "displayName")}}
	case cmd == CmdReregisterAll:
		m = ReregisterAll{}
	case cmd == CmdShutdownGraceful:
		m = ShutdownGraceful{WantsShutdown: boolean(data, "wants_shutdown")}
	case cmd == CmdShutdownImmediate:
		m = ShutdownImmediate{}
	case cmd == CmdSpeechFinished:
		m = SpeechFinished{IsFinal: boolean(data, "isFinal"), Cancelled: boolean(data, "cancelled"), Reason: str(data, "reason")}
	default:
		m = refUnknown(t, cmd, data)
	}
	return str(env, "game"), m
}

func refGame(t *testing.T, cmd string, data map[string]any,
	str func(map[string]any, string) string, boolean func(map[string]any, string) bool,
	strs func(map[string]any, string) []string) Message {
	switch cmd {
	case CmdStartup:
		return Startup{}
	case CmdShutdownReady:
		return ShutdownReady{}
	case CmdContext:
		return ContextMessage{Message: str(data, "message"), Silent: boolean(data, "silent")}
	case CmdUnregister:
		return UnregisterActions{ActionNames: strs(data, "action_names")}
	case CmdForce:
		return ForceActions{State: str(data, "state"), Query: str(data, "query"), EphemeralContext: boolean(data, "ephemeral_context"),
			Priority: Priority(str(data, "priority")), ActionNames: strs(data, "action_names")}
	case CmdResult:
		return ActionResult{ID: str(data, "id"), Success: boolean(data, "success"), Message: str(data, "message")}
	case CmdRegister:
		r := RegisterActions{Actions: []Action{}}
		for _, v := range data["actions"].([]any) {
			obj := v.(map[string]any)
			a := Action{Name: str(obj, "name"), Description: str(obj, "description")}
			if s, ok := obj["schema"].(map[string]any); ok && len(s) > 0 {
				// Numbers as the decoder gives them: float64.
				b, err := json.Marshal(s)
				if err != nil || json.Unmarshal(b, &a.Schema) != nil {
					t.Fatalf("schema %v: %v", s, err)
				}
			}
			r.Actions = append(r.Actions, a)
		}
		return r
	}
	return refUnknown(t, cmd, data)
}

func refUnknown(t *testing.T, cmd string, data map[string]any) Message {
	if data == nil {
		return Unknown{Cmd: cmd}
	}
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return Unknown{Cmd: cmd, Data: b}
}
