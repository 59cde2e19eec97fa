package schema

import "unicode/utf8"

// validJSON is the fast path of Check for data as it arrives: it walks the
// JSON text against f without building a value. It only ever answers true
// when Check's general path (jsonschema.UnmarshalJSON, the number range
// check, fastNode.valid or the full validator) would also accept data
// (FuzzSchemaBytes). Anything unusual makes it answer false and Check
// takes the general path, which decides and explains: invalid data, \u
// escapes, invalid UTF-8, duplicate or escaped keys, objects with many
// members, deep nesting, numbers outside the range Check accepts.
func (f *fastNode) validJSON(data string) bool {
	s := scanner{b: []byte(data)}
	if !f.validValue(&s, 0) {
		return false
	}
	return s.end()
}

const (
	fastMaxDepth   = 32
	fastMaxMembers = 32
)

func (f *fastNode) validValue(s *scanner, depth int) bool {
	if f.never || depth > fastMaxDepth {
		return false
	}
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '{':
		s.i++
		return f.validObject(s, depth)
	case c == '[':
		s.i++
		return f.validArray(s, depth)
	case c == '"':
		raw, esc, ok := s.str()
		if !ok {
			return false
		}
		return f.validString(raw, esc)
	case c == 't' || c == 'f':
		b := c == 't'
		if !(b && s.literal("true")) && !(!b && s.literal("false")) {
			return false
		}
		if !f.typeOK(fastTypeBoolean) {
			return false
		}
		if f.hasEnum {
			for _, e := range f.enum {
				if x, ok := e.(bool); ok && x == b {
					return true
				}
			}
			return false
		}
		return true
	case c == 'n':
		if !s.literal("null") || !f.typeOK(fastTypeNull) {
			return false
		}
		if f.hasEnum {
			for _, e := range f.enum {
				if e == nil {
					return true
				}
			}
			return false
		}
		return true
	case c == '-' || (c >= '0' && c <= '9'):
		start := s.i
		if !s.number() {
			return false
		}
		num := string(s.b[start:s.i])
		return numberInRange(num) && f.numberValid(num)
	}
	return false
}

// number consumes a JSON number, reporting whether it is well-formed.
func (s *scanner) number() bool {
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if digits() == 0 {
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

func (f *fastNode) validString(raw []byte, esc bool) bool {
	if !f.typeOK(fastTypeString) {
		return false
	}
	var str string
	decoded := false
	if esc {
		str, decoded = unescape(raw), true
	}
	if f.hasEnum {
		found := false
		for _, e := range f.enum {
			if x, ok := e.(string); ok && ((decoded && x == str) || (!decoded && x == string(raw))) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if f.minLen >= 0 || f.maxLen >= 0 {
		var n int
		if decoded {
			n = utf8.RuneCountInString(str)
		} else {
			n = utf8.RuneCount(raw)
		}
		if (f.minLen >= 0 && n < f.minLen) || (f.maxLen >= 0 && n > f.maxLen) {
			return false
		}
	}
	if f.pattern != nil {
		if !decoded {
			str = string(raw)
		}
		return f.pattern.MatchString(str)
	}
	return true
}

func (f *fastNode) validObject(s *scanner, depth int) bool {
	if !f.typeOK(fastTypeObject) || f.hasEnum || len(f.required) > 64 {
		return false
	}
	var keys [fastMaxMembers][]byte
	n := 0
	var seen uint64
	if !s.eat('}') {
		for {
			k, ok := s.key()
			if !ok || n == fastMaxMembers {
				return false
			}
			for _, p := range keys[:n] {
				if string(p) == string(k) {
					return false // duplicate: the general path keeps the last
				}
			}
			keys[n] = k
			n++
			for j, r := range f.required {
				if r == string(k) {
					seen |= 1 << j
				}
			}
			if p, ok := f.props[string(k)]; ok {
				if !p.validValue(s, depth+1) {
					return false
				}
			} else if f.noExtra {
				return false
			} else if f.extra != nil {
				if !f.extra.validValue(s, depth+1) {
					return false
				}
			} else if !anyValue.validValue(s, depth+1) {
				return false
			}
			more, ok := s.next()
			if !ok {
				return false
			}
			if !more {
				break
			}
		}
	}
	return seen == uint64(1)<<len(f.required)-1 // a shift by 64 is 0, and 0-1 is all ones
}

// anyValue accepts every JSON value the fast path can read.
var anyValue = &fastNode{minLen: -1, maxLen: -1, minItems: -1, maxItems: -1}

func (f *fastNode) validArray(s *scanner, depth int) bool {
	if !f.typeOK(fastTypeArray) || f.hasEnum {
		return false
	}
	items := f.items
	if items == nil {
		items = anyValue
	}
	n := 0
	if !s.eat(']') {
		for {
			if !items.validValue(s, depth+1) {
				return false
			}
			n++
			if s.eat(',') {
				continue
			}
			if s.eat(']') {
				break
			}
			return false
		}
	}
	return (f.minItems < 0 || n >= f.minItems) && (f.maxItems < 0 || n <= f.maxItems)
}

// scanner walks JSON text.
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
