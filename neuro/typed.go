package neuro

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/schema"
)

// SchemaOf returns the action schema for the struct type T, built from
// its fields and struct tags with github.com/invopop/jsonschema and
// reduced to what Neuro handles well: an object schema, nested structs
// written out in place, no keyword Neuro handles poorly unless a tag asks
// for it, and no field descriptions (ActionOf folds them into the action's
// description instead). The tag conventions are in the documentation of
// package neuro/schema ("Schemas from Go types"). A struct without
// properties gives a nil Schema: an action that takes no data.
//
// It returns a *schema.TypeError, never panics, for a type that cannot be
// an action schema: not a struct, maps with non-string keys, channels,
// functions, recursive types, and the others the schema package lists.
// Each type is reflected once; every call returns a new copy.
func SchemaOf[T any]() (Schema, error) {
	ts, err := schema.ForType(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	return Schema(ts.Doc()), nil
}

// ActionOf returns the action called name whose schema is SchemaOf[T]
// and whose description is description followed by the descriptions of
// T's fields, one line each ("About the data:" then `- "cell": the cell
// to play`), where Neuro reads them.
func ActionOf[T any](name, description string) (Action, error) {
	ts, err := schema.ForType(reflect.TypeFor[T]())
	if err != nil {
		return Action{}, err
	}
	return Action{Name: name, Description: ts.Describe(description), Schema: Schema(ts.Doc())}, nil
}

// Validator is implemented by a typed action's data type (or a pointer to
// it) that has rules of its own, across fields: "from" and "to" must
// differ. The typed handlers call Validate after decoding and after the
// Rules, before the handler; an error is answered with a failed result
// whose message is the error's text, so it must say what to send.
type Validator interface {
	Validate() error
}

// TypedSpec returns the ActionSpec of a typed action, for Window,
// HandleTemporaryGroup and the like: ActionOf[T](name, description) with
// a handler that decodes the data into a T and calls fn with it (Among
// rules also narrow the schema). The schema is built and the rules bound
// here, once; the handler only decodes.
//
// For each use, in order: the data, which the component checked against
// the schema when the action arrived, is decoded once with encoding/json
// (no data gives T's zero value, when the schema allows it); each rule
// runs against the value; Validate runs when T implements Validator; then
// fn. The first of them to fail is answered with a failed result whose
// message says what to send (`"cell" must be one of 1, 5, 9 right now,
// not 3`), and fn is not called. fn's Result is sent as with HandleAction.
//
// It returns an error for a T that SchemaOf refuses, a nil fn, and a rule
// naming no property of T or of the wrong type.
func TypedSpec[T any](name, description string, fn func(ctx context.Context, v T) Result, rules ...Rule) (ActionSpec, error) {
	if fn == nil {
		return ActionSpec{}, &ValidationError{Subject: fmt.Sprintf("typed action %q", name), Problem: "has no handler"}
	}
	ts, err := schema.ForType(reflect.TypeFor[T]())
	if err != nil {
		return ActionSpec{}, err
	}
	doc := ts.Doc()
	checks := make([]ruleCheck, len(rules))
	for i, r := range rules {
		if r == nil {
			return ActionSpec{}, &ValidationError{Subject: fmt.Sprintf("typed action %q", name), Problem: fmt.Sprintf("rule %d is nil", i)}
		}
		b, err := r.bind(ts)
		if err == nil && b.narrow != nil {
			err = b.narrow(doc)
		}
		if err != nil {
			return ActionSpec{}, fmt.Errorf("neuro: typed action %q: %w", name, err)
		}
		checks[i] = b.check
	}
	return ActionSpec{
		Action:  Action{Name: name, Description: ts.Describe(description), Schema: Schema(doc)},
		Handler: typedHandler(ts, checks, fn),
	}, nil
}

// typedHandler decodes, checks and calls fn.
func typedHandler[T any](ts *schema.TypeSchema, checks []ruleCheck, fn func(context.Context, T) Result) ActionFunc {
	return func(ctx context.Context, act events.Action) Result {
		var v T
		if err := ts.Decode(act.Data, &v); err != nil {
			return Failure(decodeFailure(err))
		}
		if len(checks) > 0 {
			rv := reflect.ValueOf(&v).Elem()
			for _, check := range checks {
				if msg := check(rv); msg != "" {
					return Failure(msg)
				}
			}
		}
		if val, ok := any(&v).(Validator); ok {
			if err := val.Validate(); err != nil {
				return Failure(err.Error())
			}
		}
		return fn(ctx, v)
	}
}

// decodeFailure is the failed result's message for a decoding error.
func decodeFailure(err error) string {
	var de *schema.DecodeError
	if errors.As(err, &de) {
		return de.Message
	}
	return typedInternalMessage
}

// typedInternalMessage is the failed result's message when decoding fails
// for a reason that is the game's fault, not the data's.
const typedInternalMessage = "the game could not read this data because of an internal error; this is not your mistake"

// HandleTyped registers the typed action called name (see TypedSpec) with
// c.HandleAction: fn gets each use's data decoded into a T. It has
// HandleAction's lifetime rules: the action stays registered until
// UnregisterActions, and c must be in a manager.
func HandleTyped[T any](ctx context.Context, c *Component, name, description string, fn func(ctx context.Context, v T) Result, rules ...Rule) error {
	spec, err := TypedSpec(name, description, fn, rules...)
	if err != nil {
		return err
	}
	return c.HandleAction(ctx, spec.Action, spec.Handler)
}

// HandleTemporaryTyped is HandleTyped for a one-shot action, registered
// with c.HandleTemporaryAction: unregistered after its first successful
// use, before that success's result is sent. A use that fails to decode,
// breaks a rule or fails in fn keeps it.
func HandleTemporaryTyped[T any](ctx context.Context, c *Component, name, description string, fn func(ctx context.Context, v T) Result, rules ...Rule) error {
	spec, err := TypedSpec(name, description, fn, rules...)
	if err != nil {
		return err
	}
	return c.HandleTemporaryAction(ctx, spec.Action, spec.Handler)
}
