package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/invopop/jsonschema"
)

// reflectType builds the TypeSchema of t: check the type, reflect it,
// reduce the result, compile it.
func reflectType(t reflect.Type) (*TypeSchema, error) {
	if t.Kind() != reflect.Struct {
		return nil, &TypeError{Type: t, Problem: "is a " + t.Kind().String() + ", not a struct: an action's data is a JSON object"}
	}
	w := &typeWalker{root: t, ints: make(map[string]reflect.Kind)}
	keys, err := w.walk(t, "", 0)
	if err != nil {
		return nil, err
	}
	doc, err := reflectDoc(t)
	if err != nil {
		return nil, err
	}
	r := &reducer{docs: make(map[string]string), ints: w.ints}
	r.reduce(doc, "", 0)
	delete(doc, "$schema")
	delete(doc, "$id")
	delete(doc, "description") // the action's own description says it
	if d, ok := doc["$defs"].(map[string]any); ok && len(d) == 0 {
		delete(doc, "$defs")
	}
	if doc["type"] != "object" {
		return nil, &TypeError{Type: t, Problem: fmt.Sprintf(`has a schema of type %v; an action schema must have "type": "object"`, doc["type"])}
	}
	if props, _ := doc["properties"].(map[string]any); len(props) == 0 && len(doc) <= 2 {
		doc = nil // {"type": "object", "properties": {}}: no data
	}
	compiled, err := Compile(t.String(), doc)
	if err != nil {
		return nil, &TypeError{Type: t, Problem: "has a schema that does not compile: " + err.Error(), Err: err}
	}
	ts := &TypeSchema{typ: t, doc: doc, compiled: compiled, ints: w.ints, fields: r.fieldDocs(w.paths)}
	ts.strict = doc != nil && allStrict(doc, 0)
	if !ts.strict {
		ts.keys = keys
	}
	if doc != nil {
		ts.fast = planType(t)
	}
	return ts, nil
}

// reflectDoc runs the reflector on t and returns its schema as plain JSON
// values (numbers as json.Number). The reflector inlines every type
// (recursion was refused before), leaves additionalProperties to the
// types that ask for it, and takes required-ness from the json tags
// (omitempty, omitzero) and the jsonschema "required" tag. A panic in it
// becomes a *TypeError.
func reflectDoc(t reflect.Type) (doc map[string]any, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &TypeError{Type: t, Problem: fmt.Sprintf("cannot be reflected: %v", v), Err: fmt.Errorf("schema: reflector panic: %v", v)}
		}
	}()
	rf := &jsonschema.Reflector{
		Anonymous:                 true,
		DoNotReference:            true,
		ExpandedStruct:            true,
		AllowAdditionalProperties: true,
	}
	b, err := json.Marshal(rf.ReflectFromType(t))
	if err != nil {
		return nil, &TypeError{Type: t, Problem: "has a schema that cannot be encoded: " + err.Error(), Err: err}
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil || doc == nil {
		return nil, &TypeError{Type: t, Problem: "has a schema that is not a JSON object", Err: err}
	}
	return doc, nil
}

// reducer takes the descriptions out of a reflected schema, adds the
// bounds of sized integer types and turns json.Number into int or
// float64.
type reducer struct {
	docs map[string]string       // description by property path
	ints map[string]reflect.Kind // integer properties by path
}

// reduce rewrites the subschema node found at property path.
func (r *reducer) reduce(node any, path string, depth int) {
	m, ok := node.(map[string]any)
	if !ok || depth > 2*maxTypeDepth {
		return
	}
	if d, ok := m["description"].(string); ok && path != "" {
		if _, seen := r.docs[path]; !seen && d != "" {
			r.docs[path] = d
		}
		delete(m, "description")
	}
	if m["type"] == "integer" {
		if k, ok := r.ints[path]; ok {
			addIntBounds(m, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		switch k {
		case "properties":
			if props, ok := v.(map[string]any); ok {
				for name, sub := range props {
					r.reduce(sub, joinPath(path, name), depth+1)
				}
			}
		case "items":
			r.reduce(v, path+"[]", depth+1)
		case "additionalProperties":
			r.reduce(v, path+".*", depth+1)
		case "anyOf", "oneOf", "allOf", "prefixItems":
			if list, ok := v.([]any); ok {
				for _, sub := range list {
					r.reduce(sub, path, depth+1)
				}
			}
		case "not", "if", "then", "else", "contains":
			r.reduce(v, path, depth+1)
		default:
			m[k] = plainNumbers(v)
		}
	}
}

// fieldDocs lists the descriptions found, in field order (paths), then
// any others (inside combinators) sorted.
func (r *reducer) fieldDocs(paths []string) []FieldDoc {
	var out []FieldDoc
	for _, p := range paths {
		if d, ok := r.docs[p]; ok {
			out = append(out, FieldDoc{Path: p, Description: d})
			delete(r.docs, p)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(r.docs)) {
		out = append(out, FieldDoc{Path: p, Description: r.docs[p]})
	}
	return out
}

// addIntBounds gives an integer property the range of its Go type where
// its tags set none: 0 as the minimum of unsigned types, both ends for
// 8-, 16- and 32-bit ones. Data out of range then gets the schema's
// message ("must be from 0 to 255") instead of a decoding error.
func addIntBounds(m map[string]any, k reflect.Kind) {
	var lo, hi int64
	var hasHi bool
	switch k {
	case reflect.Int8:
		lo, hi, hasHi = math.MinInt8, math.MaxInt8, true
	case reflect.Int16:
		lo, hi, hasHi = math.MinInt16, math.MaxInt16, true
	case reflect.Int32:
		lo, hi, hasHi = math.MinInt32, math.MaxInt32, true
	case reflect.Uint8:
		hi, hasHi = math.MaxUint8, true
	case reflect.Uint16:
		hi, hasHi = math.MaxUint16, true
	case reflect.Uint32:
		hi, hasHi = math.MaxUint32, true
	case reflect.Uint, reflect.Uint64:
	default:
		return // int, int64: unbounded in the schema; Decode explains overflow
	}
	_, hasMin := m["minimum"]
	_, hasXMin := m["exclusiveMinimum"]
	if !hasMin && !hasXMin {
		m["minimum"] = json.Number(strconv.FormatInt(lo, 10))
	}
	_, hasMax := m["maximum"]
	_, hasXMax := m["exclusiveMaximum"]
	if hasHi && !hasMax && !hasXMax {
		m["maximum"] = json.Number(strconv.FormatInt(hi, 10))
	}
}

// plainNumbers replaces every json.Number within v by an int when it is
// a whole number that fits, by a float64 otherwise.
func plainNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 0); err == nil {
			return int(i)
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return string(x)
	case map[string]any:
		for k, e := range x {
			x[k] = plainNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plainNumbers(e)
		}
	}
	return v
}

// allStrict reports whether every object schema with properties within
// node forbids extra properties ("additionalProperties": false): then
// Decode may refuse unknown fields as the schema does.
func allStrict(node any, depth int) bool {
	m, ok := node.(map[string]any)
	if !ok || depth > 2*maxTypeDepth {
		return true
	}
	if _, has := m["properties"]; has && m["additionalProperties"] != false {
		return false
	}
	for k, v := range m {
		switch k {
		case "properties":
			if props, ok := v.(map[string]any); ok {
				for _, sub := range props {
					if !allStrict(sub, depth+1) {
						return false
					}
				}
			}
		case "items", "additionalProperties", "not", "if", "then", "else", "contains":
			if !allStrict(v, depth+1) {
				return false
			}
		case "anyOf", "oneOf", "allOf", "prefixItems":
			if list, ok := v.([]any); ok {
				for _, sub := range list {
					if !allStrict(sub, depth+1) {
						return false
					}
				}
			}
		}
	}
	return true
}
