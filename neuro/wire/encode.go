package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"unicode/utf8"
)

// Encoding writes JSON by hand, without reflection, except for the two
// free-form parts (an action's Schema and an Unknown's Data), which go
// through encoding/json. Strings are escaped exactly as encoding/json
// escapes them (HTML-safe, U+2028 and U+2029 escaped, invalid UTF-8
// replaced by U+FFFD), with one exception: action ids (ActionRequest.ID,
// ActionResult.ID) are opaque tokens the other side matches byte for byte,
// so their invalid UTF-8 bytes are written through verbatim. That is how a
// game answers an action whose id held invalid UTF-8 with the very id it
// received. Members at their zero value are omitted where the protocol
// makes them optional, and a nil list is sent as [].

var errNilMessage = errors.New("wire: cannot encode a nil message")

// EncodeGame encodes m as a game → Neuro frame sent by the game named game.
// m is one of Startup, ContextMessage, RegisterActions, UnregisterActions,
// ForceActions, ActionResult, ShutdownReady or Unknown; any other message
// is an error. Messages without data (startup, shutdown/ready) carry no
// data member. It does not check the message against the protocol rules:
// see CheckRegister, CheckForce, CheckResult and CheckContext.
func EncodeGame(game string, m Message) ([]byte, error) {
	e := GameEncoder{game: appendString(nil, game, false)}
	return e.Append(nil, m)
}

// GameEncoder encodes the game → Neuro frames of one game, with the game's
// name escaped once, up front. It is immutable and safe for concurrent use.
// The zero value encodes for a game named "".
type GameEncoder struct {
	game []byte // the game name as a JSON string; nil for ""
}

// gameJSON returns the game name as a JSON string.
func (e *GameEncoder) gameJSON() []byte {
	if e.game == nil {
		return emptyGame
	}
	return e.game
}

var emptyGame = []byte(`""`)

// NewGameEncoder returns an encoder for the game named game.
func NewGameEncoder(game string) *GameEncoder {
	return &GameEncoder{game: appendString(nil, game, false)}
}

// Append appends the frame EncodeGame(game, m) would return to dst and
// returns the extended buffer. On error dst is returned unchanged. An
// ActionResult never fails and, when dst has room for the frame, costs no
// allocation (with a nil dst, exactly one).
func (e *GameEncoder) Append(dst []byte, m Message) ([]byte, error) {
	if r, ok := m.(ActionResult); ok {
		return e.appendResult(dst, r), nil
	}
	var cmd string
	var data func([]byte) ([]byte, error)
	size := 0 // the length of the strings in the data, for a first buffer
	switch v := m.(type) {
	case nil:
		return dst, errNilMessage
	case Startup:
		cmd = CmdStartup
	case ShutdownReady:
		cmd = CmdShutdownReady
	case ContextMessage:
		cmd, data, size = CmdContext, v.appendData, len(v.Message)
	case RegisterActions:
		cmd, data, size = CmdRegister, v.appendData, 64*len(v.Actions)
	case UnregisterActions:
		cmd, data, size = CmdUnregister, v.appendData, 16*len(v.ActionNames)
	case ForceActions:
		cmd, data, size = CmdForce, v.appendData, len(v.State)+len(v.Query)+16*len(v.ActionNames)
	case Unknown:
		return v.appendFrame(dst, e.gameJSON())
	default:
		return dst, wrongDirection("game → Neuro", m)
	}
	buf := dst
	if buf == nil {
		buf = make([]byte, 0, 64+len(e.game)+size+size/8)
	}
	buf, err := appendFrame(buf, cmd, e.gameJSON(), data)
	if err != nil {
		return dst, err
	}
	return buf, nil
}

// appendResult appends an action/result frame, without reflection.
func (e *GameEncoder) appendResult(dst []byte, r ActionResult) []byte {
	if dst == nil {
		// One allocation, large enough unless many characters need escaping.
		n := len(`{"command":"action/result","game":,"data":{"id":"","success":false,"message":""}}`)
		dst = make([]byte, 0, n+len(e.game)+len(r.ID)+len(r.Message)+(len(r.ID)+len(r.Message))/8+8)
	}
	dst = append(dst, `{"command":"action/result","game":`...)
	dst = append(dst, e.gameJSON()...)
	dst = append(dst, `,"data":{"id":`...)
	dst = appendString(dst, r.ID, true)
	if r.Success {
		dst = append(dst, `,"success":true`...)
	} else {
		dst = append(dst, `,"success":false`...)
	}
	if r.Message != "" {
		dst = append(dst, `,"message":`...)
		dst = appendString(dst, r.Message, false)
	}
	return append(dst, "}}"...)
}

// EncodeServer encodes m as a Neuro → game frame (no game member). m is one
// of StartupAck, ActionRequest, ReregisterAll, ShutdownGraceful,
// ShutdownImmediate, SpeechFinished or Unknown; any other message is an
// error.
func EncodeServer(m Message) ([]byte, error) {
	var cmd string
	var data func([]byte) ([]byte, error)
	size := 0 // the length of the strings in the data, for a first buffer
	switch v := m.(type) {
	case nil:
		return nil, errNilMessage
	case StartupAck:
		s := v.Session
		cmd, data, size = CmdStartup, v.appendData, 64+len(s.SessionID)+len(s.CharacterID)+len(s.DisplayName)
	case ActionRequest:
		cmd, data, size = CmdAction, v.appendData, len(v.ID)+len(v.Name)+len(v.Data)
	case ReregisterAll:
		cmd = CmdReregisterAll
	case ShutdownGraceful:
		cmd, data = CmdShutdownGraceful, v.appendData
	case ShutdownImmediate:
		cmd = CmdShutdownImmediate
	case SpeechFinished:
		cmd, data, size = CmdSpeechFinished, v.appendData, len(v.Reason)
	case Unknown:
		return v.appendFrame(nil, nil)
	default:
		return nil, wrongDirection("Neuro → game", m)
	}
	b, err := appendFrame(make([]byte, 0, 64+size+size/8), cmd, nil, data)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func wrongDirection(dir string, m Message) error {
	return fmt.Errorf("wire: a %s is not a %s message", reflect.TypeOf(m), dir)
}

// appendFrame appends the envelope {"command":cmd[,"game":game][,"data":…]}
// to dst; game is a JSON string or nil, data appends the data object or is
// nil. On error dst is returned unchanged.
func appendFrame(dst []byte, cmd string, game []byte, data func([]byte) ([]byte, error)) ([]byte, error) {
	start := len(dst)
	dst = append(dst, `{"command":`...)
	dst = appendString(dst, cmd, false)
	if game != nil {
		dst = append(dst, `,"game":`...)
		dst = append(dst, game...)
	}
	if data != nil {
		var err error
		dst = append(dst, `,"data":`...)
		if dst, err = data(dst); err != nil {
			return dst[:start], err
		}
	}
	return append(dst, '}'), nil
}

// appendFrame encodes an Unknown message; game is nil for Neuro → game.
func (u Unknown) appendFrame(dst, game []byte) ([]byte, error) {
	if u.Cmd == "" {
		return dst, errors.New("wire: cannot encode an Unknown message without a command")
	}
	var data []byte
	if len(u.Data) > 0 {
		b, err := json.Marshal(u.Data) // compacts, as the other members are
		if err != nil {
			return dst, fmt.Errorf("wire: data of %q message: %w", u.Cmd, err)
		}
		switch {
		case string(b) == "null":
		case b[0] == '{':
			data = b
		default:
			return dst, fmt.Errorf("wire: data of %q message is not a JSON object", u.Cmd)
		}
	}
	if data == nil {
		return appendFrame(dst, u.Cmd, game, nil)
	}
	return appendFrame(dst, u.Cmd, game, func(dst []byte) ([]byte, error) { return append(dst, data...), nil })
}

func (c ContextMessage) appendData(dst []byte) ([]byte, error) {
	dst = append(dst, `{"message":`...)
	dst = appendString(dst, c.Message, false)
	dst = append(dst, `,"silent":`...)
	dst = appendBool(dst, c.Silent)
	return append(dst, '}'), nil
}

func (r RegisterActions) appendData(dst []byte) ([]byte, error) {
	dst = append(dst, `{"actions":[`...)
	for i, a := range r.Actions {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"name":`...)
		dst = appendString(dst, a.Name, false)
		dst = append(dst, `,"description":`...)
		dst = appendString(dst, a.Description, false)
		if len(a.Schema) > 0 {
			s, err := json.Marshal(a.Schema)
			if err != nil {
				return dst, fmt.Errorf("wire: schema of action %q: %w", a.Name, err)
			}
			dst = append(dst, `,"schema":`...)
			dst = append(dst, s...)
		}
		dst = append(dst, '}')
	}
	return append(dst, "]}"...), nil
}

func (u UnregisterActions) appendData(dst []byte) ([]byte, error) {
	dst = append(dst, `{"action_names":`...)
	dst = appendStrings(dst, u.ActionNames)
	return append(dst, '}'), nil
}

func (f ForceActions) appendData(dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	if f.State != "" {
		dst = append(dst, `"state":`...)
		dst = appendString(dst, f.State, false)
		dst = append(dst, ',')
	}
	dst = append(dst, `"query":`...)
	dst = appendString(dst, f.Query, false)
	if f.EphemeralContext {
		dst = append(dst, `,"ephemeral_context":true`...)
	}
	if f.Priority != "" {
		dst = append(dst, `,"priority":`...)
		dst = appendString(dst, string(f.Priority), false)
	}
	dst = append(dst, `,"action_names":`...)
	dst = appendStrings(dst, f.ActionNames)
	return append(dst, '}'), nil
}

func (s StartupAck) appendData(dst []byte) ([]byte, error) {
	dst = append(dst, `{"session":{"sessionId":`...)
	dst = appendString(dst, s.Session.SessionID, false)
	dst = append(dst, `,"characterId":`...)
	dst = appendString(dst, s.Session.CharacterID, false)
	dst = append(dst, `,"displayName":`...)
	dst = appendString(dst, s.Session.DisplayName, false)
	return append(dst, "}}"...), nil
}

func (a ActionRequest) appendData(dst []byte) ([]byte, error) {
	dst = append(dst, `{"id":`...)
	dst = appendString(dst, a.ID, true)
	dst = append(dst, `,"name":`...)
	dst = appendString(dst, a.Name, false)
	if a.HasData || a.Data != "" {
		dst = append(dst, `,"data":`...)
		dst = appendString(dst, a.Data, false)
	}
	return append(dst, '}'), nil
}

func (g ShutdownGraceful) appendData(dst []byte) ([]byte, error) {
	dst = append(dst, `{"wants_shutdown":`...)
	dst = appendBool(dst, g.WantsShutdown)
	return append(dst, '}'), nil
}

func (s SpeechFinished) appendData(dst []byte) ([]byte, error) {
	dst = append(dst, `{"isFinal":`...)
	dst = appendBool(dst, s.IsFinal)
	if s.Cancelled {
		dst = append(dst, `,"cancelled":true`...)
	}
	if s.Reason != "" {
		dst = append(dst, `,"reason":`...)
		dst = appendString(dst, s.Reason, false)
	}
	return append(dst, '}'), nil
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s, false)
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped exactly as encoding/json
// does (HTML-safe, U+2028 and U+2029 escaped, invalid UTF-8 replaced by
// U+FFFD), except that with verbatim set invalid UTF-8 bytes are copied
// as they are.
func appendString(dst []byte, s string, verbatim bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			if verbatim {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
