package neuro

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/neurokit/neurokit/neuro/schema"
)

// Rule checks a typed action's decoded data against the game's state at
// the moment of the use, after decoding and before Validate and the
// handler (see TypedSpec). Make one with OneOf, for an action registered
// for good whose options change while it is registered, or with Among,
// for an action registered anew with each set of options (a window).
type Rule interface {
	// bind resolves the rule against the type's schema, once, at
	// registration.
	bind(ts *schema.TypeSchema) (boundRule, error)
}

// boundRule is a Rule bound to a type.
type boundRule struct {
	check ruleCheck
	// narrow, when not nil, writes the rule into the registered schema.
	narrow func(doc map[string]any) error
}

// ruleCheck returns "" when the value (a T) passes, or the failed
// result's message.
type ruleCheck func(v reflect.Value) string

// OneOf returns a Rule: the property field ("cell", or "pos.x" within a
// nested struct) must be one of the values current returns at the moment
// of the use; when the property is a slice or an array, each of its items
// must. Otherwise the use gets a failed result listing the options:
// `"cell" must be one of 1, 5, 9 right now, not 3`. A property left out
// passes (whether it may be is the schema's business): a nil pointer, or
// the zero value of an optional property (one not required, or within
// one), as omitempty counts it; use a pointer field to check a zero value
// that was sent.
//
// current is called once per use, from the goroutine handling the action,
// so it must be safe to call while the game changes its state (guard what
// it reads). V must be the property's type, or have its kind and be
// convertible from it (an int for a field of a named int type); TypedSpec
// refuses a rule that names no property of T or whose V does not fit.
//
// The registered schema stays as the type says (1 to 9, say), so the
// action need not be registered again when the options change, as the
// Neuro API advises; Neuro learns the options of the moment from the
// failed result, and from the context or force state the game sends.
func OneOf[V comparable](field string, current func() []V) Rule {
	return oneOf[V]{field: field, current: current}
}

// Among returns a Rule for an action registered anew with each set of
// options, as a Window's actions are: the property field (as for OneOf)
// must be one of values, and the registered schema says so with an
// "enum" on the property (on its items for a slice or an array), so that
// Neuro sees the options. The values replace any enum the tags give the
// property, and must fit its type and its other tags (a minimum, a
// pattern), which still apply. Uses are checked as with OneOf. Among
// copies values; it needs at least one. For an action registered for
// good, use OneOf: the enum would go stale.
func Among[V comparable](field string, values ...V) Rule {
	vals := slices.Clone(values)
	return oneOf[V]{field: field, current: func() []V { return vals }, among: vals, narrow: true}
}

type oneOf[V comparable] struct {
	field   string
	current func() []V
	among   []V  // Among's values
	narrow  bool // Among: write them into the schema
}

func (r oneOf[V]) bind(ts *schema.TypeSchema) (boundRule, error) {
	what := "OneOf(" + strconv.Quote(r.field) + ")"
	if r.narrow {
		what = "Among(" + strconv.Quote(r.field) + ")"
		if len(r.among) == 0 {
			return boundRule{}, &ValidationError{Subject: what, Problem: "needs at least one value: Neuro could send nothing valid"}
		}
	}
	if r.current == nil {
		return boundRule{}, &ValidationError{Subject: what, Problem: "has no function for the current options"}
	}
	f, err := ts.Field(r.field)
	if err != nil {
		return boundRule{}, err
	}
	vt := reflect.TypeFor[V]()
	ft := derefType(f.Type)
	each := false
	if !fitsRule(ft, vt) {
		if k := ft.Kind(); (k == reflect.Slice || k == reflect.Array) && fitsRule(derefType(ft.Elem()), vt) {
			each = true
		} else {
			return boundRule{}, &ValidationError{Subject: what, Problem: fmt.Sprintf("compares %s values, but the property is a %s", vt, f.Type)}
		}
	}
	b := boundRule{check: r.check(f, vt, each)}
	if r.narrow {
		b.narrow = func(doc map[string]any) error { return setEnum(doc, r.field, each, r.among) }
	}
	return b, nil
}

// check returns the rule's check of property f, compared as vt; each
// says that f is a list whose items are compared.
func (r oneOf[V]) check(f schema.Field, vt reflect.Type, each bool) ruleCheck {
	name := strconv.Quote(r.field)
	return func(root reflect.Value) string {
		fv, ok := f.Value(root)
		if !ok {
			return ""
		}
		fv = derefValue(fv)
		if !fv.IsValid() || (f.Optional && fv.IsZero()) {
			return "" // left out
		}
		options := r.current()
		if !each {
			got := fv.Convert(vt).Interface().(V)
			if slices.Contains(options, got) {
				return ""
			}
			if len(options) == 0 {
				return "no value of " + name + " is possible right now; try another action"
			}
			return name + " must be " + optionsText(options) + " right now, not " + valueJSON(got)
		}
		for i := range fv.Len() {
			item := derefValue(fv.Index(i))
			if !item.IsValid() {
				continue
			}
			got := item.Convert(vt).Interface().(V)
			if slices.Contains(options, got) {
				continue
			}
			if len(options) == 0 {
				return "no value of " + name + " is possible right now; send none or try another action"
			}
			return "each item of " + name + " must be " + optionsText(options) + " right now; " +
				valueJSON(got) + " (item " + strconv.Itoa(i) + ") is not"
		}
		return ""
	}
}

// setEnum writes values as the "enum" of the property at path in the
// schema doc (of its items when each).
func setEnum[V any](doc map[string]any, path string, each bool, values []V) error {
	node := doc
	for _, name := range strings.Split(path, ".") {
		props, _ := node["properties"].(map[string]any)
		if node, _ = props[name].(map[string]any); node == nil {
			return &ValidationError{Subject: "Among(" + strconv.Quote(path) + ")", Problem: "finds no schema for the property to write the options into"}
		}
	}
	if each {
		if node, _ = node["items"].(map[string]any); node == nil {
			return &ValidationError{Subject: "Among(" + strconv.Quote(path) + ")", Problem: "finds no schema for the items to write the options into"}
		}
	}
	enum := make([]any, len(values))
	for i, v := range values {
		enum[i] = v
	}
	node["enum"] = enum
	return nil
}

// fitsRule reports whether values of field type ft can be compared as vt.
func fitsRule(ft, vt reflect.Type) bool {
	return ft.Kind() == vt.Kind() && ft.ConvertibleTo(vt)
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// derefValue follows pointers; it returns the zero Value for a nil one.
func derefValue(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

// maxOptionsShown bounds the options a message lists.
const maxOptionsShown = 40

// optionsText lists options for a message: `one of 1, 5, 9`, or `5`.
func optionsText[V any](options []V) string {
	if len(options) == 1 {
		return valueJSON(options[0])
	}
	shown := make([]string, 0, min(len(options), maxOptionsShown)+1)
	for i, o := range options {
		if i == maxOptionsShown {
			shown = append(shown, fmt.Sprintf("... (%d more)", len(options)-maxOptionsShown))
			break
		}
		shown = append(shown, valueJSON(o))
	}
	return "one of " + strings.Join(shown, ", ")
}

// valueJSON writes v as JSON, the way Neuro would send it.
func valueJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const maxLen = 60
	if len(b) <= maxLen {
		return string(b)
	}
	n := maxLen
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n]) + "..."
}
