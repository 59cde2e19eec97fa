package wire

import (
	"encoding/json"
	"errors"
	"fmt"
)

// DecodeError reports a frame that could not be decoded. Field names the
// bad member ("command", "game", "data", "data.id",
// "data.actions[2].name", ...); it is "" when the frame is not well-formed
// JSON or not a JSON object. Command holds the frame's command when it
// could be read. ID holds the id of an action frame whenever that id could
// be read (it was a non-empty string given once), whichever part of the
// frame is bad, so that the game can still answer with a failed result.
type DecodeError struct {
	Command string
	Field   string
	ID      string
	Err     error
}

// Error implements error.
func (e *DecodeError) Error() string {
	switch {
	case e.Field == "" && e.Command != "":
		return fmt.Sprintf("wire: malformed %q message: %v", e.Command, e.Err)
	case e.Field == "":
		return "wire: malformed frame: " + e.Err.Error()
	case e.Command != "":
		return fmt.Sprintf("wire: bad field %q in %q message: %v", e.Field, e.Command, e.Err)
	default:
		return fmt.Sprintf("wire: bad field %q: %v", e.Field, e.Err)
	}
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// Causes of a *DecodeError about one field. They read as the end of the
// DecodeError's text, hence no prefix.
var (
	errMissing   = errors.New("missing")
	errNotString = errors.New("want a string")
	errNotBool   = errors.New("want a boolean")
	errNotObject = errors.New("want an object")
	errNotArray  = errors.New("want an array")
	errEmpty     = errors.New("must not be empty")
	errDuplicate = errors.New("given more than once")
	errNotJSON   = errors.New("not a JSON object")
)

// DecodeServer decodes a Neuro → game frame into one of StartupAck,
// ActionRequest, ReregisterAll, ShutdownGraceful, ShutdownImmediate,
// SpeechFinished, or Unknown for a command it does not know (never an
// error). A malformed frame returns a nil message and a *DecodeError.
//
// The frame must be one JSON object with a non-empty string "command" and
// an optional "data" object; JSON null counts as absent everywhere. Member
// names are matched exactly (case-sensitive), a known member given twice is
// an error, and unknown members are ignored (but must be well-formed). An
// action id is kept byte for byte, invalid UTF-8 included; other strings
// have invalid UTF-8 replaced by U+FFFD, as encoding/json does.
// DecodeServer does not retain frame.
func DecodeServer(frame []byte) (Message, error) {
	d := decoder{s: scanner{b: frame}}
	_, m, err := d.frame(false)
	return m, err
}

// DecodeGame decodes a game → Neuro frame, returning the game name it
// carries and one of Startup, ContextMessage, RegisterActions,
// UnregisterActions, ForceActions, ActionResult, ShutdownReady, or Unknown
// for a command it does not know (never an error). It is what a Neuro
// server (such as neuro/server) reads. A malformed frame returns a nil
// message and a *DecodeError; game is returned whenever it could be read,
// even then.
//
// The frame rules are DecodeServer's, plus a required string "game". In an
// actions/register frame, an action whose "schema" is null or not a JSON
// object decodes without a schema and is listed in
// RegisterActions.SchemaNotes. DecodeGame does not retain frame.
func DecodeGame(frame []byte) (game string, m Message, err error) {
	d := decoder{s: scanner{b: frame}}
	return d.frame(true)
}

// decoder decodes one frame, in one pass when "command" comes before
// "data" (as every encoder writes it) and in two otherwise.
type decoder struct {
	s   scanner
	cmd string // the command, once read
	id  string // an action's id, once read
}

// baseDepth is the nesting depth the decoder's own reading never exceeds;
// values it skips start there.
const baseDepth = 4

// fail returns a *DecodeError about field; a syntax error is about the
// whole frame.
func (d *decoder) fail(field string, err error) error {
	if _, ok := err.(*syntaxError); ok {
		field = ""
	}
	return &DecodeError{Command: d.cmd, Field: field, ID: d.id, Err: err}
}

// frame decodes the envelope; fromGame selects the direction.
func (d *decoder) frame(fromGame bool) (game string, m Message, err error) {
	s := &d.s
	if s.peek() != '{' {
		return "", nil, d.fail("", errNotJSON)
	}
	var seenCmd, seenGame, seenData, gameSet bool
	dataAt := -1 // where "data" starts, when it came before "command"
	err = d.object(func(k []byte) error {
		switch string(k) {
		case "command":
			if seenCmd {
				return d.dup("", "command")
			}
			seenCmd = true
			return d.command()
		case "game":
			if !fromGame {
				return d.skip()
			}
			var err error
			game, gameSet, err = d.str("", "game", &seenGame, false)
			return err
		case "data":
			if seenData {
				return d.dup("", "data")
			}
			seenData = true
			if d.cmd == "" {
				dataAt = s.i
				return d.skip()
			}
			var err error
			m, err = d.data(fromGame, true)
			return err
		}
		return d.skip()
	})
	switch {
	case err != nil:
	case !seenCmd:
		err = d.fail("command", errMissing)
	case fromGame && !gameSet:
		err = d.fail("game", errMissing)
	case dataAt >= 0:
		end := s.i
		s.i = dataAt
		m, err = d.data(fromGame, true)
		s.i = end
	case !seenData:
		m, err = d.data(fromGame, false)
	}
	if s.ws(); err == nil && s.i < len(s.b) {
		err = d.fail("", &syntaxError{fmt.Sprintf("invalid character %q after the frame's object", s.b[s.i]), s.i})
	}
	if err != nil {
		return game, nil, err
	}
	return game, m, nil
}

// object reads the object at the cursor, calling member for each member
// with the cursor on its value; member must consume the value.
func (d *decoder) object(member func(key []byte) error) error {
	d.s.i++ // '{'
	for first := true; ; first = false {
		k, done, err := d.s.member(first)
		if err != nil {
			return d.fail("", err)
		}
		if done {
			return nil
		}
		if err := member(k); err != nil {
			return err
		}
	}
}

// members is object for the data object when there is one (open).
func (d *decoder) members(open bool, member func(key []byte) error) error {
	if !open {
		return nil
	}
	return d.object(member)
}

// noData returns m for a command that carries nothing, skipping its data
// object when there is one (open).
func (d *decoder) noData(open bool, m Message) (Message, error) {
	if open {
		if err := d.skip(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// skip consumes a value the decoder has no use for.
func (d *decoder) skip() error {
	if err := d.s.skip(baseDepth); err != nil {
		return d.fail("", err)
	}
	return nil
}

// wrongType consumes a value of the wrong type and reports it.
func (d *decoder) wrongType(prefix, name string, cause error) error {
	if err := d.skip(); err != nil {
		return err
	}
	return d.fail(prefix+name, cause)
}

// dup consumes the value of a member given twice and reports it.
func (d *decoder) dup(prefix, name string) error {
	return d.wrongType(prefix, name, errDuplicate)
}

// command reads the frame's command.
func (d *decoder) command() error {
	switch d.s.peek() {
	case '"':
	case 'n':
		if err := d.s.literal("null"); err != nil {
			return d.fail("", err)
		}
		return d.fail("command", errMissing)
	default:
		return d.wrongType("", "command", errNotString)
	}
	raw, flags, err := d.s.stringToken()
	if err != nil {
		return d.fail("", err)
	}
	if flags == 0 {
		d.cmd = knownCommand(raw)
	}
	if d.cmd == "" {
		d.cmd = unquote(raw, flags, false)
	}
	if d.cmd == "" {
		return d.fail("command", errEmpty)
	}
	return nil
}

// knownCommand returns the constant equal to raw, "" if none is, so that
// known commands cost no allocation.
func knownCommand(raw []byte) string {
	switch string(raw) {
	case CmdAction:
		return CmdAction
	case CmdResult:
		return CmdResult
	case CmdContext:
		return CmdContext
	case CmdStartup:
		return CmdStartup
	case CmdRegister:
		return CmdRegister
	case CmdUnregister:
		return CmdUnregister
	case CmdForce:
		return CmdForce
	case CmdShutdownReady:
		return CmdShutdownReady
	case CmdReregisterAll:
		return CmdReregisterAll
	case CmdShutdownGraceful:
		return CmdShutdownGraceful
	case CmdShutdownImmediate:
		return CmdShutdownImmediate
	case CmdSpeechFinished:
		return CmdSpeechFinished
	}
	return ""
}

// str reads a string member; set is false for null. seen detects a member
// given twice. verbatim keeps invalid UTF-8 (see unquote).
func (d *decoder) str(prefix, name string, seen *bool, verbatim bool) (v string, set bool, err error) {
	if *seen {
		return "", false, d.dup(prefix, name)
	}
	*seen = true
	switch d.s.peek() {
	case '"':
		raw, flags, err := d.s.stringToken()
		if err != nil {
			return "", false, d.fail("", err)
		}
		return unquote(raw, flags, verbatim), true, nil
	case 'n':
		if err := d.s.literal("null"); err != nil {
			return "", false, d.fail("", err)
		}
		return "", false, nil
	}
	return "", false, d.wrongType(prefix, name, errNotString)
}

// boolean reads a boolean member; set is false for null.
func (d *decoder) boolean(prefix, name string, seen *bool) (v, set bool, err error) {
	if *seen {
		return false, false, d.dup(prefix, name)
	}
	*seen = true
	lit := ""
	switch d.s.peek() {
	case 't':
		v, set, lit = true, true, "true"
	case 'f':
		set, lit = true, "false"
	case 'n':
		lit = "null"
	default:
		return false, false, d.wrongType(prefix, name, errNotBool)
	}
	if err := d.s.literal(lit); err != nil {
		return false, false, d.fail("", err)
	}
	return v, set, nil
}

// data decodes the data member (present) or its absence for d.cmd.
func (d *decoder) data(fromGame, present bool) (Message, error) {
	open := false // the cursor is on the data object's '{'
	if present {
		switch d.s.peek() {
		case '{':
			open = true
		case 'n':
			if err := d.s.literal("null"); err != nil {
				return nil, d.fail("", err)
			}
		default:
			return nil, d.wrongType("", "data", errNotObject)
		}
	}
	if fromGame {
		return d.gameData(open)
	}
	return d.serverData(open)
}

// unknown keeps a copy of the data of a command it does not know.
func (d *decoder) unknown(open bool) (Message, error) {
	u := Unknown{Cmd: d.cmd}
	if open {
		start := d.s.i
		if err := d.skip(); err != nil {
			return nil, err
		}
		u.Data = append(json.RawMessage(nil), d.s.b[start:d.s.i]...)
	}
	return u, nil
}
