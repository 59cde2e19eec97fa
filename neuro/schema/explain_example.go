package schema

import (
	"bytes"
	"encoding/json"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// exampleFor returns data that sch accepts, written the way a person would
// (`{"cell": 5, "mark": "x"}`), or "" when it cannot make one: the example
// is built from the schema's keywords (required properties, enum, bounds,
// lengths, formats) and kept only when the validator accepts it.
func exampleFor(sch *jsonschema.Schema) string {
	v, ok := exampleValue(sch, 0)
	if !ok {
		return ""
	}
	if _, isObject := v.(exampleObject); !isObject {
		return ""
	}
	if sch.Validate(plainValue(v)) != nil {
		return ""
	}
	var b strings.Builder
	writeExample(&b, v)
	const maxExampleLen = 300
	if b.Len() > maxExampleLen {
		return ""
	}
	return b.String()
}

// exampleObject keeps the members of an example object in order.
type exampleObject []exampleMember

type exampleMember struct {
	name  string
	value any
}

// exampleValue makes a value n accepts: nil, bool, string, json.Number,
// []any or exampleObject. ok is false when n accepts nothing it can
// make.
func exampleValue(n *jsonschema.Schema, depth int) (v any, ok bool) {
	const maxExampleDepth = 4
	if n == nil || depth > maxExampleDepth {
		return nil, false
	}
	n = derefSchema(n)
	switch {
	case n.Bool != nil:
		return "text", *n.Bool
	case n.Const != nil:
		return *n.Const, true
	case n.Enum != nil && len(n.Enum.Values) > 0:
		return n.Enum.Values[0], true
	}
	var types []string
	if n.Types != nil {
		types = n.Types.ToStrings()
	}
	if len(types) == 0 {
		for _, branches := range [][]*jsonschema.Schema{n.AnyOf, n.OneOf} {
			if len(branches) > 0 {
				return exampleValue(branches[0], depth+1)
			}
		}
		switch {
		case len(n.Properties) > 0 || len(n.Required) > 0:
			types = []string{"object"}
		case n.Items != nil || n.Items2020 != nil:
			types = []string{"array"}
		default:
			types = []string{"string"}
		}
	}
	t := types[0]
	if t == "null" && len(types) > 1 {
		t = types[1]
	}
	switch t {
	case "null":
		return nil, true
	case "boolean":
		return true, true
	case "integer", "number":
		return exampleNumber(n, t == "integer")
	case "string":
		return exampleString(n), true
	case "array":
		return exampleArray(n, depth)
	case "object":
		return exampleObjectFor(n, depth)
	}
	return nil, false
}

// exampleNumber picks the middle of the allowed range, or its one bound,
// or 1.
func exampleNumber(n *jsonschema.Schema, integer bool) (any, bool) {
	lo, hi := n.Minimum, n.Maximum
	loOpen, hiOpen := false, false
	if n.ExclusiveMinimum != nil && (lo == nil || n.ExclusiveMinimum.Cmp(lo) >= 0) {
		lo, loOpen = n.ExclusiveMinimum, true
	}
	if n.ExclusiveMaximum != nil && (hi == nil || n.ExclusiveMaximum.Cmp(hi) <= 0) {
		hi, hiOpen = n.ExclusiveMaximum, true
	}
	one := big.NewRat(1, 1)
	var x *big.Rat
	switch {
	case lo != nil && hi != nil:
		x = new(big.Rat).Add(lo, hi)
		x.Quo(x, big.NewRat(2, 1))
	case lo != nil && loOpen:
		x = new(big.Rat).Add(lo, one)
	case lo != nil:
		x = lo
	case hi != nil && (hi.Cmp(one) > 0 || !hiOpen && hi.Cmp(one) == 0):
		x = one
	case hi != nil && !hiOpen:
		x = hi
	case hi != nil:
		x = new(big.Rat).Sub(hi, one)
	default:
		x = one
	}
	if n.MultipleOf != nil {
		k := new(big.Rat).Quo(x, n.MultipleOf)
		q := new(big.Int).Quo(k.Num(), k.Denom())
		x = new(big.Rat).Mul(new(big.Rat).SetInt(q), n.MultipleOf)
	}
	if integer || x.IsInt() {
		q := new(big.Int).Div(x.Num(), x.Denom()) // floor: Denom is positive
		if lo != nil {
			if c := new(big.Rat).SetInt(q).Cmp(lo); c < 0 || c == 0 && loOpen {
				q.Add(q, big.NewInt(1))
			}
		}
		return json.Number(q.String()), true
	}
	f, _ := x.Float64()
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), true
}

// formatExamples are valid values of the formats an action might use.
var formatExamples = map[string]string{
	"email": "someone@example.com", "idn-email": "someone@example.com",
	"date": "2026-01-31", "date-time": "2026-01-31T12:00:00Z", "time": "12:00:00Z",
	"duration": "P1D", "uri": "https://example.com", "iri": "https://example.com",
	"uri-reference": "https://example.com", "hostname": "example.com",
	"ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "uuid": "123e4567-e89b-12d3-a456-426614174000",
}

func exampleString(n *jsonschema.Schema) string {
	if n.Format != nil {
		if s, ok := formatExamples[n.Format.Name]; ok {
			return s
		}
	}
	s := "text"
	if n.MinLength != nil && *n.MinLength > len(s) {
		s = strings.Repeat("x", *n.MinLength)
	}
	if n.MaxLength != nil && *n.MaxLength < len(s) {
		s = s[:max(*n.MaxLength, 0)]
	}
	return s
}

func exampleArray(n *jsonschema.Schema, depth int) (any, bool) {
	count := 1
	if n.MinItems != nil {
		count = max(count, *n.MinItems)
	}
	if n.MaxItems != nil {
		count = min(count, *n.MaxItems)
	}
	if count > 3 {
		return nil, false
	}
	items := n.Items2020
	if c, ok := n.Items.(*jsonschema.Schema); ok {
		items = c
	}
	out := make([]any, 0, count)
	for i := range count {
		var it *jsonschema.Schema
		switch {
		case i < len(n.PrefixItems):
			it = n.PrefixItems[i]
		case items != nil:
			it = items
		default:
			out = append(out, json.Number(strconv.Itoa(i+1)))
			continue
		}
		v, ok := exampleValue(it, depth+1)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// exampleObjectFor fills the required properties, or the first optional
// one when none is required.
func exampleObjectFor(n *jsonschema.Schema, depth int) (any, bool) {
	names := slices.Clone(n.Required)
	if len(names) == 0 && len(n.Properties) > 0 {
		names = sortedPropNames(n.Properties)[:1]
	}
	const maxMembers = 8
	if len(names) > maxMembers {
		return nil, false
	}
	obj := make(exampleObject, 0, len(names))
	for _, name := range names {
		p, found := n.Properties[name]
		var v any = "text"
		if found {
			var ok bool
			if v, ok = exampleValue(p, depth+1); !ok {
				return nil, false
			}
		}
		obj = append(obj, exampleMember{name, v})
	}
	return obj, true
}

// plainValue turns an example into the values the validator reads.
func plainValue(v any) any {
	switch x := v.(type) {
	case exampleObject:
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.name] = plainValue(e.value)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	}
	return v
}

// writeExample writes v as JSON with a space after each colon and comma.
func writeExample(b *strings.Builder, v any) {
	switch x := v.(type) {
	case exampleObject:
		b.WriteByte('{')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(jsonString(e.name))
			b.WriteString(": ")
			writeExample(b, e.value)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeExample(b, e)
		}
		b.WriteByte(']')
	case map[string]any: // an enum or const value
		obj := make(exampleObject, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			obj = append(obj, exampleMember{k, x[k]})
		}
		writeExample(b, obj)
	default:
		b.WriteString(jsonText(v, 0))
	}
}

// jsonString writes s as a JSON string, without HTML escaping.
func jsonString(s string) string {
	return jsonText(s, 0)
}

// jsonText shows a JSON value the way it would be written in JSON, without
// HTML escaping, cut after maxLen bytes when maxLen > 0.
func jsonText(v any, maxLen int) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "?"
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if maxLen > 0 {
		return truncateText(string(b), maxLen)
	}
	return string(b)
}
