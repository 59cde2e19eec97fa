package schema

import (
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// objectShape describes what an object schema wants: `a JSON object with
// "cell" (an integer from 1 to 9) and "mark" (one of "x", "o")`.
func objectShape(n *jsonschema.Schema) string {
	n = derefSchema(n)
	const maxListed = 8
	listed := 0
	item := func(name string) string {
		listed++
		if h := schemaHint(n.Properties[name], 0); h != "" {
			return strconv.Quote(name) + " (" + h + ")"
		}
		return strconv.Quote(name)
	}
	var req, opt []string
	for _, r := range n.Required {
		if listed < maxListed {
			req = append(req, item(r))
		}
	}
	for _, p := range sortedPropNames(n.Properties) {
		if !slices.Contains(n.Required, p) && listed < maxListed {
			opt = append(opt, item(p))
		}
	}
	s := "a JSON object"
	if len(req) > 0 {
		s += " with " + joinAndList(req)
	}
	if len(opt) > 0 {
		if len(req) > 0 {
			s += ", and optionally "
		} else {
			s += " with optional "
		}
		s += joinAndList(opt)
	}
	if listed < len(n.Properties) || listed < len(n.Required) {
		s += ", ..."
	}
	return s
}

// derefSchema follows a schema that is only a $ref.
func derefSchema(n *jsonschema.Schema) *jsonschema.Schema {
	for i := 0; i < 8 && n != nil && n.Ref != nil && n.Types == nil && len(n.Properties) == 0; i++ {
		n = n.Ref
	}
	if n == nil {
		return &jsonschema.Schema{}
	}
	return n
}

// schemaHint describes in a few words the values schema n allows, or "" when it
// cannot say: `one of 1, 5, 9`, `an integer from 1 to 9`, `a string`.
func schemaHint(n *jsonschema.Schema, depth int) string {
	if n == nil || depth > 3 {
		return ""
	}
	n = derefSchema(n)
	if n.Const != nil {
		return "exactly " + jsonText(*n.Const, 60)
	}
	if n.Enum != nil {
		return enumPhrase(n.Enum.Values)
	}
	if n.Types == nil || n.Types.IsEmpty() {
		for _, branches := range [][]*jsonschema.Schema{n.AnyOf, n.OneOf} {
			if len(branches) == 0 {
				continue
			}
			hs := make([]string, 0, len(branches))
			for _, b := range branches {
				h := schemaHint(b, depth+1)
				if h == "" {
					return ""
				}
				hs = append(hs, h)
			}
			return joinOrList(hs)
		}
		return ""
	}
	types := n.Types.ToStrings()
	if len(types) > 1 {
		return joinOrList(mapStringSlice(types, typeWithArticle))
	}
	s := typeWithArticle(types[0])
	switch types[0] {
	case "integer", "number":
		if b := numberBounds(n); b != "" {
			s += " " + b
		}
	case "string":
		if n.MinLength != nil || n.MaxLength != nil {
			s += " of " + countBounds(n.MinLength, n.MaxLength) + " characters"
		}
		if n.Format != nil {
			s += " in " + n.Format.Name + " format"
		}
		if n.Pattern != nil {
			s += " matching " + n.Pattern.String()
		}
	case "array":
		if n.MinItems != nil || n.MaxItems != nil {
			s += " of " + countBounds(n.MinItems, n.MaxItems) + " " + countNoun("item", n.MinItems, n.MaxItems)
		}
		var items *jsonschema.Schema
		if c, ok := n.Items.(*jsonschema.Schema); ok {
			items = c
		} else if n.Items2020 != nil {
			items = n.Items2020
		}
		if h := schemaHint(items, depth+1); h != "" {
			s += ", each " + h
		}
	case "object":
		if len(n.Required) > 0 {
			q := mapStringSlice(n.Required, strconv.Quote)
			s += " with " + joinAndList(q)
		}
	}
	return s
}

// anyOfPhrase says what anyOf/oneOf allow when every branch can be named.
func anyOfPhrase(n *jsonschema.Schema, branches []*jsonschema.Schema) string {
	var hs []string
	for _, b := range branches {
		h := schemaHint(b, 1)
		if h == "" {
			return "does not match any of the allowed forms"
		}
		hs = append(hs, h)
	}
	if len(hs) == 0 {
		return "does not match any of the allowed forms"
	}
	return "must be " + joinOrList(hs)
}

// numberBounds says what numbers n allows: "from 1 to 9", "at most 3",
// "greater than 0 and at most 10"; "" when unbounded.
func numberBounds(n *jsonschema.Schema) string {
	if n.Minimum != nil && n.Maximum != nil {
		return "from " + ratText(n.Minimum) + " to " + ratText(n.Maximum)
	}
	var parts []string
	if n.Minimum != nil {
		parts = append(parts, "at least "+ratText(n.Minimum))
	}
	if n.ExclusiveMinimum != nil {
		parts = append(parts, "greater than "+ratText(n.ExclusiveMinimum))
	}
	if n.Maximum != nil {
		parts = append(parts, "at most "+ratText(n.Maximum))
	}
	if n.ExclusiveMaximum != nil {
		parts = append(parts, "less than "+ratText(n.ExclusiveMaximum))
	}
	return strings.Join(parts, " and ")
}

// countBounds says how many of something are allowed: "1 to 3",
// "at least 1", "at most 3", "exactly 2".
func countBounds(lo, hi *int) string {
	switch {
	case lo != nil && hi != nil && *lo == *hi:
		return "exactly " + strconv.Itoa(*lo)
	case lo != nil && hi != nil:
		return strconv.Itoa(*lo) + " to " + strconv.Itoa(*hi)
	case lo != nil:
		return "at least " + strconv.Itoa(*lo)
	case hi != nil:
		return "at most " + strconv.Itoa(*hi)
	}
	return "any number of"
}

// countNoun returns "item" or "items" ("property" or "properties" for
// stem "propert") to follow countBounds(lo, hi).
func countNoun(stem string, lo, hi *int) string {
	one := (hi != nil && *hi == 1) || (hi == nil && lo != nil && *lo == 1)
	switch {
	case stem == "propert" && one:
		return "property"
	case stem == "propert":
		return "properties"
	case one:
		return stem
	}
	return stem + "s"
}

func stringOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func intPtrOr(p *int, fallback int) *int {
	if p == nil {
		return &fallback
	}
	return p
}

func ratText(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// enumPhrase lists allowed values: `one of 1, 5, 9`, or `5` for one.
func enumPhrase(values []any) string {
	const maxShown = 20
	if len(values) == 1 {
		return jsonText(values[0], 60)
	}
	shown := make([]string, 0, min(len(values), maxShown)+1)
	for i, v := range values {
		if i == maxShown {
			shown = append(shown, "...")
			break
		}
		shown = append(shown, jsonText(v, 60))
	}
	return "one of " + strings.Join(shown, ", ")
}

// valueText shows a value sent, for a message: 12, "X", true, null, an
// object, an array.
func valueText(v any) string {
	switch x := v.(type) {
	case json.Number:
		return truncateText(string(x), 40)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return jsonString(truncateText(x, 40)) // cut inside the quotes
	}
	return jsonText(v, 0)
}

// typedValueText is valueText saying "the string" before a string: in
// `must be an integer, not the string "5"` the quotes alone are easy to
// miss.
func typedValueText(v any) string {
	if _, ok := v.(string); ok {
		return "the string " + valueText(v)
	}
	return valueText(v)
}

// typeWithArticle names a JSON type with its article: "an integer", "a string".
func typeWithArticle(t string) string {
	switch t {
	case "integer", "object", "array":
		return "an " + t
	case "boolean":
		return "true or false"
	case "null":
		return "null"
	default:
		return "a " + t
	}
}

func propertyList(n *jsonschema.Schema, names []string) string {
	items := make([]string, len(names))
	for i, name := range names {
		items[i] = strconv.Quote(name)
		if h := schemaHint(n.Properties[name], 0); h != "" {
			items[i] += " (" + h + ")"
		}
	}
	if len(items) == 1 {
		return "property " + items[0]
	}
	return "properties " + joinAndList(items)
}

func quotedNames(one, many string, names []string) string {
	q := mapStringSlice(names, strconv.Quote)
	if len(q) == 1 {
		return one + " " + q[0]
	}
	return many + " " + strings.Join(q, ", ")
}

// allowedProperties lists the property names an object schema allows, when
// that list is closed and known.
func allowedProperties(n *jsonschema.Schema) string {
	if len(n.Properties) == 0 || len(n.PatternProperties) > 0 {
		return ""
	}
	return strings.Join(mapStringSlice(sortedPropNames(n.Properties), strconv.Quote), ", ")
}

func mapStringSlice(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

func joinAndList(items []string) string {
	return joinListWith(items, " and ")
}

func joinOrList(items []string) string {
	return joinListWith(items, " or ")
}

func joinListWith(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// instanceName names the value at loc within v for a message: data, "cell",
// "pos.x", "moves[2]".
func instanceName(v any, loc []string) string {
	if len(loc) == 0 {
		return "data"
	}
	var b strings.Builder
	cur := v
	for i, tok := range loc {
		switch c := cur.(type) {
		case []any:
			b.WriteString("[" + tok + "]")
			if idx, err := strconv.Atoi(tok); err == nil && idx >= 0 && idx < len(c) {
				cur = c[idx]
			} else {
				cur = nil
			}
		case map[string]any:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(tok)
			cur = c[tok]
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(tok)
			cur = nil
		}
	}
	if strings.HasPrefix(b.String(), "[") {
		return "data" + b.String()
	}
	return strconv.Quote(b.String())
}

// instanceValueAt returns the value at loc within v, or nil.
func instanceValueAt(v any, loc []string) any {
	for _, tok := range loc {
		switch c := v.(type) {
		case []any:
			idx, err := strconv.Atoi(tok)
			if err != nil || idx < 0 || idx >= len(c) {
				return nil
			}
			v = c[idx]
		case map[string]any:
			v = c[tok]
		default:
			return nil
		}
	}
	return v
}
