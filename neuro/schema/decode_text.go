package schema

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// fastReader reads JSON text for the fast decoder (decode_fast.go). It
// accepts exactly what encoding/json's scanner accepts, and gives strings
// and numbers the values encoding/json gives them; every method reports
// false, and reads no further, on anything else: bad JSON, or anything it
// leaves to encoding/json. Of the scanner it shares, it uses ws, eat and
// literal.
type fastReader struct {
	scanner
	depth int // objects and arrays open
	// rewrite: whole numbers written with a fraction or an exponent are
	// read as integers (wholeNumbers), because the type has integer
	// fields.
	rewrite bool
	// strict: unknown keys are refused (the schema forbids extra
	// properties everywhere).
	strict bool
}

// peek skips whitespace and returns the next byte, 0 at the end.
func (r *fastReader) peek() byte {
	r.ws()
	if r.i < len(r.s) {
		return r.s[r.i]
	}
	return 0
}

// open enters the object or array at r.i, within maxDepth; empty reports
// one closed at once ({}, []), left already.
func (r *fastReader) open(closing byte) (empty, ok bool) {
	r.i++
	if r.depth++; r.depth > maxDepth {
		return false, false
	}
	if r.eat(closing) {
		r.depth--
		return true, true
	}
	return false, true
}

// next consumes the comma before another member or item (more) or the
// closing bracket (!more, the object or array left); ok is false for
// anything else.
func (r *fastReader) next(closing byte) (more, ok bool) {
	more, ok = r.scanner.next(closing)
	if ok && !more {
		r.depth--
	}
	return more, ok
}

// key reads an object member's key and the colon after it.
func (r *fastReader) key() (string, bool) {
	if r.peek() != '"' {
		return "", false
	}
	k, ok := r.str()
	return k, ok && r.eat(':')
}

// str reads the string at r.i (a quote) and returns its value as
// encoding/json does: escapes decoded, a lone or broken UTF-16 surrogate
// and each byte of invalid UTF-8 turned into U+FFFD. The value of a
// string without escapes in valid UTF-8 is a substring of the text: no
// copy.
func (r *fastReader) str() (string, bool) {
	start := r.i + 1
	end, simple, ok := strEnd(r.s, start)
	if !ok {
		return "", false
	}
	r.i = end + 1
	if simple {
		return r.s[start:end], true
	}
	return unquote(r.s[start:end]), true
}

// strEnd finds the closing quote of the string whose text starts at i,
// checking it as encoding/json's scanner does (no control characters,
// only JSON's escapes). simple reports a string without escapes in valid
// UTF-8, whose text is its value.
func strEnd(s string, i int) (end int, simple, ok bool) {
	simple = true
	for i < len(s) {
		switch c := s[i]; {
		case c == '"':
			return i, simple, true
		case c == '\\':
			simple = false
			if i+1 >= len(s) {
				return 0, false, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if hex4(s[i+2:]) < 0 {
					return 0, false, false
				}
				i += 6
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		case c < utf8.RuneSelf:
			i++
		default:
			rr, size := utf8.DecodeRuneInString(s[i:])
			if rr == utf8.RuneError && size == 1 {
				simple = false
			}
			i += size
		}
	}
	return 0, false, false
}

// hex4 returns the value of the four hex digits s starts with, -1 when
// it does not.
func hex4(s string) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// unquote decodes raw, the text of a string strEnd accepted, as
// encoding/json's unquoteBytes does.
func unquote(raw string) string {
	var b strings.Builder
	b.Grow(len(raw) + 2*utf8.UTFMax)
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			switch e := raw[i+1]; e {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				rr := hex4(raw[i+2:])
				i += 6
				if utf16.IsSurrogate(rr) {
					next := rune(-1)
					if strings.HasPrefix(raw[i:], `\u`) {
						next = hex4(raw[i+2:])
					}
					if rr = utf16.DecodeRune(rr, next); rr != utf8.RuneError {
						i += 6 // a pair: the second half is used up
					}
				}
				b.WriteRune(rr)
				continue
			default: // '"', '\\', '/'
				b.WriteByte(e)
			}
			i += 2
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			rr, size := utf8.DecodeRuneInString(raw[i:])
			b.WriteRune(rr) // RuneError for a byte of invalid UTF-8
			i += size
		}
	}
	return b.String()
}

// number reads the JSON number at r.i. plain reports one without a
// fraction or an exponent. A number run on by more of the characters
// wholeNumbers takes for part of a number is bad JSON: refused.
func (r *fastReader) number() (tok string, plain, ok bool) {
	s, i := r.s, r.i
	digits := func() bool {
		from := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > from
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if !digits() {
		return "", false, false
	}
	plain = true
	if i < len(s) && s[i] == '.' {
		i++
		plain = false
		if !digits() {
			return "", false, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		plain = false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return "", false, false
		}
	}
	if i < len(s) && strings.IndexByte("+-0123456789.eE", s[i]) >= 0 {
		return "", false, false
	}
	tok = s[r.i:i]
	r.i = i
	return tok, plain, true
}

// numText is the text encoding/json parses for tok: after wholeNumbers,
// when it rewrites.
func (r *fastReader) numText(tok string, plain bool) string {
	if r.rewrite && !plain {
		if whole, ok := wholeText(tok); ok {
			return whole
		}
	}
	return tok
}

// skip reads past one value, checking it.
func (r *fastReader) skip() bool {
	switch r.peek() {
	case '{':
		if empty, ok := r.open('}'); !ok || empty {
			return ok
		}
		for {
			if _, ok := r.key(); !ok || !r.skip() {
				return false
			}
			if more, ok := r.next('}'); !ok || !more {
				return ok
			}
		}
	case '[':
		if empty, ok := r.open(']'); !ok || empty {
			return ok
		}
		for {
			if !r.skip() {
				return false
			}
			if more, ok := r.next(']'); !ok || !more {
				return ok
			}
		}
	case '"':
		end, _, ok := strEnd(r.s, r.i+1)
		if ok {
			r.i = end + 1
		}
		return ok
	case 't':
		return r.literal("true")
	case 'f':
		return r.literal("false")
	case 'n':
		return r.literal("null")
	}
	_, _, ok := r.number()
	return ok
}

// anyValue reads one value as encoding/json decodes it into an empty
// interface: map[string]any, []any, float64, string, bool or nil.
func (r *fastReader) anyValue() (any, bool) {
	switch r.peek() {
	case '{':
		m := make(map[string]any)
		if empty, ok := r.open('}'); !ok || empty {
			return m, ok
		}
		for {
			k, ok := r.key()
			if !ok {
				return nil, false
			}
			if m[k], ok = r.anyValue(); !ok {
				return nil, false
			}
			if more, ok := r.next('}'); !ok || !more {
				return m, ok
			}
		}
	case '[':
		a := make([]any, 0)
		if empty, ok := r.open(']'); !ok || empty {
			return a, ok
		}
		for {
			v, ok := r.anyValue()
			if !ok {
				return nil, false
			}
			a = append(a, v)
			if more, ok := r.next(']'); !ok || !more {
				return a, ok
			}
		}
	case '"':
		return r.str()
	case 't':
		return true, r.literal("true")
	case 'f':
		return false, r.literal("false")
	case 'n':
		return nil, r.literal("null")
	}
	tok, plain, ok := r.number()
	if !ok {
		return nil, false
	}
	f, err := strconv.ParseFloat(r.numText(tok, plain), 64)
	return f, err == nil
}
