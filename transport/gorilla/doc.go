// Package gorilla implements transport.Conn over gorilla/websocket: Dial (and
// Dialer, a transport.DialFunc) for games, Accept for servers such as the
// Neuro simulator, and Wrap for a *websocket.Conn the game opened itself.
// The three give the same connection, configured by the same options.
//
// # Frames
//
// Every frame written is a text frame. A binary frame received is returned
// by Read like a text frame, logged as a protocol warning and reported to
// the WithOnBinaryFrame hook. Frames over the read limit (1 MiB by default)
// end the connection with close code 1009; Read then returns a
// *transport.CloseError with Code 1009.
//
// # Concurrency
//
// Any number of goroutines may call Write: writes are serialised by a lock
// and run on the caller's goroutine, each bounded by the write timeout (5s by
// default). Reading is done by one goroutine per connection, started by Dial,
// Accept or Wrap, which hands frames to Read through a short queue. This is what
// lets Read honour its context without harming the connection: gorilla's
// read side is corrupt after a read deadline fires, so a cancelled Read
// cannot be implemented by expiring the socket's deadline. A Read whose
// context ends returns ctx.Err() at once, loses no frame, and the next Read
// goes on where it left off. The cost is one goroutine handoff per frame
// received (see BenchmarkEchoRoundTrip against BenchmarkRawGorillaEcho).
//
// # Keep-alive
//
// A ping is sent every ping interval (10s by default). When nothing arrives
// from the peer, not even a pong, for the pong timeout (twice the ping
// interval by default), the peer is declared dead: the connection is
// released and Read returns a *transport.CloseError with Code 1006 whose
// Err is os.ErrDeadlineExceeded. The reader goroutine keeps answering and
// timing pings only while it can hand frames over, so a caller must keep
// reading (the Neuro client always does); up to 16 frames are queued.
//
// # Closing
//
// Close(code, reason) sends a close frame, waits at most the write timeout
// for the peer's close frame or end of stream, then closes the socket: a
// vanished peer cannot make it hang. CloseNow closes the socket at once.
// Both are idempotent, may be called from any goroutine, and return only
// once the connection's goroutines have ended. Every goroutine the package
// starts also ends on its own when the peer or the network ends the
// connection.
//
// # Errors
//
// A close frame from the peer becomes a *transport.CloseError with its code
// and reason (1005 when it carried none); an end of stream, a network error,
// a failed write or a dead peer become a *transport.CloseError with Code
// 1006 and the cause in Err. After a local Close or CloseNow, Read and Write
// return transport.ErrClosed. A refused opening handshake is a
// *HandshakeError with the HTTP status.
package gorilla
