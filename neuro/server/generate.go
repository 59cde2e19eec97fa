package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/neurokit/neurokit/neuro/wire"
)

// ErrCannotGenerate is wrapped by the errors of GenerateData when a schema
// asks for something the generator cannot produce (a false schema, an empty
// range, a pattern it cannot satisfy) or not within its budget.
var ErrCannotGenerate = errors.New("server: cannot generate data for schema")

// Bounds of GenerateData, so that a hostile schema (a "schema bomb" such
// as arrays of a million arrays of a million items) costs little.
const (
	// MaxGeneratedBytes bounds the JSON text GenerateData produces, and
	// also its work: every value it generates counts, including attempts
	// it throws away (a pattern match that misses, a duplicate of a unique
	// item). Far above what an action's data needs.
	MaxGeneratedBytes = 64 << 10
	// MaxGenerateDepth bounds the nesting of the schema GenerateData
	// follows (subschemas and $ref).
	MaxGenerateDepth = 24
)

// GenerateData returns a JSON document that matches schema, drawn from r.
//
// It understands the keywords the real Neuro handles well, anywhere in the
// schema: type (a name or an array of names), enum, const,
// properties/required (optional properties are included at random),
// additionalProperties, min/maxProperties, dependentRequired; string
// minLength/maxLength, pattern (simple regular expressions, generated from
// their syntax tree and checked) and a few formats (date-time, date, time,
// email, uuid, uri, hostname, ipv4); integer and number minimum/maximum,
// exclusiveMinimum/exclusiveMaximum (number and draft-4 boolean forms),
// multipleOf; boolean; null; array items (a schema, or a tuple through
// prefixItems or an items array), minItems/maxItems, uniqueItems, contains;
// anyOf/oneOf (one branch chosen), allOf (merged) and local "#/..." $ref.
// A keyword it does not know is ignored. A nil or empty schema yields "{}".
//
// It works within MaxGeneratedBytes and MaxGenerateDepth, and checks ctx
// as it goes: a schema it cannot satisfy within them fails with
// ErrCannotGenerate saying so, a cancelled ctx with ctx.Err(). It never
// panics on any schema.
//
// GenerateData is safe for concurrent use with distinct r; a *rand.Rand
// itself is not safe for concurrent use.
func GenerateData(ctx context.Context, schema wire.Schema, r *rand.Rand) (string, error) {
	if len(schema) == 0 {
		return "{}", nil
	}
	// Normalise Go-built schemas ([]string, int, nested wire.Schema...) to
	// the shapes encoding/json produces.
	raw, err := json.Marshal(schema)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrCannotGenerate, err)
	}
	var root any
	if err := json.Unmarshal(raw, &root); err != nil {
		return "", fmt.Errorf("%w: %v", ErrCannotGenerate, err)
	}
	g := &generator{ctx: ctx, r: r, root: root, left: MaxGeneratedBytes}
	v, err := g.value(root, "", 0)
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrCannotGenerate, err)
	}
	return string(out), nil
}

type generator struct {
	ctx   context.Context
	r     *rand.Rand
	root  any
	left  int // bytes of the budget not spent yet
	spent int // calls to spend, for checking ctx now and then
}

func (g *generator) fail(path, format string, args ...any) error {
	if path == "" {
		path = "/"
	}
	return fmt.Errorf("%w at %s: %s", ErrCannotGenerate, path, fmt.Sprintf(format, args...))
}

// spend takes n bytes from the budget, failing when it runs out or ctx
// has ended.
func (g *generator) spend(path string, n int) error {
	if err := g.afford(path, n); err != nil {
		return err
	}
	g.left -= n
	if g.spent++; g.spent%64 == 0 {
		if err := g.ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// afford fails when n bytes would exceed what is left of the budget.
func (g *generator) afford(path string, n int) error {
	if n > g.left {
		return g.fail(path, "the data would exceed the budget of %d bytes (the schema asks for too much)", MaxGeneratedBytes)
	}
	return nil
}

// jsonSize estimates the JSON size of a value taken from the schema
// (const, enum), stopping once it passes limit.
func jsonSize(v any, limit int) int {
	switch v := v.(type) {
	case string:
		return len(v) + 2
	case []any:
		n := 2
		for _, e := range v {
			if n += jsonSize(e, limit-n) + 1; n > limit {
				break
			}
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range v {
			if n += len(k) + 4 + jsonSize(e, limit-n); n > limit {
				break
			}
		}
		return n
	}
	return 8
}

// value generates one value for the (sub)schema s found at path.
func (g *generator) value(s any, path string, depth int) (any, error) {
	if depth > MaxGenerateDepth {
		return nil, g.fail(path, "schema nested deeper than %d levels (recursive $ref?)", MaxGenerateDepth)
	}
	switch s := s.(type) {
	case bool:
		if !s {
			return nil, g.fail(path, "false schema accepts nothing")
		}
		return g.anyScalar(path)
	case map[string]any:
		return g.object(s, path, depth)
	case nil:
		return g.anyScalar(path)
	default:
		return nil, g.fail(path, "schema is a %T, not an object", s)
	}
}

func (g *generator) object(s map[string]any, path string, depth int) (any, error) {
	s, err := g.resolve(s, path, depth)
	if err != nil {
		return nil, err
	}
	if c, ok := s["const"]; ok {
		return c, g.spend(path, jsonSize(c, g.left+1))
	}
	types := typesOf(s)
	if e, ok := s["enum"].([]any); ok {
		var fit []any
		for _, v := range e {
			if len(types) == 0 || slices.Contains(types, jsonTypeOf(v)) ||
				(jsonTypeOf(v) == "integer" && slices.Contains(types, "number")) {
				fit = append(fit, v)
			}
		}
		if len(fit) == 0 {
			return nil, g.fail(path, "enum has no value of the allowed types")
		}
		v := fit[g.r.IntN(len(fit))]
		return v, g.spend(path, jsonSize(v, g.left+1))
	}
	if len(types) == 0 {
		types = inferTypes(s)
	}
	if len(types) == 0 {
		return g.anyScalar(path)
	}
	var lastErr error
	for _, i := range g.r.Perm(len(types)) {
		v, err := g.typed(types[i], s, path, depth)
		if err == nil {
			return v, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// resolve follows $ref, picks an anyOf/oneOf branch and merges allOf, so
// that what remains is one flat schema.
func (g *generator) resolve(s map[string]any, path string, depth int) (map[string]any, error) {
	for range MaxGenerateDepth {
		switch {
		case s["$ref"] != nil:
			ref, _ := s["$ref"].(string)
			target, err := g.pointer(ref, path)
			if err != nil {
				return nil, err
			}
			ts, ok := target.(map[string]any)
			if !ok {
				if b, isBool := target.(bool); isBool && b {
					ts = map[string]any{}
				} else {
					return nil, g.fail(path, "$ref %q does not name a schema object", ref)
				}
			}
			s = merge(without(s, "$ref"), ts)
		case s["allOf"] != nil:
			subs, _ := s["allOf"].([]any)
			m := without(s, "allOf")
			for _, sub := range subs {
				if sm, ok := sub.(map[string]any); ok {
					m = merge(m, sm)
				}
			}
			s = m
		case s["anyOf"] != nil || s["oneOf"] != nil:
			kw := "anyOf"
			if s[kw] == nil {
				kw = "oneOf"
			}
			subs, _ := s[kw].([]any)
			var objs []map[string]any
			for _, sub := range subs {
				switch sub := sub.(type) {
				case map[string]any:
					objs = append(objs, sub)
				case bool:
					if sub {
						objs = append(objs, map[string]any{})
					}
				}
			}
			if len(objs) == 0 {
				return nil, g.fail(path, "%s has no usable branch", kw)
			}
			s = merge(without(s, kw), objs[g.r.IntN(len(objs))])
		default:
			return s, nil
		}
	}
	return nil, g.fail(path, "too many nested $ref/allOf/anyOf")
}

// pointer resolves a local JSON pointer reference ("#", "#/$defs/x").
func (g *generator) pointer(ref, path string) (any, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, g.fail(path, "only local $ref is supported, not %q", ref)
	}
	cur := g.root
	p := strings.TrimPrefix(ref, "#")
	if p == "" {
		return cur, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, g.fail(path, "$ref %q not found", ref)
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, g.fail(path, "$ref %q not found", ref)
			}
			cur = c[i]
		default:
			return nil, g.fail(path, "$ref %q not found", ref)
		}
	}
	return cur, nil
}

func without(s map[string]any, key string) map[string]any {
	m := make(map[string]any, len(s))
	for k, v := range s {
		if k != key {
			m[k] = v
		}
	}
	return m
}

// merge overlays b on a: properties are united, required lists joined,
// other keywords taken from b.
func merge(a, b map[string]any) map[string]any {
	m := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		switch k {
		case "properties":
			pa, _ := m[k].(map[string]any)
			pb, _ := v.(map[string]any)
			u := make(map[string]any, len(pa)+len(pb))
			for pk, pv := range pa {
				u[pk] = pv
			}
			for pk, pv := range pb {
				u[pk] = pv
			}
			m[k] = u
		case "required":
			ra, _ := m[k].([]any)
			rb, _ := v.([]any)
			m[k] = append(slices.Clip(ra), rb...)
		default:
			m[k] = v
		}
	}
	return m
}

func typesOf(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, v := range t {
			if name, ok := v.(string); ok {
				out = append(out, name)
			}
		}
		return out
	}
	return nil
}

func inferTypes(s map[string]any) []string {
	has := func(kws ...string) bool {
		for _, k := range kws {
			if _, ok := s[k]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("properties", "required", "additionalProperties", "minProperties", "maxProperties", "dependentRequired"):
		return []string{"object"}
	case has("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"):
		return []string{"array"}
	case has("minLength", "maxLength", "pattern", "format"):
		return []string{"string"}
	case has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
		return []string{"number"}
	}
	return nil
}

func jsonTypeOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return ""
}

func (g *generator) anyScalar(path string) (any, error) {
	if err := g.spend(path, 10); err != nil {
		return nil, err
	}
	switch g.r.IntN(4) {
	case 0:
		return g.word(3, 8), nil
	case 1:
		return float64(g.r.IntN(100)), nil
	case 2:
		return g.r.IntN(2) == 1, nil
	default:
		return nil, nil
	}
}

func (g *generator) typed(t string, s map[string]any, path string, depth int) (any, error) {
	switch t {
	case "object":
		return g.genObject(s, path, depth)
	case "array":
		return g.genArray(s, path, depth)
	case "string":
		return g.genString(s, path)
	case "integer":
		if err := g.spend(path, 24); err != nil {
			return nil, err
		}
		return g.genNumber(s, path, true)
	case "number":
		if err := g.spend(path, 24); err != nil {
			return nil, err
		}
		return g.genNumber(s, path, false)
	case "boolean":
		return g.r.IntN(2) == 1, g.spend(path, 5)
	case "null":
		return nil, g.spend(path, 4)
	}
	return nil, g.fail(path, "unknown type %q", t)
}
