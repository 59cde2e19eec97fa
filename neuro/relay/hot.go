package relay

import (
	"bytes"
	"encoding/binary"
)

// The byte-level path of the two frames every action round trip costs:
// an action from Neuro, and a game's result. Both need only a name
// swapped (the action's upstream name for the game's own, the game's name
// for the relay's), so instead of decoding them into messages and
// encoding them again the relay finds the few members it needs with the
// scanner below and splices the frame: no message, no boxing, no string
// but the action id it must keep, one output buffer (issue 15: the
// relay's own work per round trip).
//
// The scanner accepts only the plain shape every encoder writes — the
// envelope's members in the order command, game, data; the data members
// of that command only, each once, each of its JSON type; keys and the
// strings the relay looks up without escapes — and checks everything it
// accepts as strictly as the decoder does (string escapes, control
// characters, literals, nothing after the object). Anything else
// declines, and the frame takes the full decode path, which handles and
// reports every unusual case as before. The rewritten frame holds the
// other members' bytes as they came: decoded, it is the message the full
// path would have sent (FuzzHotAction, FuzzHotResult).

// scan is a cursor over one frame. Every method reports false for
// anything outside the plain shape.
type scan struct {
	b []byte
	i int
}

// ws skips JSON whitespace.
func (s *scan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// eat consumes c, after whitespace, if it comes next.
func (s *scan) eat(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// plainByte reports the bytes a string holds as they are: printable
// ASCII other than the quote and the backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str consumes a string, after whitespace, and returns its content
// between the quotes; escaped reports a backslash escape in it, wide a
// byte ≥ 0x80. Escapes are checked as the decoder checks them.
func (s *scan) str() (raw []byte, escaped, wide, ok bool) {
	if !s.eat('"') {
		return nil, false, false, false
	}
	b, start, i := s.b, s.i, s.i
	if q := bytes.IndexByte(b[start:], '"'); q >= 0 && plainRun(b[start:start+q]) {
		s.i = start + q + 1 // the usual string: nothing to check byte by byte
		return b[start : start+q], false, false, true
	}
	for {
		for i < len(b) && plainByte[b[i]] {
			i++
		}
		if i >= len(b) {
			return nil, false, false, false
		}
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return b[start:i], escaped, wide, true
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return nil, false, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !hex(b[i+2]) || !hex(b[i+3]) || !hex(b[i+4]) || !hex(b[i+5]) {
					return nil, false, false, false
				}
				i += 6
			default:
				return nil, false, false, false
			}
		case c < 0x20:
			return nil, false, false, false
		default:
			wide = true
			i++
		}
	}
}

// plainRun reports whether every byte of p is a plainByte, eight at a
// time: none ≥ 0x80, none < 0x20, no backslash (p holds no quote).
func plainRun(p []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for len(p) >= 8 {
		w := binary.LittleEndian.Uint64(p)
		bs := w ^ ones*'\\' // a zero byte where w has a backslash
		if (w|(w-ones*0x20)&^w|(bs-ones)&^bs)&highs != 0 {
			return false
		}
		p = p[8:]
	}
	for _, c := range p {
		if !plainByte[c] {
			return false
		}
	}
	return true
}

func hex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// key consumes a member's key and its colon; a key with escapes is
// returned raw (it then matches no name the relay looks for).
func (s *scan) key() ([]byte, bool) {
	s.ws()
	if b, i := s.b, s.i; i < len(b) && b[i] == '"' { // the usual key: short, plain, the colon right after
		j := i + 1
		for j < len(b) && plainByte[b[j]] {
			j++
		}
		if j+1 < len(b) && b[j] == '"' && b[j+1] == ':' {
			s.i = j + 2
			return b[i+1 : j], true
		}
	}
	k, _, _, ok := s.str()
	return k, ok && s.eat(':')
}

// literal consumes lit (true, false or null), after whitespace.
func (s *scan) literal(lit string) bool {
	s.ws()
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// next consumes what follows a member: a comma (more) or the object's
// closing brace (done).
func (s *scan) next() (more, ok bool) {
	if s.eat(',') {
		return true, true
	}
	return false, s.eat('}')
}

// end reports whether only whitespace is left.
func (s *scan) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// envelope consumes the start of a frame, {"command":cmd, and with game
// set the "game" member after it (returned raw), then `,"data":{`.
// usual is that start as the encoder writes it, up to the game's name
// (usualAction, usualResult): the usual frame is matched whole.
func (s *scan) envelope(cmd, usual string, game bool) (name []byte, ok bool) {
	if len(s.b) > len(usual) && string(s.b[:len(usual)]) == usual {
		s.i = len(usual) // the usual frame, up to the game's name or the data object
		if !game {
			return nil, true
		}
		var esc bool
		if name, esc, _, ok = s.str(); ok && !esc && s.i+len(usualData) <= len(s.b) && string(s.b[s.i:s.i+len(usualData)]) == usualData {
			s.i += len(usualData)
			return name, true
		}
		s.i, name = 0, nil // an unusual one: read it as any
	}
	if !s.eat('{') {
		return nil, false
	}
	if k, ok := s.key(); !ok || string(k) != "command" {
		return nil, false
	}
	if c, esc, _, ok := s.str(); !ok || esc || string(c) != cmd || !s.eat(',') {
		return nil, false
	}
	if game {
		k, ok := s.key()
		if !ok || string(k) != "game" {
			return nil, false
		}
		var esc bool
		if name, esc, _, ok = s.str(); !ok || esc || !s.eat(',') {
			return nil, false
		}
	}
	if k, ok := s.key(); !ok || string(k) != "data" || !s.eat('{') {
		return nil, false
	}
	return name, true
}

// The usual start of the frames of the byte-level path, as the
// encoders write them (cmdAction, cmdResult): the action's up to its
// data object; the result's up to the game's name, then usualData.
const (
	usualAction = `{"command":"action","data":{`
	usualResult = `{"command":"action/result","game":`
	usualData   = `,"data":{`
)

// hotAction is what the relay needs of an action frame from Neuro.
type hotAction struct {
	id   []byte // the id's bytes: no escapes, not empty (kept byte for byte)
	name []byte // the upstream action name: printable ASCII, no escapes
	data []byte // the data member's string token, quotes included; nil when absent or null
	ok   bool   // the frame has the plain shape
}

// scanAction reads {"command":"action","data":{"id":…,"name":…[,"data":…]}}
// with the data members in any order. It keeps no reference beyond
// frame's.
func scanAction(frame []byte) (a hotAction) {
	s := scan{b: frame}
	if _, ok := s.envelope(cmdAction, usualAction, false); !ok {
		return hotAction{}
	}
	var seenData bool
	for more := !s.eat('}'); more; {
		k, ok := s.key()
		if !ok {
			return hotAction{}
		}
		switch string(k) {
		case "id":
			var esc bool
			if a.id != nil {
				return hotAction{}
			}
			if a.id, esc, _, ok = s.str(); !ok || esc || len(a.id) == 0 {
				return hotAction{}
			}
		case "name":
			var esc, wide bool
			if a.name != nil {
				return hotAction{}
			}
			if a.name, esc, wide, ok = s.str(); !ok || esc || wide || len(a.name) == 0 {
				return hotAction{}
			}
		case "data":
			if seenData {
				return hotAction{}
			}
			seenData = true
			if s.literal("null") {
				break
			}
			s.ws()
			start := s.i
			if _, _, _, ok = s.str(); !ok {
				return hotAction{}
			}
			a.data = frame[start:s.i]
		default:
			return hotAction{}
		}
		if more, ok = s.next(); !ok {
			return hotAction{}
		}
	}
	if a.id == nil || a.name == nil || !s.eat('}') || !s.end() {
		return hotAction{}
	}
	a.ok = true
	return a
}

// appendAction appends the action frame for the game: a's id and data,
// the game's own name (nameJSON, a JSON string).
func appendAction(dst []byte, a *hotAction, nameJSON []byte) []byte {
	dst = append(dst, `{"command":"action","data":{"id":"`...)
	dst = append(dst, a.id...)
	dst = append(dst, `","name":`...)
	dst = append(dst, nameJSON...)
	if a.data != nil {
		dst = append(dst, `,"data":`...)
		dst = append(dst, a.data...)
	}
	return append(dst, "}}"...)
}

// actionFrameLen is the length of appendAction's frame.
func actionFrameLen(a *hotAction, nameJSON []byte) int {
	n := len(`{"command":"action","data":{"id":"","name":}}`) + len(a.id) + len(nameJSON)
	if a.data != nil {
		n += len(`,"data":`) + len(a.data)
	}
	return n
}

// hotResult is what the relay needs of a game's action/result frame.
type hotResult struct {
	game    []byte // the game's name: no escapes
	id      []byte // the id's bytes: no escapes
	data    []byte // the data object, braces included, as it came
	success bool
	ok      bool // the frame has the plain shape
}

// scanResult reads {"command":"action/result","game":…,"data":{"id":…,
// "success":…[,"message":…]}} with the data members in any order. It
// keeps no reference beyond frame's.
func scanResult(frame []byte) (r hotResult) {
	s := scan{b: frame}
	var ok bool
	if r.game, ok = s.envelope(cmdResult, usualResult, true); !ok {
		return hotResult{}
	}
	start := s.i - 1 // the data object's '{'
	var seenSuccess, seenMessage bool
	for more := !s.eat('}'); more; {
		k, ok := s.key()
		if !ok {
			return hotResult{}
		}
		switch string(k) {
		case "id":
			var esc bool
			if r.id != nil {
				return hotResult{}
			}
			if r.id, esc, _, ok = s.str(); !ok || esc {
				return hotResult{}
			}
		case "success":
			if seenSuccess {
				return hotResult{}
			}
			seenSuccess = true
			switch {
			case s.literal("true"):
				r.success = true
			case s.literal("false"):
			default:
				return hotResult{}
			}
		case "message":
			if seenMessage {
				return hotResult{}
			}
			seenMessage = true
			if !s.literal("null") {
				if _, _, _, ok = s.str(); !ok {
					return hotResult{}
				}
			}
		default:
			return hotResult{}
		}
		if more, ok = s.next(); !ok {
			return hotResult{}
		}
	}
	r.data = frame[start:s.i]
	if r.id == nil || !seenSuccess || !s.eat('}') || !s.end() {
		return hotResult{}
	}
	r.ok = true
	return r
}
