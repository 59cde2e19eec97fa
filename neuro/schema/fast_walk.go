package schema

import "unicode/utf8"

// validJSON is Check's fast path: it walks the JSON text data (already
// trimmed) against f without building a value or allocating. It only ever
// answers true when the general path (parse, limits, full validator) would
// also accept data (FuzzSchemaFastPath). Anything unusual makes it answer
// false and Check takes the general path, which decides and explains:
// invalid data, \u escapes, invalid UTF-8, duplicate or escaped keys,
// objects with many members, deep nesting, numbers outside the range
// Check accepts.
func (f *fastNode) validJSON(data string) bool {
	s := scanner{s: data}
	if !f.validValue(&s, 0) {
		return false
	}
	s.ws()
	return s.i == len(s.s)
}

// fastMaxMembers bounds the members of one object the walk reads (it
// keeps their keys on the stack to spot duplicates).
const fastMaxMembers = 32

func (f *fastNode) validValue(s *scanner, depth int) bool {
	if f.never {
		return false
	}
	s.ws()
	if s.i >= len(s.s) {
		return false
	}
	switch c := s.s[s.i]; {
	case c == '{' || c == '[':
		if depth >= maxDepth { // the general path refuses more levels
			return false
		}
		s.i++
		if c == '{' {
			return f.validObject(s, depth)
		}
		return f.validArray(s, depth)
	case c == '"':
		raw, esc, ok := s.str()
		return ok && f.validString(raw, esc)
	case c == 't' || c == 'f':
		b := c == 't'
		if !(b && s.literal("true")) && !(!b && s.literal("false")) || !f.typeOK(fastTypeBoolean) {
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
		num := s.s[start:s.i]
		return numberInRange(num) && f.numberValid(num)
	}
	return false
}

func (f *fastNode) validString(raw string, esc bool) bool {
	if !f.typeOK(fastTypeString) {
		return false
	}
	str := raw
	if esc {
		str = unescape(raw) // allocates; rare in action data
	}
	if f.hasEnum {
		found := false
		for _, e := range f.enum {
			if x, ok := e.(string); ok && x == str {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if f.minLen >= 0 || f.maxLen >= 0 {
		n := utf8.RuneCountInString(str)
		if (f.minLen >= 0 && n < f.minLen) || (f.maxLen >= 0 && n > f.maxLen) {
			return false
		}
	}
	return f.pattern == nil || f.pattern.MatchString(str)
}

func (f *fastNode) validObject(s *scanner, depth int) bool {
	if !f.typeOK(fastTypeObject) || f.hasEnum || len(f.required) > 64 {
		return false
	}
	var keys [fastMaxMembers]string
	n := 0
	var seen uint64
	if !s.eat('}') {
		for {
			k, ok := s.key()
			if !ok || n == fastMaxMembers {
				return false
			}
			for _, p := range keys[:n] {
				if p == k {
					return false // duplicate: the general path keeps the last
				}
			}
			keys[n] = k
			n++
			for j, r := range f.required {
				if r == k {
					seen |= 1 << j
				}
			}
			next := anyValue
			if p, ok := f.props[k]; ok {
				next = p
			} else if f.noExtra {
				return false
			} else if f.extra != nil {
				next = f.extra
			}
			if !next.validValue(s, depth+1) {
				return false
			}
			more, ok := s.next('}')
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
			more, ok := s.next(']')
			if !ok {
				return false
			}
			if !more {
				break
			}
		}
	}
	return (f.minItems < 0 || n >= f.minItems) && (f.maxItems < 0 || n <= f.maxItems)
}

// scanner reads JSON text for the fast path. It accepts only the plain
// forms: strings in valid UTF-8 without \u escapes, keys without escapes.
type scanner struct {
	s string
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.s) {
		switch s.s[s.i] {
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
	if s.i < len(s.s) && s.s[s.i] == c {
		s.i++
		return true
	}
	return false
}

// literal consumes lit if it is next (no whitespace skipped).
func (s *scanner) literal(lit string) bool {
	if len(s.s)-s.i >= len(lit) && s.s[s.i:s.i+len(lit)] == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// next consumes the comma before another member or item (more) or the
// closing bracket (!more); ok is false for anything else.
func (s *scanner) next(closing byte) (more, ok bool) {
	if s.eat(',') {
		return true, true
	}
	if s.eat(closing) {
		return false, true
	}
	return false, false
}

// number consumes a JSON number, reporting whether it is well-formed.
func (s *scanner) number() bool {
	digits := func() int {
		n := 0
		for s.i < len(s.s) && s.s[s.i] >= '0' && s.s[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.i < len(s.s) && s.s[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.s) && s.s[s.i] == '0' {
		s.i++
	} else if digits() == 0 {
		return false
	}
	if s.i < len(s.s) && s.s[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return false
		}
	}
	if s.i < len(s.s) && (s.s[s.i] == 'e' || s.s[s.i] == 'E') {
		s.i++
		if s.i < len(s.s) && (s.s[s.i] == '+' || s.s[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// str skips whitespace and consumes a JSON string, returning its raw
// content between the quotes and whether it holds escapes. ok is false
// for anything but a well-formed string in valid UTF-8 whose escapes are
// all single-character ones (no \u).
func (s *scanner) str() (raw string, esc, ok bool) {
	if !s.eat('"') {
		return "", false, false
	}
	start := s.i
	ascii := true
	for s.i < len(s.s) {
		c := s.s[s.i]
		switch {
		case c == '"':
			raw = s.s[start:s.i]
			s.i++
			if !ascii && !utf8.ValidString(raw) {
				return "", false, false
			}
			return raw, esc, true
		case c == '\\':
			if s.i+1 >= len(s.s) {
				return "", false, false
			}
			switch s.s[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			default:
				return "", false, false // \u, or invalid
			}
			esc = true
			s.i += 2
		case c < 0x20:
			return "", false, false
		default:
			if c >= utf8.RuneSelf {
				ascii = false
			}
			s.i++
		}
	}
	return "", false, false
}

// key reads an object key without escapes and the colon after it.
func (s *scanner) key() (string, bool) {
	k, esc, ok := s.str()
	if !ok || esc || !s.eat(':') {
		return "", false
	}
	return k, true
}

// unescape decodes the single-character escapes str accepted.
func unescape(raw string) string {
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
