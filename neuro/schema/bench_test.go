package schema

import (
	"strings"
	"testing"
)

// BenchmarkCheck measures validating the data of one incoming action:
// play is a small object (an enum, a bounded integer, a string), nested
// a larger one (an array of objects with enums, bounds and a nested
// object). Each runs through Check as it is ("check"), and through the
// general path alone ("validator": parse, then the full validator) for
// comparison.
func BenchmarkCheck(b *testing.B) {
	for _, tc := range []struct {
		name string
		doc  map[string]any
		data string
	}{
		{"play", playSchema, playData},
		{"nested", nestedSchema, nestedData},
	} {
		fast := mustCompile(b, tc.name, tc.doc)
		if fast.fast == nil {
			b.Fatalf("%s has no fast path", tc.name)
		}
		slow, err := compile(tc.name, tc.doc, false)
		if err != nil {
			b.Fatal(err)
		}
		trimmed := strings.TrimSpace(tc.data)
		b.Run(tc.name+"/check", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := fast.Check(tc.data, true); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/value_fast_path", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := fast.checkParsed(tc.data, trimmed); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/validator", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := slow.Check(tc.data, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	play := mustCompile(b, "play", playSchema)
	b.Run("play/invalid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := play.Check(`{"cell": 12, "mark": "z"}`, true); err == nil {
				b.Fatal("no error")
			}
		}
	})
	b.Run("play/not_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := play.Check(`{"cell": 5, "mark": x}`, true); err == nil {
				b.Fatal("no error")
			}
		}
	})
}

// BenchmarkCompile measures compiling a realistic schema, done once per
// registration.
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile("play", playSchema); err != nil {
			b.Fatal(err)
		}
	}
}
