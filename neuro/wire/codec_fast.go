package wire

import "unicode/utf8"

// The fast decoders below read the two frames of every action round trip
// (Neuro's action, the game's action/result) in one pass over the frame,
// allocating only the strings they return. They accept only the plain
// shape those frames have in practice: JSON whitespace, the known keys
// each at most once and spelled exactly, strings without \u escapes and
// in valid UTF-8. Anything else (an unknown or repeated key, a key in
// another case, a \u escape, invalid UTF-8, a missing or mistyped field,
// trailing bytes) makes them report !ok, and the caller decodes the frame
// again with the general decoder, which names the bad field or applies
// encoding/json's rules (case-insensitive keys, last duplicate wins,
// U+FFFD for invalid UTF-8). Whatever a fast decoder accepts, the general
// decoder decodes to the same message (FuzzFastDecodeAgrees).

// scanner walks one frame.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// eat skips whitespace, then consumes c if it is next.
func (s *scanner) eat(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// literal consumes lit if it is next (no whitespace skipped).
func (s *scanner) literal(lit string) bool {
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// str skips whitespace and consumes a JSON string, returning its raw
// content between the quotes and whether it holds escapes. ok is false
// for anything but a well-formed string in valid UTF-8 whose escapes are
// all single-character ones (no \u).
func (s *scanner) str() (raw []byte, esc, ok bool) {
	if !s.eat('"') {
		return nil, false, false
	}
	start := s.i
	ascii := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw = s.b[start:s.i]
			s.i++
			if !ascii && !utf8.Valid(raw) {
				return nil, false, false
			}
			return raw, esc, true
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return nil, false, false
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			default:
				return nil, false, false // \u, or invalid
			}
			esc = true
			s.i += 2
		case c < 0x20:
			return nil, false, false
		default:
			if c >= utf8.RuneSelf {
				ascii = false
			}
			s.i++
		}
	}
	return nil, false, false
}

// key reads an object key and the colon after it.
func (s *scanner) key() ([]byte, bool) {
	k, esc, ok := s.str()
	if !ok || esc || !s.eat(':') {
		return nil, false
	}
	return k, true
}

// string reads a JSON string value into a Go string.
func (s *scanner) string() (string, bool) {
	raw, esc, ok := s.str()
	if !ok {
		return "", false
	}
	if !esc {
		return string(raw), true
	}
	return unescape(raw), true
}

// unescape decodes the single-character escapes str accepted.
func unescape(raw []byte) string {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		default: // '"', '\\', '/'
			c = raw[i]
		}
		out = append(out, c)
	}
	return string(out)
}

// end reports whether only whitespace is left after the closing brace.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// next consumes the comma before another member (true) or the closing
// brace (false); ok is false for anything else.
func (s *scanner) next() (more, ok bool) {
	if s.eat(',') {
		return true, true
	}
	if s.eat('}') {
		return false, true
	}
	return false, false
}

// decodeActionFast decodes a Neuro → game action frame of the plain shape
// `{"command":"action","data":{"id":…,"name":…,"data":…}}` (members in
// any order; "game" and the inner "data" optional; inner "data" a string
// or null). ok is false when the frame is anything else.
func decodeActionFast(frame []byte) (a ActionRequest, ok bool) {
	s := scanner{b: frame}
	if !s.eat('{') {
		return a, false
	}
	var seenCmd, seenGame, seenData bool
	for more := true; more; {
		k, ok := s.key()
		if !ok {
			return a, false
		}
		s.ws()
		switch string(k) {
		case "command":
			if seenCmd || !s.literal(`"action"`) {
				return a, false
			}
			seenCmd = true
		case "game":
			if seenGame {
				return a, false
			}
			if _, _, ok := s.str(); !ok {
				return a, false
			}
			seenGame = true
		case "data":
			if seenData || !s.actionData(&a) {
				return a, false
			}
			seenData = true
		default:
			return a, false
		}
		if more, ok = s.next(); !ok {
			return a, false
		}
	}
	return a, seenCmd && seenData && s.end()
}

// actionData reads the data object of an action frame into a.
func (s *scanner) actionData(a *ActionRequest) bool {
	if !s.eat('{') {
		return false
	}
	var seenID, seenName, seenData bool
	for more := true; more; {
		k, ok := s.key()
		if !ok {
			return false
		}
		s.ws()
		switch string(k) {
		case "id":
			if seenID {
				return false
			}
			if a.ID, ok = s.string(); !ok || a.ID == "" {
				return false
			}
			seenID = true
		case "name":
			if seenName {
				return false
			}
			if a.Name, ok = s.string(); !ok || a.Name == "" {
				return false
			}
			seenName = true
		case "data":
			if seenData {
				return false
			}
			if !s.literal("null") {
				if a.Data, ok = s.string(); !ok {
					return false
				}
				a.HasData = true
			}
			seenData = true
		default:
			return false
		}
		if more, ok = s.next(); !ok {
			return false
		}
	}
	return seenID && seenName
}

// decodeResultFast decodes a game → Neuro action/result frame of the plain
// shape `{"command":"action/result","game":…,"data":{"id":…,"success":…,
// "message":…}}` (members in any order; "message" optional, a string or
// null). ok is false when the frame is anything else.
func decodeResultFast(frame []byte) (game string, r ActionResult, ok bool) {
	s := scanner{b: frame}
	if !s.eat('{') {
		return "", r, false
	}
	var seenCmd, seenGame, seenData bool
	for more := true; more; {
		k, ok := s.key()
		if !ok {
			return "", r, false
		}
		s.ws()
		switch string(k) {
		case "command":
			if seenCmd || !s.literal(`"action/result"`) {
				return "", r, false
			}
			seenCmd = true
		case "game":
			if seenGame {
				return "", r, false
			}
			if game, ok = s.string(); !ok {
				return "", r, false
			}
			seenGame = true
		case "data":
			if seenData || !s.resultData(&r) {
				return "", r, false
			}
			seenData = true
		default:
			return "", r, false
		}
		if more, ok = s.next(); !ok {
			return "", r, false
		}
	}
	return game, r, seenCmd && seenGame && seenData && s.end()
}

// resultData reads the data object of an action/result frame into r.
func (s *scanner) resultData(r *ActionResult) bool {
	if !s.eat('{') {
		return false
	}
	var seenID, seenSuccess, seenMessage bool
	for more := true; more; {
		k, ok := s.key()
		if !ok {
			return false
		}
		s.ws()
		switch string(k) {
		case "id":
			if seenID {
				return false
			}
			if r.ID, ok = s.string(); !ok {
				return false
			}
			seenID = true
		case "success":
			if seenSuccess {
				return false
			}
			switch {
			case s.literal("true"):
				r.Success = true
			case s.literal("false"):
			default:
				return false
			}
			seenSuccess = true
		case "message":
			if seenMessage {
				return false
			}
			if !s.literal("null") {
				if r.Message, ok = s.string(); !ok {
					return false
				}
			}
			seenMessage = true
		default:
			return false
		}
		if more, ok = s.next(); !ok {
			return false
		}
	}
	return seenID && seenSuccess
}
