package server

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/neurokit/neurokit/neuro"
)

// This file is the simulator's only contact with package neuro's
// protocol functions: decoding what games send, encoding and decoding
// what the server sends, and checking registered actions. Everything
// else uses the message types only.

// decoded is a frame from a game as the simulator reads it.
type decoded struct {
	game string
	msg  neuro.Message // nil when err is set
	cmd  string        // "" when unreadable
	err  error
	// For actions/register: the actions whose schema was not a JSON
	// object (decoded without it) and those that sent "schema": null.
	notObject  map[int]bool
	nullSchema map[int]bool
}

// decodeGame decodes a game → Neuro frame. A register frame that fails
// only because of schemas that are not JSON objects is decoded without
// them, and notObject says which.
func decodeGame(frame []byte) decoded {
	d := decodeGameOnce(frame)
	if d.err != nil {
		if fixed, idx := dropNonObjectSchemas(frame, d.err); fixed != nil {
			if d2 := decodeGameOnce(fixed); d2.err == nil {
				d2.notObject = idx
				d = d2
			}
		}
	}
	if _, ok := d.msg.(neuro.RegisterActions); ok {
		d.nullSchema = nullSchemas(frame)
	}
	return d
}

func decodeGameOnce(frame []byte) decoded {
	var d decoded
	d.game, d.msg, d.err = neuro.DecodeGame(frame)
	d.cmd = commandOf(d.msg, d.err)
	return d
}

// decodeToGame decodes a Neuro → game frame: the message (nil when it
// does not decode) and its command ("" when unreadable).
func decodeToGame(frame []byte) (neuro.Message, string) {
	m, err := neuro.DecodeServer(frame)
	return m, commandOf(m, err)
}

// encodeToGame encodes a Neuro → game message.
func encodeToGame(m neuro.Message) ([]byte, error) {
	return neuro.EncodeServer(m)
}

func commandOf(m neuro.Message, err error) string {
	if m != nil {
		return m.Command()
	}
	var de *neuro.DecodeError
	if errors.As(err, &de) {
		return de.Command
	}
	return ""
}

// actionCheck is what the simulator finds wrong with one registered
// action, and what the action weighs.
type actionCheck struct {
	nameProblem   string   // "" when the name is fine
	schemaProblem string   // "" when the schema is fine (or absent)
	keywords      []string // one line per discouraged keyword
	size          int      // bytes of name, description and schema
}

func checkAction(a neuro.Action) actionCheck {
	var c actionCheck
	c.size = len(a.Name) + len(a.Description)
	if err := neuro.ValidateActionName(a.Name); err != nil {
		c.nameProblem = problemOf(err)
	}
	if len(a.Schema) == 0 {
		return c
	}
	if raw, err := json.Marshal(a.Schema); err == nil {
		c.size += len(raw)
	}
	// Check the schema under a valid name, so that a bad name does not
	// hide schema problems; report with the real one.
	ws, err := neuro.CheckAction(neuro.Action{Name: "action", Schema: a.Schema})
	if err != nil {
		c.schemaProblem = problemOf(err)
	}
	for _, w := range ws {
		w.Action = a.Name
		c.keywords = append(c.keywords, w.String())
	}
	return c
}

func problemOf(err error) string {
	var ve *neuro.ValidationError
	if errors.As(err, &ve) {
		return ve.Subject + ": " + ve.Problem
	}
	return err.Error()
}

// nullSchemas reports which actions of a register frame carry
// "schema": null (the decoder maps it to no schema).
func nullSchemas(frame []byte) map[int]bool {
	var raw struct {
		Data struct {
			Actions []map[string]json.RawMessage `json:"actions"`
		} `json:"data"`
	}
	if json.Unmarshal(frame, &raw) != nil {
		return nil
	}
	var out map[int]bool
	for i, a := range raw.Data.Actions {
		if s, ok := a["schema"]; ok && string(s) == "null" {
			if out == nil {
				out = map[int]bool{}
			}
			out[i] = true
		}
	}
	return out
}

// dropNonObjectSchemas rewrites a register frame that failed to decode
// because of schemas that are not JSON objects, removing those schemas.
// It returns nil when err is about something else.
func dropNonObjectSchemas(frame []byte, err error) ([]byte, map[int]bool) {
	var de *neuro.DecodeError
	if !errors.As(err, &de) || de.Command != neuro.CmdRegister || !strings.HasSuffix(de.Field, ".schema") {
		return nil, nil
	}
	var env map[string]json.RawMessage
	if json.Unmarshal(frame, &env) != nil {
		return nil, nil
	}
	var data map[string]json.RawMessage
	if json.Unmarshal(env["data"], &data) != nil {
		return nil, nil
	}
	var actions []map[string]json.RawMessage
	if json.Unmarshal(data["actions"], &actions) != nil {
		return nil, nil
	}
	idx := map[int]bool{}
	for i, a := range actions {
		if s, ok := a["schema"]; ok && len(s) > 0 && s[0] != '{' && string(s) != "null" {
			delete(a, "schema")
			idx[i] = true
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	var errs [3]error
	data["actions"], errs[0] = json.Marshal(actions)
	env["data"], errs[1] = json.Marshal(data)
	out, err := json.Marshal(env)
	errs[2] = err
	if errors.Join(errs[:]...) != nil {
		return nil, nil
	}
	return out, idx
}
