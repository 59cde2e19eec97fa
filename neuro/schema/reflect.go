package schema

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// TypeSchema is the action schema of a Go struct type, made by ForType:
// the schema itself (Doc), the field descriptions moved out of it
// (Fields, Describe), and what Decode needs to turn checked data into a
// value of the type. It is immutable and safe for concurrent use.
type TypeSchema struct {
	typ      reflect.Type
	doc      map[string]any // nil for a struct without properties
	fields   []FieldDoc
	compiled *Compiled
	strict   bool     // every struct object forbids extra properties
	keys     *keyNode // nil when strict: Check rejected unknown keys already
	ints     map[string]reflect.Kind
	fast     *fastDecoder // nil: Decode takes encoding/json
}

// FieldDoc is the description of one property, taken out of the schema
// (Neuro handles "description" poorly) to be folded into the action's
// description by Describe.
type FieldDoc struct {
	// Path names the property: "cell", "pos.x", "moves[].x".
	Path string
	// Description is the text of the field's description tag.
	Description string
}

// TypeError reports a Go type that cannot be an action schema.
type TypeError struct {
	// Type is the type asked for.
	Type reflect.Type
	// Path names the part of the type at fault ("pos.next", "moves[]"), ""
	// for the type itself.
	Path string
	// Problem says what is wrong, in plain words.
	Problem string
	// Err is the underlying error (a *CompileError, a recovered panic), or nil.
	Err error
}

// Error implements error.
func (e *TypeError) Error() string {
	s := "schema: type " + typeName(e.Type)
	if e.Path != "" {
		s += ": " + strconv.Quote(e.Path)
	}
	return s + " " + e.Problem
}

// Unwrap returns Err.
func (e *TypeError) Unwrap() error { return e.Err }

func typeName(t reflect.Type) string {
	if t == nil {
		return "<nil>"
	}
	return t.String()
}

// maxCachedTypes bounds the cache of ForType; types made at run time with
// reflect.StructOf could otherwise grow it without end. Past the bound
// ForType still works, it only reflects every time.
const maxCachedTypes = 1024

var (
	typeCache      sync.Map // reflect.Type → typeCacheEntry
	typeCacheCount atomic.Int64
)

type typeCacheEntry struct {
	ts  *TypeSchema
	err error
}

// ForType returns the action schema of the struct type t, built with
// github.com/invopop/jsonschema from its fields and struct tags and reduced
// to what Neuro handles well (see the package documentation, "Schemas from
// Go types"). It reflects each type once and keeps the result (errors
// included) for later calls. It returns a *TypeError, and never panics,
// for a type that cannot be an action schema: not a struct; a map whose
// keys are not strings; a channel, function, complex number or
// unsafe.Pointer; a byte slice (base64 text); a recursive type; a type
// whose schema does not compile. It is safe for concurrent use.
func ForType(t reflect.Type) (*TypeSchema, error) {
	if t == nil {
		return nil, &TypeError{Problem: "is nil; pass a struct type"}
	}
	if e, ok := typeCache.Load(t); ok {
		entry := e.(typeCacheEntry)
		return entry.ts, entry.err
	}
	ts, err := reflectType(t)
	if typeCacheCount.Load() < maxCachedTypes {
		if _, loaded := typeCache.LoadOrStore(t, typeCacheEntry{ts, err}); !loaded {
			typeCacheCount.Add(1)
		}
	}
	return ts, err
}

// Type returns the Go type the schema describes.
func (s *TypeSchema) Type() reflect.Type { return s.typ }

// Doc returns the schema: a new copy on every call, made of
// map[string]any, []any, string, bool, int and float64 values, or nil for
// a struct without properties (an action that takes no data).
func (s *TypeSchema) Doc() map[string]any {
	if s.doc == nil {
		return nil
	}
	return deepCopy(s.doc).(map[string]any)
}

// Compiled returns the compiled schema, ready to Check data.
func (s *TypeSchema) Compiled() *Compiled { return s.compiled }

// Fields returns the descriptions moved out of the schema, in field order
// (a new slice on every call).
func (s *TypeSchema) Fields() []FieldDoc { return append([]FieldDoc(nil), s.fields...) }

// Describe returns the action description with the field descriptions
// folded in, one line each:
//
//	Send troops.
//	About the data:
//	- "unit": who to send
//	- "target.row": the row, counted from the top
//
// It returns description unchanged when no field has a description.
func (s *TypeSchema) Describe(description string) string {
	if len(s.fields) == 0 {
		return description
	}
	var b strings.Builder
	if d := strings.TrimRight(description, " \t\r\n"); d != "" {
		b.WriteString(d)
		b.WriteByte('\n')
	}
	b.WriteString("About the data:")
	for _, f := range s.fields {
		b.WriteString("\n- " + strconv.Quote(f.Path) + ": " + f.Description)
	}
	return b.String()
}

// Field is a property of a TypeSchema's struct, found with Field; it
// reads that property out of a decoded value.
type Field struct {
	// Path is the property's name, "cell" or "pos.x".
	Path string
	// Type is the Go type of the struct field.
	Type reflect.Type
	// Optional reports whether the property, or one on the way to it
	// ("pos" of "pos.x"), is not required: a zero value may then mean
	// that it was left out.
	Optional bool
	steps    [][]int // index paths, one per struct on the way
}

// Field finds the property named by path: a property of the struct
// ("cell"), or of a struct within it ("pos.x", through pointers too). It
// returns a *TypeError naming the properties there are when there is no
// such property. Arrays and maps are not crossed.
func (s *TypeSchema) Field(path string) (Field, error) {
	t := s.typ
	f := Field{Path: path}
	node := s.doc
	for i, name := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		at := strings.Join(strings.Split(path, ".")[:i], ".")
		if t.Kind() != reflect.Struct {
			return Field{}, &TypeError{Type: s.typ, Path: at, Problem: "is not a struct, so it has no property " + strconv.Quote(name)}
		}
		fields, err := structFields(t, at)
		if err != nil {
			return Field{}, err
		}
		j := -1
		names := make([]string, len(fields))
		for k, jf := range fields {
			names[k] = strconv.Quote(jf.name)
			if jf.name == name {
				j = k
			}
		}
		if j < 0 {
			where := "has"
			if at != "" {
				where = "has at " + strconv.Quote(at)
			}
			return Field{}, &TypeError{Type: s.typ, Problem: where + " no property " + strconv.Quote(name) +
				"; the properties there are " + stringOr(strings.Join(names, ", "), "none")}
		}
		f.steps = append(f.steps, fields[j].index)
		t = fields[j].typ
		f.Optional = f.Optional || !requires(node, name)
		props, _ := node["properties"].(map[string]any)
		node, _ = props[name].(map[string]any)
	}
	f.Type = t
	return f, nil
}

// Value returns the field's value within root, a value of the struct
// type (or a pointer to one); ok is false when a nil pointer on the way
// means the property is absent.
func (f Field) Value(root reflect.Value) (v reflect.Value, ok bool) {
	v = root
	for _, step := range f.steps {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		var err error
		if v, err = v.FieldByIndexErr(step); err != nil {
			return reflect.Value{}, false // a nil embedded pointer
		}
	}
	return v, true
}

// requires reports whether the object schema node lists name as required.
func requires(node map[string]any, name string) bool {
	req, _ := node["required"].([]any)
	for _, r := range req {
		if r == name {
			return true
		}
	}
	return false
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}
