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

// benchMarch is a larger action's data type: a list of structs, a
// pointer, a float.
type benchMarch struct {
	Unit  string      `json:"unit" jsonschema:"enum=knight,enum=archer,enum=mage,enum=scout"`
	Moves []benchMove `json:"moves" jsonschema:"minItems=1,maxItems=8"`
	Note  string      `json:"note,omitempty" jsonschema:"maxLength=80"`
	Speed float64     `json:"speed,omitempty" jsonschema:"minimum=0,maximum=1"`
}

type benchMove struct {
	Dir   string    `json:"dir" jsonschema:"enum=north,enum=east,enum=south,enum=west"`
	Steps int       `json:"steps" jsonschema:"minimum=1,maximum=5"`
	To    *benchPos `json:"to,omitempty"`
}

type benchPos struct {
	X int `json:"x" jsonschema:"minimum=0,maximum=15"`
	Y int `json:"y" jsonschema:"minimum=0,maximum=15"`
}

// benchLoose has the open-ended kinds: a map, an any, a list of strings.
type benchLoose struct {
	Name  string            `json:"name"`
	Tags  []string          `json:"tags,omitempty"`
	Notes map[string]string `json:"notes,omitempty"`
	Extra any               `json:"extra,omitempty"`
}

// BenchmarkTypedDecode compares what a typed action adds per use
// (Decode) with encoding/json alone, and with the check the component
// runs before (Check; CheckDecode: Check + Decode). The Decode* cases
// beyond the first cover nested structs, escaped strings and the
// open-ended kinds.
func BenchmarkTypedDecode(b *testing.B) {
	const data = `{"cell": 5, "mark": "x", "taunt": "your move"}`
	ts := benchForType[benchPlay](b)
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v benchPlay
			if err := json.Unmarshal([]byte(data), &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Decode", func(b *testing.B) { benchDecode[benchPlay](b, ts, data) })
	b.Run("DecodeNested", func(b *testing.B) {
		benchDecode[benchMarch](b, benchForType[benchMarch](b), `{"unit": "archer", "moves": [`+
			`{"dir": "north", "steps": 2, "to": {"x": 3, "y": 4}}, {"dir": "east", "steps": 1}, `+
			`{"dir": "south", "steps": 5, "to": {"x": 3, "y": 9}}], "note": "flank them from the hill", "speed": 0.75}`)
	})
	b.Run("DecodeEscaped", func(b *testing.B) {
		benchDecode[benchPlay](b, ts, `{"cell": 5, "mark": "x", "taunt": "caf\u00e9 \"au lait\"\n\ud83d\ude00"}`)
	})
	b.Run("DecodeLoose", func(b *testing.B) {
		benchDecode[benchLoose](b, benchForType[benchLoose](b), `{"name": "pat", "tags": ["a", "b"], `+
			`"notes": {"x": "y", "z": "w"}, "extra": {"k": [1, true, null, "s"]}}`)
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

func benchForType[T any](b *testing.B) *schema.TypeSchema {
	ts, err := schema.ForType(reflect.TypeFor[T]())
	if err != nil {
		b.Fatal(err)
	}
	return ts
}

// benchDecode decodes data into a new T on every round.
func benchDecode[T any](b *testing.B, ts *schema.TypeSchema, data string) {
	b.ReportAllocs()
	for b.Loop() {
		var v T
		if err := ts.Decode(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}
