package neuro

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// vsBytesSeeds add data the byte walker must refuse or read with care.
var vsBytesSeeds = []string{
	`{"cell": 5, "mark": "x", "taunt": "center is mine"}`, `{"cell": 5, "cell": 12, "mark": "x"}`,
	`{"cell": 5, "mark": "\u0078"}`, `{"cell": 5, "mark": "x", "taunt": "a\nb\"c\\"}`, `{"cell": 5, "mark": "x"} x`,
	`{"cell": 05, "mark": "x"}`, `{"cell": -0, "mark": "x"}`, `{"cell": 5., "mark": "x"}`, `{"cell": 5e, "mark": "x"}`,
	`{"cell": 1e1001, "mark": "x"}`, "{\"cell\": 5, \"mark\": \"x\", \"taunt\": \"\xff\"}", `{"i": 1, "any": [[[[[[1e5000]]]]]]}`,
	`{"i": 1, "s": "a\u00e9"}`, `{"i": 1, "s": "\/"}`, `{"i": 1, "obj": {"k": true, "k": 1}}`, `{"i": 1,}`, `[1,]`, `{"x": 1.5, "list": ["a", "b",]}`,
	`{"i": 1, "e": null, "multi": 7}`, `{"i": 1, "e": true}`, `{"i": 1, "e": false}`, `{"i": 1, "e": "2"}`,
}

func TestCheckBytesAgreesWithParsedPath(t *testing.T) {
	seeds := append(append([]string(nil), vsFastSeeds...), vsBytesSeeds...)
	proven := 0
	for _, schema := range vsFastSchemas {
		cs := mustCompileSchema(t, Action{Name: "fast", Schema: schema})
		for _, data := range seeds {
			checkBytesAgree(t, cs, data)
			if !cs.fast.validJSON(data) {
				continue
			}
			proven++
		}
		// Plain data the value fast path accepts, the byte walker accepts too.
		for _, data := range vsFastSeeds {
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(data))
			if err == nil && cs.fast.valid(v) && !cs.fast.validJSON(data) {
				t.Errorf("schema %v, data %s: the byte walker gives up on plain valid data", schema, data)
			}
		}
	}
	if proven < 10 {
		t.Errorf("the byte walker proved only %d inputs valid", proven)
	}
	cs := mustCompileSchema(t, vsPlayAction)
	for _, data := range []string{`{"cell": 5, "mark": "x", "taunt": "center is mine"}`, `{"cell": 5, "mark": "x", "taunt": "a\tb"}`} {
		if !cs.fast.validJSON(data) {
			t.Errorf("the byte walker does not accept %s", data)
		}
	}
	for _, data := range []string{`{"cell": 5, "cell": 5, "mark": "x"}`, `{"cell": 5, "mark": "\u0078"}`, `{"cell": 5, "mark": "x"} 1`} {
		if cs.fast.validJSON(data) {
			t.Errorf("the byte walker accepts %s", data)
		}
	}
}

// checkBytesAgree fails when the byte walker accepts data that Check's
// general path (parse, range check, value fast path, full validator)
// does not.
func checkBytesAgree(t *testing.T, cs *CompiledSchema, data string) {
	t.Helper()
	trimmed := strings.Trim(data, " \t\r\n")
	if trimmed == "" || trimmed == "null" || !cs.fast.validJSON(trimmed) {
		return
	}
	if err := cs.checkParsed(trimmed); err != nil {
		t.Fatalf("data %q: byte walker says valid, general path says %v", trimmed, err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(trimmed))
	if err != nil {
		t.Fatalf("data %q: byte walker says valid, parser says %v", trimmed, err)
	}
	if !cs.fast.valid(v) {
		t.Fatalf("data %q: byte walker says valid, value fast path does not", trimmed)
	}
}

// FuzzSchemaBytes checks that the byte walker never accepts data Check's
// general path rejects, and that it agrees with the value fast path.
func FuzzSchemaBytes(f *testing.F) {
	for _, s := range vsFastSeeds {
		f.Add(s)
	}
	for _, s := range vsBytesSeeds {
		f.Add(s)
	}
	var schemas []*CompiledSchema
	for _, s := range vsFastSchemas {
		schemas = append(schemas, mustCompileSchema(f, Action{Name: "fast", Schema: s}))
	}
	f.Fuzz(func(t *testing.T, data string) {
		for _, cs := range schemas {
			checkBytesAgree(t, cs, data)
		}
	})
}
