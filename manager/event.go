package manager

import (
	"context"
	"fmt"
	"reflect"
)

// Event is what a Manager dispatches: a name, a payload and a level.
//
// Level says how many managers up the event travels before it is
// dispatched: a Manager with a parent that receives an event with Level > 0
// decrements it and hands the event to its parent instead of dispatching
// it. At Level 0, or at a manager without a parent, the event is dispatched
// there and in every child manager; a root manager dispatches an event
// whose Level is still above zero unchanged, so handlers may see it.
//
// Event is a small value type and is passed by value; handlers may read it
// from any goroutine. The payload is shared between every handler of a
// dispatch, so a mutable payload must be safe for concurrent use.
type Event struct {
	// Name selects the handlers: those registered for exactly this name.
	Name string
	// Data is the payload. Read it with Payload.
	Data any
	// Level is the number of managers the event still has to go up.
	Level uint8
}

// NewEvent returns an Event with the given name and payload at level 0.
func NewEvent(name string, data any) Event {
	return Event{Name: name, Data: data}
}

// WithLevel returns a copy of e with its Level set to level.
func (e Event) WithLevel(level uint8) Event {
	e.Level = level
	return e
}

// String returns a short description of e for logs and test output.
func (e Event) String() string {
	return fmt.Sprintf("Event(%q, %T, level %d)", e.Name, e.Data, e.Level)
}

// Payload returns ev.Data as a T. When the payload is not a T it returns
// T's zero value and an error that wraps ErrPayloadType and names the
// event, the wanted type and the actual type; it never panics.
//
// A nil payload is accepted only when T is an interface type (it yields the
// nil interface); for every other T, including pointer types, a nil payload
// is a mismatch.
func Payload[T any](ev Event) (T, error) {
	if v, ok := ev.Data.(T); ok {
		return v, nil
	}
	var zero T
	want := reflect.TypeFor[T]()
	if ev.Data == nil && want.Kind() == reflect.Interface {
		return zero, nil
	}
	return zero, &payloadError{event: ev.Name, want: want, got: reflect.TypeOf(ev.Data)}
}

// payloadError is the error returned by Payload; it wraps ErrPayloadType.
type payloadError struct {
	event string
	want  reflect.Type
	got   reflect.Type // nil for a nil payload
}

func (e *payloadError) Error() string {
	got := "<nil>"
	if e.got != nil {
		got = e.got.String()
	}
	return fmt.Sprintf("%v: event %q carries %s, want %s", ErrPayloadType, e.event, got, e.want)
}

func (e *payloadError) Unwrap() error { return ErrPayloadType }

// Handler handles one event. It runs with the ctx given to Raise (waiting
// form) or with the scope's context (supervised form) and should return
// when that ctx is done. Handlers of one event run concurrently with each
// other, and no lock of the Manager is held while a handler runs: a
// handler may register or unregister handlers, add or remove components
// and raise further events. A returned error is reported wrapped in a
// *HandlerError; a panic is recovered and reported as a *PanicError inside
// a *HandlerError.
type Handler func(ctx context.Context, ev Event) error

// HandlerID identifies one handler registration. Two registrations of the
// same func value get different IDs; handlers are never compared as funcs.
// IDs are unique within the process.
type HandlerID uint64
