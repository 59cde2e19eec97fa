package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// DataError reports action data that is absent when needed, not valid
// JSON, or does not match the action's schema. Message is short plain text
// meant to be sent back to Neuro in the failed action/result: it says what
// is wrong, naming the value sent, and what to send instead, for example
// `"cell" must be from 1 to 9, not 12`.
type DataError struct {
	// Action is the name of the action.
	Action string
	// Message says what is wrong and what is allowed, in a sentence or two.
	Message string
	// Err is the underlying error: the JSON parser's error for data that is
	// not JSON, a *jsonschema.ValidationError for data that does not match
	// the schema, nil otherwise (data missing, nested too deeply, a number
	// out of range).
	Err error
}

// Error implements error.
func (e *DataError) Error() string {
	return "schema: invalid data for action " + strconv.Quote(e.Action) + ": " + e.Message
}

// Unwrap returns Err.
func (e *DataError) Unwrap() error { return e.Err }

// Limits on the data Check reads. Numbers are compared as big.Rat by the
// validator, which panics on a number big.Rat refuses (an exponent beyond
// a million) and spends milliseconds on one just below; data from a
// language model has no use for such numbers, nor for deep nesting.
const (
	maxDepth          = 32
	maxNumberLen      = 100
	maxNumberExponent = 1000
)

// numberLimits states the limits on numbers in a message.
var numberLimits = "numbers may have at most " + strconv.Itoa(maxNumberLen) + " characters and an exponent from -" +
	strconv.Itoa(maxNumberExponent) + " to " + strconv.Itoa(maxNumberExponent)

// Check validates the data of one incoming action; hasData reports whether
// the action carried a data field. It returns nil when the data is
// acceptable and a *DataError otherwise. It never panics and never reads
// anything but data.
//
// Data policy:
//   - An action without a schema takes no data: Check accepts absent data
//     and ignores whatever is sent, valid JSON or not (the game may log
//     it; it is not Neuro's fault worth a retry).
//   - For an action with a schema, absent data, an empty or blank string,
//     and the JSON literal null all count as "no data". No data is
//     accepted when the schema accepts the empty object {} (no required
//     properties); otherwise Check answers "this action needs data: ...".
//   - Anything else must be one valid JSON document, nested at most 32
//     levels deep, that matches the schema. Numbers keep their exact
//     value; numbers longer than 100 characters or with an exponent
//     beyond ±1000 are rejected as out of range.
func (c *Compiled) Check(data string, hasData bool) error {
	if c == nil || !c.has {
		return nil
	}
	trimmed := strings.Trim(data, " \t\r\n")
	if !hasData || trimmed == "" || trimmed == "null" {
		if c.absentOK {
			return nil
		}
		return c.fail(c.needs, nil)
	}
	if c.fast != nil && c.fast.validJSON(trimmed) {
		return nil
	}
	return c.checkParsed(data, trimmed)
}

// internalProblem is the Message when the game, not the data, is at fault.
const internalProblem = "the game could not check this data because of an internal error; this is not your mistake"

// checkParsed is Check's general path: it parses trimmed, then validates
// and explains. data is the text as sent, for positions in messages. A
// panic in the validator (it had one on huge numbers, which Check now
// refuses first) becomes a DataError instead of taking the game down.
func (c *Compiled) checkParsed(data, trimmed string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = c.fail(internalProblem, fmt.Errorf("schema: checking data for action %q panicked: %v", c.action, r))
		}
	}()
	return c.checkParsedUnsafe(data, trimmed)
}

func (c *Compiled) fail(msg string, err error) *DataError {
	return &DataError{Action: c.action, Message: msg, Err: err}
}

// sendHint says what to send: an example when there is one, else the shape.
func (c *Compiled) sendHint() string {
	if c.example != "" {
		return "send an object like " + c.example
	}
	return "send " + c.shape
}

// fullHint is sendHint with the shape spelled out even when there is an
// example: after text that is not JSON at all, the model learns the
// allowed values from it, not only one valid object.
func (c *Compiled) fullHint() string {
	if c.example != "" && c.shape != "" {
		return "send " + c.shape + ", like " + c.example
	}
	return c.sendHint()
}

// checkParsedUnsafe is checkParsed without the recover.
func (c *Compiled) checkParsedUnsafe(data, trimmed string) error {
	if nestedTooDeeply(trimmed) {
		return c.fail("the data is nested too deeply (more than "+strconv.Itoa(maxDepth)+
			" levels of objects and arrays); "+c.sendHint(), nil)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(trimmed))
	if err != nil {
		// Say what to send as well as what was wrong: the model retries
		// from this message alone.
		return c.fail("the data is not valid JSON: "+syntaxProblem(data)+"; "+c.fullHint(), err)
	}
	if loc, num, found := outOfRangeNumber(v); found {
		return c.fail(instanceName(v, loc)+" is out of range: "+truncateText(num, 40)+" ("+numberLimits+")", nil)
	}
	sch, err := c.full()
	if err != nil {
		return c.fail(internalProblem, err)
	}
	err = sch.Validate(v)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return c.fail("the data does not match the schema: "+err.Error(), err)
	}
	return c.fail(c.explain(sch, v, verr), err)
}

// nestedTooDeeply reports whether the JSON text s opens more than maxDepth
// objects and arrays at once, counting brackets outside strings.
func nestedTooDeeply(s string) bool {
	depth, inString := 0, false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case inString && ch == '\\':
			i++
		case ch == '"':
			inString = !inString
		case inString:
		case ch == '{' || ch == '[':
			if depth++; depth > maxDepth {
				return true
			}
		case ch == '}' || ch == ']':
			depth--
		}
	}
	return false
}

// outOfRangeNumber finds a number in v that is too long or whose exponent
// is too large, returning its location and text. With several, it returns
// the one whose location sorts first, so that messages are stable. It
// allocates only when it finds one.
func outOfRangeNumber(v any) (loc []string, num string, found bool) {
	switch x := v.(type) {
	case json.Number:
		if !numberInRange(string(x)) {
			return nil, string(x), true
		}
	case map[string]any:
		for k, e := range x {
			if l, n, ok := outOfRangeNumber(e); ok {
				l = append([]string{k}, l...)
				if !found || lessLocation(l, loc) {
					loc, num, found = l, n, true
				}
			}
		}
	case []any:
		for i, e := range x {
			if l, n, ok := outOfRangeNumber(e); ok {
				return append([]string{strconv.Itoa(i)}, l...), n, true
			}
		}
	}
	return loc, num, found
}

func lessLocation(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

func numberInRange(s string) bool {
	if len(s) > maxNumberLen {
		return false
	}
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return true
	}
	exp, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	return err == nil && exp >= -maxNumberExponent && exp <= maxNumberExponent
}

// truncateText cuts s after n bytes, at a character boundary, and marks
// the cut with "...".
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
