package dashboard

import (
	"encoding/json"
	"testing"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/schema"
)

// TestBrowserValidatorAgreesWithServer runs the page's validator and the
// simulator's (neuro.CompileSchema) over the same cases: the editor must
// not call valid what the server refuses, nor the reverse.
func TestBrowserValidatorAgreesWithServer(t *testing.T) {
	b := newBrowser(t)
	e := newEnv(t, nil)
	b.open(e)
	obj := func(props map[string]any, required ...any) neuro.Schema {
		s := neuro.Schema{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	cell := obj(map[string]any{"cell": map[string]any{"type": "integer", "minimum": 1, "maximum": 9}}, "cell")
	word := obj(map[string]any{"w": map[string]any{"type": "string", "minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$"}}, "w")
	pick := obj(map[string]any{"p": map[string]any{"enum": []any{"rock", "paper", 3, nil}}}, "p")
	list := obj(map[string]any{"l": map[string]any{"type": "array", "items": map[string]any{"type": "number", "exclusiveMaximum": 10}, "minItems": 1, "maxItems": 3, "uniqueItems": true}}, "l")
	closed := neuro.Schema{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "boolean"}}, "additionalProperties": false}
	nested := obj(map[string]any{"o": obj(map[string]any{"x": map[string]any{"type": []any{"integer", "null"}}}, "x")}, "o")
	either := obj(map[string]any{"v": map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer", "multipleOf": 5}}}}, "v")
	optional := obj(map[string]any{"n": map[string]any{"type": "integer"}})
	cases := []struct {
		schema neuro.Schema
		data   string
	}{
		{cell, `{"cell":5}`}, {cell, `{"cell":0}`}, {cell, `{"cell":10}`}, {cell, `{"cell":5.5}`}, {cell, `{"cell":"5"}`},
		{cell, `{}`}, {cell, ``}, {cell, `null`}, {cell, `[5]`}, {cell, `{"cell":9,"x":1}`}, {cell, `{"cell":`},
		{word, `{"w":"ab"}`}, {word, `{"w":"a"}`}, {word, `{"w":"abcde"}`}, {word, `{"w":"AB"}`}, {word, `{"w":"ééé"}`},
		{pick, `{"p":"rock"}`}, {pick, `{"p":3}`}, {pick, `{"p":null}`}, {pick, `{"p":"3"}`}, {pick, `{"p":3.0}`},
		{list, `{"l":[1,2]}`}, {list, `{"l":[]}`}, {list, `{"l":[1,1]}`}, {list, `{"l":[10]}`}, {list, `{"l":[1,2,3,4]}`}, {list, `{"l":["1"]}`},
		{closed, `{"a":true}`}, {closed, `{"b":true}`}, {closed, `{}`}, {closed, ``},
		{nested, `{"o":{"x":null}}`}, {nested, `{"o":{"x":1}}`}, {nested, `{"o":{}}`}, {nested, `{"o":{"x":"1"}}`},
		{either, `{"v":"s"}`}, {either, `{"v":10}`}, {either, `{"v":7}`}, {either, `{"v":true}`},
		{optional, ``}, {optional, `{}`}, {optional, `{"n":1.5}`},
		{nil, ``}, {nil, `{"anything":1}`},
	}
	type jsCase struct {
		Schema neuro.Schema `json:"schema"`
		Data   string       `json:"data"`
	}
	in := make([]jsCase, len(cases))
	for i, c := range cases {
		in[i] = jsCase{c.schema, c.data}
	}
	src, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	got := eval[[]bool](b, `import('/dashboard/static/validate.js').then((m) => `+string(src)+`.map((c) => m.checkText(c.schema, c.data).ok))`)
	if len(got) != len(cases) {
		t.Fatalf("%d answers for %d cases", len(got), len(cases))
	}
	for i, c := range cases {
		cs, err := schema.Compile("a", c.schema)
		if err != nil {
			t.Fatal(err)
		}
		want := cs.Check(c.data, c.data != "") == nil
		if got[i] != want {
			t.Errorf("schema %v, data %q: page says valid=%v, server says %v", c.schema, c.data, got[i], want)
		}
	}
}
