package schema

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// FuzzSchemaCheck feeds arbitrary data to Check against schemas using
// most keywords: it must not panic, and every rejection must be a
// *DataError with a message in valid UTF-8 naming no Go internals.
func FuzzSchemaCheck(f *testing.F) {
	for _, s := range []string{
		`{"slot": 5, "count": 3, "speed": 0.5, "name": "keep", "code": "ABC", "tags": ["red"], "pos": {"x": 0, "y": 7}, "kind": "tower", "alt": true}`,
		`{"slot": 4, "tags": ["red", "red", "pink"], "pos": {"x": 9}, "colour": 1}`,
		`{"slot": "5", "pos": [], "alt": "x", "big": 1e400}`,
		`[1, {"a": []}]`, `"x"`, `null`, `{`, ``, `{'a': True,}`, `{"a": "\u12"}`,
		`{"slot": 1, "speed": 1e999, "count": 1e-999, "big": 12345678901234567890123}`,
		`{"slot": 1, "tags": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 1e5]}`,
		nestedData, playData,
	} {
		f.Add(s, true)
	}
	f.Add("", false)
	schemas := []*Compiled{mustCompile(f, "build", richSchema), mustCompile(f, "march", nestedSchema), mustCompile(f, "play", playSchema)}
	f.Fuzz(func(t *testing.T, data string, hasData bool) {
		for _, c := range schemas {
			err := c.Check(data, hasData)
			if err == nil {
				continue
			}
			var de *DataError
			if !errors.As(err, &de) || de.Message == "" || de.Action != c.Action() {
				t.Fatalf("Check(%q) = %#v", data, err)
			}
			if !utf8.ValidString(de.Message) || strings.Contains(de.Message, "invalid character") || de.Message == internalProblem {
				t.Fatalf("Check(%q): message %q", data, de.Message)
			}
		}
	})
}

// FuzzSyntaxProblem checks that the syntax explainer and the JSON parser
// agree on what is valid JSON, so that every text the parser refuses gets
// a plain reason.
func FuzzSyntaxProblem(f *testing.F) {
	for _, s := range []string{
		`{"a": 1}`, `{"a": x}`, `{"a": 1,}`, `[1, 2`, `"abc`, `"\u00e9"`, `"\u00g9"`, `tru`, `nul`, `-`, `1.`, `1e+`,
		`0.5e-3`, `{"a" 1}`, `{a: 1}`, `{'a': 1}`, "\"a\tb\"", `"\q"`, `[1] 2`, `{"a": [true, false, null]}`, "\xff", `"\xff"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		trimmed := strings.Trim(data, " \t\r\n")
		if trimmed == "" || nestedTooDeeply(trimmed) {
			return
		}
		_, perr := jsonschema.UnmarshalJSON(strings.NewReader(trimmed))
		problem := findSyntaxProblem(data)
		if (perr == nil) != (problem == "") {
			t.Fatalf("data %q: parser says %v, explainer says %q", data, perr, problem)
		}
		if perr != nil {
			if p := syntaxProblem(data); p == "it could not be read" || !utf8.ValidString(p) {
				t.Fatalf("data %q: problem %q", data, p)
			}
		}
	})
}

// FuzzCompileAndCheck compiles arbitrary schemas and checks arbitrary data
// against them: neither Compile, Warnings nor Check may panic, and Check's
// answer must agree with the validator's (fast path or not).
func FuzzCompileAndCheck(f *testing.F) {
	for _, s := range []struct{ schema, data string }{
		{`{"type": "object", "properties": {"a": {"type": "integer", "maximum": 3}}}`, `{"a": 4}`},
		{`{"type": "object", "properties": {"a": {"type": "number", "maximum": 1e400}}}`, `{"a": 1e300}`},
		{`{"type": "object", "properties": {"a": {"type": "number", "minimum": 1e-99999999}}}`, `{"a": 0}`},
		{`{"type": "object", "properties": {"a": {"multipleOf": 0.01}}, "required": ["a"]}`, `{"a": 0.3}`},
		{`{"type": "object", "properties": {"a": {"$ref": "#"}}}`, `{"a": {"a": {"a": 1}}}`},
		{`{"type": "object", "additionalProperties": {"type": "string", "minLength": 2}}`, `{"b": "x", "c": "\u00e9\u00e9"}`},
		{`{"type": "object", "properties": {"t": {"type": "array", "uniqueItems": true, "maxItems": 2}}}`, `{"t": [1, 1.0]}`},
		{`{"type": "object", "properties": {"e": {"enum": [1, "a", null, [1], {"k": 2}]}}}`, `{"e": {"k": 2.0}}`},
		{`{"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}`, `{"a": 1, "b": 2}`},
		{`{"type": "object", "properties": {"d": {"type": "string", "format": "date"}}}`, `{"d": "2026-02-30"}`},
		{`{"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}, "dependentRequired": {"c": ["d"]}}`, `{"a": 1, "c": 2}`},
	} {
		f.Add(s.schema, s.data)
	}
	f.Fuzz(func(t *testing.T, schemaText, data string) {
		d := json.NewDecoder(strings.NewReader(schemaText))
		d.UseNumber() // let numbers through exactly, huge ones included
		var doc map[string]any
		if d.Decode(&doc) != nil {
			return
		}
		_ = Warnings(doc)
		c, err := Compile("fuzz", doc)
		if err != nil {
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("Compile error %v is a %T", err, err)
			}
			return
		}
		slow, err := compile("fuzz", doc, false)
		if err != nil {
			t.Fatalf("compiled with the fast path, not without: %v", err)
		}
		got, want := c.Check(data, true), slow.Check(data, true)
		for _, err := range []error{got, want} {
			var de *DataError
			if errors.As(err, &de) && de.Message == internalProblem {
				t.Fatalf("schema %s, data %q: %v", schemaText, data, de.Err)
			}
		}
		if (got == nil) != (want == nil) {
			t.Fatalf("schema %s, data %q: Check says %v, the validator alone says %v", schemaText, data, got, want)
		}
	})
}
