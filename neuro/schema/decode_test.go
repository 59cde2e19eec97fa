package schema_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/neurokit/neurokit/neuro/schema"
)

// wide has Go types narrower than what JSON schema's "integer" and
// "number" allow, so that some data passes Check and still cannot be
// decoded.
type wide struct {
	N  int64    `json:"n"`
	F  float32  `json:"f,omitempty"`
	L  []int16  `json:"l,omitempty"`
	P  *square  `json:"p,omitempty"`
	Sq []square `json:"sq,omitempty"`
	S  string   `json:"s,omitempty"`
}

// TestCheckDecodeMessages is the table of bad data and the message sent
// back to Neuro, for each tag kind and for what only decoding catches.
func TestCheckDecodeMessages(t *testing.T) {
	const base = `"unit": "archer", "count": 2, "target": {"row": 1, "col": "a"}, "must": ""`
	const shape = `a JSON object with "unit" (one of "archer", "knight"), "count" (an integer from 1 to 5), ` +
		`"target" (an object with "row" and "col") and "must" (a string), and optionally "code" (a string matching ^[A-Z]{1,3}$), ` +
		`"level" (an integer from 0 to 255), "name" (a string of 2 to 12 characters) and "slot" (one of 1, 5, 9), ...`
	orderTS := mustForType[order](t)
	wideTS := mustForType[wide](t)
	for _, tc := range []struct {
		name string
		ts   *schema.TypeSchema
		data string
		want string // "" for valid data
	}{
		{"valid", orderTS, `{` + base + `}`, ""},
		{"valid with extra property", orderTS, `{` + base + `, "extra": {"Count": 1}}`, ""},
		{"enum", orderTS, `{"unit": "king", "count": 2, "target": {"row": 1, "col": "a"}, "must": ""}`,
			`"unit" must be one of "archer", "knight", not "king"`},
		{"minimum", orderTS, `{"unit": "archer", "count": 0, "target": {"row": 1, "col": "a"}, "must": ""}`,
			`"count" must be from 1 to 5, not 0`},
		{"maximum", orderTS, `{"unit": "archer", "count": 6, "target": {"row": 1, "col": "a"}, "must": ""}`,
			`"count" must be from 1 to 5, not 6`},
		{"integer type", orderTS, `{"unit": "archer", "count": 2.5, "target": {"row": 1, "col": "a"}, "must": ""}`,
			`"count" must be an integer from 1 to 5, not 2.5`},
		{"exclusiveMinimum", orderTS, `{` + base + `, "speed": 0}`, `"speed" must be greater than 0 and less than 1, not 0`},
		{"exclusiveMaximum", orderTS, `{` + base + `, "speed": 1.5}`, `"speed" must be greater than 0 and less than 1, not 1.5`},
		{"minLength", orderTS, `{` + base + `, "name": "x"}`, `"name" must be 2 to 12 characters long, not 1`},
		{"maxLength", orderTS, `{` + base + `, "name": "abcdefghijklmnop"}`, `"name" must be 2 to 12 characters long, not 16`},
		{"pattern", orderTS, `{` + base + `, "code": "abc"}`, `"code" must match the pattern ^[A-Z]{1,3}$; "abc" does not`},
		{"minItems", orderTS, `{` + base + `, "tags": []}`, `"tags" must have 1 to 2 items, not 0`},
		{"maxItems", orderTS, `{` + base + `, "tags": ["fast", "quiet", "fast"]}`, `"tags" must have 1 to 2 items, not 3`},
		{"items enum", orderTS, `{` + base + `, "tags": ["slow"]}`, `"tags[0]" must be one of "fast", "quiet", not "slow"`},
		{"integer enum", orderTS, `{` + base + `, "slot": 4}`, `"slot" must be one of 1, 5, 9, not 4`},
		{"uint8 range", orderTS, `{` + base + `, "level": 256}`, `"level" must be from 0 to 255, not 256`},
		{"unsigned", orderTS, `{` + base + `, "level": -1}`, `"level" must be from 0 to 255, not -1`},
		{"required", orderTS, `{"count": 2, "target": {"row": 1, "col": "a"}, "must": ""}`,
			`missing required property "unit" (one of "archer", "knight")`},
		{"required by tag", orderTS, `{"unit": "archer", "count": 2, "target": {"row": 1, "col": "a"}}`,
			`missing required property "must" (a string)`},
		{"nested required", orderTS, `{"unit": "archer", "count": 2, "target": {"row": 1}, "must": ""}`,
			`"target" is missing required property "col" (a string matching ^[a-h]$)`},
		{"nested pattern and range", orderTS, `{"unit": "archer", "count": 2, "target": {"row": 9, "col": "z"}, "must": ""}`,
			`"target.col" must match the pattern ^[a-h]$; "z" does not; "target.row" must be from 0 to 7, not 9`},
		{"type", orderTS, `{"unit": "archer", "count": "2", "target": {"row": 1, "col": "a"}, "must": ""}`,
			`"count" must be an integer from 1 to 5, not the string "2"`},
		{"not JSON", orderTS, `{unit: archer}`,
			`the data is not valid JSON: property name unit at character 2 is not in double quotes; write "unit"; send ` + shape},
		{"no data", orderTS, ``, `this action needs data: ` + shape},
		{"not an object", orderTS, `[1]`, `data must be a JSON object, not an array; send ` + shape},
		// What only decoding catches.
		{"case-folded key", orderTS, `{` + base + `, "Count": 3}`,
			`unknown property "Count"; property names are case-sensitive: write "count"`},
		{"nested case-folded key", orderTS, `{` + base + `, "target": {"row": 1, "col": "a", "ROW": 3}}`,
			`unknown property "ROW"; property names are case-sensitive: write "row"`},
		{"escaped case-folded key", orderTS, `{` + base + `, "via": {"row": 1, "col": "a", "\u0052ow": 3}}`,
			`unknown property "Row"; property names are case-sensitive: write "row"`},
		{"whole numbers with decimals or exponents", orderTS, `{` + base + `, "count": 2.0, "level": 1e1}`, ""},
		{"int64 overflow", wideTS, `{"n": 12345678901234567890}`,
			`"n" must be from -9223372036854775808 to 9223372036854775807, not 12345678901234567890`},
		{"int64 overflow with exponent", wideTS, `{"n": 1e30}`,
			`"n" must be from -9223372036854775808 to 9223372036854775807, not 1e30`},
		{"float32 overflow", wideTS, `{"n": 1, "f": 1e39}`, `"f" must be from -3.4e+38 to 3.4e+38, not 1e39`},
		{"int16 item range", wideTS, `{"n": 1, "l": [1, 99999]}`, `"l[1]" must be from -32768 to 32767, not 99999`},
		{"int64 overflow after rewriting", wideTS, `{"n": 9223372036854775808.0}`,
			`"n" must be from -9223372036854775808 to 9223372036854775807, not 9223372036854775808`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := newOf(tc.ts)
			err := tc.ts.CheckDecode(tc.data, dst)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckDecode(%s) = %v", tc.data, err)
				}
				return
			}
			var de *schema.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("CheckDecode(%s) = %v, want a *DecodeError", tc.data, err)
			}
			if de.Message != tc.want {
				t.Errorf("CheckDecode(%s)\n got: %s\nwant: %s", tc.data, de.Message, tc.want)
			}
		})
	}
}

// newOf returns a pointer to a new value of the type of ts.
func newOf(ts *schema.TypeSchema) any { return reflect.New(ts.Type()).Interface() }

func TestDecodeWholeNumbers(t *testing.T) {
	ts := mustForType[wide](t)
	var v wide
	data := `{"n": 5e0, "f": 2.50, "l": [1, 2.0, -3E0], "sq": [{"row": 2.0, "col": "b"}], "p": {"row": 1e0, "col": "c"}, "s": "9.0 \"5e0\" 7.0"}`
	if err := ts.CheckDecode(data, &v); err != nil {
		t.Fatal(err)
	}
	want := wide{N: 5, F: 2.5, L: []int16{1, 2, -3}, Sq: []square{{Row: 2, Col: "b"}}, P: &square{Row: 1, Col: "c"}, S: `9.0 "5e0" 7.0`}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("decoded %+v, want %+v", v, want)
	}
}

// FuzzCheckDecode: CheckDecode never panics, and what it accepts encodes
// back to data it accepts again, equal to the first value.
func FuzzCheckDecode(f *testing.F) {
	for _, s := range []string{`{"n": 1}`, `{"n": 1, "l": [1, 2]}`, `{"n": 1, "sq": [{"row": 1, "col": "a"}]}`,
		`{"n": 1, "p": {"row": 7, "col": "h", "ROW": 1}}`, `{"n": 2.0}`, `{"n": 1, "f": 1e39}`, `{"N": 1, "n": 2}`, `null`, ``} {
		f.Add(s)
	}
	ts, err := schema.ForType(reflect.TypeFor[wide]())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var v wide
		if ts.CheckDecode(data, &v) != nil {
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var again wide
		if err := ts.CheckDecode(string(b), &again); err != nil {
			t.Fatalf("accepted %q, decoded %+v, but its encoding %s fails: %v", data, v, b, err)
		}
		b2, _ := json.Marshal(again)
		if string(b2) != string(b) {
			t.Fatalf("round trip of %q changed the value: %s then %s", data, b, b2)
		}
	})
}
