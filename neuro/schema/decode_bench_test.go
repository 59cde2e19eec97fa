package schema_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/neurokit/neurokit/neuro/schema"
)

// benchPlay is a typical action's data type.
type benchPlay struct {
	Cell  int    `json:"cell" jsonschema:"minimum=1,maximum=9"`
	Mark  string `json:"mark" jsonschema:"enum=x,enum=o"`
	Taunt string `json:"taunt,omitempty" jsonschema:"maxLength=40"`
}

// BenchmarkTypedDecode compares what a typed action adds per use
// (Decode: the key scan, then encoding/json) with encoding/json alone, and
// with the check the component runs before (CheckDecode: Check + Decode).
func BenchmarkTypedDecode(b *testing.B) {
	const data = `{"cell": 5, "mark": "x", "taunt": "your move"}`
	ts, err := schema.ForType(reflect.TypeFor[benchPlay]())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v benchPlay
			if err := json.Unmarshal([]byte(data), &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v benchPlay
			if err := ts.Decode(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := ts.Compiled().Check(data, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CheckDecode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v benchPlay
			if err := ts.CheckDecode(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
