package voice

import (
	"errors"
	"fmt"
)

// Errors returned by the Client. Test with errors.Is.
var (
	// ErrUnavailable is matched by every *UnavailableError: the server has
	// no voice chat for this game. Carry on without voice; do not retry.
	ErrUnavailable = errors.New("voice: unavailable")
	// ErrClosed is returned once the Client was closed.
	ErrClosed = errors.New("voice: client closed")
	// ErrServing is returned by Serve while another Serve runs.
	ErrServing = errors.New("voice: already serving")
	// ErrNotReady is returned by Send, Start and Stop when there is no
	// voice session to use (no socket, or voice/ready not received, or
	// stopped).
	ErrNotReady = errors.New("voice: no voice session")
	// ErrUnknownSpeaker is returned for audio from, or unregistering of, a
	// speaker id that is not registered.
	ErrUnknownSpeaker = errors.New("voice: speaker not registered")
	// ErrTooManySpeakers is returned when registering more than
	// MaxSpeakers speakers.
	ErrTooManySpeakers = errors.New("voice: too many speakers")
)

// UnavailableError reports that the server has no voice chat: it answered
// voice/unavailable, refused the upgrade (StatusCode is then the HTTP
// status, e.g. 404), closed before answering voice/start, did not answer
// within the handshake timeout, or asked for an audio format the client
// cannot produce. errors.Is(err, ErrUnavailable) is true.
type UnavailableError struct {
	URL        string
	Reason     string
	StatusCode int
	// Err is the underlying error, when there is one.
	Err error
}

// Error implements error.
func (e *UnavailableError) Error() string {
	msg := "voice: unavailable at " + e.URL
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	if e.Err != nil {
		msg += fmt.Sprintf(" (%v)", e.Err)
	}
	return msg
}

// Is reports whether target is ErrUnavailable.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Unwrap returns the underlying error.
func (e *UnavailableError) Unwrap() error { return e.Err }
