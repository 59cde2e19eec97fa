package neuro

import (
	"context"
	"errors"
	"fmt"

	"github.com/neurokit/neurokit/neuro/wire"
)

// Sentinel errors. Test for them with errors.Is: the functions of this
// package wrap them with detail.
var (
	// ErrNotConnected is returned by sends while there is no open connection.
	ErrNotConnected = errors.New("neuro: not connected")
	// ErrForceInFlight is returned by a force while another force of the same
	// client has not resolved yet.
	ErrForceInFlight = errors.New("neuro: a force is already in flight")
	// ErrInvalid is wrapped by every *ValidationError (it is
	// wire.ErrInvalid).
	ErrInvalid = wire.ErrInvalid
	// ErrNotRegistered is returned when a call names an action that this
	// client has not registered (it is wire.ErrNotRegistered).
	ErrNotRegistered = wire.ErrNotRegistered
	// ErrAlreadyAnswered is returned when a result is sent a second time for
	// the same action id.
	ErrAlreadyAnswered = errors.New("neuro: action already answered")
	// ErrStopped is returned by calls on a component that was stopped, and
	// by Component.Serve when Stop ended it.
	ErrStopped = errors.New("neuro: stopped")
	// ErrContextDropped is wrapped by the error SendContext returns when the
	// buffer of context kept while disconnected was full: the new message
	// was buffered and the oldest one dropped (see WithContextBuffer). The
	// error names the dropped message, so the game can send it again or
	// summarise what Neuro missed.
	ErrContextDropped = errors.New("neuro: context buffer full, oldest message dropped")
	// ErrConnectionLost is wrapped by the error WaitSpeechFinished returns
	// when the connection ended (or Stop was called) while it waited:
	// Neuro's final speech_finished can no longer come.
	ErrConnectionLost = errors.New("neuro: connection lost")
	// ErrForceIgnored is wrapped by the error Window returns when Neuro
	// stayed quiet on its force through every force again it allowed (see
	// WindowSpec.MaxReforces): she is not answering this window.
	ErrForceIgnored = errors.New("neuro: Neuro did not act on the force")
)

// ErrHandlerTimeout is the cause (context.Cause) of the cancellation of
// the context an action was delivered with when the handler timeout
// passed (see WithHandlerTimeout). It wraps context.DeadlineExceeded.
var ErrHandlerTimeout = fmt.Errorf("neuro: action handler timed out: %w", context.DeadlineExceeded)

// Errors of misuse, not worth a sentinel of their own.
var (
	// errRunning is returned by Connect and Serve while the component is
	// connecting or connected.
	errRunning = errors.New("neuro: already connecting or connected")
	// errAttached is returned by Attach while another connection is
	// attached.
	errAttached = errors.New("neuro: a connection is already attached")
)

// ValidationError reports a message the game was about to send that breaks
// the Neuro API rules. It wraps ErrInvalid. It is wire.ValidationError.
type ValidationError = wire.ValidationError
