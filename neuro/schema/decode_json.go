package schema

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
)

// decodeJSON is Decode by encoding/json: trimmed (data without the
// surrounding blanks, neither empty nor null) has its whole numbers
// rewritten and its keys checked for case-folded property names first.
func (s *TypeSchema) decodeJSON(data, trimmed string, dst any) error {
	if len(s.ints) > 0 {
		trimmed = wholeNumbers(trimmed)
	}
	if s.keys != nil {
		if key, field, found := s.keys.findFoldedKey(trimmed); found {
			return &DecodeError{Type: s.typ, Message: "unknown property " + strconv.Quote(key) +
				"; property names are case-sensitive: write " + strconv.Quote(field)}
		}
	}
	var err error
	if s.strict {
		d := json.NewDecoder(strings.NewReader(trimmed))
		d.DisallowUnknownFields()
		err = d.Decode(dst)
	} else {
		err = json.Unmarshal([]byte(trimmed), dst)
	}
	if err != nil {
		return &DecodeError{Type: s.typ, Message: s.explainDecode(data, err), Err: err}
	}
	return nil
}

// explainDecode turns an encoding/json error into a message.
func (s *TypeSchema) explainDecode(data string, err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return s.typeProblem(te)
	case errors.As(err, &se):
		return "the data is not valid JSON: " + syntaxProblem(data) + "; " + s.sendHint()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown property " + strings.TrimPrefix(err.Error(), "json: unknown field ") + "; " + s.sendHint()
	}
	return "the data could not be read: " + truncateText(err.Error(), 200) + "; " + s.sendHint()
}

// typeProblem explains a value that does not fit its Go field.
func (s *TypeSchema) typeProblem(te *json.UnmarshalTypeError) string {
	name := s.displayName(te.Field)
	t := te.Type
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return name + " cannot be read; " + s.sendHint()
	}
	if num, isNum := strings.CutPrefix(te.Value, "number "); isNum {
		if lo, hi, isInt := intRange(t.Kind()); isInt {
			r, ok := new(big.Rat).SetString(num)
			if ok && r.IsInt() {
				return name + " must be from " + lo.String() + " to " + hi.String() + ", not " + truncateText(num, 40)
			}
			return name + " must be a whole number, not " + truncateText(num, 40)
		}
		if t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64 {
			limit := strconv.FormatFloat(math.MaxFloat64, 'g', 3, 64)
			if t.Kind() == reflect.Float32 {
				limit = strconv.FormatFloat(math.MaxFloat32, 'g', 3, 32)
			}
			return name + " must be from -" + limit + " to " + limit + ", not " + truncateText(num, 40)
		}
	}
	sent, _, _ := strings.Cut(te.Value, " ")
	return name + " must be " + jsonKindOf(t) + ", not " + sentKind(sent)
}

// intRange returns the range of an integer kind; ok is false for other
// kinds.
func intRange(k reflect.Kind) (lo, hi *big.Int, ok bool) {
	bits := map[reflect.Kind]uint{
		reflect.Int: strconv.IntSize, reflect.Int8: 8, reflect.Int16: 16, reflect.Int32: 32, reflect.Int64: 64,
		reflect.Uint: strconv.IntSize, reflect.Uint8: 8, reflect.Uint16: 16, reflect.Uint32: 32, reflect.Uint64: 64,
	}
	n, ok := bits[k]
	if !ok {
		return nil, nil, false
	}
	one := big.NewInt(1)
	if k >= reflect.Uint && k <= reflect.Uint64 {
		hi = new(big.Int).Sub(new(big.Int).Lsh(one, n), one)
		return new(big.Int), hi, true
	}
	hi = new(big.Int).Sub(new(big.Int).Lsh(one, n-1), one)
	return new(big.Int).Neg(new(big.Int).Add(hi, one)), hi, true
}

// jsonKindOf names the JSON values a Go type decodes from.
func jsonKindOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return typeWithArticle("integer")
	case reflect.Float32, reflect.Float64:
		return typeWithArticle("number")
	case reflect.Bool:
		return typeWithArticle("boolean")
	case reflect.String:
		return typeWithArticle("string")
	case reflect.Slice, reflect.Array:
		return typeWithArticle("array")
	case reflect.Struct, reflect.Map:
		return typeWithArticle("object")
	}
	return "a value of another kind"
}

// sentKind names the kind of JSON value encoding/json reports.
func sentKind(v string) string {
	switch v {
	case "bool":
		return "true or false"
	case "number", "string", "object", "array":
		return typeWithArticle(v)
	}
	return stringOr(v, "that value")
}

// displayName names, for a message, the property encoding/json reports as
// field ("moves.x"), marking arrays on the way: `"moves[].x"`; "data" for
// the root.
func (s *TypeSchema) displayName(field string) string {
	if field == "" {
		return "data"
	}
	var b strings.Builder
	t := s.typ
	for i, name := range strings.Split(field, ".") {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(name)
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			t = t.Elem()
		}
		var next reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			if fields, err := structFields(t, ""); err == nil {
				for _, f := range fields {
					if f.name == name {
						next = f.typ
					}
				}
			}
		}
		for u := next; u != nil; {
			switch u.Kind() {
			case reflect.Pointer:
				u = u.Elem()
				continue
			case reflect.Slice, reflect.Array:
				b.WriteString("[]")
				u = u.Elem()
				continue
			}
			break
		}
		t = next
	}
	return strconv.Quote(b.String())
}
