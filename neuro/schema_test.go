package neuro

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// vsPlayAction is a realistic action: three properties, an enum, integer
// bounds, two of them required.
var vsPlayAction = Action{
	Name:        "play",
	Description: "Place your mark on the board.",
	Schema: Schema{
		"type": "object",
		"properties": map[string]any{
			"cell":  map[string]any{"type": "integer", "minimum": 1, "maximum": 9},
			"mark":  map[string]any{"type": "string", "enum": []string{"x", "o"}},
			"taunt": map[string]any{"type": "string", "maxLength": 40},
		},
		"required": []string{"cell", "mark"},
	},
}

// vsRichAction exercises more keywords.
var vsRichAction = Action{
	Name: "build",
	Schema: Schema{
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
	},
}

func mustCompileSchema(t testing.TB, a Action) *CompiledSchema {
	t.Helper()
	cs, err := CompileSchema(a)
	if err != nil {
		t.Fatalf("CompileSchema(%s): %v", a.Name, err)
	}
	return cs
}

func TestCompiledSchemaCheck(t *testing.T) {
	play := mustCompileSchema(t, vsPlayAction)
	rich := mustCompileSchema(t, vsRichAction)
	optional := mustCompileSchema(t, Action{Name: "wave", Schema: Schema{"type": "object",
		"properties": map[string]any{"times": map[string]any{"type": "integer", "minimum": 1}}}})
	none := mustCompileSchema(t, Action{Name: "pass"})

	const absentPlay = `this action needs data: a JSON object with "cell" (an integer from 1 to 9) and "mark" (one of "x", "o"), and optionally "taunt" (a string of at most 40 characters)`
	tests := []struct {
		name    string
		cs      *CompiledSchema
		data    string
		hasData bool
		want    string // the DataError Message; "" for valid
	}{
		{"valid", play, `{"cell": 5, "mark": "x"}`, true, ""},
		{"valid with optional", play, `{"cell": 9, "mark": "o", "taunt": "too easy"}`, true, ""},
		{"valid with whitespace", play, " \n{\"cell\":1,\"mark\":\"x\"}\t", true, ""},
		{"integer written as 1.0", play, `{"cell": 1.0, "mark": "x"}`, true, ""},
		{"extra property allowed when not closed", play, `{"cell": 1, "mark": "x", "why": "fun"}`, true, ""},
		{"absent data, required properties", play, "", false, absentPlay},
		{"empty string data", play, "", true, absentPlay},
		{"blank data", play, "  ", true, absentPlay},
		{"null data", play, "null", true, absentPlay},
		{"invalid JSON", play, `{"cell": 5, "mark": x}`, true, "data is not valid JSON (invalid character 'x' looking for beginning of value); send a JSON object with \"cell\" (an integer from 1 to 9) and \"mark\" (one of \"x\", \"o\"), and optionally \"taunt\" (a string of at most 40 characters)"},
		{"truncated JSON", play, `{"cell": 5`, true, "data is not valid JSON (it ends too early); send a JSON object with \"cell\" (an integer from 1 to 9) and \"mark\" (one of \"x\", \"o\"), and optionally \"taunt\" (a string of at most 40 characters)"},
		{"trailing text", play, `{"cell": 5, "mark": "x"} ok?`, true, "data is not valid JSON (there is more text after the JSON value); send a JSON object with \"cell\" (an integer from 1 to 9) and \"mark\" (one of \"x\", \"o\"), and optionally \"taunt\" (a string of at most 40 characters)"},
		{"two documents", play, `{"cell": 5, "mark": "x"}{}`, true, "data is not valid JSON (there is more text after the JSON value); send a JSON object with \"cell\" (an integer from 1 to 9) and \"mark\" (one of \"x\", \"o\"), and optionally \"taunt\" (a string of at most 40 characters)"},
		{"data is an array", play, `[5, "x"]`, true, `data must be a JSON object, not an array; expected a JSON object with "cell" (an integer from 1 to 9) and "mark" (one of "x", "o"), and optionally "taunt" (a string of at most 40 characters)`},
		{"data is a number", play, `5`, true, `data must be a JSON object, not a number; expected a JSON object with "cell" (an integer from 1 to 9) and "mark" (one of "x", "o"), and optionally "taunt" (a string of at most 40 characters)`},
		{"wrong type: string for integer", play, `{"cell": "5", "mark": "x"}`, true, `"cell" must be an integer from 1 to 9, not a string`},
		{"wrong type: fraction for integer", play, `{"cell": 2.5, "mark": "x"}`, true, `"cell" must be an integer from 1 to 9, not 2.5`},
		{"enum miss lists allowed values", play, `{"cell": 5, "mark": "X"}`, true, `"mark" must be one of "x", "o"`},
		{"out of bounds above", play, `{"cell": 10, "mark": "x"}`, true, `"cell" must be from 1 to 9`},
		{"out of bounds below", play, `{"cell": 0, "mark": "x"}`, true, `"cell" must be from 1 to 9`},
		{"missing required", play, `{"cell": 5}`, true, `missing required property "mark" (one of "x", "o")`},
		{"missing everything", play, `{}`, true, `missing required properties "cell" (an integer from 1 to 9) and "mark" (one of "x", "o")`},
		{"two problems, sorted", play, `{"cell": 12, "mark": "z"}`, true, `"cell" must be from 1 to 9; "mark" must be one of "x", "o"`},
		{"three problems", play, `{"cell": 12, "mark": "z", "taunt": 3}`, true, `"cell" must be from 1 to 9; "mark" must be one of "x", "o" (and 1 more problem)`},
		{"string too long", play, `{"cell": 1, "mark": "x", "taunt": "` + strings.Repeat("ha", 21) + `"}`, true, `"taunt" must be at most 40 characters long`},

		{"rich valid", rich, `{"slot": 5, "count": 3, "speed": 0.5, "name": "keep", "code": "ABC", "tags": ["red"], "pos": {"x": 0, "y": 7}, "kind": "tower", "alt": true, "email": "a@b.io"}`, true, ""},
		{"enum of integers", rich, `{"slot": 4}`, true, `"slot" must be one of 1, 5, 9`},
		{"only maximum", rich, `{"slot": 1, "count": 4}`, true, `"count" must be at most 3`},
		{"exclusive bounds", rich, `{"slot": 1, "speed": 1}`, true, `"speed" must be greater than 0 and less than 1`},
		{"min length", rich, `{"slot": 1, "name": "k"}`, true, `"name" must be 2 to 12 characters long`},
		{"pattern", rich, `{"slot": 1, "code": "abc"}`, true, `"code" must match the pattern ^[A-Z]{3}$`},
		{"unknown property lists allowed ones", rich, `{"slot": 1, "colour": "red"}`, true, `unknown property "colour"; allowed: "alt", "big", "code", "count", "email", "kind", "name", "pos", "slot", "speed", "tags"`},
		{"array item not in enum", rich, `{"slot": 1, "tags": ["red", "pink"]}`, true, `"tags[1]" must be one of "red", "blue", "green"`},
		{"array item wrong type", rich, `{"slot": 1, "tags": [1]}`, true, `"tags[0]" must be one of "red", "blue", "green", not a number`},
		{"too many items", rich, `{"slot": 1, "tags": ["red", "blue", "green"]}`, true, `"tags" must have 1 to 2 items`},
		{"too few items", rich, `{"slot": 1, "tags": []}`, true, `"tags" must have 1 to 2 items`},
		{"duplicate items", rich, `{"slot": 1, "tags": ["red", "red"]}`, true, `"tags" must not contain the same item twice ("tags[0]" and "tags[1]" are equal)`},
		{"nested missing", rich, `{"slot": 1, "pos": {"x": 1}}`, true, `"pos" is missing required property "y" (an integer from 0 to 7)`},
		{"nested out of bounds", rich, `{"slot": 1, "pos": {"x": 8, "y": 0}}`, true, `"pos.x" must be from 0 to 7`},
		{"nested wrong type", rich, `{"slot": 1, "pos": [1, 2]}`, true, `"pos" must be an object with "x" and "y", not an array`},
		{"const", rich, `{"slot": 1, "kind": "wall"}`, true, `"kind" must be exactly "tower"`},
		{"anyOf", rich, `{"slot": 1, "alt": "yes"}`, true, `"alt" must be an integer or true or false`},
		{"big integer keeps precision", rich, `{"slot": 1, "big": 9007199254740993}`, true, `"big" must be at most 9007199254740992`},
		{"huge exponent", rich, `{"slot": 1, "speed": 1e99999999}`, true, `"speed" is out of range: 1e99999999`},
		{"huge exponent in array", rich, `{"slot": 1, "tags": ["red", 1E-2000000]}`, true, `"tags[1]" is out of range: 1E-2000000`},
		{"too many digits", rich, `{"slot": 1, "count": ` + strings.Repeat("9", 120) + `}`, true, `"count" is out of range: ` + strings.Repeat("9", 40) + `...`},
		{"large but fine exponent", rich, `{"slot": 1, "speed": 1e-300}`, true, ""},
		{"format", rich, `{"slot": 1, "email": "nope"}`, true, `"email" must be a valid email`},

		{"optional-only schema accepts absent data", optional, "", false, ""},
		{"optional-only schema accepts null", optional, "null", true, ""},
		{"optional-only schema checks present data", optional, `{"times": 0}`, true, `"times" must be at least 1`},
		{"no schema: absent", none, "", false, ""},
		{"no schema: object ignored", none, `{"x": 1}`, true, ""},
		{"no schema: garbage ignored", none, `not json`, true, ""},
		{"nil CompiledSchema", nil, `whatever`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cs.Check(tt.data, tt.hasData)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.data, err)
				}
				return
			}
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("Check(%q) = %v (%T), want a *DataError", tt.data, err, err)
			}
			if de.Message != tt.want {
				t.Errorf("Check(%q) message:\n got %s\nwant %s", tt.data, de.Message, tt.want)
			}
			if de.Action != tt.cs.Action() {
				t.Errorf("Action = %q, want %q", de.Action, tt.cs.Action())
			}
			if want := "neuro: invalid data for action " + de.Action + ": " + tt.want; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

func TestCheckDataErrorUnwrap(t *testing.T) {
	play := mustCompileSchema(t, vsPlayAction)

	err := play.Check(`{`, true)
	var se *json.SyntaxError
	if !errors.As(err, &se) && !strings.Contains(errors.Unwrap(err).Error(), "EOF") {
		t.Errorf("invalid JSON: Unwrap = %v, want the JSON error", errors.Unwrap(err))
	}

	err = play.Check(`{"cell": 0, "mark": "x"}`, true)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("schema mismatch: %v does not wrap a *jsonschema.ValidationError", err)
	}

	err = play.Check("", false)
	if errors.Unwrap(err) != nil {
		t.Errorf("absent data: Unwrap = %v, want nil", errors.Unwrap(err))
	}
}

func TestCompileSchema(t *testing.T) {
	tests := []struct {
		name    string
		schema  Schema
		wantErr string // substring; "" for success
	}{
		{"nil", nil, ""},
		{"empty", Schema{}, ""},
		{"realistic", vsPlayAction.Schema, ""},
		{"draft-07 by $schema", Schema{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
			"properties": map[string]any{"a": map[string]any{"type": "integer"}}}, ""},
		{"local $ref", Schema{"type": "object", "$defs": map[string]any{"n": map[string]any{"type": "integer"}},
			"properties": map[string]any{"a": map[string]any{"$ref": "#/$defs/n"}}}, ""},
		{"Go-built nested Schema values", Schema{"type": "object", "properties": Schema{"a": Schema{"type": "string"}}}, ""},
		{"unknown type", Schema{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "nope"}}},
			`invalid schema of action "bad_one": is not a valid JSON schema: at /properties/a/type`},
		{"minimum not a number", Schema{"type": "object", "minimum": "x"},
			`invalid schema of action "bad_one": is not a valid JSON schema: at /minimum: got string, want number`},
		{"bad regex", Schema{"type": "object", "properties": map[string]any{"a": map[string]any{"pattern": "("}}},
			`invalid schema of action "bad_one": is not a valid JSON schema: at /properties/a/pattern`},
		{"remote $ref", Schema{"type": "object", "$ref": "https://example.com/s.json"},
			`invalid schema of action "bad_one": refers to https://example.com/s.json, outside the schema`},
		{"file $ref", Schema{"type": "object", "$ref": "file:///etc/passwd"},
			`refers to file:///etc/passwd, outside the schema`},
		{"relative $ref", Schema{"type": "object", "$ref": "other.json"},
			`outside the schema`},
		{"unknown $schema", Schema{"$schema": "https://example.com/meta", "type": "object"},
			`refers to https://example.com/meta, outside the schema`},
		{"dangling local $ref", Schema{"type": "object", "$ref": "#/$defs/missing"},
			`invalid schema of action "bad_one"`},
		{"not JSON", Schema{"type": "object", "x": make(chan int)},
			`cannot be encoded as JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := CompileSchema(Action{Name: "bad_one", Schema: tt.schema})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CompileSchema: %v", err)
				}
				if cs.Action() != "bad_one" {
					t.Errorf("Action() = %q", cs.Action())
				}
				if cs.HasSchema() != (len(tt.schema) > 0) {
					t.Errorf("HasSchema() = %v", cs.HasSchema())
				}
				return
			}
			checkInvalidErr(t, err, tt.wantErr)
			if cs != nil {
				t.Errorf("got a CompiledSchema with the error")
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Subject != `schema of action "bad_one"` {
				t.Errorf("errors.As(*ValidationError): %#v", ve)
			}
			if errors.Unwrap(err) == nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("error wraps nothing")
			}
		})
	}
}

func TestCompiledSchemaConcurrentCheck(t *testing.T) {
	cs := mustCompileSchema(t, vsRichAction)
	inputs := []string{
		`{"slot": 5, "pos": {"x": 1, "y": 2}}`,
		`{"slot": 4}`,
		`{"slot": 1, "tags": ["red", "red"]}`,
		`not json`,
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				in := inputs[(g+i)%len(inputs)]
				err := cs.Check(in, true)
				if (err == nil) != (in == inputs[0]) {
					t.Errorf("Check(%q) = %v", in, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkCheck measures validating the data of one incoming action
// against a realistic schema (three properties, an enum, integer bounds).
func BenchmarkCheck(b *testing.B) {
	cs := mustCompileSchema(b, vsPlayAction)
	b.Run("valid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := cs.Check(`{"cell": 5, "mark": "x", "taunt": "center is mine"}`, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("invalid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := cs.Check(`{"cell": 12, "mark": "z"}`, true); err == nil {
				b.Fatal("no error")
			}
		}
	})
	b.Run("no_schema", func(b *testing.B) {
		none := mustCompileSchema(b, Action{Name: "pass"})
		b.ReportAllocs()
		for b.Loop() {
			if err := none.Check(`{}`, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCompileSchema measures compiling a realistic schema, done once
// per registration.
func BenchmarkCompileSchema(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CompileSchema(vsPlayAction); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzSchemaCheck feeds arbitrary data to Check against a schema using
// most keywords: it must not panic, and every rejection must be a
// *DataError with a non-empty message.
func FuzzSchemaCheck(f *testing.F) {
	for _, s := range []string{
		`{"slot": 5, "count": 3, "speed": 0.5, "name": "keep", "code": "ABC", "tags": ["red"], "pos": {"x": 0, "y": 7}, "kind": "tower", "alt": true}`,
		`{"slot": 4, "tags": ["red", "red", "pink"], "pos": {"x": 9}, "colour": 1}`,
		`{"slot": "5", "pos": [], "alt": "x", "big": 1e400}`,
		`[1, {"a": []}]`, `"x"`, `null`, `{`, ``,
		`{"slot": 1, "speed": 1e999, "count": 1e-999, "big": 12345678901234567890123}`,
		`{"slot": 1, "tags": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 1e5]}`,
	} {
		f.Add(s, true)
	}
	f.Add("", false)
	cs := mustCompileSchema(f, vsRichAction)
	f.Fuzz(func(t *testing.T, data string, hasData bool) {
		err := cs.Check(data, hasData)
		if err == nil {
			return
		}
		de, ok := err.(*DataError)
		if !ok || de.Message == "" || de.Action != "build" {
			t.Fatalf("Check(%q) = %#v", data, err)
		}
	})
}

// vsFastSchemas use only keywords the fast path handles.
var vsFastSchemas = []Schema{
	vsPlayAction.Schema,
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

// vsFastSeeds are data for the fast path schemas.
var vsFastSeeds = []string{
	`{"cell": 5, "mark": "x"}`, `{"cell": 5.0, "mark": "x"}`, `{"cell": 9, "mark": "o", "taunt": "hi"}`,
	`{"i": 0}`, `{"i": -3, "n": 2.25, "e": "1", "c": 3, "s": "é", "any": [1], "multi": null}`,
	`{"i": 9007199254740992}`, `{"i": 9007199254740993}`, `{"i": -4}`, `{"i": 1e2}`, `{"i": 1, "n": 0.5}`,
	`{"i": 1, "n": 0.50000000000000001}`, `{"i": 1, "e": 1.0}`, `{"i": 1, "e": {"a": 1}}`, `{"i": 1, "c": 3.0}`,
	`{"i": 1, "never": 1}`, `{"i": 1, "s": "abcd"}`, `{"i": 1, "s": "ABC"}`, `{"i": 1, "list": [1, 2, 3]}`,
	`{"i": 1, "list": []}`, `{"i": 1, "list": [4]}`, `{"i": 1, "obj": {"k": true, "z": "s"}}`,
	`{"i": 1, "obj": {"k": true, "z": 1}}`, `{"i": 1, "obj": {}}`, `{"i": 1, "other": 1}`,
	`{"x": 1}`, `{"x": 1.0000001}`, `{"x": 5}`, `{"list": ["a", 1]}`, `{"y": 9}`, `{"y": 10}`, `{"y": 9.999999999999999999}`,
}

func TestCheckFastPathAgreesWithValidator(t *testing.T) {
	proven := 0
	for _, schema := range vsFastSchemas {
		cs := mustCompileSchema(t, Action{Name: "fast", Schema: schema})
		if cs.fast == nil {
			t.Fatalf("schema %v has no fast path", schema)
		}
		for _, data := range vsFastSeeds {
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			fast := cs.fast.valid(v)
			full := cs.full().Validate(v) == nil
			if fast && !full {
				t.Errorf("schema %v, data %s: fast path says valid, validator says %v", schema, data, cs.full().Validate(v))
			}
			if fast {
				proven++
			}
		}
	}
	if proven < 10 {
		t.Errorf("the fast path proved only %d inputs valid", proven)
	}
	if cs := mustCompileSchema(t, vsRichAction); cs.fast != nil {
		t.Error("a schema with format, anyOf and uniqueItems got a fast path")
	}
}

// FuzzSchemaFastPath checks that the fast path never accepts data the
// full validator rejects.
func FuzzSchemaFastPath(f *testing.F) {
	for _, s := range vsFastSeeds {
		f.Add(s)
	}
	var schemas []*CompiledSchema
	for _, s := range vsFastSchemas {
		schemas = append(schemas, mustCompileSchema(f, Action{Name: "fast", Schema: s}))
	}
	f.Fuzz(func(t *testing.T, data string) {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(data))
		if err != nil {
			return
		}
		if _, _, found := outOfRangeNumber(v); found {
			return
		}
		for i, cs := range schemas {
			if cs.fast.valid(v) {
				if err := cs.full().Validate(v); err != nil {
					t.Fatalf("schema %d, data %s: fast path says valid, validator says %v", i, data, err)
				}
			}
		}
	})
}
