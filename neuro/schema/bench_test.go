package schema

import (
	"testing"
)

// BenchmarkCheck measures validating the data of one incoming action:
// play is a small object (an enum, a bounded integer, a string), nested
// a larger one (an array of objects with enums, bounds and a nested
// object). Each runs through Check as it is (path=fast) and with the fast
// path left out (path=validator: parse, then the full validator); compare
// with `benchstat -col /path`.
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
		for _, path := range []struct {
			name string
			c    *Compiled
		}{{"fast", fast}, {"validator", slow}} {
			b.Run("data="+tc.name+"/path="+path.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := path.c.Check(tc.data, true); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	play := mustCompile(b, "play", playSchema)
	b.Run("data=play_invalid/path=fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := play.Check(`{"cell": 12, "mark": "z"}`, true); err == nil {
				b.Fatal("no error")
			}
		}
	})
	b.Run("data=play_not_json/path=fast", func(b *testing.B) {
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
