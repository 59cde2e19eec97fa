package voice

import (
	"context"
)

// FrameKind says whether a websocket frame is text (a control message) or
// binary (audio).
type FrameKind uint8

// Frame kinds.
const (
	TextFrame   FrameKind = 1
	BinaryFrame FrameKind = 2
)

// String returns "text" or "binary".
func (k FrameKind) String() string {
	switch k {
	case TextFrame:
		return "text"
	case BinaryFrame:
		return "binary"
	}
	return "unknown"
}

// Conn is one voice socket. The voice channel needs binary frames both
// ways, which transport.Conn (text frames only) does not carry, hence this
// contract; Dial, Accept and Wrap provide it over gorilla/websocket.
//
// One goroutine reads (ReadFrame); any number of goroutines write, writes
// being serialised by the implementation. Close and CloseNow may be called
// from any goroutine, any number of times; they make a blocked ReadFrame
// return. Errors follow package transport: *transport.CloseError when the
// peer closed or the connection dropped (code 1006), transport.ErrClosed
// after a local close.
type Conn interface {
	// ReadFrame blocks until the next data frame and returns its kind and
	// payload. The payload is owned by the Conn and valid until the next
	// ReadFrame: copy what you keep. Only one goroutine may call it.
	// Cancellation is by Close or CloseNow.
	ReadFrame() (FrameKind, []byte, error)

	// WriteText sends p as one text frame. Waiting for another writer
	// honours ctx; the write itself is bounded by a write timeout and ctx's
	// deadline.
	WriteText(ctx context.Context, p []byte) error

	// WriteBinary sends p as one binary frame, like WriteText.
	WriteBinary(ctx context.Context, p []byte) error

	// Close sends a close frame with code and reason, waits a bounded time
	// for the peer's answer, then releases the connection. A second call
	// returns nil.
	Close(code int, reason string) error

	// CloseNow releases the connection at once, without a handshake.
	CloseNow() error
}

// DialFunc opens a voice socket at url. It must honour ctx for the whole
// opening handshake, and report a refused upgrade as a *HandshakeError
// (as Dial does), which the Client treats as voice being unavailable.
type DialFunc func(ctx context.Context, url string) (Conn, error)
