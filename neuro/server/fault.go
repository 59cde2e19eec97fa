package server

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/neurokit/neurokit/neuro/wire"
)

// corruptData returns data that does not satisfy schema, the way a
// language model gets it wrong: truncated JSON, a required property left
// out, or a property of the wrong type. valid is a document that does
// satisfy it.
func corruptData(schema wire.Schema, valid string, r *rand.Rand) string {
	var s map[string]any
	if raw, err := json.Marshal(schema); err == nil {
		_ = json.Unmarshal(raw, &s)
	}
	var variants []func() string
	variants = append(variants, func() string {
		if t := strings.TrimSuffix(valid, "}"); t != valid && t != "" {
			return t // the closing brace got lost
		}
		return "{not json"
	})
	if req, _ := s["required"].([]any); len(req) > 0 {
		variants = append(variants, func() string { return "{}" })
	}
	if bad, ok := wrongProperty(s, valid, r); ok {
		variants = append(variants, func() string { return bad })
	}
	return variants[r.IntN(len(variants))]()
}

// wrongProperty replaces (or adds) one declared property of valid with a
// value its schema rejects.
func wrongProperty(s map[string]any, valid string, r *rand.Rand) (string, bool) {
	props, _ := s["properties"].(map[string]any)
	var names []string
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	var obj map[string]any
	if json.Unmarshal([]byte(valid), &obj) != nil || obj == nil {
		obj = map[string]any{}
	}
	for _, i := range r.Perm(len(names)) {
		ps, _ := props[names[i]].(map[string]any)
		if v, ok := rejectedValue(ps); ok {
			obj[names[i]] = v
			out, err := json.Marshal(obj)
			return string(out), err == nil
		}
	}
	return "", false
}

// rejectedValue returns a value that schema s surely rejects, judging by
// its type, enum or const keywords.
func rejectedValue(s map[string]any) (any, bool) {
	candidates := []any{map[string]any{"unexpected": true}, []any{"unexpected"}, "unexpected", true, 1.5, nil}
	if types := typesOf(s); len(types) > 0 {
		for _, c := range candidates {
			t := jsonTypeOf(c)
			if t == "integer" || t == "number" {
				t = "number" // 1.5 is a number, not an integer
			}
			if !slices.Contains(types, t) {
				return c, true
			}
		}
		return nil, false
	}
	var allowed []any
	if e, ok := s["enum"].([]any); ok {
		allowed = e
	} else if c, ok := s["const"]; ok {
		allowed = []any{c}
	} else {
		return nil, false
	}
	for _, c := range candidates {
		cj, _ := json.Marshal(c)
		if !slices.ContainsFunc(allowed, func(a any) bool {
			aj, _ := json.Marshal(a)
			return string(aj) == string(cj)
		}) {
			return c, true
		}
	}
	return nil, false
}
