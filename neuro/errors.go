package neuro

import (
	"errors"
	"fmt"
)

// Sentinel errors. Test for them with errors.Is: the functions of this
// package wrap them with detail.
var (
	// ErrNotConnected is returned by sends while there is no open connection.
	ErrNotConnected = errors.New("neuro: not connected")
	// ErrForceInFlight is returned by a force while another force of the same
	// client has not resolved yet.
	ErrForceInFlight = errors.New("neuro: a force is already in flight")
	// ErrInvalid is wrapped by every *ValidationError.
	ErrInvalid = errors.New("neuro: invalid")
	// ErrNotRegistered is returned when a call names an action that this
	// client has not registered.
	ErrNotRegistered = errors.New("neuro: action not registered")
	// ErrAlreadyAnswered is returned when a result is sent a second time for
	// the same action id.
	ErrAlreadyAnswered = errors.New("neuro: action already answered")
	// ErrStopped is returned by calls on a component or client that was
	// stopped.
	ErrStopped = errors.New("neuro: stopped")
)

// ValidationError reports a message the game was about to send that breaks
// the Neuro API rules. It wraps ErrInvalid.
type ValidationError struct {
	// Subject names what is wrong: an action name, "result", "force", ...
	Subject string
	// Problem says what is wrong with it, in plain words.
	Problem string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("neuro: invalid %s: %s", e.Subject, e.Problem)
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }
