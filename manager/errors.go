package manager

import (
	"errors"
	"fmt"
)

// Sentinel errors. Functions wrap them with details (component or event
// name); test them with errors.Is.
var (
	// ErrUnbound is returned by manager-facing calls of a component that is
	// not bound to a Manager (never added, or removed), including a zero Base.
	ErrUnbound = errors.New("manager: component not bound to a manager")
	// ErrAlreadyBound is returned by Add for a component bound to a manager.
	ErrAlreadyBound = errors.New("manager: component already bound to a manager")
	// ErrDuplicateName is returned by Add when the manager already has a
	// component of that name.
	ErrDuplicateName = errors.New("manager: duplicate component name")
	// ErrNotFound is returned for a component name or handler registration
	// that does not exist.
	ErrNotFound = errors.New("manager: not found")
	// ErrNoName is returned for an empty component or event name, a nil
	// component, or a component whose Base was not made by NewBase.
	ErrNoName = errors.New("manager: empty name")
	// ErrPayloadType is wrapped by the error of Payload when the payload
	// has another type.
	ErrPayloadType = errors.New("manager: payload type mismatch")
	// ErrNilHandler is returned when registering a nil Handler.
	ErrNilHandler = errors.New("manager: nil handler")
	// ErrCycle is returned by Add when adding a manager to itself or to one
	// of its descendants.
	ErrCycle = errors.New("manager: manager would contain itself")
	// ErrScopeClosed is returned when work is started in a Scope after
	// Cancel or Close, or after its context is done.
	ErrScopeClosed = errors.New("manager: scope closed")
)

// HandlerError reports the failure of one handler: the event it handled,
// the name of the component that registered it, and the cause. A panic is
// reported as a HandlerError whose Err is a *PanicError.
type HandlerError struct {
	Event     string
	Component string
	Err       error
}

// Error names the event and the component.
func (e *HandlerError) Error() string {
	var p *PanicError
	if errors.As(e.Err, &p) && p == e.Err {
		return fmt.Sprintf("manager: handler of component %q for event %q panicked: %v", e.Component, e.Event, p.Value)
	}
	return fmt.Sprintf("manager: handler of component %q for event %q: %v", e.Component, e.Event, e.Err)
}

// Unwrap returns the cause.
func (e *HandlerError) Unwrap() error { return e.Err }

// PanicError is a recovered panic. Event and Component are set when a
// handler panicked and empty when a function started with Scope.Go did.
type PanicError struct {
	Event     string
	Component string
	// Value is the value passed to panic.
	Value any
	// Stack is the stack of the panicking goroutine (runtime/debug.Stack).
	Stack []byte
}

// Error names the event and component when known, and the panic value.
func (e *PanicError) Error() string {
	if e.Event == "" && e.Component == "" {
		return fmt.Sprintf("manager: panic: %v", e.Value)
	}
	return fmt.Sprintf("manager: handler of component %q for event %q panicked: %v", e.Component, e.Event, e.Value)
}

// Unwrap returns the panic value when it is an error (for example a
// runtime.Error), so errors.Is and errors.As see through the panic.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// joinErrors returns nil, the only error, or errors.Join of all of them.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
