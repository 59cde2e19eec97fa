package server

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/wire"
)

// This file is the simulator's only contact with the protocol's
// functions: decoding what games send and encoding and decoding what the
// server sends (package wire), and checking registered actions (wire's
// rules for the action, package schema's for the keywords inside its
// schema). Everything else uses the message types only.

// decoded is a frame from a game as the simulator reads it.
type decoded struct {
	game string
	msg  wire.Message // nil when err is set
	cmd  string       // "" when unreadable
	err  error
}

// decodeGame decodes a game → Neuro frame. A register frame whose schemas
// are null or not JSON objects still decodes: RegisterActions.SchemaNotes
// says which actions those were.
func decodeGame(frame []byte) decoded {
	var d decoded
	d.game, d.msg, d.err = wire.DecodeGame(frame)
	d.cmd = commandOf(d.msg, d.err)
	return d
}

// decodeToGame decodes a Neuro → game frame: the message (nil when it
// does not decode) and its command ("" when unreadable).
func decodeToGame(frame []byte) (wire.Message, string) {
	m, err := wire.DecodeServer(frame)
	return m, commandOf(m, err)
}

// encodeToGame encodes a Neuro → game message.
func encodeToGame(m wire.Message) ([]byte, error) {
	return wire.EncodeServer(m)
}

func commandOf(m wire.Message, err error) string {
	if m != nil {
		return m.Command()
	}
	var de *wire.DecodeError
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

// placeholderName and placeholderDescription stand in for an action's own
// when its schema is checked, so that a bad name or a missing description
// does not hide schema problems (the name is reported on its own).
const (
	placeholderName        = "action"
	placeholderDescription = "checked apart"
)

func checkAction(a wire.Action) actionCheck {
	var c actionCheck
	c.size = len(a.Name) + len(a.Description)
	if err := wire.ValidateActionName(a.Name); err != nil {
		c.nameProblem = problemOf(err, true)
	}
	if len(a.Schema) == 0 {
		return c
	}
	if raw, err := json.Marshal(a.Schema); err == nil {
		c.size += len(raw)
	}
	if err := wire.CheckAction(wire.Action{Name: placeholderName, Description: placeholderDescription, Schema: a.Schema}); err != nil {
		c.schemaProblem = "schema: " + problemOf(err, false)
	}
	for _, w := range schema.Warnings(a.Schema) {
		c.keywords = append(c.keywords, "action "+strconv.Quote(a.Name)+": "+w.String())
	}
	return c
}

// problemOf renders a wire check's error: its subject and problem, or the
// problem alone.
func problemOf(err error, withSubject bool) string {
	var ve *wire.ValidationError
	if errors.As(err, &ve) {
		if withSubject {
			return ve.Subject + ": " + ve.Problem
		}
		return ve.Problem
	}
	return err.Error()
}
