package schema

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// namedDoc is what the wire package's Schema type is: a named map type,
// which Compile must read like a plain one when nested.
type namedDoc map[string]any

func TestCompile(t *testing.T) {
	tests := []struct {
		name    string
		doc     map[string]any
		wantErr string // the whole error text; "" for success
	}{
		{"nil", nil, ""},
		{"empty", map[string]any{}, ""},
		{"realistic", playSchema, ""},
		{"draft-07 by $schema", map[string]any{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
			"properties": map[string]any{"a": map[string]any{"type": "integer"}}}, ""},
		{"local $ref", map[string]any{"type": "object", "$defs": map[string]any{"n": map[string]any{"type": "integer"}},
			"properties": map[string]any{"a": map[string]any{"$ref": "#/$defs/n"}}}, ""},
		{"Go-built nested named maps and typed slices", map[string]any{"type": "object",
			"properties": namedDoc{"a": namedDoc{"type": "string", "enum": []string{"x"}}}}, ""},
		{"unknown type", map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "nope"}}},
			`schema: the schema of action "bad_one" is not a valid JSON schema: at /properties/a/type: got string, want array; at /properties/a/type: value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'`},
		{"minimum not a number", map[string]any{"type": "object", "minimum": "x"},
			`schema: the schema of action "bad_one" is not a valid JSON schema: at /minimum: got string, want number`},
		{"bad regex", map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"pattern": "("}}},
			`schema: the schema of action "bad_one" is not a valid JSON schema: at /properties/a/pattern: '(' is not valid regex: error parsing regexp: missing closing ): ` + "`(`"},
		{"remote $ref", map[string]any{"type": "object", "$ref": "https://example.com/s.json"},
			`schema: the schema of action "bad_one" refers to https://example.com/s.json, outside the schema; only local references (#/...) are allowed`},
		{"file $ref", map[string]any{"type": "object", "$ref": "file:///etc/passwd"},
			`schema: the schema of action "bad_one" refers to file:///etc/passwd, outside the schema; only local references (#/...) are allowed`},
		{"relative $ref", map[string]any{"type": "object", "$ref": "other.json"},
			`schema: the schema of action "bad_one" refers to neurokit:///other.json, outside the schema; only local references (#/...) are allowed`},
		{"unknown $schema", map[string]any{"$schema": "https://example.com/meta", "type": "object"},
			`schema: the schema of action "bad_one" refers to https://example.com/meta, outside the schema; only local references (#/...) are allowed`},
		{"dangling local $ref", map[string]any{"type": "object", "$ref": "#/$defs/missing"},
			`schema: the schema of action "bad_one" cannot be compiled: `},
		{"huge exponent in a bound", map[string]any{"type": "object", "properties": map[string]any{
			"a": map[string]any{"maximum": json.Number("1e-99999999")}}},
			`schema: the schema of action "bad_one" has a number out of range at /properties/a/maximum: 1e-99999999 (numbers may have at most 100 characters and an exponent from -1000 to 1000)`},
		{"huge number in an enum", map[string]any{"type": "object", "properties": map[string]any{
			"a/b": map[string]any{"enum": []any{1, json.Number("1e5000")}}}},
			`schema: the schema of action "bad_one" has a number out of range at /properties/a~1b/enum/1: 1e5000`},
		{"not JSON", map[string]any{"type": "object", "x": make(chan int)},
			`schema: the schema of action "bad_one" cannot be encoded as JSON: json: unsupported type: chan int`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile("bad_one", tt.doc)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Compile: %v", err)
				}
				if c.Action() != "bad_one" {
					t.Errorf("Action() = %q", c.Action())
				}
				if c.HasSchema() != (len(tt.doc) > 0) {
					t.Errorf("HasSchema() = %v", c.HasSchema())
				}
				return
			}
			if c != nil {
				t.Errorf("got a Compiled with the error")
			}
			var ce *CompileError
			if !errors.As(err, &ce) || ce.Action != "bad_one" {
				t.Fatalf("error %v (%T) is not a *CompileError naming the action", err, err)
			}
			if (ce.Err == nil) != strings.Contains(tt.wantErr, "out of range") {
				t.Errorf("Err = %v: want the cause, except for numbers out of range", ce.Err)
			}
			if !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("error:\n got %s\nwant %s", err, tt.wantErr)
			}
		})
	}
}

// TestCompileDropsAndRestoresValidator checks the memory saving: with a
// fast path the compiled validator is dropped, and the first data the fast
// path cannot accept compiles it again.
func TestCompileDropsAndRestoresValidator(t *testing.T) {
	c := mustCompile(t, "play", playSchema)
	if c.fast == nil || c.sch != nil || c.src == nil {
		t.Fatalf("fast=%v sch=%v src=%d bytes: want the validator dropped", c.fast != nil, c.sch != nil, len(c.src))
	}
	if err := c.Check(`{"cell": 5, "mark": "x"}`, true); err != nil || c.sch != nil {
		t.Fatalf("valid data: %v; validator compiled: %v", err, c.sch != nil)
	}
	if err := c.Check(`{"cell": 10, "mark": "x"}`, true); err == nil {
		t.Fatal("cell 10 accepted")
	}
	if c.sch == nil || c.src != nil {
		t.Errorf("after a rejection: sch=%v src=%d bytes, want the validator kept", c.sch != nil, len(c.src))
	}
	rich := mustCompile(t, "build", richSchema)
	if rich.fast != nil || rich.sch == nil {
		t.Errorf("a schema off the fast path must keep its validator")
	}
}

func TestExampleData(t *testing.T) {
	tests := []struct {
		name string
		doc  map[string]any
		want string // "" when no example can be made
	}{
		{"play", playSchema, `{"cell": 5, "mark": "x"}`},
		{"nested", nestedSchema, `{"unit": "knight", "moves": [{"dir": "north", "steps": 3}]}`},
		{"no properties", map[string]any{"type": "object"}, `{}`},
		{"exclusive bounds", map[string]any{"type": "object", "required": []string{"p"},
			"properties": map[string]any{"p": map[string]any{"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}}}, `{"p": 0.5}`},
		{"integer between exclusive bounds", map[string]any{"type": "object", "required": []string{"p"},
			"properties": map[string]any{"p": map[string]any{"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 2}}}, `{"p": 1}`},
		{"only a maximum below 1", map[string]any{"type": "object", "required": []string{"p"},
			"properties": map[string]any{"p": map[string]any{"type": "integer", "maximum": -3}}}, `{"p": -3}`},
		{"multipleOf", map[string]any{"type": "object", "required": []string{"p"},
			"properties": map[string]any{"p": map[string]any{"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 4}}}, `{"p": 12}`},
		{"formats and lengths", map[string]any{"type": "object", "required": []string{"mail", "code", "day"},
			"properties": map[string]any{
				"mail": map[string]any{"type": "string", "format": "email"},
				"code": map[string]any{"type": "string", "minLength": 6},
				"day":  map[string]any{"type": "string", "format": "date"},
			}}, `{"mail": "someone@example.com", "code": "xxxxxx", "day": "2026-01-31"}`},
		{"const, boolean, nullable, HTML characters", map[string]any{"type": "object", "required": []string{"k", "b", "n"},
			"properties": map[string]any{
				"k": map[string]any{"const": "<tower>"},
				"b": map[string]any{"type": "boolean"},
				"n": map[string]any{"type": []string{"null", "integer"}},
			}}, `{"k": "<tower>", "b": true, "n": 1}`},
		{"pattern: no example", map[string]any{"type": "object", "required": []string{"c"},
			"properties": map[string]any{"c": map[string]any{"type": "string", "pattern": "^[A-Z]{3}$"}}}, ""},
		{"impossible bounds: no example", map[string]any{"type": "object", "required": []string{"c"},
			"properties": map[string]any{"c": map[string]any{"type": "integer", "minimum": 5, "maximum": 1}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustCompile(t, "a", tt.doc).example; got != tt.want {
				t.Errorf("example:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
