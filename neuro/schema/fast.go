package schema

import (
	"cmp"
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// fastNode validates the simple schemas actions typically use (types,
// enum, const, bounds, lengths, pattern, required, properties,
// additionalProperties, items, item counts) without the general
// validator's allocations. It only ever proves data valid: when it cannot
// (the data is invalid, or a number is not a plain int64 and sits on a
// bound), Check runs the full validator, which decides and explains. A
// schema using any other keyword gets no fast path at all.
type fastNode struct {
	never    bool  // the false schema
	types    uint8 // bit set of fastType*; 0 allows every type
	enum     []any // primitive allowed values; nil when no enum
	hasEnum  bool  // enum or const present
	bounds   []fastBound
	minLen   int // -1 when absent
	maxLen   int // -1 when absent
	pattern  jsonschema.Regexp
	required []string
	props    map[string]*fastNode
	noExtra  bool      // additionalProperties: false
	extra    *fastNode // additionalProperties schema
	items    *fastNode
	minItems int // -1 when absent
	maxItems int // -1 when absent
}

const (
	fastTypeNull uint8 = 1 << iota
	fastTypeBoolean
	fastTypeNumber
	fastTypeInteger
	fastTypeString
	fastTypeArray
	fastTypeObject
)

// fastTypeBits maps a JSON schema type name to its fastNode type bit.
var fastTypeBits = map[string]uint8{
	"null": fastTypeNull, "boolean": fastTypeBoolean, "number": fastTypeNumber, "integer": fastTypeInteger,
	"string": fastTypeString, "array": fastTypeArray, "object": fastTypeObject,
}

// fastBound is one of minimum, maximum, exclusiveMinimum, exclusiveMaximum.
type fastBound struct {
	above, strict bool    // x > or >= (above), x < or <= (!above)
	isInt         bool    // the bound is an int64, exactly i
	i             int64   //
	f             float64 // the bound rounded to float64
}

// buildFast builds the fast validator of n, or returns nil when n uses a
// keyword the fast path does not handle.
func buildFast(n *jsonschema.Schema, depth int) *fastNode {
	if n == nil || depth > 16 {
		return nil
	}
	if n.Bool != nil {
		return &fastNode{never: !*n.Bool, minLen: -1, maxLen: -1, minItems: -1, maxItems: -1}
	}
	if n.Ref != nil || n.RecursiveRef != nil || n.DynamicRef != nil || n.Not != nil ||
		len(n.AllOf) > 0 || len(n.AnyOf) > 0 || len(n.OneOf) > 0 || n.If != nil || n.Then != nil || n.Else != nil ||
		n.Format != nil || n.PropertyNames != nil || len(n.PatternProperties) > 0 || len(n.Dependencies) > 0 ||
		len(n.DependentRequired) > 0 || len(n.DependentSchemas) > 0 || n.UnevaluatedProperties != nil ||
		n.Contains != nil || n.MinContains != nil || n.MaxContains != nil || n.AdditionalItems != nil ||
		len(n.PrefixItems) > 0 || n.UnevaluatedItems != nil || n.ContentEncoding != nil ||
		n.ContentMediaType != nil || n.ContentSchema != nil || n.MultipleOf != nil || n.MinProperties != nil ||
		n.MaxProperties != nil || n.UniqueItems || len(n.Extensions) > 0 {
		return nil
	}
	f := &fastNode{minLen: -1, maxLen: -1, minItems: -1, maxItems: -1, required: n.Required, pattern: n.Pattern}
	if n.Types != nil {
		for _, t := range n.Types.ToStrings() {
			bit, ok := fastTypeBits[t]
			if !ok {
				return nil
			}
			f.types |= bit
		}
	}
	if n.Enum != nil {
		f.hasEnum, f.enum = true, n.Enum.Values
	}
	if n.Const != nil {
		f.hasEnum = true
		f.enum = append(slices.Clip(f.enum), *n.Const)
		if n.Enum != nil {
			return nil // both: rare, leave it to the full validator
		}
	}
	for _, b := range []struct {
		r             *big.Rat
		above, strict bool
	}{{n.Minimum, true, false}, {n.ExclusiveMinimum, true, true}, {n.Maximum, false, false}, {n.ExclusiveMaximum, false, true}} {
		if b.r == nil {
			continue
		}
		fb := fastBound{above: b.above, strict: b.strict}
		fb.f, _ = b.r.Float64()
		if b.r.IsInt() && b.r.Num().IsInt64() {
			fb.isInt, fb.i = true, b.r.Num().Int64()
		}
		f.bounds = append(f.bounds, fb)
	}
	if n.MinLength != nil {
		f.minLen = *n.MinLength
	}
	if n.MaxLength != nil {
		f.maxLen = *n.MaxLength
	}
	if n.MinItems != nil {
		f.minItems = *n.MinItems
	}
	if n.MaxItems != nil {
		f.maxItems = *n.MaxItems
	}
	if len(n.Properties) > 0 {
		f.props = make(map[string]*fastNode, len(n.Properties))
		for name, c := range n.Properties {
			if f.props[name] = buildFast(c, depth+1); f.props[name] == nil {
				return nil
			}
		}
	}
	switch a := n.AdditionalProperties.(type) {
	case nil:
	case bool:
		f.noExtra = !a
	case *jsonschema.Schema:
		if f.extra = buildFast(a, depth+1); f.extra == nil {
			return nil
		}
	default:
		return nil
	}
	var items *jsonschema.Schema
	switch it := n.Items.(type) {
	case nil:
	case *jsonschema.Schema:
		items = it
	default:
		return nil // tuple form
	}
	if n.Items2020 != nil {
		if items != nil {
			return nil
		}
		items = n.Items2020
	}
	if items != nil {
		if f.items = buildFast(items, depth+1); f.items == nil {
			return nil
		}
	}
	return f
}

func (f *fastNode) typeOK(t uint8) bool { return f.types == 0 || f.types&t != 0 }

// numberValid checks a JSON number. Only plain integers that fit an int64
// are compared exactly; other numbers pass a bound only when their float64
// value is strictly on the right side of it (rounding is monotonic, so
// that is proof), and need the full validator for integer-ness and enums.
func (f *fastNode) numberValid(s string) bool {
	var i int64
	isInt := false
	if !strings.ContainsAny(s, ".eE") { // ParseInt allocates its error
		var err error
		i, err = strconv.ParseInt(s, 10, 64)
		isInt = err == nil
	}
	if f.types != 0 && f.types&fastTypeNumber == 0 && (f.types&fastTypeInteger == 0 || !isInt) {
		return false
	}
	if f.hasEnum {
		if !isInt {
			return false
		}
		found := false
		for _, e := range f.enum {
			if n, ok := e.(json.Number); ok && string(n) == s {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if len(f.bounds) == 0 {
		return true
	}
	var x float64
	if !isInt {
		var err error
		if x, err = strconv.ParseFloat(s, 64); err != nil {
			return false
		}
	}
	for _, b := range f.bounds {
		var c int // sign of x - bound, 2 when unknown
		switch {
		case isInt && b.isInt:
			c = cmp.Compare(i, b.i)
		default:
			xf := x
			if isInt {
				xf = float64(i)
			}
			switch {
			case xf > b.f:
				c = 1
			case xf < b.f:
				c = -1
			default:
				return false // too close to tell with floats
			}
		}
		if b.above && (c < 0 || (b.strict && c == 0)) {
			return false
		}
		if !b.above && (c > 0 || (b.strict && c == 0)) {
			return false
		}
	}
	return true
}
