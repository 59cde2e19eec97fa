package schema

import (
	"bytes"
	"encoding/json"
	"math/big"
	"reflect"
	"testing"
)

func TestWholeNumbers(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": 9.0}`:                         `{"a": 9}`,
		`[5e0, -3E+1, 1.50e1, -0.0]`:         `[5, -30, 15, -0]`,
		`[1.5, 2e-1, 1e400, 1e30, 7]`:        `[1.5, 2e-1, 1e400, 1e30, 7]`,
		`{"s": "9.0 \"5.0\" 1e0", "n": 2.0}`: `{"s": "9.0 \"5.0\" 1e0", "n": 2}`,
		`{"9.0": true, "x": null}`:           `{"9.0": true, "x": null}`,
		`18446744073709551615.0`:             `18446744073709551615`,
		`18446744073709551616.0`:             `18446744073709551616.0`,
	} {
		if got := wholeNumbers(in); got != want {
			t.Errorf("wholeNumbers(%s) = %s, want %s", in, got, want)
		}
	}
	data := `{"cell": 5, "mark": "x", "tags": ["a", "b"], "f": 1.5}`
	if n := testing.AllocsPerRun(100, func() { _ = wholeNumbers(data) }); n != 0 {
		t.Errorf("wholeNumbers allocates %v times when there is nothing to rewrite", n)
	}
}

// FuzzWholeNumbers: the rewrite of valid JSON is valid JSON with the same
// values.
func FuzzWholeNumbers(f *testing.F) {
	for _, s := range []string{`{"a": 9.0}`, `[5e0, -3E+1, 1.50e1, -0.0, 1e-5]`, `"9.0"`, `{"s": "\"1.0\"", "n": [2.0e0]}`, `1e400`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if !json.Valid([]byte(data)) || len(data) > 2000 {
			return
		}
		out := wholeNumbers(data)
		a, errA := decodeExact(data)
		b, errB := decodeExact(out)
		if errA != nil || errB != nil {
			t.Fatalf("%q -> %q: %v / %v", data, out, errA, errB)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%q -> %q changed the value: %v, %v", data, out, a, b)
		}
	})
}

// decodeExact decodes data with numbers as exact rationals.
func decodeExact(data string) (any, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(data)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return exact(v), nil
}

func exact(v any) any {
	switch x := v.(type) {
	case json.Number:
		if len(x) > 200 {
			return string(x)
		}
		r, ok := new(big.Rat).SetString(string(x))
		if !ok {
			return string(x)
		}
		return r.RatString()
	case map[string]any:
		for k, e := range x {
			x[k] = exact(e)
		}
	case []any:
		for i, e := range x {
			x[i] = exact(e)
		}
	}
	return v
}
