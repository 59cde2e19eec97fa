package schema

import (
	"slices"
	"testing"
)

func TestWarnings(t *testing.T) {
	obj := func(kv ...any) map[string]any {
		s := map[string]any{"type": "object"}
		for i := 0; i < len(kv); i += 2 {
			s[kv[i].(string)] = kv[i+1]
		}
		return s
	}
	tests := []struct {
		name     string
		doc      map[string]any
		warnings []string // "keyword@path"
	}{
		{name: "nil"},
		{name: "empty", doc: map[string]any{}},
		{name: "bare object", doc: obj()},
		{name: "simple properties", doc: obj(
			"properties", map[string]any{"cell": map[string]any{"type": "integer", "enum": []int{1, 5, 9}}},
			"required", []string{"cell"},
		)},
		{name: "top-level discouraged", doc: obj(
			"title", "Play", "description", "Play a card", "additionalProperties", false,
		), warnings: []string{"additionalProperties@/additionalProperties", "description@/description", "title@/title"}},
		{name: "nested discouraged", doc: obj(
			"properties", map[string]any{
				"pos": namedDoc{"type": "object", "minProperties": 1, "properties": map[string]any{
					"x": map[string]any{"type": "integer", "multipleOf": 2},
				}},
				"cards": map[string]any{"type": "array", "uniqueItems": true,
					"items": map[string]any{"oneOf": []any{
						map[string]any{"type": "string", "$comment": "a name"},
						map[string]any{"type": "integer"},
					}}},
			},
			"$defs", map[string]any{"card": map[string]any{"type": "string", "deprecated": true}},
		), warnings: []string{
			"$defs@/$defs",
			"deprecated@/$defs/card/deprecated",
			"oneOf@/properties/cards/items/oneOf",
			"$comment@/properties/cards/items/oneOf/0/$comment",
			"uniqueItems@/properties/cards/uniqueItems",
			"minProperties@/properties/pos/minProperties",
			"multipleOf@/properties/pos/properties/x/multipleOf",
		}},
		{name: "property names are not keywords", doc: obj(
			"properties", map[string]any{
				"description": map[string]any{"type": "string"},
				"title":       map[string]any{"type": "string"},
				"if":          map[string]any{"type": "boolean"},
				"a/b":         map[string]any{"type": "string", "readOnly": true},
			},
			"required", []string{"description", "title"},
		), warnings: []string{"readOnly@/properties/a~1b/readOnly"}},
		{name: "data keywords are not walked", doc: obj(
			"properties", map[string]any{
				"opt": map[string]any{
					"enum":     []any{map[string]any{"description": "x"}},
					"default":  map[string]any{"title": "t"},
					"examples": []any{map[string]any{"not": 1}},
				},
			},
		)},
		{name: "subschema keywords are walked", doc: obj(
			"if", map[string]any{"properties": map[string]any{"a": map[string]any{"const": 1}}},
			"then", map[string]any{"required": []string{"b"}, "writeOnly": true},
			"else", true,
			"not", map[string]any{"anyOf": []any{map[string]any{"title": "x"}}},
			"prefixItems", []any{map[string]any{"$id": "x"}},
			"patternProperties", map[string]any{"^x": map[string]any{"unevaluatedProperties": false}},
		), warnings: []string{
			"else@/else",
			"if@/if",
			"not@/not",
			"anyOf@/not/anyOf",
			"title@/not/anyOf/0/title",
			"patternProperties@/patternProperties",
			"unevaluatedProperties@/patternProperties/^x/unevaluatedProperties",
			"$id@/prefixItems/0/$id",
			"then@/then",
			"writeOnly@/then/writeOnly",
		}},
		{name: "not encodable: walked as it is", doc: obj("title", "t", "x", make(chan int)),
			warnings: []string{"title@/title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := Warnings(tt.doc)
			got := make([]string, len(ws))
			for i, w := range ws {
				if w.Advice == "" {
					t.Errorf("warning %v has no advice", w)
				}
				got[i] = w.Keyword + "@" + w.Path
			}
			if !slices.Equal(got, tt.warnings) {
				t.Errorf("warnings:\n got %q\nwant %q", got, tt.warnings)
			}
		})
	}
}

func TestWarningsEveryKeyword(t *testing.T) {
	all := append(DiscouragedKeywords(), UncheckedKeywords()...)
	if len(all) != 34 || !slices.Contains(all, "additionalProperties") || !slices.Contains(all, "uniqueItems") {
		t.Fatalf("keywords: %q", all)
	}
	for _, kw := range all {
		ws := Warnings(map[string]any{"type": "object", kw: true})
		if len(ws) != 1 || ws[0].Keyword != kw || ws[0].Path != "/"+kw || ws[0].Advice == "" {
			t.Errorf("keyword %q: got %v", kw, ws)
		}
	}
}

func TestKeywordListsAreCopies(t *testing.T) {
	d := DiscouragedKeywords()
	d[0] = "changed"
	if DiscouragedKeywords()[0] == "changed" {
		t.Error("DiscouragedKeywords shares its slice")
	}
	u := UncheckedKeywords()
	u[0] = "changed"
	if UncheckedKeywords()[0] == "changed" {
		t.Error("UncheckedKeywords shares its slice")
	}
	if !slices.IsSorted(DiscouragedKeywords()) {
		t.Error("DiscouragedKeywords is not sorted")
	}
}

func TestKeywordWarningString(t *testing.T) {
	tests := []struct {
		doc  map[string]any
		want string
	}{
		{map[string]any{"type": "object", "properties": map[string]any{"pos": map[string]any{"additionalProperties": false}}},
			`schema keyword "additionalProperties" at /properties/pos/additionalProperties: Neuro handles it poorly and may send data that breaks it; Check still rejects such data with a failed result`},
		{map[string]any{"type": "object", "properties": map[string]any{"cards": map[string]any{"uniqueItems": true}}},
			`schema keyword "uniqueItems" at /properties/cards/uniqueItems: Neuro may not enforce it; the game must check it itself (Check does)`},
		{map[string]any{"type": "object", "title": "Play"},
			`schema keyword "title" at /title: Neuro handles it poorly and may ignore it; say what matters in the action's description`},
	}
	for _, tt := range tests {
		ws := Warnings(tt.doc)
		if len(ws) != 1 || ws[0].String() != tt.want {
			t.Errorf("got %v\nwant %s", ws, tt.want)
		}
	}
}
