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
// handler (see TypedSpec). Rules keep the registered schema stable while
// the valid options change every turn: registering the action again with
// a new enum on every change is what the Neuro API advises against. Make
// one with OneOf.
type Rule interface {
	// bind resolves the rule against the type's schema, once, at
	// registration.
	bind(ts *schema.TypeSchema) (ruleCheck, error)
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
func OneOf[V comparable](field string, current func() []V) Rule {
	return oneOf[V]{field: field, current: current}
}

type oneOf[V comparable] struct {
	field   string
	current func() []V
}

func (r oneOf[V]) bind(ts *schema.TypeSchema) (ruleCheck, error) {
	what := "OneOf(" + strconv.Quote(r.field) + ")"
	if r.current == nil {
		return nil, &ValidationError{Subject: what, Problem: "has no function for the current options"}
	}
	f, err := ts.Field(r.field)
	if err != nil {
		return nil, err
	}
	vt := reflect.TypeFor[V]()
	ft := derefType(f.Type)
	each := false
	if !fitsRule(ft, vt) {
		if k := ft.Kind(); (k == reflect.Slice || k == reflect.Array) && fitsRule(derefType(ft.Elem()), vt) {
			each = true
		} else {
			return nil, &ValidationError{Subject: what, Problem: fmt.Sprintf("compares %s values, but the property is a %s", vt, f.Type)}
		}
	}
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
	}, nil
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
