package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// syntaxProblem says in plain words what is wrong with data, text the JSON
// parser refused, and where: `unquoted text x at character 21; text
// values need double quotes, like "x"`. Should it find nothing wrong (it
// reads JSON as encoding/json does: FuzzSyntaxProblem), it says so
// vaguely rather than quote the parser.
func syntaxProblem(data string) string {
	if p := findSyntaxProblem(data); p != "" {
		return p
	}
	return "it could not be read"
}

// findSyntaxProblem returns the first problem in the JSON text data, ""
// when it is valid JSON.
func findSyntaxProblem(data string) string {
	r := syntaxReader{s: data}
	r.ws()
	if r.value(0) {
		r.ws()
		if r.i < len(r.s) {
			r.problemAt(r.i, "extra text after the end of the JSON value at character %d")
		}
	}
	return r.problem
}

// syntaxReader checks JSON text and keeps the first problem found.
type syntaxReader struct {
	s       string
	i       int
	open    []byte // closing brackets still owed, innermost last
	problem string
}

// problemAt records the problem; a %d in format becomes the 1-based
// character position of byte offset at.
func (r *syntaxReader) problemAt(at int, format string) bool {
	if r.problem == "" {
		r.problem = strings.Replace(format, "%d", strconv.Itoa(utf8.RuneCountInString(r.s[:at])+1), 1)
	}
	return false
}

// endsEarly records that the text stopped while something was still open.
func (r *syntaxReader) endsEarly() bool {
	msg := "the text ends before the JSON value is complete"
	if len(r.open) > 0 {
		owed := slices.Clone(r.open)
		slices.Reverse(owed)
		msg += "; it is missing " + string(owed) + " at the end"
	}
	return r.problemAt(len(r.s), msg)
}

func (r *syntaxReader) ws() {
	for r.i < len(r.s) && (r.s[r.i] == ' ' || r.s[r.i] == '\t' || r.s[r.i] == '\n' || r.s[r.i] == '\r') {
		r.i++
	}
}

// found shows the character at byte offset i for a message: `found }`.
func (r *syntaxReader) found(i int) string {
	c, _ := utf8.DecodeRuneInString(r.s[i:])
	switch {
	case c == utf8.RuneError:
		return "found a byte that is not text"
	case c < 0x20 || c == 0x7f:
		return "found control character " + strconv.QuoteRune(c)
	}
	return "found " + string(c)
}

// word returns the run of letters, digits and '_' at byte offset i, at
// most 20 bytes of it.
func (r *syntaxReader) word(i int) string {
	j := i
	for j < len(r.s) && j-i < 20 {
		c, n := utf8.DecodeRuneInString(r.s[j:])
		if !isWordRune(c) {
			break
		}
		j += n
	}
	return r.s[i:j]
}

func isWordRune(c rune) bool {
	return c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c)
}

// startsWord reports whether a word (not a number) starts at byte offset i.
func (r *syntaxReader) startsWord(i int) bool {
	c, _ := utf8.DecodeRuneInString(r.s[i:])
	return c == '_' || unicode.IsLetter(c)
}

// value reads one JSON value after whitespace was skipped.
func (r *syntaxReader) value(depth int) bool {
	if depth > maxDepth {
		return r.problemAt(r.i, "the data is nested too deeply at character %d")
	}
	if r.i >= len(r.s) {
		return r.endsEarly()
	}
	start := r.i
	switch c := r.s[r.i]; {
	case c == '{':
		return r.container('}', depth)
	case c == '[':
		return r.container(']', depth)
	case c == '"':
		return r.str()
	case c == '-' || c >= '0' && c <= '9':
		return r.number()
	case c == '+':
		return r.problemAt(start, "the number at character %d starts with +; write it without the +")
	case c == '.':
		return r.problemAt(start, "the number at character %d starts with a dot; write 0.5, not .5")
	case c == '\'':
		return r.problemAt(start, `single quote at character %d; JSON strings use double quotes, like "text"`)
	case c == '/':
		return r.problemAt(start, "a comment at character %d; JSON has no comments")
	case r.startsWord(start):
		return r.literal()
	}
	return r.problemAt(start, "a value is missing at character %d ("+r.found(start)+")")
}

// literal reads true, false or null, and explains any other word.
func (r *syntaxReader) literal() bool {
	start := r.i
	w := r.word(start)
	switch w {
	case "true", "false", "null":
		r.i += len(w)
		return true
	}
	if len(w) < 5 && strings.HasPrefix("false", w) || len(w) < 4 && (strings.HasPrefix("true", w) || strings.HasPrefix("null", w)) {
		if start+len(w) == len(r.s) {
			return r.endsEarly()
		}
	}
	switch strings.ToLower(w) {
	case "true", "false", "null":
		return r.problemAt(start, w+" at character %d must be written in lowercase: "+strings.ToLower(w))
	case "none", "nil", "undefined":
		return r.problemAt(start, w+" at character %d is not JSON; write null")
	case "nan", "infinity", "inf":
		return r.problemAt(start, w+" at character %d is not a JSON number")
	}
	return r.problemAt(start, "unquoted text "+w+" at character %d; text values need double quotes, like "+strconv.Quote(w))
}

// number reads a JSON number.
func (r *syntaxReader) number() bool {
	start := r.i
	digits := func() int {
		n := 0
		for r.i < len(r.s) && r.s[r.i] >= '0' && r.s[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	bad := func(why string) bool {
		return r.problemAt(start, "the number at character %d is malformed: "+why)
	}
	if r.s[r.i] == '-' {
		r.i++
	}
	switch {
	case r.i >= len(r.s):
		return r.endsEarly()
	case r.s[r.i] == '0':
		r.i++
		if r.i < len(r.s) && r.s[r.i] >= '0' && r.s[r.i] <= '9' {
			return bad("it must not start with 0")
		}
	case digits() == 0:
		return bad("a digit must follow the minus sign")
	}
	if r.i < len(r.s) && r.s[r.i] == '.' {
		r.i++
		if r.i >= len(r.s) {
			return r.endsEarly()
		}
		if digits() == 0 {
			return bad("a digit must follow the decimal point")
		}
	}
	if r.i < len(r.s) && (r.s[r.i] == 'e' || r.s[r.i] == 'E') {
		r.i++
		if r.i < len(r.s) && (r.s[r.i] == '+' || r.s[r.i] == '-') {
			r.i++
		}
		if r.i >= len(r.s) {
			return r.endsEarly()
		}
		if digits() == 0 {
			return bad("a digit must follow the exponent " + r.s[start:r.i])
		}
	}
	return true
}

// str reads a JSON string.
func (r *syntaxReader) str() bool {
	start := r.i
	unclosed := func() bool {
		return r.problemAt(start, `the string starting at character %d is never closed; it is missing "`)
	}
	r.i++ // the opening quote
	for r.i < len(r.s) {
		c := r.s[r.i]
		switch {
		case c == '"':
			r.i++
			return true
		case c == '\\':
			if r.i+1 >= len(r.s) {
				return unclosed()
			}
			switch e := r.s[r.i+1]; e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				r.i += 2
			case 'u':
				for k := 2; k < 6; k++ {
					if r.i+k >= len(r.s) {
						return unclosed()
					}
					if !isHex(r.s[r.i+k]) {
						return r.problemAt(r.i, `\u at character %d must be followed by four hexadecimal digits`)
					}
				}
				r.i += 6
			default:
				if e > ' ' && e < utf8.RuneSelf {
					return r.problemAt(r.i, `\`+string(e)+` at character %d is not a valid escape; write \\ for a backslash`)
				}
				return r.problemAt(r.i, `the backslash at character %d starts no valid escape; write \\ for a backslash`)
			}
		case c < 0x20:
			switch c {
			case '\n':
				return r.problemAt(r.i, `a line break inside a string at character %d; write it as \n`)
			case '\t':
				return r.problemAt(r.i, `a tab inside a string at character %d; write it as \t`)
			}
			return r.problemAt(r.i, fmt.Sprintf(`a control character inside a string at character %%d; write it as \u%04x`, c))
		default:
			r.i++
		}
	}
	return unclosed()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// container reads a JSON object (closing '}') or array (closing ']');
// r.i is at the opening bracket.
func (r *syntaxReader) container(closing byte, depth int) bool {
	other, what := byte('}'), "list"
	if closing == '}' {
		other, what = ']', "object"
	}
	r.i++
	r.open = append(r.open, closing)
	r.ws()
	if r.i < len(r.s) && r.s[r.i] == closing {
		r.i++
		r.open = r.open[:len(r.open)-1]
		return true
	}
	for {
		if closing == '}' && !r.key() {
			return false
		}
		r.ws()
		if !r.value(depth + 1) {
			return false
		}
		r.ws()
		if r.i >= len(r.s) {
			return r.endsEarly()
		}
		switch c := r.s[r.i]; {
		case c == closing:
			r.i++
			r.open = r.open[:len(r.open)-1]
			return true
		case c == ',':
			comma := r.i
			r.i++
			r.ws()
			if r.i < len(r.s) && r.s[r.i] == closing {
				return r.problemAt(comma, "a comma before "+string(closing)+" at character %d; remove the last comma")
			}
		case c == other:
			return r.problemAt(r.i, string(other)+" at character %d should be "+string(closing)+" to close the "+what)
		case c == '"' || c == '{' || c == '[' || c == '-' || c >= '0' && c <= '9' || r.startsWord(r.i):
			return r.problemAt(r.i, "a comma is missing before character %d")
		default:
			return r.problemAt(r.i, "expected , or "+string(closing)+" at character %d ("+r.found(r.i)+")")
		}
	}
}

// key reads a property name and its colon, after whitespace.
func (r *syntaxReader) key() bool {
	r.ws()
	if r.i >= len(r.s) {
		return r.endsEarly()
	}
	start := r.i
	switch c := r.s[r.i]; {
	case c == '"':
		if !r.str() {
			return false
		}
	case c == '\'':
		return r.problemAt(start, `single quote at character %d; property names use double quotes, like "name"`)
	case r.startsWord(start):
		w := r.word(start)
		return r.problemAt(start, "property name "+w+" at character %d is not in double quotes; write "+strconv.Quote(w))
	case c == '/':
		return r.problemAt(start, "a comment at character %d; JSON has no comments")
	default:
		return r.problemAt(start, "expected a property name in double quotes at character %d ("+r.found(start)+")")
	}
	// The name as written, cut, in valid UTF-8 for the message.
	name := `"` + strings.ToValidUTF8(truncateText(r.s[start+1:r.i-1], 40), "\uFFFD") + `"`
	r.ws()
	if r.i >= len(r.s) {
		return r.endsEarly()
	}
	if r.s[r.i] != ':' {
		return r.problemAt(r.i, "a colon is missing after the property name "+name+" at character %d")
	}
	r.i++
	r.ws()
	return true
}
