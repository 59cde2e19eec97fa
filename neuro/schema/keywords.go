package schema

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// discouraged lists the JSON schema keywords the real Neuro server handles
// poorly (see the Neuro API specification), with advice for each.
var discouraged = map[string]string{
	"$anchor": adviceReference, "$comment": adviceAnnotation, "$defs": adviceReference,
	"$dynamicAnchor": adviceReference, "$dynamicRef": adviceReference, "$id": adviceReference,
	"$ref": adviceReference, "$schema": adviceLeaveOut, "$vocabulary": adviceLeaveOut,
	"additionalProperties": adviceEnforced, "allOf": adviceCombinator, "anyOf": adviceCombinator,
	"contentEncoding": adviceContent, "contentMediaType": adviceContent, "contentSchema": adviceContent,
	"dependentRequired": adviceEnforced, "dependentSchemas": adviceEnforced, "deprecated": adviceAnnotation,
	"description": adviceAnnotation, "else": adviceCombinator, "if": adviceCombinator,
	"maxProperties": adviceEnforced, "minProperties": adviceEnforced, "multipleOf": adviceEnforced,
	"not": adviceCombinator, "oneOf": adviceCombinator, "patternProperties": adviceEnforced,
	"readOnly": adviceAnnotation, "then": adviceCombinator, "title": adviceAnnotation,
	"unevaluatedItems": adviceEnforced, "unevaluatedProperties": adviceEnforced, "writeOnly": adviceAnnotation,
}

// unchecked lists the keywords Neuro may or may not enforce.
var unchecked = map[string]string{
	"uniqueItems": "Neuro may not enforce it; the game must check it itself (Check does)",
}

const (
	adviceIgnored    = "Neuro handles it poorly and may ignore it"
	adviceAnnotation = adviceIgnored + "; say what matters in the action's description"
	adviceReference  = adviceIgnored + "; write the subschema out in place"
	adviceLeaveOut   = adviceIgnored + "; leave it out"
	adviceCombinator = adviceIgnored + "; prefer one plain type per property, an enum for choices, and checks in the game"
	adviceContent    = adviceIgnored + "; ask for plain values"
	adviceEnforced   = "Neuro handles it poorly and may send data that breaks it; Check still rejects such data with a failed result"
)

// DiscouragedKeywords returns, sorted, the JSON schema keywords the real
// Neuro server handles poorly: Warnings reports each one found. Each call
// returns a new slice.
func DiscouragedKeywords() []string { return slices.Sorted(maps.Keys(discouraged)) }

// UncheckedKeywords returns, sorted, the JSON schema keywords Neuro may or
// may not enforce, so that the game must check them itself (Check does):
// Warnings reports them too. Each call returns a new slice.
func UncheckedKeywords() []string { return slices.Sorted(maps.Keys(unchecked)) }

// KeywordWarning is a JSON schema keyword in an action's schema that the
// real Neuro server handles poorly or may not enforce. The schema stays
// usable; the game developer may want to simplify it. (It is about the
// schema's keywords, not about the protocol.)
type KeywordWarning struct {
	// Keyword is the keyword, for example "additionalProperties".
	Keyword string
	// Path is the JSON pointer of the keyword within the schema, for
	// example "/properties/pos/additionalProperties".
	Path string
	// Advice says what Neuro does with the keyword and what to do instead.
	Advice string
}

// String returns the warning as one readable line.
func (w KeywordWarning) String() string {
	return "schema keyword " + strconv.Quote(w.Keyword) + " at " + w.Path + ": " + w.Advice
}

// Warnings returns a KeywordWarning for every discouraged or unchecked
// keyword anywhere in the schema doc (top level, properties, items,
// combinators, definitions), in a stable order: keys sorted, depth first.
// Names inside "properties" (a property called "description", say) and
// values of data keywords ("enum", "default", "examples", ...) are not
// keywords and are not reported. doc may hold anything encoding/json can
// encode; what it cannot encode is skipped. A nil or empty doc has no
// warnings.
func Warnings(doc map[string]any) []KeywordWarning {
	if len(doc) == 0 {
		return nil
	}
	var root any = doc
	if b, err := json.Marshal(doc); err == nil {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var v any
		if d.Decode(&v) == nil {
			root = v
		}
	}
	var ws []KeywordWarning
	walkKeywords(root, "", 0, func(keyword, path string) {
		advice, ok := discouraged[keyword]
		if !ok {
			advice = unchecked[keyword]
		}
		ws = append(ws, KeywordWarning{Keyword: keyword, Path: path, Advice: advice})
	})
	return ws
}

// Keywords whose value is one subschema, an array of subschemas, or an
// object mapping names to subschemas. Every other keyword's value is data.
var (
	subschemaKeywords = map[string]bool{
		"items": true, "additionalItems": true, "additionalProperties": true,
		"contains": true, "propertyNames": true, "not": true, "if": true,
		"then": true, "else": true, "unevaluatedItems": true,
		"unevaluatedProperties": true, "contentSchema": true,
	}
	subschemaListKeywords = map[string]bool{
		"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true,
		"items": true, // draft 2019-09 and earlier: items may be an array
	}
	subschemaMapKeywords = map[string]bool{
		"properties": true, "patternProperties": true, "$defs": true,
		"definitions": true, "dependentSchemas": true, "dependencies": true,
	}
)

// maxWalkDepth bounds how deep Warnings looks into nested subschemas.
const maxWalkDepth = 64

// walkKeywords calls warn for every reported keyword in the schema s found
// at JSON pointer path, recursing into subschemas only.
func walkKeywords(s any, path string, depth int, warn func(keyword, path string)) {
	obj, ok := s.(map[string]any)
	if !ok || depth > maxWalkDepth {
		return // a boolean schema, not a schema at all, or too deep
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		at := path + "/" + escapeJSONPointer(k)
		if _, bad := discouraged[k]; bad {
			warn(k, at)
		} else if _, bad := unchecked[k]; bad {
			warn(k, at)
		}
		v := obj[k]
		switch {
		case subschemaMapKeywords[k]:
			if m, ok := v.(map[string]any); ok {
				for _, n := range slices.Sorted(maps.Keys(m)) {
					walkKeywords(m[n], at+"/"+escapeJSONPointer(n), depth+1, warn)
				}
			}
		case subschemaListKeywords[k] && isJSONArray(v):
			for i, sub := range v.([]any) {
				walkKeywords(sub, at+"/"+strconv.Itoa(i), depth+1, warn)
			}
		case subschemaKeywords[k]:
			walkKeywords(v, at, depth+1, warn)
		}
	}
}

func isJSONArray(v any) bool {
	_, ok := v.([]any)
	return ok
}

func escapeJSONPointer(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}
