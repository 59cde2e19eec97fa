package schema

import (
	"reflect"
	"strconv"
)

var stringType = reflect.TypeFor[string]()

// decodeFast reads trimmed, data that is neither blank nor null, into v
// (the struct dst points to) by the plan d, as encoding/json after the
// whole-number rewrite and the folded-key check would. It returns false
// when it cannot be sure of that: bad JSON, a value the Go type does not
// take, a number beyond it, an unknown key where the schema forbids
// extra properties, a key that differs from a field's name only in case,
// nesting beyond maxDepth, an interface field already holding a pointer.
// Decode then starts again with encoding/json, which decides and explains.
// Until then, v holds what was read so far; encoding/json writes the same
// values to the same places, so starting again over them changes nothing.
func (d *fastDecoder) decodeFast(trimmed string, v reflect.Value, rewrite, strict bool) bool {
	r := fastReader{scanner: scanner{s: trimmed}, rewrite: rewrite, strict: strict}
	if trimmed[0] != '{' || !r.value(d, v) {
		return false
	}
	r.ws()
	return r.i == len(r.s)
}

// value reads one value into v, a settable value of d's type.
func (r *fastReader) value(d *fastDecoder, v reflect.Value) bool {
	c := r.peek()
	if c == 'n' {
		return r.literal("null") && r.null(d, v)
	}
	switch d.kind {
	case fastString:
		if c != '"' {
			return false
		}
		s, ok := r.str()
		if ok {
			v.SetString(s)
		}
		return ok
	case fastBool:
		if (c == 't' && r.literal("true")) || (c == 'f' && r.literal("false")) {
			v.SetBool(c == 't')
			return true
		}
		return false
	case fastInt, fastUint, fastFloat:
		return r.numberInto(d, v)
	case fastStruct:
		return c == '{' && r.object(d, v)
	case fastPointer:
		if v.IsNil() {
			v.Set(reflect.New(d.typ.Elem()))
		}
		return r.value(d.elem, v.Elem())
	case fastSlice, fastArray:
		return c == '[' && r.array(d, v)
	case fastMap:
		return c == '{' && r.mapObject(d, v)
	case fastAny:
		if holdsPointer(v) {
			return false
		}
		x, ok := r.anyValue()
		if ok {
			v.Set(reflect.ValueOf(x))
		}
		return ok
	case fastRaw:
		start := r.i
		if !r.skip() {
			return false
		}
		r.setRaw(v, r.s[start:r.i])
		return true
	}
	return false
}

// null stores a null as encoding/json does: pointers, slices, maps and
// interfaces become nil, a json.RawMessage the text null; other values
// stay as they are.
func (r *fastReader) null(d *fastDecoder, v reflect.Value) bool {
	switch d.kind {
	case fastAny:
		if holdsPointer(v) {
			return false // encoding/json may decode into the pointer's target
		}
		v.SetZero()
	case fastPointer, fastSlice, fastMap:
		v.SetZero()
	case fastRaw:
		r.setRaw(v, "null")
	}
	return true
}

// holdsPointer reports whether the interface v holds a non-nil pointer,
// which encoding/json decodes into rather than replacing it.
func holdsPointer(v reflect.Value) bool {
	if v.IsNil() {
		return false
	}
	e := v.Elem()
	return e.Kind() == reflect.Pointer && !e.IsNil()
}

// setRaw stores raw in the json.RawMessage v as its UnmarshalJSON does,
// after the whole-number rewrite that encoding/json would have seen.
func (r *fastReader) setRaw(v reflect.Value, raw string) {
	if r.rewrite {
		raw = wholeNumbers(raw)
	}
	v.SetBytes(append(v.Bytes()[:0], raw...))
}

// numberInto reads a number into the integer or float v.
func (r *fastReader) numberInto(d *fastDecoder, v reflect.Value) bool {
	tok, plain, ok := r.number()
	if !ok {
		return false
	}
	text := r.numText(tok, plain)
	switch d.kind {
	case fastInt:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return false
		}
		v.SetInt(n)
	case fastUint:
		n, err := strconv.ParseUint(text, 10, 64)
		if err != nil || v.OverflowUint(n) {
			return false
		}
		v.SetUint(n)
	default:
		f, err := strconv.ParseFloat(text, d.typ.Bits())
		if err != nil || v.OverflowFloat(f) {
			return false
		}
		v.SetFloat(f)
	}
	return true
}

// object reads an object into the struct v.
func (r *fastReader) object(d *fastDecoder, v reflect.Value) bool {
	if empty, ok := r.open('}'); !ok || empty {
		return ok
	}
	for {
		key, ok := r.key()
		if !ok {
			return false
		}
		j := d.field(key)
		switch {
		case j < 0:
			// encoding/json would skip it, refuse it (strict) or fill a
			// field with it; the folded-key check would refuse it.
			if r.strict || d.foldsLikeField(key, -1) || !r.skip() {
				return false
			}
		case d.fields[j].hidden && d.foldsLikeField(key, j):
			return false // no property to the folded-key check
		default:
			if !r.value(d.fields[j].dec, fieldValue(v, d.fields[j].index)) {
				return false
			}
		}
		if more, ok := r.next('}'); !ok || !more {
			return ok
		}
	}
}

// fieldValue returns the field of struct v at index, allocating embedded
// struct pointers on the way as encoding/json does.
func fieldValue(v reflect.Value, index []int) reflect.Value {
	v = v.Field(index[0])
	for _, x := range index[1:] {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// array reads an array into the slice or array v, as encoding/json does:
// into the elements already there, growing a slice, zeroing the rest of
// an array, skipping items beyond it.
func (r *fastReader) array(d *fastDecoder, v reflect.Value) bool {
	empty, ok := r.open(']')
	if !ok {
		return false
	}
	i := 0
	if !empty {
		for more := true; more; i++ {
			if d.kind == fastSlice {
				if i >= v.Cap() {
					v.Grow(1)
				}
				if i >= v.Len() {
					v.SetLen(i + 1)
				}
			}
			if i < v.Len() {
				if !r.value(d.elem, v.Index(i)) {
					return false
				}
			} else if !r.skip() {
				return false
			}
			if more, ok = r.next(']'); !ok {
				return false
			}
		}
	}
	if i < v.Len() {
		if d.kind == fastArray {
			for ; i < v.Len(); i++ {
				v.Index(i).SetZero()
			}
		} else {
			v.SetLen(i)
		}
	}
	if i == 0 && d.kind == fastSlice {
		v.Set(reflect.MakeSlice(d.typ, 0, 0))
	}
	return true
}

// mapObject reads an object into the map v (string keys): each value
// decoded into a new element, then stored.
func (r *fastReader) mapObject(d *fastDecoder, v reflect.Value) bool {
	if v.IsNil() {
		v.Set(reflect.MakeMap(d.typ))
	}
	if empty, ok := r.open('}'); !ok || empty {
		return ok
	}
	elem := reflect.New(d.typ.Elem()).Elem()
	keyType := d.typ.Key()
	for {
		key, ok := r.key()
		if !ok {
			return false
		}
		elem.SetZero()
		if !r.value(d.elem, elem) {
			return false
		}
		kv := reflect.ValueOf(key)
		if keyType != stringType {
			kv = kv.Convert(keyType)
		}
		v.SetMapIndex(kv, elem)
		if more, ok := r.next('}'); !ok || !more {
			return ok
		}
	}
}
