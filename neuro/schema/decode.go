package schema

import (
	"errors"
	"reflect"
	"strings"
)

// DecodeError reports action data that cannot become a value of the Go
// type: Message, like a DataError's, says what is wrong and what to send,
// for the failed action/result.
type DecodeError struct {
	// Type is the Go type decoded into.
	Type reflect.Type
	// Message says what is wrong and what is allowed, in a sentence or two.
	Message string
	// Err is the underlying error: a *DataError when the data did not pass
	// Check (CheckDecode), the error of encoding/json, or nil.
	Err error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return "schema: data for " + typeName(e.Type) + ": " + e.Message
}

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error { return e.Err }

// CheckDecode checks data against the schema (Compiled().Check; absent,
// blank and null data count as no data) and decodes it into dst, a
// non-nil pointer to a value of the type. Every failure is a *DecodeError
// whose Message can be sent to Neuro as is.
func (s *TypeSchema) CheckDecode(data string, dst any) error {
	trimmed := strings.Trim(data, " \t\r\n")
	if err := s.compiled.Check(data, trimmed != ""); err != nil {
		var de *DataError
		if errors.As(err, &de) {
			return &DecodeError{Type: s.typ, Message: de.Message, Err: err}
		}
		return &DecodeError{Type: s.typ, Message: internalProblem, Err: err}
	}
	return s.Decode(data, dst)
}

// Decode decodes data that Check accepted into dst, a non-nil pointer to
// a value of the type, giving the value encoding/json would: keys match
// fields as encoding/json matches them, unknown keys are skipped (refused
// when the schema forbids extra properties everywhere), null leaves a
// field as it is or, for a pointer, slice, map or interface, makes it
// nil, decoding into a value already there fills it in. Absent, blank and
// null data leave dst as it is; after an error dst may be partly filled.
// It does not check data against the schema: the component did when the
// action arrived. Whole numbers written with a fraction or an exponent
// (5.0, 5e0), which JSON schema counts as integers, are read as the
// integers they are, for every field. What the schema lets through but
// the Go type cannot hold is a *DecodeError saying what to send: a number
// beyond the field's type, a key that differs from a property only in
// case (encoding/json would fill the field with it, unchecked).
//
// ForType plans the decoding of each type once; Decode then reads the
// text straight into dst, and strings without escapes share memory with
// data. Types that decode themselves (UnmarshalJSON, UnmarshalText:
// time.Time, net.IP), types with a JSONSchema method, json.Number, and
// structs with two fields of one name for encoding/json (which it chooses
// between) are decoded by encoding/json itself, and so is any data the
// plan is not sure of, every error included. Decode is safe for
// concurrent use with a different dst each.
func (s *TypeSchema) Decode(data string, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Type() != s.typ {
		return errors.New("schema: Decode needs a non-nil *" + s.typ.String() + ", not " + typeName(reflect.TypeOf(dst)))
	}
	trimmed := strings.Trim(data, " \t\r\n")
	if trimmed == "" || trimmed == "null" || s.doc == nil {
		return nil
	}
	if s.fast != nil && s.fast.decodeFast(trimmed, rv.Elem(), len(s.ints) > 0, s.strict) {
		return nil
	}
	return s.decodeJSON(data, trimmed, dst)
}

// sendHint says what to send, for the end of a message.
func (s *TypeSchema) sendHint() string {
	if !s.compiled.HasSchema() {
		return "send no data"
	}
	return s.compiled.sendHint()
}
