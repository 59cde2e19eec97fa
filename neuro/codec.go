package neuro

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/neurokit/neurokit/neuro/wire"
)

// DecodeError reports a frame that could not be decoded, naming the bad
// field ("command", "data", "data.id", "data.actions[2].name", ...). When the
// frame was an action whose id could be read, ID holds it so the game can
// still answer with a failed result.
type DecodeError struct {
	Command string // the command, when it could be read
	Field   string // the bad field; "" when the frame is not a JSON object
	ID      string // the action id, for an action frame whose id was readable
	Err     error
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Field == "" {
		return "neuro: malformed frame: " + e.Err.Error()
	}
	if e.Command != "" {
		return fmt.Sprintf("neuro: bad field %q in %q message: %v", e.Field, e.Command, e.Err)
	}
	return fmt.Sprintf("neuro: bad field %q: %v", e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

var (
	errMissing   = errors.New("missing")
	errNotString = errors.New("want a string")
	errNotBool   = errors.New("want a boolean")
	errNotObject = errors.New("want an object")
	errNotArray  = errors.New("want an array")
	errEmpty     = errors.New("must not be empty")
)

// ---- encoding ----

type gameEnvelope struct {
	Command string `json:"command"`
	Game    string `json:"game"`
	Data    any    `json:"data,omitempty"`
}

type serverEnvelope struct {
	Command string `json:"command"`
	Data    any    `json:"data,omitempty"`
}

// EncodeGame encodes m as a game → Neuro frame sent by the game named game.
// Messages without data (startup, shutdown/ready) carry no data field, and
// optional fields left at their zero value are omitted.
func EncodeGame(game string, m Message) ([]byte, error) {
	data, err := dataOf(m)
	if err != nil {
		return nil, err
	}
	return json.Marshal(gameEnvelope{Command: m.Command(), Game: game, Data: data})
}

// EncodeServer encodes m as a Neuro → game frame (no game field).
func EncodeServer(m Message) ([]byte, error) {
	data, err := dataOf(m)
	if err != nil {
		return nil, err
	}
	return json.Marshal(serverEnvelope{Command: m.Command(), Data: data})
}

type actionWithData struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Data string `json:"data"`
}

type actionWithoutData struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func dataOf(m Message) (any, error) {
	switch v := m.(type) {
	case nil:
		return nil, errors.New("neuro: cannot encode a nil message")
	case Startup, ShutdownReady, ReregisterAll, ShutdownImmediate:
		return nil, nil
	case RegisterActions:
		if v.Actions == nil {
			v.Actions = []Action{}
		}
		return v, nil
	case UnregisterActions:
		if v.ActionNames == nil {
			v.ActionNames = []string{}
		}
		return v, nil
	case ForceActions:
		if v.ActionNames == nil {
			v.ActionNames = []string{}
		}
		return v, nil
	case ActionRequest:
		if v.HasData || v.Data != "" {
			return actionWithData{ID: v.ID, Name: v.Name, Data: v.Data}, nil
		}
		return actionWithoutData{ID: v.ID, Name: v.Name}, nil
	case Unknown:
		if len(v.Data) == 0 {
			return nil, nil
		}
		return v.Data, nil
	case Context, ActionResult, StartupAck, ShutdownGraceful:
		return v, nil
	default:
		return nil, fmt.Errorf("neuro: cannot encode message of type %T", m)
	}
}

// ---- decoding ----

type rawEnvelope struct {
	Command json.RawMessage `json:"command"`
	Game    json.RawMessage `json:"game"`
	Data    json.RawMessage `json:"data"`
}

func decodeEnvelope(frame []byte) (cmd string, env rawEnvelope, err error) {
	frame = bytes.TrimSpace(frame)
	if len(frame) == 0 || frame[0] != '{' {
		return "", env, &DecodeError{Err: errors.New("not a JSON object")}
	}
	if err := json.Unmarshal(frame, &env); err != nil {
		return "", env, &DecodeError{Err: err}
	}
	if isAbsent(env.Command) {
		return "", env, &DecodeError{Field: "command", Err: errMissing}
	}
	if err := json.Unmarshal(env.Command, &cmd); err != nil || env.Command[0] != '"' {
		return "", env, &DecodeError{Field: "command", Err: errNotString}
	}
	if cmd == "" {
		return "", env, &DecodeError{Field: "command", Err: errEmpty}
	}
	if !isAbsent(env.Data) && env.Data[0] != '{' {
		return cmd, env, &DecodeError{Command: cmd, Field: "data", Err: errNotObject}
	}
	return cmd, env, nil
}

func isAbsent(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// DecodeServer decodes a Neuro → game frame into one of StartupAck,
// ActionRequest, ReregisterAll, ShutdownGraceful, ShutdownImmediate, or
// Unknown for a command it does not know. A malformed frame returns a
// *DecodeError naming the bad field.
func DecodeServer(frame []byte) (Message, error) {
	if a, ok := decodeActionFast(frame); ok {
		return a, nil
	}
	return decodeServerSlow(frame)
}

// decodeServerSlow is DecodeServer without the fast path.
func decodeServerSlow(frame []byte) (Message, error) {
	cmd, env, err := decodeEnvelope(frame)
	if err != nil {
		return nil, err
	}
	switch cmd {
	case CmdAction:
		return decodeAction(env.Data)
	case CmdReregisterAll:
		return ReregisterAll{}, nil
	case CmdShutdownImmediate:
		return ShutdownImmediate{}, nil
	case CmdShutdownGraceful:
		f, err := fieldsOf(cmd, env.Data)
		if err != nil {
			return nil, err
		}
		b, err := f.boolean("wants_shutdown", true)
		if err != nil {
			return nil, err
		}
		return ShutdownGraceful{WantsShutdown: b}, nil
	case CmdStartup:
		return decodeStartupAck(env.Data)
	default:
		return Unknown{Cmd: cmd, Data: nullToNil(env.Data)}, nil
	}
}

func nullToNil(raw json.RawMessage) json.RawMessage {
	if isAbsent(raw) {
		return nil
	}
	return raw
}

func decodeAction(data json.RawMessage) (Message, error) {
	de := &DecodeError{Command: CmdAction}
	if isAbsent(data) {
		de.Field, de.Err = "data", errMissing
		return nil, de
	}
	var raw struct {
		ID   json.RawMessage `json:"id"`
		Name json.RawMessage `json:"name"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		de.Field, de.Err = "data", err
		return nil, de
	}
	var a ActionRequest
	var err error
	if a.ID, err = requiredString(raw.ID); err != nil {
		de.Field, de.Err = "data.id", err
		return nil, de
	}
	if a.Name, err = requiredString(raw.Name); err != nil {
		de.Field, de.Err, de.ID = "data.name", err, a.ID
		return nil, de
	}
	if !isAbsent(raw.Data) {
		if raw.Data[0] != '"' {
			de.Field, de.Err, de.ID = "data.data", errNotString, a.ID
			return nil, de
		}
		if err := json.Unmarshal(raw.Data, &a.Data); err != nil {
			de.Field, de.Err, de.ID = "data.data", err, a.ID
			return nil, de
		}
		a.HasData = true
	}
	return a, nil
}

func requiredString(raw json.RawMessage) (string, error) {
	if isAbsent(raw) {
		return "", errMissing
	}
	if raw[0] != '"' {
		return "", errNotString
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", err
	}
	if s == "" {
		return "", errEmpty
	}
	return s, nil
}

func decodeStartupAck(data json.RawMessage) (Message, error) {
	f, err := fieldsOf(CmdStartup, data)
	if err != nil {
		return nil, err
	}
	raw, ok := f.m["session"]
	if !ok || isAbsent(raw) {
		return StartupAck{}, nil
	}
	sf, err := fieldsOf(CmdStartup, raw)
	if err != nil {
		err.(*DecodeError).Field = "data.session"
		return nil, err
	}
	sf.prefix = "data.session."
	var s wire.Session
	if s.SessionID, err = sf.str("sessionId", false); err != nil {
		return nil, err
	}
	if s.CharacterID, err = sf.str("characterId", false); err != nil {
		return nil, err
	}
	if s.DisplayName, err = sf.str("displayName", false); err != nil {
		return nil, err
	}
	return StartupAck{Session: s}, nil
}

// DecodeGame decodes a game → Neuro frame, returning the game name it
// carries and one of Startup, Context, RegisterActions, UnregisterActions,
// ForceActions, ActionResult, ShutdownReady, or Unknown. It is what a Neuro
// server (such as neuro/server) reads. A schema sent as JSON null decodes as
// no schema.
func DecodeGame(frame []byte) (game string, m Message, err error) {
	if game, r, ok := decodeResultFast(frame); ok {
		return game, r, nil
	}
	return decodeGameSlow(frame)
}

// decodeGameSlow is DecodeGame without the fast path.
func decodeGameSlow(frame []byte) (game string, m Message, err error) {
	cmd, env, err := decodeEnvelope(frame)
	if err != nil {
		return "", nil, err
	}
	if isAbsent(env.Game) {
		return "", nil, &DecodeError{Command: cmd, Field: "game", Err: errMissing}
	}
	if env.Game[0] != '"' || json.Unmarshal(env.Game, &game) != nil {
		return "", nil, &DecodeError{Command: cmd, Field: "game", Err: errNotString}
	}
	switch cmd {
	case CmdStartup:
		return game, Startup{}, nil
	case CmdShutdownReady:
		return game, ShutdownReady{}, nil
	}
	f, err := fieldsOf(cmd, env.Data)
	if err != nil {
		return game, nil, err
	}
	switch cmd {
	case CmdContext:
		var c Context
		if c.Message, err = f.str("message", true); err != nil {
			return game, nil, err
		}
		if c.Silent, err = f.boolean("silent", false); err != nil {
			return game, nil, err
		}
		return game, c, nil
	case CmdRegister:
		acts, err := f.actions("actions")
		if err != nil {
			return game, nil, err
		}
		return game, RegisterActions{Actions: acts}, nil
	case CmdUnregister:
		names, err := f.strings("action_names")
		if err != nil {
			return game, nil, err
		}
		return game, UnregisterActions{ActionNames: names}, nil
	case CmdForce:
		var fa ForceActions
		if fa.State, err = f.str("state", false); err != nil {
			return game, nil, err
		}
		if fa.Query, err = f.str("query", true); err != nil {
			return game, nil, err
		}
		if fa.EphemeralContext, err = f.boolean("ephemeral_context", false); err != nil {
			return game, nil, err
		}
		p, err := f.str("priority", false)
		if err != nil {
			return game, nil, err
		}
		fa.Priority = Priority(p)
		if fa.ActionNames, err = f.strings("action_names"); err != nil {
			return game, nil, err
		}
		return game, fa, nil
	case CmdResult:
		var r ActionResult
		if r.ID, err = f.str("id", true); err != nil {
			return game, nil, err
		}
		if r.Success, err = f.boolean("success", true); err != nil {
			return game, nil, err
		}
		if r.Message, err = f.str("message", false); err != nil {
			return game, nil, err
		}
		return game, r, nil
	default:
		return game, Unknown{Cmd: cmd, Data: nullToNil(env.Data)}, nil
	}
}

// fields reads the members of one JSON object, naming bad fields.
type fields struct {
	cmd    string
	prefix string
	m      map[string]json.RawMessage
}

func fieldsOf(cmd string, data json.RawMessage) (*fields, error) {
	f := &fields{cmd: cmd, prefix: "data."}
	if isAbsent(data) {
		return f, nil
	}
	if data[0] != '{' {
		return nil, &DecodeError{Command: cmd, Field: "data", Err: errNotObject}
	}
	if err := json.Unmarshal(data, &f.m); err != nil {
		return nil, &DecodeError{Command: cmd, Field: "data", Err: err}
	}
	return f, nil
}

func (f *fields) fail(name string, err error) error {
	return &DecodeError{Command: f.cmd, Field: f.prefix + name, Err: err}
}

func (f *fields) str(name string, required bool) (string, error) {
	raw, ok := f.m[name]
	if !ok || isAbsent(raw) {
		if required {
			return "", f.fail(name, errMissing)
		}
		return "", nil
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", f.fail(name, errNotString)
	}
	return s, nil
}

func (f *fields) boolean(name string, required bool) (bool, error) {
	raw, ok := f.m[name]
	if !ok || isAbsent(raw) {
		if required {
			return false, f.fail(name, errMissing)
		}
		return false, nil
	}
	switch string(raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, f.fail(name, errNotBool)
}

func (f *fields) array(name string) ([]json.RawMessage, error) {
	raw, ok := f.m[name]
	if !ok || isAbsent(raw) {
		return nil, f.fail(name, errMissing)
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, f.fail(name, errNotArray)
	}
	return items, nil
}

func (f *fields) strings(name string) ([]string, error) {
	items, err := f.array(name)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, raw := range items {
		if isAbsent(raw) || raw[0] != '"' || json.Unmarshal(raw, &out[i]) != nil {
			return nil, f.fail(fmt.Sprintf("%s[%d]", name, i), errNotString)
		}
	}
	return out, nil
}

func (f *fields) actions(name string) ([]Action, error) {
	items, err := f.array(name)
	if err != nil {
		return nil, err
	}
	out := make([]Action, len(items))
	for i, raw := range items {
		at := fmt.Sprintf("%s[%d]", name, i)
		af, err := fieldsOf(f.cmd, raw)
		if err != nil || isAbsent(raw) {
			return nil, f.fail(at, errNotObject)
		}
		af.prefix = f.prefix + at + "."
		if out[i].Name, err = af.str("name", true); err != nil {
			return nil, err
		}
		if out[i].Description, err = af.str("description", false); err != nil {
			return nil, err
		}
		if sraw, ok := af.m["schema"]; ok && !isAbsent(sraw) {
			if sraw[0] != '{' || json.Unmarshal(sraw, &out[i].Schema) != nil {
				return nil, af.fail("schema", errNotObject)
			}
		}
	}
	return out, nil
}
