package schema

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A fastDecoder is the plan, made once per type by ForType, for reading
// JSON text straight into a value of one Go type (decode_fast.go) the way
// encoding/json would. planType makes one only for types whose decoding it
// knows exactly; Decode takes encoding/json for the others.
type fastDecoder struct {
	kind   fastKind
	typ    reflect.Type
	elem   *fastDecoder // pointer, slice, array, map: the element's plan
	fields []fastField  // struct: its fields as encoding/json sees them
	byName map[string]int
	// ghosts are the struct's schema properties that name no field for
	// encoding/json (an invalid json tag name): no field to decode, but
	// names to the folded-key check.
	ghosts []string
	// foldSlow: a field name is not ASCII, so case folding must go the
	// long way (foldsLikeField).
	foldSlow bool
}

// fastKind says how a fastDecoder reads a value.
type fastKind uint8

const (
	fastBool fastKind = iota
	fastString
	fastInt
	fastUint
	fastFloat
	fastStruct
	fastPointer
	fastSlice
	fastArray
	fastMap
	fastAny // interface{}: map[string]any, []any, float64, string, bool, nil
	fastRaw // json.RawMessage
)

// fastField is a struct field encoding/json decodes into.
type fastField struct {
	name  string
	index []int // reflect index path, through embedded structs
	dec   *fastDecoder
	// hidden: the schema leaves the field out (jsonschema:"-") though
	// encoding/json fills it, so its key is no property to the
	// folded-key check.
	hidden bool
}

// linearFields is the most fields a struct plan looks up one by one;
// beyond it, byName.
const linearFields = 8

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonNumberType      = reflect.TypeFor[json.Number]()
)

// planner builds the fastDecoders of one type.
type planner struct {
	stack []reflect.Type // structs being planned, for recursion
}

// planType returns the plan for t, or nil when encoding/json must decode
// it: a type with its own decoding (UnmarshalJSON, UnmarshalText: time.Time,
// net.IP, ...), a custom schema (a JSONSchema method), json.Number, a byte
// slice, struct fields that encoding/json names
// otherwise than the schema does, or a kind the plan does not read.
func planType(t reflect.Type) *fastDecoder {
	p := &planner{}
	return p.plan(t, 0)
}

func (p *planner) plan(t reflect.Type, depth int) *fastDecoder {
	if depth > maxTypeDepth {
		return nil
	}
	if t == rawMessageType {
		return &fastDecoder{kind: fastRaw, typ: t}
	}
	// A pointer has the methods of its target, which the target's plan
	// looks at.
	if (t.Kind() != reflect.Pointer && hasOwnDecoding(t)) || t == jsonNumberType {
		return nil
	}
	d := &fastDecoder{typ: t}
	switch t.Kind() {
	case reflect.Bool:
		d.kind = fastBool
	case reflect.String:
		d.kind = fastString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.kind = fastInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		d.kind = fastUint
	case reflect.Float32, reflect.Float64:
		d.kind = fastFloat
	case reflect.Interface:
		if t.NumMethod() > 0 {
			return nil
		}
		d.kind = fastAny
	case reflect.Pointer:
		d.kind = fastPointer
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // base64
		}
		d.kind = fastSlice
	case reflect.Array:
		d.kind = fastArray
	case reflect.Map:
		if t.Key().Kind() != reflect.String || hasOwnDecoding(t.Key()) {
			return nil
		}
		d.kind = fastMap
	case reflect.Struct:
		return p.planStruct(t, depth)
	default:
		return nil
	}
	if d.kind >= fastPointer && d.kind <= fastMap {
		if d.elem = p.plan(t.Elem(), depth+1); d.elem == nil {
			return nil
		}
	}
	return d
}

// hasOwnDecoding reports whether encoding/json decodes t by a method of
// t or *t, or ForType took t's schema from its JSONSchema method.
func hasOwnDecoding(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	for _, it := range []reflect.Type{jsonUnmarshalerType, textUnmarshalerType, customSchemaType} {
		if t.Implements(it) || pt.Implements(it) {
			return true
		}
	}
	return false
}

func (p *planner) planStruct(t reflect.Type, depth int) *fastDecoder {
	if slices.Contains(p.stack, t) {
		return nil // recursion through a field the schema leaves out
	}
	p.stack = append(p.stack, t)
	defer func() { p.stack = p.stack[:len(p.stack)-1] }()
	props, err := structFields(t, "")
	if err != nil {
		return nil
	}
	var fields []fastField
	if !appendJSONFields(&fields, t, nil, 0) {
		return nil
	}
	d := &fastDecoder{kind: fastStruct, typ: t, fields: fields}
	for _, prop := range props {
		if !slices.ContainsFunc(fields, func(f fastField) bool { return f.name == prop.name }) {
			d.ghosts = append(d.ghosts, prop.name)
		}
	}
	for i := range d.fields {
		f := &d.fields[i]
		f.hidden = !slices.ContainsFunc(props, func(jf jsonField) bool { return jf.name == f.name })
		if f.dec = p.plan(fieldType(t, f.index), depth+1); f.dec == nil {
			return nil
		}
	}
	for _, name := range d.names() {
		for _, r := range name {
			d.foldSlow = d.foldSlow || r >= utf8.RuneSelf
		}
	}
	if len(fields) > linearFields {
		d.byName = make(map[string]int, len(fields))
		for i, f := range fields {
			d.byName[f.name] = i
		}
	}
	return d
}

// fieldType returns the type of the field at index within struct t.
func fieldType(t reflect.Type, index []int) reflect.Type {
	for i, x := range index {
		if i > 0 && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		t = t.Field(x).Type
	}
	return t
}

// appendJSONFields lists the fields of struct t that encoding/json
// decodes into, by its rules (typeFields in encoding/json/encode.go):
// exported fields and the exported fields of embedded structs, named by
// a valid json tag name or else the Go name, json:"-" left out. It
// returns false where those rules need more than a list: two fields of
// one name (encoding/json's dominance rules), an embedded pointer to an
// unexported struct, the ",string" option.
func appendJSONFields(out *[]fastField, t reflect.Type, prefix []int, depth int) bool {
	if depth > maxTypeDepth {
		return false
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if !sf.IsExported() && et.Kind() != reflect.Struct {
				continue
			}
		} else if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if slices.Contains(strings.Split(opts, ","), "string") {
			return false
		}
		if !isValidTag(name) {
			name = ""
		}
		index := append(slices.Clip(prefix), i)
		ft := sf.Type
		if ft.Name() == "" && ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
			if sf.Type.Kind() == reflect.Pointer && !sf.IsExported() {
				return false // encoding/json cannot set it
			}
			if !appendJSONFields(out, ft, index, depth+1) {
				return false
			}
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if slices.ContainsFunc(*out, func(f fastField) bool { return f.name == name }) {
			return false
		}
		*out = append(*out, fastField{name: name, index: index})
	}
	return true
}

// isValidTag is encoding/json's test of a json tag name; it uses the Go
// field name for names that fail it.
func isValidTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// field returns the index of the field named key exactly, or -1.
func (d *fastDecoder) field(key string) int {
	if d.byName != nil {
		if i, ok := d.byName[key]; ok {
			return i
		}
		return -1
	}
	for i := range d.fields {
		if d.fields[i].name == key {
			return i
		}
	}
	return -1
}

// names iterates over the names of the struct's fields, then its ghosts.
func (d *fastDecoder) names() func(yield func(int, string) bool) {
	return func(yield func(int, string) bool) {
		for i := range d.fields {
			if !yield(i, d.fields[i].name) {
				return
			}
		}
		for i, g := range d.ghosts {
			if !yield(len(d.fields)+i, g) {
				return
			}
		}
	}
}

// foldsLikeField reports whether key, not the name of field skip (-1 for
// none), equals another field's or a ghost's name ignoring case, by
// either of the foldings in play: strings.EqualFold (the folded-key
// check, which turns such a key down) or encoding/json's (which decodes
// the key into that field). Decode then leaves the data to encoding/json
// and the check.
func (d *fastDecoder) foldsLikeField(key string, skip int) bool {
	ascii := !d.foldSlow
	for i := 0; ascii && i < len(key); i++ {
		ascii = key[i] < utf8.RuneSelf
	}
	var folded string
	if !ascii {
		folded = jsonFold(key)
	}
	for i, name := range d.names() {
		if i != skip && (strings.EqualFold(key, name) || (!ascii && folded == jsonFold(name))) {
			return true
		}
	}
	return false
}

// jsonFold is encoding/json's foldName: ASCII letters upper-cased, other
// runes mapped to the upper case of their lower case.
func jsonFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			continue
		}
		b.WriteRune(unicode.ToUpper(unicode.ToLower(r)))
	}
	return b.String()
}
