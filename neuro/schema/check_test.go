package schema

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestCheck(t *testing.T) {
	play := mustCompile(t, "play", playSchema)
	rich := mustCompile(t, "build", richSchema)
	nested := mustCompile(t, "march", nestedSchema)
	optional := mustCompile(t, "wave", map[string]any{"type": "object",
		"properties": map[string]any{"times": map[string]any{"type": "integer", "minimum": 1}}})
	none := mustCompile(t, "pass", nil)

	const (
		playShape   = `a JSON object with "cell" (an integer from 1 to 9) and "mark" (one of "x", "o"), and optionally "taunt" (a string of at most 40 characters)`
		playExample = `{"cell": 5, "mark": "x"}`
		absentPlay  = `this action needs data: ` + playShape + `; for example ` + playExample
		sendPlay    = `; send an object like ` + playExample
		jsonPlay    = `; send ` + playShape + `, like ` + playExample
		notJSON     = `the data is not valid JSON: `
	)
	tests := []struct {
		name    string
		c       *Compiled
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

		// Data that is not JSON: a plain reason, where, and what to send.
		{"unquoted text", play, `{"cell": 5, "mark": x}`, true, notJSON + `unquoted text x at character 21; text values need double quotes, like "x"` + jsonPlay},
		{"unquoted word that starts like null", play, `{"cell": 5, "mark": no}`, true, notJSON + `unquoted text no at character 21; text values need double quotes, like "no"` + jsonPlay},
		{"truncated JSON", play, `{"cell": 5`, true, notJSON + `the text ends before the JSON value is complete; it is missing } at the end` + jsonPlay},
		{"truncated inside an array", nested, `{"unit": "mage", "moves": [{"dir": "north"`, true, notJSON + `the text ends before the JSON value is complete; it is missing }]} at the end; send a JSON object with "unit" (one of "knight", "archer", "mage", "scout") and "moves" (an array of 1 to 8 items, each an object with "dir" and "steps"), and optionally "note" (a string of at most 80 characters) and "speed" (a number from 0 to 1), like {"unit": "knight", "moves": [{"dir": "north", "steps": 3}]}`},
		{"string never closed", play, `{"cell": 5, "mark": "x`, true, notJSON + `the string starting at character 21 is never closed; it is missing "` + jsonPlay},
		{"trailing text", play, `{"cell": 5, "mark": "x"} ok?`, true, notJSON + `extra text after the end of the JSON value at character 26` + jsonPlay},
		{"two documents", play, `{"cell": 5, "mark": "x"}{}`, true, notJSON + `extra text after the end of the JSON value at character 25` + jsonPlay},
		{"single quotes", play, `{'cell': 5}`, true, notJSON + `single quote at character 2; property names use double quotes, like "name"` + jsonPlay},
		{"single-quoted value", play, `{"cell": 5, "mark": 'x'}`, true, notJSON + `single quote at character 21; JSON strings use double quotes, like "text"` + jsonPlay},
		{"unquoted property name", play, `{cell: 5}`, true, notJSON + `property name cell at character 2 is not in double quotes; write "cell"` + jsonPlay},
		{"trailing comma", play, `{"cell": 5, "mark": "x",}`, true, notJSON + `a comma before } at character 24; remove the last comma` + jsonPlay},
		{"trailing comma in array", nested, `{"unit": "mage", "moves": [{"dir": "north", "steps": 1},]}`, true, notJSON + `a comma before ] at character 56; remove the last comma; send a JSON object with "unit" (one of "knight", "archer", "mage", "scout") and "moves" (an array of 1 to 8 items, each an object with "dir" and "steps"), and optionally "note" (a string of at most 80 characters) and "speed" (a number from 0 to 1), like {"unit": "knight", "moves": [{"dir": "north", "steps": 3}]}`},
		{"wrong closing bracket", nested, `{"unit": "mage", "moves": [{"dir": "north", "steps": 1}]]`, true, notJSON + `] at character 57 should be } to close the object; send a JSON object with "unit" (one of "knight", "archer", "mage", "scout") and "moves" (an array of 1 to 8 items, each an object with "dir" and "steps"), and optionally "note" (a string of at most 80 characters) and "speed" (a number from 0 to 1), like {"unit": "knight", "moves": [{"dir": "north", "steps": 3}]}`},
		{"wrong closing brace", nested, `{"unit": "mage", "moves": [{"dir": "north", "steps": 1}}`, true, notJSON + `} at character 56 should be ] to close the list; send a JSON object with "unit" (one of "knight", "archer", "mage", "scout") and "moves" (an array of 1 to 8 items, each an object with "dir" and "steps"), and optionally "note" (a string of at most 80 characters) and "speed" (a number from 0 to 1), like {"unit": "knight", "moves": [{"dir": "north", "steps": 3}]}`},
		{"missing comma", play, `{"cell": 5 "mark": "x"}`, true, notJSON + `a comma is missing before character 12` + jsonPlay},
		{"missing comma in a list", nested, `{"unit": "mage", "moves": [{"dir": "north", "steps": 1} {"dir": "east", "steps": 1}]}`, true, notJSON + `a comma is missing before character 57; send a JSON object with "unit" (one of "knight", "archer", "mage", "scout") and "moves" (an array of 1 to 8 items, each an object with "dir" and "steps"), and optionally "note" (a string of at most 80 characters) and "speed" (a number from 0 to 1), like {"unit": "knight", "moves": [{"dir": "north", "steps": 3}]}`},
		{"missing colon", play, `{"cell" 5}`, true, notJSON + `a colon is missing after the property name "cell" at character 9` + jsonPlay},
		{"Python True", play, `{"cell": 5, "mark": "x", "sure": True}`, true, notJSON + `True at character 34 must be written in lowercase: true` + jsonPlay},
		{"None", play, `{"cell": None}`, true, notJSON + `None at character 10 is not JSON; write null` + jsonPlay},
		{"leading zero", play, `{"cell": 05, "mark": "x"}`, true, notJSON + `the number at character 10 is malformed: it must not start with 0` + jsonPlay},
		{"plus sign", play, `{"cell": +5, "mark": "x"}`, true, notJSON + `the number at character 10 starts with +; write it without the +` + jsonPlay},
		{"comment", play, `{"cell": 5, // the centre` + "\n" + `"mark": "x"}`, true, notJSON + `a comment at character 13; JSON has no comments` + jsonPlay},
		{"line break in a string", play, "{\"cell\": 5, \"mark\": \"x\", \"taunt\": \"a\nb\"}", true, notJSON + `a line break inside a string at character 37; write it as \n` + jsonPlay},
		{"bad escape", play, `{"cell": 5, "mark": "x", "taunt": "a\qb"}`, true, notJSON + `\q at character 37 is not a valid escape; write \\ for a backslash` + jsonPlay},
		{"position counts characters, not bytes", play, `{"taunt": "éé", "cell": x}`, true, notJSON + `unquoted text x at character 25; text values need double quotes, like "x"` + jsonPlay},
		{"missing value", play, `{"cell": }`, true, notJSON + `a value is missing at character 10 (found })` + jsonPlay},
		{"nested too deeply", play, `{"cell": ` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, true, `the data is nested too deeply (more than 32 levels of objects and arrays)` + sendPlay},

		// Data that does not match: name the value, say what is allowed.
		{"data is an array", play, `[5, "x"]`, true, `data must be a JSON object, not an array` + sendPlay},
		{"data is a number", play, `5`, true, `data must be a JSON object, not 5` + sendPlay},
		{"data is a string", play, `"cell 5"`, true, `data must be a JSON object, not the string "cell 5"` + sendPlay},
		{"wrong type: string for integer", play, `{"cell": "5", "mark": "x"}`, true, `"cell" must be an integer from 1 to 9, not the string "5"`},
		{"wrong type: fraction for integer", play, `{"cell": 2.5, "mark": "x"}`, true, `"cell" must be an integer from 1 to 9, not 2.5`},
		{"wrong type: boolean for string", play, `{"cell": 2, "mark": true}`, true, `"mark" must be one of "x", "o", not true`},
		{"enum miss lists allowed values", play, `{"cell": 5, "mark": "X"}`, true, `"mark" must be one of "x", "o", not "X"`},
		{"out of bounds above", play, `{"cell": 12, "mark": "x"}`, true, `"cell" must be from 1 to 9, not 12`},
		{"out of bounds below", play, `{"cell": 0, "mark": "x"}`, true, `"cell" must be from 1 to 9, not 0`},
		{"out of bounds keeps the text sent", play, `{"cell": 1.2e1, "mark": "x"}`, true, `"cell" must be from 1 to 9, not 1.2e1`},
		{"missing required", play, `{"cell": 5}`, true, `missing required property "mark" (one of "x", "o")`},
		{"missing everything", play, `{}`, true, `missing required properties "cell" (an integer from 1 to 9) and "mark" (one of "x", "o")`},
		{"two problems, sorted", play, `{"cell": 12, "mark": "z"}`, true, `"cell" must be from 1 to 9, not 12; "mark" must be one of "x", "o", not "z"`},
		{"three problems", play, `{"cell": 12, "mark": "z", "taunt": 3}`, true, `"cell" must be from 1 to 9, not 12; "mark" must be one of "x", "o", not "z" (and 1 more problem)`},
		{"string too long", play, `{"cell": 1, "mark": "x", "taunt": "` + strings.Repeat("ha", 21) + `"}`, true, `"taunt" must be at most 40 characters long, not 42`},
		{"long value sent is cut", play, `{"cell": 1, "mark": "` + strings.Repeat("o", 50) + `"}`, true, `"mark" must be one of "x", "o", not "` + strings.Repeat("o", 40) + `..."`},

		{"rich valid", rich, `{"slot": 5, "count": 3, "speed": 0.5, "name": "keep", "code": "ABC", "tags": ["red"], "pos": {"x": 0, "y": 7}, "kind": "tower", "alt": true, "email": "a@b.io"}`, true, ""},
		{"enum of integers", rich, `{"slot": 4}`, true, `"slot" must be one of 1, 5, 9, not 4`},
		{"only maximum", rich, `{"slot": 1, "count": 4}`, true, `"count" must be at most 3, not 4`},
		{"exclusive bounds", rich, `{"slot": 1, "speed": 1}`, true, `"speed" must be greater than 0 and less than 1, not 1`},
		{"min length", rich, `{"slot": 1, "name": "k"}`, true, `"name" must be 2 to 12 characters long, not 1`},
		{"pattern", rich, `{"slot": 1, "code": "abc"}`, true, `"code" must match the pattern ^[A-Z]{3}$; "abc" does not`},
		{"unknown property lists allowed ones", rich, `{"slot": 1, "colour": "red"}`, true, `unknown property "colour"; allowed: "alt", "big", "code", "count", "email", "kind", "name", "pos", "slot", "speed", "tags"`},
		{"array item not in enum", rich, `{"slot": 1, "tags": ["red", "pink"]}`, true, `"tags[1]" must be one of "red", "blue", "green", not "pink"`},
		{"array item wrong type", rich, `{"slot": 1, "tags": [1]}`, true, `"tags[0]" must be one of "red", "blue", "green", not 1`},
		{"too many items", rich, `{"slot": 1, "tags": ["red", "blue", "green"]}`, true, `"tags" must have 1 to 2 items, not 3`},
		{"too few items", rich, `{"slot": 1, "tags": []}`, true, `"tags" must have 1 to 2 items, not 0`},
		{"duplicate items", rich, `{"slot": 1, "tags": ["red", "red"]}`, true, `"tags" must not contain the same item twice ("tags[0]" and "tags[1]" are equal)`},
		{"nested missing", rich, `{"slot": 1, "pos": {"x": 1}}`, true, `"pos" is missing required property "y" (an integer from 0 to 7)`},
		{"nested out of bounds", rich, `{"slot": 1, "pos": {"x": 8, "y": 0}}`, true, `"pos.x" must be from 0 to 7, not 8`},
		{"nested wrong type", rich, `{"slot": 1, "pos": [1, 2]}`, true, `"pos" must be an object with "x" and "y", not an array`},
		{"const", rich, `{"slot": 1, "kind": "wall"}`, true, `"kind" must be exactly "tower", not "wall"`},
		{"anyOf", rich, `{"slot": 1, "alt": "yes"}`, true, `"alt" must be an integer or true or false, not "yes"`},
		{"big integer keeps precision", rich, `{"slot": 1, "big": 9007199254740993}`, true, `"big" must be at most 9007199254740992, not 9007199254740993`},
		{"huge exponent", rich, `{"slot": 1, "speed": 1e99999999}`, true, `"speed" is out of range: 1e99999999 (numbers may have at most 100 characters and an exponent from -1000 to 1000)`},
		{"huge exponent in array", rich, `{"slot": 1, "tags": ["red", 1E-2000000]}`, true, `"tags[1]" is out of range: 1E-2000000 (numbers may have at most 100 characters and an exponent from -1000 to 1000)`},
		{"two huge numbers: the first name wins", rich, `{"speed": 1e99999999, "count": 1e99999999, "slot": 1}`, true, `"count" is out of range: 1e99999999 (numbers may have at most 100 characters and an exponent from -1000 to 1000)`},
		{"too many digits", rich, `{"slot": 1, "count": ` + strings.Repeat("9", 120) + `}`, true, `"count" is out of range: ` + strings.Repeat("9", 40) + `... (numbers may have at most 100 characters and an exponent from -1000 to 1000)`},
		{"large but fine exponent", rich, `{"slot": 1, "speed": 1e-300}`, true, ""},
		{"format", rich, `{"slot": 1, "email": "nope"}`, true, `"email" must be a valid email like "someone@example.com", not "nope"`},
		{"rich example", rich, `[]`, true, `data must be a JSON object, not an array; send an object like {"slot": 1}`},

		{"nested valid", nested, nestedData, true, ""},
		{"nested: problems in an array of objects", nested, `{"unit": "mage", "moves": [{"dir": "up", "steps": 9}]}`, true, `"moves[0].dir" must be one of "north", "east", "south", "west", not "up"; "moves[0].steps" must be from 1 to 5, not 9`},
		{"nested: deep position", nested, `{"unit": "mage", "moves": [{"dir": "east", "steps": 1}, {"dir": "east", "steps": 1, "to": {"x": 16}}]}`, true, `"moves[1].to.x" must be from 0 to 15, not 16`},
		{"nested: missing in an item", nested, `{"unit": "mage", "moves": [{"dir": "east"}]}`, true, `"moves[0]" is missing required property "steps" (an integer from 1 to 5)`},

		{"optional-only schema accepts absent data", optional, "", false, ""},
		{"optional-only schema accepts null", optional, "null", true, ""},
		{"optional-only schema checks present data", optional, `{"times": 0}`, true, `"times" must be at least 1, not 0`},
		{"optional-only schema: example uses an optional property", optional, `{"times": x}`, true, notJSON + `unquoted text x at character 11; text values need double quotes, like "x"; send a JSON object with optional "times" (an integer at least 1), like {"times": 1}`},
		{"no schema: absent", none, "", false, ""},
		{"no schema: object ignored", none, `{"x": 1}`, true, ""},
		{"no schema: garbage ignored", none, `not json`, true, ""},
		{"nil Compiled", nil, `whatever`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Check(tt.data, tt.hasData)
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
			if de.Action != tt.c.Action() {
				t.Errorf("Action = %q, want %q", de.Action, tt.c.Action())
			}
			if want := `schema: invalid data for action "` + de.Action + `": ` + tt.want; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

func TestCheckDataErrorUnwrap(t *testing.T) {
	play := mustCompile(t, "play", playSchema)

	err := play.Check(`{"cell": 5, "mark": x}`, true)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("invalid JSON: Unwrap = %v, want the parser's *json.SyntaxError", errors.Unwrap(err))
	}

	err = play.Check(`{"cell": 0, "mark": "x"}`, true)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("schema mismatch: %v does not wrap a *jsonschema.ValidationError", err)
	}

	for _, data := range []string{"", `{"cell": 1e99999, "mark": "x"}`} {
		err = play.Check(data, data != "")
		if err == nil || errors.Unwrap(err) != nil {
			t.Errorf("Check(%q): %v, Unwrap = %v, want an error wrapping nothing", data, err, errors.Unwrap(err))
		}
	}
}

func TestCheckConcurrent(t *testing.T) {
	c := mustCompile(t, "build", richSchema)
	p := mustCompile(t, "play", playSchema) // drops its validator: the first rejection compiles it again
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
				if err := c.Check(in, true); (err == nil) != (in == inputs[0]) {
					t.Errorf("Check(%q) = %v", in, err)
					return
				}
				if err := p.Check(`{"cell": 10, "mark": "x"}`, true); err == nil {
					t.Error("play accepted cell 10")
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestCheckInternalFailures covers the two ways the game, not the data,
// can be at fault: the validator panicking, and the dropped validator not
// compiling again. Neither may panic or blame Neuro.
func TestCheckInternalFailures(t *testing.T) {
	c := mustCompile(t, "build", richSchema)
	c.sch.Properties["email"].Format = &jsonschema.Format{Name: "boom", Validate: func(any) error { panic("boom") }}
	err := c.Check(`{"slot": 1, "email": "a@b.io"}`, true)
	var de *DataError
	if !errors.As(err, &de) || de.Message != internalProblem || de.Err == nil || !strings.Contains(de.Err.Error(), "panicked: boom") {
		t.Errorf("validator panic: got %#v", err)
	}

	p := mustCompile(t, "play", playSchema)
	p.src = []byte("{not json") // the validator was dropped; compiling it again fails
	if err := p.Check(playData, true); err != nil {
		t.Errorf("the fast path still accepts valid data: %v", err)
	}
	err = p.Check(`{"cell": 10, "mark": "x"}`, true)
	if !errors.As(err, &de) || de.Message != internalProblem || de.Err == nil {
		t.Errorf("recompiling failed: got %#v", err)
	}
}
