package wire

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads the JSON text of one frame token by token, validating it as
// it goes (RFC 8259 grammar). It allocates only for the strings the decoder
// keeps and for syntax errors.
type scanner struct {
	b []byte
	i int
}

// maxDepth bounds the nesting of arrays and objects in a frame, below
// encoding/json's own limit, so that whatever the decoder accepts can be
// encoded again.
const maxDepth = 1000

// syntaxError reports a frame that is not well-formed JSON.
type syntaxError struct {
	msg    string
	offset int // byte offset of the fault in the frame
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("%s at offset %d", e.msg, e.offset)
}

// unexpected reports the byte at the cursor (or the end of the frame) as a
// syntax error.
func (s *scanner) unexpected() error {
	if s.i >= len(s.b) {
		return &syntaxError{"unexpected end of frame", s.i}
	}
	return &syntaxError{fmt.Sprintf("invalid character %q", s.b[s.i]), s.i}
}

// ws skips JSON whitespace.
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

// peek skips whitespace and returns the next byte, 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// literal consumes lit (true, false or null), whose first byte is next.
func (s *scanner) literal(lit string) error {
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return nil
	}
	for j := 1; j < len(lit); j++ { // point at the first wrong byte
		if s.i+j >= len(s.b) || s.b[s.i+j] != lit[j] {
			s.i += j
			break
		}
	}
	return s.unexpected()
}

// Flags of a string token.
const (
	strEscaped  = 1 << iota // holds backslash escapes
	strNonASCII             // holds bytes ≥ 0x80
)

// plain reports the bytes a string holds as they are: printable ASCII
// other than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringToken consumes the string whose opening quote is next and returns
// its raw content, between the quotes, with its flags.
func (s *scanner) stringToken() (raw []byte, flags uint8, err error) {
	b := s.b
	start := s.i + 1 // after the opening quote
	i := start
	for {
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i >= len(b) {
			s.i = i
			return nil, 0, s.unexpected()
		}
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return b[start:i], flags, nil
		case c == '\\':
			flags |= strEscaped
			i++
			if i >= len(b) {
				s.i = i
				return nil, 0, s.unexpected()
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for range 4 {
					if i >= len(b) || !isHex(b[i]) {
						s.i = i
						return nil, 0, s.unexpected()
					}
					i++
				}
			default:
				return nil, 0, &syntaxError{fmt.Sprintf("invalid escape %q", "\\"+string(b[i])), i - 1}
			}
		case c < 0x20:
			return nil, 0, &syntaxError{fmt.Sprintf("control character %q in a string", c), i}
		default:
			flags |= strNonASCII
			i++
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// unquote turns the raw content of a string token into a Go string. Escapes
// are decoded as encoding/json decodes them (a lone surrogate becomes
// U+FFFD). Invalid UTF-8 bytes are kept as they are when verbatim is set
// and replaced by U+FFFD, one per byte as encoding/json does, otherwise.
func unquote(raw []byte, flags uint8, verbatim bool) string {
	if flags == 0 || flags == strNonASCII && (verbatim || utf8.Valid(raw)) {
		return string(raw)
	}
	var buf [64]byte // enough for most strings, on the stack
	out := buf[:0]
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			var r rune
			r, i = unescapeAt(raw, i)
			out = utf8.AppendRune(out, r)
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 && !verbatim {
				out = append(out, "\uFFFD"...)
			} else {
				out = append(out, raw[i:i+size]...)
			}
			i += size
		}
	}
	return string(out)
}

// unescapeAt decodes the escape at raw[i] (a backslash, already validated
// by stringToken) and returns the rune and the index after it. A surrogate
// pair written as two \u escapes makes one rune.
func unescapeAt(raw []byte, i int) (rune, int) {
	switch c := raw[i+1]; c {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r := hex4(raw[i+2:])
		i += 6
		if !utf16.IsSurrogate(r) {
			return r, i
		}
		if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
			if dec := utf16.DecodeRune(r, hex4(raw[i+2:])); dec != utf8.RuneError {
				return dec, i + 6
			}
		}
		return utf8.RuneError, i
	default: // '"', '\\', '/'
		return rune(c), i + 2
	}
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// member reads the next member of an object whose '{' is consumed: the key
// (unescaped) and the colon after it, or done after consuming the closing
// '}'. first is true before the first member.
func (s *scanner) member(first bool) (key []byte, done bool, err error) {
	c := s.peek()
	if c == '}' {
		s.i++
		return nil, true, nil
	}
	if !first {
		if c != ',' {
			return nil, false, s.unexpected()
		}
		s.i++
		c = s.peek()
	}
	if c != '"' {
		return nil, false, s.unexpected()
	}
	raw, flags, err := s.stringToken()
	if err != nil {
		return nil, false, err
	}
	if flags&strEscaped != 0 {
		raw = []byte(unquote(raw, flags, false))
	}
	if s.peek() != ':' {
		return nil, false, s.unexpected()
	}
	s.i++
	return raw, false, nil
}

// element reads up to the next element of an array whose '[' is consumed,
// or reports done after consuming the closing ']'.
func (s *scanner) element(first bool) (done bool, err error) {
	c := s.peek()
	if c == ']' {
		s.i++
		return true, nil
	}
	if first {
		return false, nil
	}
	if c != ',' {
		return false, s.unexpected()
	}
	s.i++
	return false, nil
}

// skip consumes one value of any kind, checking its syntax; depth is the
// nesting depth of the value.
func (s *scanner) skip(depth int) error {
	switch c := s.peek(); {
	case c == '"':
		_, _, err := s.stringToken()
		return err
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return &syntaxError{"nested too deeply", s.i}
		}
		s.i++
		for first := true; ; first = false {
			var done bool
			var err error
			if c == '{' {
				_, done, err = s.member(first)
			} else {
				done, err = s.element(first)
			}
			if err != nil || done {
				return err
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
		}
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	default:
		return s.unexpected()
	}
}

// number consumes a number, whose first byte is next.
func (s *scanner) number() error {
	if s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return s.unexpected()
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			return s.unexpected()
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return s.unexpected()
		}
	}
	return nil
}

// digits consumes a run of decimal digits, reporting whether there was one.
func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}
