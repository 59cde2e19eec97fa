package schema

import (
	"encoding/json"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
)

// maxTypeDepth bounds how deeply ForType follows nested types: Check
// refuses data nested more than 32 levels deep anyway.
const maxTypeDepth = maxDepth

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	ipType         = reflect.TypeFor[net.IP]()
	timeType       = reflect.TypeFor[time.Time]()
	urlType        = reflect.TypeFor[url.URL]()

	// The reflector's hooks. JSONSchema and JSONSchemaExtend are honoured;
	// the alias hooks are refused, because the schema must describe the
	// type that encoding/json decodes into.
	customSchemaType = reflect.TypeFor[interface{ JSONSchema() *jsonschema.Schema }]()
	aliasType        = reflect.TypeFor[interface{ JSONSchemaAlias() any }]()
	propertyAlias    = reflect.TypeFor[interface{ JSONSchemaProperty(string) any }]()
)

// jsonField is one property of a struct, named as both encoding/json and
// the reflector name it.
type jsonField struct {
	name  string
	index []int // reflect index path, through embedded structs
	typ   reflect.Type
}

// structFields lists the properties of struct type t in the reflector's
// order: exported fields named by their json tag (or Go name), fields of
// embedded structs promoted. Fields tagged json:"-" or jsonschema:"-" are
// left out. It refuses what would make the schema and the decoded value
// disagree: two properties with one name, the ",string" and ",inline" json
// options, an embedded pointer to an unexported struct.
func structFields(t reflect.Type, at string) ([]jsonField, error) {
	var out []jsonField
	if err := appendStructFields(&out, t, nil, at, 0); err != nil {
		return nil, err
	}
	return out, nil
}

func appendStructFields(out *[]jsonField, t reflect.Type, prefix []int, at string, depth int) error {
	if depth > maxTypeDepth {
		return &TypeError{Path: at, Problem: "embeds structs too deeply"}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		jsonTag := strings.Split(f.Tag.Get("json"), ",")
		if jsonTag[0] == "-" || strings.Split(f.Tag.Get("jsonschema"), ",")[0] == "-" {
			continue
		}
		index := append(slices.Clip(prefix), i)
		fieldAt := joinPath(at, f.Name)
		for _, opt := range jsonTag[1:] {
			switch opt {
			case "string":
				return &TypeError{Path: fieldAt, Problem: `uses the json ",string" option: Neuro sends numbers and booleans as they are; drop the option`}
			case "inline":
				return &TypeError{Path: fieldAt, Problem: `uses the json ",inline" option, which encoding/json ignores; embed the struct instead`}
			}
		}
		if f.Anonymous && jsonTag[0] == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
				if et.Kind() == reflect.Struct && !f.IsExported() {
					return &TypeError{Path: fieldAt, Problem: "embeds a pointer to an unexported struct, which encoding/json cannot fill; embed the struct itself"}
				}
			}
			if et.Kind() == reflect.Struct {
				if err := appendStructFields(out, et, index, at, depth+1); err != nil {
					return err
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if jsonTag[0] != "" {
			name = jsonTag[0]
		}
		if j := slices.IndexFunc(*out, func(o jsonField) bool { return o.name == name }); j >= 0 {
			return &TypeError{Path: joinPath(at, name), Problem: "is the name of two fields; give each field its own json name"}
		}
		*out = append(*out, jsonField{name: name, index: index, typ: f.Type})
	}
	return nil
}

// keyNode says which object keys Decode must look at in data of one type:
// encoding/json matches keys to struct fields ignoring case, so a key the
// schema allowed as an extra property ("CELL") could fill a field ("cell")
// without its checks. A nil *keyNode has nothing to look at.
type keyNode struct {
	fields map[string]*keyNode // the properties of a struct, nil otherwise
	items  *keyNode            // the items of an array or slice
}

// typeWalker checks a Go type before the reflector sees it (the reflector
// panics on channels and functions and loops forever on recursive types
// when it inlines them) and records what the reduction and Decode need.
type typeWalker struct {
	root  reflect.Type
	stack []reflect.Type          // structs being walked, for recursion
	paths []string                // property paths in field order
	ints  map[string]reflect.Kind // integer properties by path
}

func (w *typeWalker) fail(at, problem string) error {
	return &TypeError{Type: w.root, Path: at, Problem: problem}
}

// walk checks t, found at path at, and returns its keyNode.
func (w *typeWalker) walk(t reflect.Type, at string, depth int) (*keyNode, error) {
	if depth > maxTypeDepth {
		return nil, w.fail(at, "is nested too deeply (more than "+strconv.Itoa(maxTypeDepth)+" levels)")
	}
	switch {
	case t.Implements(aliasType) || reflect.PointerTo(t).Implements(aliasType),
		t.Implements(propertyAlias) || reflect.PointerTo(t).Implements(propertyAlias):
		return nil, w.fail(at, "has a JSONSchemaAlias or JSONSchemaProperty method; the schema must describe the type that is decoded")
	case t.Implements(customSchemaType):
		return nil, nil // its own JSONSchema method describes it
	case t == rawMessageType || t == ipType || t == timeType:
		return nil, nil
	case t == urlType:
		return nil, w.fail(at, "is a url.URL, which encoding/json cannot decode from a string; use a string")
	}
	switch t.Kind() {
	case reflect.Pointer:
		return w.walk(t.Elem(), at, depth)
	case reflect.Struct:
		return w.walkStruct(t, at, depth)
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return nil, w.fail(at, "is a byte slice, sent as base64 text that Neuro cannot write; use a string")
		}
		items, err := w.walk(t.Elem(), at+"[]", depth+1)
		if err != nil || items == nil {
			return nil, err
		}
		return &keyNode{items: items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, w.fail(at, "is a map with "+t.Key().String()+" keys; JSON object keys are strings: use string keys or a slice of structs")
		}
		_, err := w.walk(t.Elem(), at+".*", depth+1)
		return nil, err // any key is allowed: nothing to look at
	case reflect.Interface:
		if t.NumMethod() > 0 {
			return nil, w.fail(at, "is the interface "+t.String()+", which encoding/json cannot decode into; use a concrete type")
		}
		return nil, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		w.ints[at] = t.Kind()
		return nil, nil
	case reflect.Bool, reflect.Float32, reflect.Float64, reflect.String:
		return nil, nil
	}
	return nil, w.fail(at, "is of type "+t.String()+" ("+t.Kind().String()+"), which JSON cannot carry")
}

func (w *typeWalker) walkStruct(t reflect.Type, at string, depth int) (*keyNode, error) {
	if slices.Contains(w.stack, t) {
		return nil, w.fail(at, "refers back to "+t.String()+": a recursive type has no finite schema; bound the nesting with distinct types")
	}
	w.stack = append(w.stack, t)
	defer func() { w.stack = w.stack[:len(w.stack)-1] }()
	fields, err := structFields(t, at)
	if err != nil {
		var te *TypeError
		if asTypeError(err, &te) {
			te.Type = w.root
		}
		return nil, err
	}
	node := &keyNode{fields: make(map[string]*keyNode, len(fields))}
	for _, f := range fields {
		p := joinPath(at, f.name)
		w.paths = append(w.paths, p)
		child, err := w.walk(f.typ, p, depth+1)
		if err != nil {
			return nil, err
		}
		node.fields[f.name] = child
	}
	return node, nil
}

func asTypeError(err error, te **TypeError) bool {
	e, ok := err.(*TypeError)
	if ok {
		*te = e
	}
	return ok
}

// joinPath names a property within the one at path: "pos" and "x" give
// "pos.x"; the root is "".
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
