package neuro

import (
	"context"
	"reflect"

	"github.com/neurokit/neurokit/neuro/schema"
)

// Decode checks data, the JSON document of an action (WindowResult.Data,
// events.Action.Data), against SchemaOf[T] and decodes it into a T, for
// raw handlers and window results. No data (absent, blank or null) gives
// T's zero value when the schema allows it. Every failure is a
// *schema.DecodeError whose Message can be sent to Neuro as a failed
// result's message; a T that SchemaOf refuses gives its *schema.TypeError.
// Decode does not run Rules or Validate. It is safe for concurrent use.
func Decode[T any](data string) (T, error) {
	var v T
	ts, err := schema.ForType(reflect.TypeFor[T]())
	if err != nil {
		return v, err
	}
	err = ts.CheckDecode(data, &v)
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// TypedWindow opens a Window whose one action is the typed action called
// name (see TypedSpec) and returns the value of the use that closed it.
// spec gives the window's context and force; its Actions must be empty.
// A nil fn accepts every use that decodes and passes the rules and
// Validate. It has Window's rules for races, reconnects and ctx.
func TypedWindow[T any](ctx context.Context, c *Component, spec WindowSpec, name, description string,
	fn func(ctx context.Context, v T) Result, rules ...Rule) (T, error) {
	var zero T
	if len(spec.Actions) > 0 {
		return zero, &ValidationError{Subject: "typed window", Problem: "spec.Actions must be empty: the typed action is the window's action"}
	}
	if fn == nil {
		fn = func(context.Context, T) Result { return Success("") }
	}
	as, err := TypedSpec(name, description, fn, rules...)
	if err != nil {
		return zero, err
	}
	spec.Actions = []ActionSpec{as}
	res, err := c.Window(ctx, spec)
	if err != nil {
		return zero, err
	}
	// The winning use decoded already; its data decodes the same again.
	return Decode[T](res.Data)
}
