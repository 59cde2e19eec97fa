package schema

import (
	"encoding/json"
	"testing"
)

// playSchema is a realistic action schema: three properties, an enum,
// integer bounds, two of them required.
var playSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"cell":  map[string]any{"type": "integer", "minimum": 1, "maximum": 9},
		"mark":  map[string]any{"type": "string", "enum": []string{"x", "o"}},
		"taunt": map[string]any{"type": "string", "maxLength": 40},
	},
	"required": []string{"cell", "mark"},
}

// richSchema exercises more keywords, some of which (format, anyOf,
// uniqueItems) keep it off the fast path.
var richSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"slot":  map[string]any{"type": "integer", "enum": []int{1, 5, 9}},
		"count": map[string]any{"type": "integer", "maximum": 3},
		"speed": map[string]any{"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
		"name":  map[string]any{"type": "string", "minLength": 2, "maxLength": 12},
		"code":  map[string]any{"type": "string", "pattern": "^[A-Z]{3}$"},
		"tags": map[string]any{"type": "array", "minItems": 1, "maxItems": 2, "uniqueItems": true,
			"items": map[string]any{"type": "string", "enum": []string{"red", "blue", "green"}}},
		"pos": map[string]any{"type": "object", "required": []string{"x", "y"},
			"properties": map[string]any{
				"x": map[string]any{"type": "integer", "minimum": 0, "maximum": 7},
				"y": map[string]any{"type": "integer", "minimum": 0, "maximum": 7},
			}},
		"kind":  map[string]any{"const": "tower"},
		"alt":   map[string]any{"anyOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "boolean"}}},
		"big":   map[string]any{"type": "integer", "maximum": json.Number("9007199254740992")},
		"email": map[string]any{"type": "string", "format": "email"},
	},
	"required":             []string{"slot"},
	"additionalProperties": false,
}

// nestedSchema is a larger action: a list of moves, each an object with
// an enum, a bounded integer and a nested position.
var nestedSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"unit": map[string]any{"type": "string", "enum": []string{"knight", "archer", "mage", "scout"}},
		"moves": map[string]any{"type": "array", "minItems": 1, "maxItems": 8, "items": map[string]any{
			"type":     "object",
			"required": []string{"dir", "steps"},
			"properties": map[string]any{
				"dir":   map[string]any{"type": "string", "enum": []string{"north", "east", "south", "west"}},
				"steps": map[string]any{"type": "integer", "minimum": 1, "maximum": 5},
				"to": map[string]any{"type": "object", "properties": map[string]any{
					"x": map[string]any{"type": "integer", "minimum": 0, "maximum": 15},
					"y": map[string]any{"type": "integer", "minimum": 0, "maximum": 15},
				}},
			},
		}},
		"note":  map[string]any{"type": "string", "maxLength": 80},
		"speed": map[string]any{"type": "number", "minimum": 0, "maximum": 1},
	},
	"required": []string{"unit", "moves"},
}

const (
	playData   = `{"cell": 5, "mark": "x", "taunt": "center is mine"}`
	nestedData = `{"unit": "archer", "moves": [{"dir": "north", "steps": 2, "to": {"x": 3, "y": 4}}, ` +
		`{"dir": "east", "steps": 1}, {"dir": "south", "steps": 5, "to": {"x": 3, "y": 9}}], ` +
		`"note": "flank them from the hill", "speed": 0.75}`
)

func mustCompile(t testing.TB, action string, doc map[string]any) *Compiled {
	t.Helper()
	c, err := Compile(action, doc)
	if err != nil {
		t.Fatalf("Compile(%s): %v", action, err)
	}
	return c
}
