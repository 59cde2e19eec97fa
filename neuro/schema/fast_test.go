package schema

import (
	"strings"
	"testing"
)

// fastSchemas use only keywords the fast path handles.
var fastSchemas = []map[string]any{
	playSchema,
	nestedSchema,
	{
		"type": "object",
		"properties": map[string]any{
			"i":     map[string]any{"type": "integer", "minimum": -3, "exclusiveMaximum": 9007199254740993},
			"n":     map[string]any{"type": "number", "exclusiveMinimum": 0.5, "maximum": 2.25},
			"e":     map[string]any{"enum": []any{1, "1", 2.5, true, nil, map[string]any{"a": 1}}},
			"c":     map[string]any{"const": 3},
			"s":     map[string]any{"type": "string", "minLength": 1, "maxLength": 3, "pattern": "^[a-zé]+$"},
			"any":   true,
			"never": false,
			"multi": map[string]any{"type": []any{"string", "null", "integer"}},
			"list": map[string]any{"type": "array", "minItems": 1, "maxItems": 3,
				"items": map[string]any{"type": "integer", "enum": []any{1, 2, 3}}},
			"obj": map[string]any{"type": "object", "required": []any{"k"},
				"properties":           map[string]any{"k": map[string]any{"type": "boolean"}},
				"additionalProperties": map[string]any{"type": "string"}},
		},
		"required":             []any{"i"},
		"additionalProperties": false,
	},
	{"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
		"properties": map[string]any{
			"x":    map[string]any{"type": "number", "minimum": 1, "exclusiveMinimum": true, "maximum": 5},
			"list": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		}},
	{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
		"properties": map[string]any{"y": map[string]any{"type": "integer", "exclusiveMaximum": 10}}},
}

// fastSeeds are data for the fast path schemas, many of them on an edge.
var fastSeeds = []string{
	playData, nestedData,
	`{"cell": 5, "mark": "x"}`, `{"cell": 5.0, "mark": "x"}`, `{"cell": 9, "mark": "o", "taunt": "hi"}`,
	`{"i": 0}`, `{"i": -3, "n": 2.25, "e": "1", "c": 3, "s": "é", "any": [1], "multi": null}`,
	`{"i": 9007199254740992}`, `{"i": 9007199254740993}`, `{"i": -4}`, `{"i": 1e2}`, `{"i": 1, "n": 0.5}`,
	`{"i": 1, "n": 0.50000000000000001}`, `{"i": 1, "e": 1.0}`, `{"i": 1, "e": {"a": 1}}`, `{"i": 1, "c": 3.0}`,
	`{"i": 1, "never": 1}`, `{"i": 1, "s": "abcd"}`, `{"i": 1, "s": "ABC"}`, `{"i": 1, "list": [1, 2, 3]}`,
	`{"i": 1, "list": []}`, `{"i": 1, "list": [4]}`, `{"i": 1, "obj": {"k": true, "z": "s"}}`,
	`{"i": 1, "obj": {"k": true, "z": 1}}`, `{"i": 1, "obj": {}}`, `{"i": 1, "other": 1}`,
	`{"x": 1}`, `{"x": 1.0000001}`, `{"x": 5}`, `{"list": ["a", 1]}`, `{"y": 9}`, `{"y": 10}`, `{"y": 9.999999999999999999}`,
	// Text the byte walker must refuse or read with care.
	`{"cell": 5, "cell": 12, "mark": "x"}`, `{"cell": 5, "mark": "\u0078"}`, `{"cell": 5, "mark": "x", "taunt": "a\nb\"c\\"}`,
	`{"cell": 5, "mark": "x"} x`, `{"cell": 05, "mark": "x"}`, `{"cell": -0, "mark": "x"}`, `{"cell": 5., "mark": "x"}`,
	`{"cell": 5e, "mark": "x"}`, `{"cell": 1e1001, "mark": "x"}`, "{\"cell\": 5, \"mark\": \"x\", \"taunt\": \"\xff\"}",
	`{"i": 1, "any": [[[[[[1e5000]]]]]]}`, `{"i": 1, "s": "a\u00e9"}`, `{"i": 1, "s": "\/"}`,
	`{"i": 1, "obj": {"k": true, "k": 1}}`, `{"i": 1,}`, `[1,]`, `{"x": 1.5, "list": ["a", "b",]}`,
	`{"i": 1, "e": null, "multi": 7}`, `{"i": 1, "e": true}`, `{"i": 1, "e": false}`, `{"i": 1, "e": "2"}`,
	`{"unit": "mage", "moves": [{"dir": "west", "steps": 5, "to": {"x": 0, "y": 15}}]}`,
	`{"unit": "mage", "moves": [{"dir": "west", "steps": 5, "to": {"x": 0, "y": 16}}]}`,
	`{"unit": "mage", "moves": []}`, `{"unit": "mage", "moves": [{"dir": "west"}]}`,
}

// checkFastAgrees fails when the fast path accepts data that the general
// path (parse, limits, full validator: full.Check) rejects.
func checkFastAgrees(t *testing.T, fast, full *Compiled, data string) bool {
	t.Helper()
	trimmed := strings.Trim(data, " \t\r\n")
	if trimmed == "" || trimmed == "null" || !fast.fast.validJSON(trimmed) {
		return false
	}
	if err := full.Check(data, true); err != nil {
		t.Fatalf("data %q: the fast path says valid, the validator says %v", data, err)
	}
	return true
}

func compilePair(t testing.TB, doc map[string]any) (fast, full *Compiled) {
	t.Helper()
	fast = mustCompile(t, "fast", doc)
	if fast.fast == nil {
		t.Fatalf("schema %v has no fast path", doc)
	}
	full, err := compile("fast", doc, false)
	if err != nil {
		t.Fatal(err)
	}
	return fast, full
}

func TestFastPathAgreesWithValidator(t *testing.T) {
	proven := 0
	for _, doc := range fastSchemas {
		fast, full := compilePair(t, doc)
		for _, data := range fastSeeds {
			if checkFastAgrees(t, fast, full, data) {
				proven++
			}
		}
	}
	if proven < 15 {
		t.Errorf("the fast path proved only %d inputs valid", proven)
	}
	play := mustCompile(t, "play", playSchema)
	for _, data := range []string{playData, `{"cell": 5, "mark": "x", "taunt": "a\tb"}`, ` {"mark":"o","cell":9} `} {
		if !play.fast.validJSON(strings.TrimSpace(data)) {
			t.Errorf("the fast path does not accept %s", data)
		}
	}
	for _, data := range []string{`{"cell": 5, "cell": 5, "mark": "x"}`, `{"cell": 5, "mark": "\u0078"}`, `{"cell": 5, "mark": "x"} 1`} {
		if play.fast.validJSON(data) {
			t.Errorf("the fast path accepts %s", data)
		}
	}
	if c := mustCompile(t, "build", richSchema); c.fast != nil {
		t.Error("a schema with format, anyOf and uniqueItems got a fast path")
	}
}

// FuzzSchemaFastPath checks that the fast path never accepts data the
// full validator rejects.
func FuzzSchemaFastPath(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	var fast, full []*Compiled
	for _, doc := range fastSchemas {
		a, b := compilePair(f, doc)
		fast, full = append(fast, a), append(full, b)
	}
	f.Fuzz(func(t *testing.T, data string) {
		for i := range fast {
			checkFastAgrees(t, fast[i], full[i], data)
		}
	})
}

func TestFastPathDepthLimit(t *testing.T) {
	fast, full := compilePair(t, map[string]any{"type": "object"})
	for _, levels := range []int{maxDepth - 1, maxDepth, maxDepth + 1} {
		data := strings.Repeat(`{"a":`, levels) + "1" + strings.Repeat("}", levels)
		fastOK, fullOK := fast.fast.validJSON(data), full.Check(data, true) == nil
		if fastOK != fullOK || fullOK != (levels <= maxDepth) {
			t.Errorf("%d levels: fast path %v, general path %v", levels, fastOK, fullOK)
		}
	}
}
