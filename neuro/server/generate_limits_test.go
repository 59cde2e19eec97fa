package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/neurokit/neurokit/neuro/wire"
)

// schemaBomb asks for an array of 1,048,576 arrays of 1,048,576 items.
const schemaBomb = `{"type":"object","required":["a"],"properties":{"a":{"type":"array","minItems":1048576,"items":{"type":"array","minItems":1048576}}}}`

// TestGenerateDataBudget feeds GenerateData schemas that ask for too much
// or too deep: each fails with ErrCannotGenerate naming the limit, at
// once, and never panics.
func TestGenerateDataBudget(t *testing.T) {
	cases := map[string]struct{ schema, want string }{
		"array bomb":     {schemaBomb, "budget of 65536 bytes"},
		"long string":    {`{"type":"object","required":["s"],"properties":{"s":{"type":"string","minLength":1000000}}}`, "budget"},
		"many props":     {`{"type":"object","minProperties":1000000}`, "budget"},
		"binary tree":    {binaryTree(16), "budget"}, // 65536 leaves
		"deep recursion": {`{"$defs":{"n":{"type":"object","required":["c"],"properties":{"c":{"$ref":"#/$defs/n"}}}},"$ref":"#/$defs/n"}`, "deeper than 24 levels"},
		"big const items": {`{"type":"object","required":["a"],"properties":{"a":{"type":"array","minItems":100,"items":{"const":"` +
			strings.Repeat("x", 2000) + `"}}}}`, "budget"},
		"unique small domain": {`{"type":"object","required":["a"],"properties":{"a":{"type":"array","minItems":3,"uniqueItems":true,"items":{"type":"boolean"}}}}`,
			"unique items"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := GenerateData(context.Background(), mustSchema(t, tc.schema), rand.New(rand.NewPCG(1, 2)))
			if !errors.Is(err, ErrCannotGenerate) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want ErrCannotGenerate mentioning %q", err, tc.want)
			}
		})
	}
}

// binaryTree returns a schema of an object tree of the given depth: each
// node requires two children, each leaf is a short string.
func binaryTree(depth int) string {
	defs := []string{fmt.Sprintf(`"n%d":{"type":"string","minLength":4,"maxLength":4}`, depth)}
	for i := range depth {
		defs = append(defs, fmt.Sprintf(`"n%d":{"type":"object","required":["l","r"],"properties":{"l":{"$ref":"#/$defs/n%d"},"r":{"$ref":"#/$defs/n%d"}}}`, i, i+1, i+1))
	}
	return `{"$defs":{` + strings.Join(defs, ",") + `},"$ref":"#/$defs/n0"}`
}

// TestGenerateDataOutputBounded checks that what GenerateData does produce
// stays within MaxGeneratedBytes, for schemas that allow big data without
// requiring it.
func TestGenerateDataOutputBounded(t *testing.T) {
	for _, src := range []string{
		`{"type":"object","required":["a"],"properties":{"a":{"type":"array","maxItems":1000000,"items":{"type":"string","maxLength":1000000}}}}`,
		`{"type":"object","required":["a"],"properties":{"a":{"type":"string","minLength":60000}}}`,
		`{"type":"object","required":["a"],"properties":{"a":{"type":"array","minItems":1000,"items":{"type":"integer"}}}}`,
	} {
		r := rand.New(rand.NewPCG(3, 4))
		for range 20 {
			data, err := GenerateData(context.Background(), mustSchema(t, src), r)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if len(data) > MaxGeneratedBytes {
				t.Fatalf("%s: %d bytes generated, over %d", src, len(data), MaxGeneratedBytes)
			}
		}
	}
}

// TestGenerateDataChecksContext stops generation when ctx ends.
func TestGenerateDataChecksContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	schema := mustSchema(t, `{"type":"object","required":["a"],"properties":{"a":{"type":"array","minItems":1000,"items":{"type":"integer"}}}}`)
	if _, err := GenerateData(ctx, schema, rand.New(rand.NewPCG(1, 1))); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestGenerateDataTinyMultipleOf generated "invalid argument to Int64N"
// panics: there are too many multiples of 1e-300 to count in an int64.
func TestGenerateDataTinyMultipleOf(t *testing.T) {
	for _, src := range []string{
		`{"type":"object","required":["x"],"properties":{"x":{"type":"number","multipleOf":1e-300}}}`,
		`{"type":"object","required":["x"],"properties":{"x":{"type":"number","multipleOf":1e-300,"minimum":-1e300,"maximum":1e300}}}`,
		`{"type":"object","required":["x"],"properties":{"x":{"type":"integer","multipleOf":1e-300}}}`,
		`{"type":"object","required":["x"],"properties":{"x":{"type":"number","multipleOf":0.01,"minimum":-1e300}}}`,
		`{"type":"object","required":["x"],"properties":{"x":{"type":"integer","minimum":1152921504606846976}}}`,
		`{"type":"object","required":["x"],"properties":{"x":{"type":"number","minimum":-1e308,"maximum":1e308}}}`,
	} {
		validator := compileValidator(t, src)
		r := rand.New(rand.NewPCG(5, 6))
		for range 50 {
			data, err := GenerateData(context.Background(), mustSchema(t, src), r)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if err := validator.Validate(inst); err != nil {
				t.Fatalf("%s: generated %s, which fails: %v", src, data, err)
			}
		}
	}
}

func compileValidator(t *testing.T, src string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	v, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestForceWithSchemaBomb registers an action whose schema is a bomb and
// forces it: the server reports a finding saying why, finishes the force
// without answering it, and keeps serving the game.
func TestForceWithSchemaBomb(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Bomber")
	var bomb wire.Schema
	if err := json.Unmarshal([]byte(schemaBomb), &bomb); err != nil {
		t.Fatal(err)
	}
	g.hello(wire.Action{Name: "bomb", Description: "Boom.", Schema: bomb}, waveAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "go", ActionNames: []string{"bomb"}})
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceFailed {
		t.Fatalf("force done %+v, want failed", e.Force)
	}
	f := waitFinding(t, s, FindingPolicyFailed)
	if !strings.Contains(f.Detail, `"bomb"`) || !strings.Contains(f.Detail, "budget") {
		t.Fatalf("finding %q does not say which action and why", f.Detail)
	}
	// The game is served as before.
	g.send(wire.ForceActions{Query: "wave", ActionNames: []string{"wave"}})
	a := g.expectAction()
	if a.Name != "wave" {
		t.Fatalf("next force answered with %+v", a)
	}
	g.result(a.ID, true, "")
	// With another action listed, the force is answered with that one.
	g.send(wire.ForceActions{Query: "either", ActionNames: []string{"bomb", "wave"}})
	if a := g.expectAction(); a.Name != "wave" {
		t.Fatalf("force of bomb or wave answered with %+v", a)
	}
}
