package transport

import (
	"context"
	"errors"
	"fmt"
)

// Websocket close codes used by neurokit (RFC 6455, section 7.4.1).
const (
	CloseNormal          = 1000 // normal closure
	CloseGoingAway       = 1001 // endpoint going away
	CloseProtocolError   = 1002 // protocol error
	CloseUnsupportedData = 1003 // data of a type that cannot be accepted
	CloseNoStatus        = 1005 // no status code was present (never sent)
	CloseAbnormal        = 1006 // closed without a close frame (never sent)
	CloseInvalidPayload  = 1007 // inconsistent payload data
	ClosePolicyViolation = 1008 // policy violation
	CloseMessageTooBig   = 1009 // frame over the read limit
	CloseInternalError   = 1011 // unexpected condition on the server
)

// Conn is one websocket connection carrying Neuro API frames.
//
// Every frame is one JSON object sent as a text frame. Any number of
// goroutines may call Write (writes are serialised by the implementation)
// and Read (reads are served one at a time, each frame going to one
// caller). Close and CloseNow may be called from any goroutine, any number
// of times; after either, Read and Write return an error promptly.
//
// An implementation may read its socket only inside Read, on the caller's
// goroutine (transport/gorilla does, to save a goroutine hand-off per
// frame): answering the peer's pings, seeing the pongs of a keep-alive,
// answering the peer's close frame and reading the answer to Close then
// happen while some goroutine is in Read. Whoever owns a Conn must keep a
// goroutine reading it for as long as it is open, as the Neuro client does.
type Conn interface {
	// Read blocks until the next frame arrives and returns its payload. The
	// returned slice is owned by the caller. It returns a *CloseError when
	// the peer closed the connection (or it dropped: code 1006), and
	// ErrClosed when it was closed locally (a Read in progress returns
	// ErrClosed once Close or CloseNow closed it).
	//
	// A read from a websocket cannot be abandoned halfway, so ending ctx
	// is not a way to stop reading and keep the connection: if ctx ends
	// while Read waits for the next frame, the connection is closed at
	// once without a close handshake, as by CloseNow (the peer sees 1006),
	// and Read returns ctx.Err(); later calls return ErrClosed. If ctx
	// had ended before Read started to wait for a frame (it was already
	// done, or ended while Read waited for another Read to finish), Read
	// returns ctx.Err() and the connection is untouched. To stop reading
	// and end the connection gracefully, call Close from another
	// goroutine; the Read in progress then returns ErrClosed.
	Read(ctx context.Context) ([]byte, error)

	// Write sends frame as one text frame. It is safe to call from many
	// goroutines at once. It returns ErrClosed or a *CloseError once the
	// connection is closed, and ctx.Err() if ctx ends before the frame could
	// be written.
	Write(ctx context.Context, frame []byte) error

	// Close performs the close handshake with code and reason, waiting a
	// bounded time for the peer's answer, then releases the connection.
	// Calling it again returns nil.
	Close(code int, reason string) error

	// CloseNow releases the connection at once without a close handshake.
	// Calling it again returns nil.
	CloseNow() error
}

// DialFunc opens a connection to a Neuro websocket server at url. It must
// honour ctx for the whole handshake.
type DialFunc func(ctx context.Context, url string) (Conn, error)

// ErrClosed is returned by Conn methods once the connection was closed
// locally.
var ErrClosed = errors.New("transport: connection closed")

// CloseError reports that the peer ended the connection, with the close code
// and reason it sent. Code is CloseAbnormal (1006) when the connection
// dropped without a close frame and CloseNoStatus (1005) when the close
// frame carried no code.
type CloseError struct {
	Code   int
	Reason string
	// Err is the underlying cause, when there is one (an I/O error for 1006).
	Err error
}

// Error implements error.
func (e *CloseError) Error() string {
	msg := fmt.Sprintf("transport: connection closed by peer (code %d", e.Code)
	if e.Reason != "" {
		msg += fmt.Sprintf(", reason %q", e.Reason)
	}
	msg += ")"
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *CloseError) Unwrap() error { return e.Err }

// CloseCode reports the close code and reason carried by err: the peer's for
// a *CloseError, 1000 for ErrClosed (a local close), and ok false otherwise.
func CloseCode(err error) (code int, reason string, ok bool) {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Code, ce.Reason, true
	}
	if errors.Is(err, ErrClosed) {
		return CloseNormal, "", true
	}
	return 0, "", false
}
