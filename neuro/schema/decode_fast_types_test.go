package schema

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/invopop/jsonschema"
)

// The types the fast decoder is tested and fuzzed with, between them
// every kind it reads.
type (
	fastFlat struct {
		Cell  int     `json:"cell" jsonschema:"minimum=1,maximum=9"`
		Mark  string  `json:"mark" jsonschema:"enum=x,enum=o"`
		Taunt string  `json:"taunt,omitempty"`
		Ok    bool    `json:"ok,omitempty"`
		Ratio float32 `json:"ratio,omitempty"`
		Big   uint64  `json:"big,omitempty"`
		Small int8    `json:"small,omitempty"`
		Level uint8   `json:"level,omitempty"`
	}
	fastPos struct {
		X int `json:"x"`
		Y int `json:"y,omitempty"`
	}
	fastMove struct {
		Dir   string   `json:"dir"`
		Steps int16    `json:"steps"`
		To    *fastPos `json:"to,omitempty"`
	}
	fastNested struct {
		Unit  string     `json:"unit"`
		Moves []fastMove `json:"moves"`
		Via   *fastPos   `json:"via,omitempty"`
		Pos   fastPos    `json:"pos,omitempty"`
		Grid  [2]int     `json:"grid,omitempty"`
		Names [2]string  `json:"names,omitempty"`
		Rows  [][]uint   `json:"rows,omitempty"`
		Speed float64    `json:"speed,omitempty"`
	}
	fastBase struct {
		ID   int    `json:"id"`
		Note string `json:"note,omitempty"`
	}
	FastExtra struct {
		Extra string   `json:"extra,omitempty"`
		Where *fastPos `json:"where,omitempty"`
	}
	fastLabel string
	// fastEmbed embeds a struct and a pointer to one, has a field the
	// schema leaves out, one whose json name encoding/json does not take,
	// and named types.
	fastEmbed struct {
		fastBase
		*FastExtra
		Name  string             `json:"name"`
		Skip  string             `json:"skip" jsonschema:"-"`
		Odd   int                `json:"o'dd,omitempty"`
		Dash  int                `json:"-,"`
		Label fastLabel          `json:"label,omitempty"`
		ByTag map[fastLabel]int8 `json:"byTag,omitempty"`
	}
	// fastLoose has the open-ended kinds, and an integer field, so that
	// whole numbers are rewritten.
	fastLoose struct {
		N     int                        `json:"n,omitempty"`
		Any   any                        `json:"any,omitempty"`
		Raw   json.RawMessage            `json:"raw,omitempty"`
		PRaw  *json.RawMessage           `json:"praw,omitempty"`
		M     map[string]int             `json:"m,omitempty"`
		MPos  map[string]fastPos         `json:"mpos,omitempty"`
		MRaw  map[string]json.RawMessage `json:"mraw,omitempty"`
		List  []any                      `json:"list,omitempty"`
		Ptrs  []*fastPos                 `json:"ptrs,omitempty"`
		PAny  *any                       `json:"pany,omitempty"`
		PP    **int                      `json:"pp,omitempty"`
		Texts []string                   `json:"texts,omitempty"`
	}
	// fastFloats has no integer field: nothing is rewritten.
	fastFloats struct {
		F   float64         `json:"f,omitempty"`
		Any any             `json:"any,omitempty"`
		Raw json.RawMessage `json:"raw,omitempty"`
	}
	// fastStrict forbids extra properties everywhere.
	fastStrict struct {
		A    int              `json:"a"`
		In   *fastStrictIn    `json:"in,omitempty"`
		List []fastStrictIn   `json:"list,omitempty"`
		Map  map[string]int64 `json:"map,omitempty"`
	}
	fastStrictIn struct {
		B string `json:"b"`
	}
)

func (fastStrict) JSONSchemaExtend(s *jsonschema.Schema) {
	s.AdditionalProperties = jsonschema.FalseSchema
}
func (fastStrictIn) JSONSchemaExtend(s *jsonschema.Schema) {
	s.AdditionalProperties = jsonschema.FalseSchema
}

// fastTypes are the types above; each has a plan.
var fastTypes = []reflect.Type{
	reflect.TypeFor[fastFlat](), reflect.TypeFor[fastNested](), reflect.TypeFor[fastEmbed](),
	reflect.TypeFor[fastLoose](), reflect.TypeFor[fastFloats](), reflect.TypeFor[fastStrict](),
}

func planSchemas(t testing.TB) []*TypeSchema {
	t.Helper()
	var out []*TypeSchema
	for _, typ := range fastTypes {
		ts, err := ForType(typ)
		if err != nil {
			t.Fatalf("ForType(%v): %v", typ, err)
		}
		if ts.fast == nil {
			t.Fatalf("ForType(%v) made no decoding plan", typ)
		}
		out = append(out, ts)
	}
	return out
}

// decodeBoth decodes data into new values with Decode and with
// encoding/json alone (decodeJSON), after base, when not empty, was
// decoded into both by encoding/json.
func decodeBoth(t testing.TB, ts *TypeSchema, base, data string) (got, want any, gotErr, wantErr error) {
	t.Helper()
	got, want = reflect.New(ts.typ).Interface(), reflect.New(ts.typ).Interface()
	if base != "" {
		if ts.decodeJSON(base, base, got) != nil || ts.decodeJSON(base, base, want) != nil {
			t.Fatalf("base %s does not decode into %v", base, ts.typ)
		}
	}
	gotErr = ts.Decode(data, got)
	if trimmed := trimBlank(data); trimmed != "" && trimmed != "null" {
		wantErr = ts.decodeJSON(data, trimmed, want)
	}
	return got, want, gotErr, wantErr
}

func trimBlank(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r' || s[len(s)-1] == '\n') {
		s = s[:len(s)-1]
	}
	return s
}

// sameDecoding fails t unless Decode and encoding/json agree: both
// succeed with equal values, or both fail with one message.
func sameDecoding(t testing.TB, ts *TypeSchema, base, data string) {
	t.Helper()
	got, want, gotErr, wantErr := decodeBoth(t, ts, base, data)
	switch {
	case (gotErr == nil) != (wantErr == nil):
		t.Fatalf("%v, base %q, data %q: Decode says %v, encoding/json %v", ts.typ, base, data, gotErr, wantErr)
	case gotErr != nil:
		if gotErr.Error() != wantErr.Error() {
			t.Fatalf("%v, data %q: Decode says %v, encoding/json %v", ts.typ, data, gotErr, wantErr)
		}
	case !reflect.DeepEqual(got, want):
		t.Fatalf("%v, base %q, data %q:\nDecode       %#v\nencoding/json %#v", ts.typ, base, data, got, want)
	}
}
