package schema

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fastCases are data the fast decoder must read itself (taken: true) or
// leave to encoding/json (false), by type.
var fastCases = []struct {
	typ   reflect.Type
	data  string
	taken bool
}{
	{fastTypes[0], `{"cell": 5, "mark": "x", "taunt": "your move"}`, true},
	{fastTypes[0], ` {"cell":5,"mark":"o"} ` + "\n", true},
	{fastTypes[0], `{"cell": 5.0, "small": -1e2, "level": 2.55e2, "big": 18446744073709551615, "ratio": 2.5e-3}`, true},
	{fastTypes[0], `{"taunt": "caf\u00e9 \"au lait\"\n\t\/\\ \ud83d\ude00"}`, true},
	{fastTypes[0], `{"taunt": "lone \ud83d and \ude00, broken \ud83d\u0041, \uDBFF\uDFFF"}`, true},
	{fastTypes[0], "{\"taunt\": \"bad \xff\xfe utf-8 \xe2\x82 and good \u00e9 \xef\xbf\xbd\"}", true},
	{fastTypes[0], "{\"taunt\": \"only bad \xc3\"}", true},
	{fastTypes[0], `{"cell": 1, "cell": 2, "mark": "x", "mark": null, "ok": true, "ok": false}`, true},
	{fastTypes[0], `{"extra": {"deep": [1, {"x": "\u0041"}, null, true]}, "cell": 3, "x": -0.5e-7}`, true},
	{fastTypes[0], `{"c\u0065ll": 4, "\u006dark": "x"}`, true},
	{fastTypes[0], `{"Cell": 3}`, false},                                                     // case-folded key
	{fastTypes[0], `{"CELL": 3, "cell": 1}`, false},                                          // case-folded key
	{fastTypes[0], `{"cell": 128, "small": 128}`, false},                                     // beyond int8
	{fastTypes[0], `{"level": -1}`, false},                                                   // beyond uint8
	{fastTypes[0], `{"big": -0}`, false},                                                     // encoding/json refuses -0 for a uint
	{fastTypes[0], `{"cell": 2.5}`, false},                                                   // not whole
	{fastTypes[0], `{"cell": 1e30}`, false},                                                  // beyond 64 bits
	{fastTypes[0], `{"ratio": 1e39}`, false},                                                 // beyond float32
	{fastTypes[0], `{"cell": "5"}`, false},                                                   // type mismatch
	{fastTypes[0], `{"mark": 5}`, false},                                                     // type mismatch
	{fastTypes[0], `{"cell": 1.}`, false},                                                    // bad JSON, made good by the rewrite
	{fastTypes[0], `{"cell": 01}`, false},                                                    // bad JSON
	{fastTypes[0], `{"cell": 1} x`, false},                                                   // text after the value
	{fastTypes[0], `{"taunt": "\x"}`, false},                                                 // bad escape
	{fastTypes[0], "{\"taunt\": \"tab\there\"}", false},                                      // control character
	{fastTypes[0], `[{"cell": 1}]`, false},                                                   // not an object
	{fastTypes[0], `{"cell": 1,}`, false},                                                    // trailing comma
	{fastTypes[0], `{"\u0043ell": 1}`, false},                                                // escaped case-folded key
	{fastTypes[0], `{"cell": tru}`, false},                                                   // bad literal
	{fastTypes[0], `{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, false}, // deep
	{fastTypes[1], `{"unit": "archer", "moves": [{"dir": "north", "steps": 2, "to": {"x": 3, "y": 4}}, {"dir": "east", "steps": 1}], "speed": 0.75}`, true},
	{fastTypes[1], `{"moves": [], "via": null, "grid": [1], "names": ["a", "b", "c"], "rows": [[1, 2], [], null]}`, true},
	{fastTypes[1], `{"moves": null, "via": {"x": 1}, "via": {"y": 2}, "pos": null, "grid": null}`, true},
	{fastTypes[1], `{"moves": [{"dir": "n", "steps": 40000}]}`, false}, // beyond int16
	{fastTypes[1], `{"moves": [{"dir": "n", "Steps": 1}]}`, false},     // case-folded key
	{fastTypes[1], `{"moves": {"dir": "n"}}`, false},                   // object for a slice
	{fastTypes[2], `{"id": 1, "note": "n", "extra": "e", "where": {"x": 1}, "name": "x", "skip": "s", "X": 1, "label": "l", "byTag": {"a": 1, "b": -2}}`, true},
	{fastTypes[2], `{"extra": null, "Odd": 4, "-": 5}`, true},
	{fastTypes[2], `{"o'dd": 3}`, false},   // a property, but no field: encoding/json skips it
	{fastTypes[2], `{"O'DD": 3}`, false},   // case-folded property
	{fastTypes[2], `{"ODD": 3}`, false},    // encoding/json fills Odd
	{fastTypes[2], `{"odd": 3}`, false},    // encoding/json fills Odd
	{fastTypes[2], `{"Skip": "s"}`, false}, // encoding/json fills Skip
	{fastTypes[3], `{"n": 1, "any": {"a": [1, 2.0, "x", null, true, {}], "a": {"b": 1e2}}, "raw": [1.0, "2.0", {"k": 3e0}], "praw": 4.0}`, true},
	{fastTypes[3], `{"any": null, "raw": null, "praw": null, "m": {"a": 1, "a": 2, "b": 3.0}, "mpos": {"p": {"x": 1}, "q": null}}`, true},
	{fastTypes[3], `{"mraw": {"a": 1.50, "b": "s"}, "list": [], "ptrs": [null, {"x": 2}], "pany": {"k": 1}, "texts": ["a", "\u00e9"], "pp": 3}`, true},
	{fastTypes[3], `{"pany": null, "pp": null}`, true},
	{fastTypes[3], `{"mpos": {"p": {"X": 1}}}`, false}, // encoding/json fills x
	{fastTypes[3], `{"any": 1e400}`, false},            // beyond float64
	{fastTypes[4], `{"f": 2.0, "any": 5e0, "raw": [1.0, 2e0]}`, true},
	{fastTypes[5], `{"a": 1, "in": {"b": "x"}, "list": [{"b": "y"}], "map": {"free": 1}}`, true},
	{fastTypes[5], `{"a": 1, "joker": true}`, false},      // unknown in strict
	{fastTypes[5], `{"a": 1, "in": {"B": "x"}}`, false},   // case-folded, strict
	{fastTypes[5], `{"a": 1, "list": [{"c": 1}]}`, false}, // unknown in strict
}

// TestDecodeFast checks which data the fast decoder reads itself, and
// that Decode gives what encoding/json gives, into new values and into
// values filled before.
func TestDecodeFast(t *testing.T) {
	for i, tc := range fastCases {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			ts, err := ForType(tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			if ts.fast == nil {
				t.Fatalf("%v has no plan", ts.typ)
			}
			v := reflect.New(ts.typ)
			taken := ts.fast.decodeFast(trimBlank(tc.data), v.Elem(), len(ts.ints) > 0, ts.strict)
			if taken != tc.taken {
				t.Errorf("%v, %s: fast decoder took it: %v, want %v", ts.typ, tc.data, taken, tc.taken)
			}
			sameDecoding(t, ts, "", tc.data)
			for _, base := range fastBases[ts.typ] {
				sameDecoding(t, ts, base, tc.data)
			}
		})
	}
}

// fastBases are values decoded before the data, to check decoding into
// values already there.
var fastBases = map[reflect.Type][]string{
	fastTypes[0]: {`{"cell": 9, "mark": "o", "taunt": "t", "ok": true}`},
	fastTypes[1]: {`{"moves": [{"dir": "a", "to": {"x": 7, "y": 8}}, {"dir": "b", "steps": 2}, {"dir": "c"}], "via": {"x": 5, "y": 6}, "grid": [7, 8], "rows": [[1, 2, 3]]}`},
	fastTypes[2]: {`{"id": 7, "where": {"x": 1}, "byTag": {"z": 1}}`},
	fastTypes[3]: {`{"any": {"old": 1}, "raw": "old", "m": {"old": 1}, "ptrs": [{"x": 1, "y": 1}], "list": [1, 2, 3], "pany": 5, "pp": 4}`},
	fastTypes[5]: {`{"a": 2, "in": {"b": "old"}, "list": [{"b": "1"}, {"b": "2"}]}`},
}

// TestDecodeFastAllocs: a flat struct of strings and integers decodes
// without allocating, its strings taken from data, extra properties
// skipped.
func TestDecodeFastAllocs(t *testing.T) {
	ts := planSchemas(t)[0]
	const data = `{"cell": 5, "mark": "x", "taunt": "your move", "ok": true, "small": -3, "extra": {"a": [1, "b"]}}`
	var v fastFlat
	if n := testing.AllocsPerRun(100, func() {
		if err := ts.Decode(data, &v); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Decode allocates %v times", n)
	}
	if want := (fastFlat{Cell: 5, Mark: "x", Taunt: "your move", Ok: true, Small: -3}); v != want {
		t.Errorf("decoded %+v, want %+v", v, want)
	}
}

// TestDecodeFastAnyHoldingPointer: encoding/json decodes into the target
// of a pointer an interface field holds; Decode leaves that to it.
func TestDecodeFastAnyHoldingPointer(t *testing.T) {
	ts := planSchemas(t)[3]
	for _, data := range []string{`{"any": {"x": 4}}`, `{"any": null}`} {
		target := &fastPos{X: 1, Y: 2}
		v := fastLoose{Any: target}
		if err := ts.Decode(data, &v); err != nil {
			t.Fatal(err)
		}
		want := fastLoose{Any: target}
		if err := json.Unmarshal([]byte(data), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, want) || (data == `{"any": {"x": 4}}` && (v.Any != any(target) || target.X != 4)) {
			t.Errorf("%s: decoded %#v, want %#v", data, v, want)
		}
	}
}

// TestPlanType: types that decode themselves, or that encoding/json sees
// otherwise than the schema, get no plan.
func TestPlanType(t *testing.T) {
	type dupInner struct {
		A int `json:"a"`
	}
	type dup struct { // encoding/json would drop both "a" fields
		A        int `json:"a"`
		dupInner `jsonschema:"-"`
	}
	type withTime struct {
		When time.Time `json:"when"`
	}
	type withIP struct {
		IPs []net.IP `json:"ips"`
	}
	type withNumber struct {
		N json.Number `json:"n"`
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[dup](), reflect.TypeFor[withTime](), reflect.TypeFor[withIP](),
		reflect.TypeFor[withNumber](),
	} {
		if d := planType(typ); d != nil {
			t.Errorf("planType(%v) made a plan", typ)
		}
	}
	planSchemas(t) // and the test types all get one
}

// FuzzDecodeFast decodes arbitrary data into every test type with Decode
// and with encoding/json alone: both must succeed with equal values, or
// both fail with one message; also into values filled before.
func FuzzDecodeFast(f *testing.F) {
	for _, tc := range fastCases {
		f.Add(tc.data)
	}
	for _, s := range []string{playData, nestedData, ``, `null`, ` null `, `{}`, `{"n": 9223372036854775808.0}`,
		`{"unit": "archer", "count": 2, "target": {"row": 1, "col": "a"}, "must": "", "via": {"row": 1, "col": "a", "\u0052ow": 3}}`,
		`{"n": 5e0, "f": 2.50, "l": [1, 2.0, -3E0], "sq": [{"row": 2.0, "col": "b"}], "p": {"row": 1e0, "col": "c"}, "s": "9.0 \"5e0\" 7.0"}`,
	} {
		f.Add(s)
	}
	for _, s := range fuzzCorpusStrings(f) {
		f.Add(s)
	}
	schemas := planSchemas(f)
	f.Fuzz(func(t *testing.T, data string) {
		for _, ts := range schemas {
			sameDecoding(t, ts, "", data)
			for _, base := range fastBases[ts.typ] {
				sameDecoding(t, ts, base, data)
			}
		}
	})
}

// fuzzCorpusStrings returns the string inputs of the stored fuzz corpora.
func fuzzCorpusStrings(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if q, ok := strings.CutPrefix(line, "string("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					out = append(out, s)
				}
			}
		}
	}
	return out
}
