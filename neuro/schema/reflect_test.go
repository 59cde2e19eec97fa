package schema_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/invopop/jsonschema"

	"github.com/neurokit/neurokit/neuro/schema"
)

// order uses every tag kind SchemaOf documents.
type order struct {
	Unit   string   `json:"unit" jsonschema:"enum=archer,enum=knight,description=who to send"`
	Count  int      `json:"count" jsonschema:"minimum=1,maximum=5"`
	Speed  float64  `json:"speed,omitempty" jsonschema:"exclusiveMinimum=0,exclusiveMaximum=1"`
	Name   string   `json:"name,omitempty" jsonschema:"minLength=2,maxLength=12"`
	Code   string   `json:"code,omitempty" jsonschema:"pattern=^[A-Z]{1\\,3}$"`
	Tags   []string `json:"tags,omitempty" jsonschema:"minItems=1,maxItems=2,enum=fast,enum=quiet"`
	Slot   int      `json:"slot,omitempty" jsonschema:"enum=1,enum=5,enum=9"`
	Target square   `json:"target"`
	Via    *square  `json:"via,omitempty"`
	Level  uint8    `json:"level,omitempty"`
	Must   string   `json:"must,omitempty" jsonschema:"required"`
	Hidden string   `json:"-"`
	Skip   string   `json:"skip" jsonschema:"-"`
	inner  string
}

type square struct {
	Row int    `json:"row" jsonschema:"minimum=0,maximum=7,description=the row\\, counted from the top"`
	Col string `json:"col" jsonschema:"pattern=^[a-h]$"`
}

func mustForType[T any](t *testing.T) *schema.TypeSchema {
	t.Helper()
	ts, err := schema.ForType(reflect.TypeFor[T]())
	if err != nil {
		t.Fatalf("ForType(%v): %v", reflect.TypeFor[T](), err)
	}
	return ts
}

func TestForTypeKeywords(t *testing.T) {
	ts := mustForType[order](t)
	doc := ts.Doc()
	if ws := schema.Warnings(doc); len(ws) > 0 {
		t.Errorf("Warnings = %v, want none", ws)
	}
	got, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"unit":{"enum":["archer","knight"],"type":"string"}`,
		`"count":{"maximum":5,"minimum":1,"type":"integer"}`,
		`"speed":{"exclusiveMaximum":1,"exclusiveMinimum":0,"type":"number"}`,
		`"name":{"maxLength":12,"minLength":2,"type":"string"}`,
		`"code":{"pattern":"^[A-Z]{1,3}$","type":"string"}`,
		`"tags":{"items":{"enum":["fast","quiet"],"type":"string"},"maxItems":2,"minItems":1,"type":"array"}`,
		`"slot":{"enum":[1,5,9],"type":"integer"}`,
		`"level":{"maximum":255,"minimum":0,"type":"integer"}`,
		`"required":["unit","count","target","must"]`,
		`"type":"object"`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("schema lacks %s\nschema: %s", want, got)
		}
	}
	for _, absent := range []string{`"Hidden"`, `"skip"`, `"inner"`, `"description"`, `"additionalProperties"`, `"$`} {
		if strings.Contains(string(got), absent) {
			t.Errorf("schema holds %s: %s", absent, got)
		}
	}
	// Doc is a copy.
	doc["type"] = "changed"
	if ts.Doc()["type"] != "object" {
		t.Error("changing Doc's result changed the TypeSchema")
	}
}

func TestForTypeDescriptions(t *testing.T) {
	ts := mustForType[order](t)
	want := []schema.FieldDoc{
		{Path: "unit", Description: "who to send"},
		{Path: "target.row", Description: "the row, counted from the top"},
		{Path: "via.row", Description: "the row, counted from the top"},
	}
	if got := ts.Fields(); !reflect.DeepEqual(got, want) {
		t.Errorf("Fields() = %q, want %q", got, want)
	}
	const wantDesc = "Send troops.\nAbout the data:\n- \"unit\": who to send\n" +
		"- \"target.row\": the row, counted from the top\n- \"via.row\": the row, counted from the top"
	if got := ts.Describe("Send troops. "); got != wantDesc {
		t.Errorf("Describe = %q, want %q", got, wantDesc)
	}
	if got := mustForType[square2](t).Describe("Play."); got != "Play." {
		t.Errorf("Describe without field descriptions = %q, want it unchanged", got)
	}
}

type square2 struct {
	Row int `json:"row"`
}

type (
	node struct {
		Next *node `json:"next,omitempty"`
	}
	listNode struct {
		Kids []listNode `json:"kids"`
	}
	mutualA struct {
		B *mutualB `json:"b"`
	}
	mutualB struct {
		A []mutualA `json:"a"`
	}
	Dup struct {
		X int `json:"x"`
	}
	aliased  struct{ X int }
	hidden   struct{ X int }
	embedPtr struct {
		*hidden
	}
)

func (aliased) JSONSchemaAlias() any { return square2{} }

func TestForTypeRefuses(t *testing.T) {
	for _, tc := range []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeFor[int](), "is a int, not a struct"},
		{reflect.TypeFor[*square2](), "is a ptr, not a struct"},
		{reflect.TypeFor[map[string]int](), "not a struct"},
		{reflect.TypeFor[struct {
			M map[int]string `json:"m"`
		}](), `"m" is a map with int keys`},
		{reflect.TypeFor[struct {
			C chan int `json:"c"`
		}](), `"c" is of type chan int (chan), which JSON cannot carry`},
		{reflect.TypeFor[struct{ F func() }](), `"F" is of type func()`},
		{reflect.TypeFor[struct{ Z complex128 }](), `"Z" is of type complex128`},
		{reflect.TypeFor[struct{ U uintptr }](), `"U" is of type uintptr`},
		{reflect.TypeFor[struct{ P unsafe.Pointer }](), `"P" is of type unsafe.Pointer`},
		{reflect.TypeFor[node](), `"next" refers back to schema_test.node: a recursive type`},
		{reflect.TypeFor[listNode](), `"kids[]" refers back to schema_test.listNode`},
		{reflect.TypeFor[mutualA](), `"b.a[]" refers back to schema_test.mutualA`},
		{reflect.TypeFor[struct {
			B []byte `json:"b"`
		}](), `"b" is a byte slice`},
		{reflect.TypeFor[struct{ U url.URL }](), `"U" is a url.URL`},
		{reflect.TypeFor[struct {
			N int `json:"n,string"`
		}](), `",string" option`},
		{reflect.TypeFor[struct {
			S square2 `json:"s,inline"`
		}](), `",inline" option`},
		{reflect.TypeFor[struct {
			A int `json:"x"`
			Dup
		}](), `"x" is the name of two fields`},
		{reflect.TypeFor[struct{ S fmt.Stringer }](), `"S" is the interface fmt.Stringer`},
		{reflect.TypeFor[embedPtr](), "embeds a pointer to an unexported struct"},
		{reflect.TypeFor[struct{ A aliased }](), "JSONSchemaAlias"},
		{reflect.TypeFor[struct {
			M map[string]chan int `json:"m"`
		}](), `"m.*" is of type chan int`},
	} {
		t.Run(tc.typ.String(), func(t *testing.T) {
			ts, err := schema.ForType(tc.typ)
			var te *schema.TypeError
			if !errors.As(err, &te) {
				t.Fatalf("ForType = %v, %v; want a *TypeError", ts, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if te.Type != tc.typ {
				t.Errorf("TypeError.Type = %v, want %v", te.Type, tc.typ)
			}
		})
	}
	if _, err := schema.ForType(nil); err == nil {
		t.Error("ForType(nil) succeeded")
	}
}

// extended asks for additionalProperties explicitly, through the
// reflector's JSONSchemaExtend hook, and for uniqueItems with a tag.
type extended struct {
	Cards []string `json:"cards" jsonschema:"uniqueItems=true"`
}

func (extended) JSONSchemaExtend(s *jsonschema.Schema) {
	s.AdditionalProperties = jsonschema.FalseSchema
}

func TestForTypeExplicitKeywordsKept(t *testing.T) {
	ts := mustForType[extended](t)
	var kws []string
	for _, w := range schema.Warnings(ts.Doc()) {
		kws = append(kws, w.Keyword+" at "+w.Path)
	}
	want := []string{"additionalProperties at /additionalProperties", "uniqueItems at /properties/cards/uniqueItems"}
	if !reflect.DeepEqual(kws, want) {
		t.Errorf("warnings = %q, want %q", kws, want)
	}
	// The schema forbids extra properties: Decode refuses unknown fields.
	var v extended
	err := ts.Decode(`{"cards": ["a"], "joker": true}`, &v)
	var de *schema.DecodeError
	if !errors.As(err, &de) || de.Message != `unknown property "joker"; send an object like {"cards": ["text"]}` {
		t.Errorf("Decode with an unknown field = %v", err)
	}
}

func TestForTypeEmbeddedAndSpecialTypes(t *testing.T) {
	type Base struct {
		ID   int    `json:"id"`
		Name string `json:"name,omitempty"`
	}
	type withEmbed struct {
		Base
		When time.Time       `json:"when,omitempty"`
		Raw  json.RawMessage `json:"raw,omitempty"`
		Any  any             `json:"any,omitempty"`
		Grid [2][2]int       `json:"grid,omitempty"`
		Tags map[string]int  `json:"tags,omitempty"`
	}
	ts := mustForType[withEmbed](t)
	var v withEmbed
	data := `{"id": 3, "name": "n", "when": "2024-01-02T03:04:05Z", "raw": [1], "any": "x", "grid": [[1,2],[3,4]], "tags": {"a": 1}}`
	if err := ts.CheckDecode(data, &v); err != nil {
		t.Fatal(err)
	}
	if v.ID != 3 || v.Name != "n" || v.When.Year() != 2024 || string(v.Raw) != "[1]" || v.Any != "x" || v.Grid[1][0] != 3 || v.Tags["a"] != 1 {
		t.Errorf("decoded %+v", v)
	}
	f, err := ts.Field("id")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := f.Value(reflect.ValueOf(v)); !ok || got.Int() != 3 {
		t.Errorf("Field(id).Value = %v, %v", got, ok)
	}
}

func TestEmptyStructTakesNoData(t *testing.T) {
	type none struct{}
	ts := mustForType[none](t)
	if ts.Doc() != nil {
		t.Errorf("Doc() = %v, want nil", ts.Doc())
	}
	var v none
	for _, data := range []string{"", "null", `{"x": 1}`, "not json"} {
		if err := ts.CheckDecode(data, &v); err != nil {
			t.Errorf("CheckDecode(%q) = %v", data, err)
		}
	}
}

func TestForTypeCachedAndConcurrent(t *testing.T) {
	typ := reflect.TypeFor[order]()
	first, err := schema.ForType(typ)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts, err := schema.ForType(typ)
			if err != nil || ts != first {
				t.Errorf("ForType again = %p, %v; want the cached %p", ts, err, first)
			}
			var v order
			if err := ts.CheckDecode(`{"unit": "archer", "count": 2, "target": {"row": 1, "col": "a"}, "must": ""}`, &v); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestFieldLookup(t *testing.T) {
	ts := mustForType[order](t)
	for _, tc := range []struct {
		path, want string
	}{
		{"count", ""},
		{"via.row", ""},
		{"cnt", `has no property "cnt"; the properties there are "unit", "count", "speed"`},
		{"target.x", `has at "target" no property "x"; the properties there are "row", "col"`},
		{"unit.x", `"unit" is not a struct`},
	} {
		_, err := ts.Field(tc.path)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Field(%q) = %v", tc.path, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("Field(%q) = %v, want an error containing %q", tc.path, err, tc.want)
		}
	}
	for path, optional := range map[string]bool{"count": false, "target.row": false, "speed": true, "via.row": true} {
		if f, err := ts.Field(path); err != nil || f.Optional != optional {
			t.Errorf("Field(%q).Optional = %v (%v), want %v", path, f.Optional, err, optional)
		}
	}
	f, _ := ts.Field("via.row")
	if _, ok := f.Value(reflect.ValueOf(order{})); ok {
		t.Error("via.row of a nil via is present")
	}
	if v, ok := f.Value(reflect.ValueOf(&order{Via: &square{Row: 4}})); !ok || v.Int() != 4 {
		t.Errorf("via.row = %v, %v; want 4", v, ok)
	}
}

func TestDecodeNeedsMatchingPointer(t *testing.T) {
	ts := mustForType[square2](t)
	for _, dst := range []any{nil, square2{}, (*square2)(nil), &order{}} {
		if err := ts.Decode(`{"row": 1}`, dst); err == nil {
			t.Errorf("Decode into %T succeeded", dst)
		}
	}
}
