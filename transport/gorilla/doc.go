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
// default). Any number of goroutines may call Read too: one at a time reads
// from the socket, on its own goroutine, with gorilla's reader (no
// goroutine in between: see BenchmarkEchoRoundTrip against
// BenchmarkRawGorillaEcho); the others wait for it. The connection reads
// its socket only inside Read, so the caller must keep a goroutine in Read
// for as long as the connection is open (the Neuro client does): that is
// where the peer's pings are answered, the keep-alive's pongs seen, and the
// peer's close frame answered.
//
// # Cancelling a Read
//
// gorilla's read side is corrupt after a read is interrupted, so a Read
// cannot give up and leave the connection usable. Like coder/websocket,
// the transport.Conn contract therefore says: a ctx that ends while Read
// reads from the socket closes the connection without a handshake (the
// peer sees 1006), and Read returns ctx.Err() once the connection is
// released; later calls return transport.ErrClosed. A ctx that ended
// before Read got to the socket (already ended, or ending while it waited
// for another Read) only makes that Read return ctx.Err(). To stop reading
// and close gracefully, call Close: the Read in progress reads the peer's
// answer, then returns transport.ErrClosed.
//
// # Keep-alive
//
// A ping is sent every ping interval (10s by default). When nothing arrives
// from the peer, not even a pong, for the pong timeout (twice the ping
// interval by default) while a Read is in progress, the peer is declared
// dead: the connection is released and Read returns a
// *transport.CloseError with Code 1006 whose Err is
// os.ErrDeadlineExceeded. Pongs are only read inside Read, so time spent
// outside Read is not held against the peer: each Read gives it the full
// pong timeout again.
//
// # Closing
//
// Close(code, reason) sends a close frame, waits at most the write timeout
// for the peer's close frame or end of stream (read by the Read in
// progress, or by Close itself when there is none), then closes the
// socket: a vanished peer cannot make it hang. CloseNow closes the socket
// at once. Both are idempotent, may be called from any goroutine, make a
// Read in progress return transport.ErrClosed, and return only once the
// connection's ping goroutine has ended. That goroutine also ends on its
// own when the peer or the network ends the connection.
//
// # Memory
//
// An idle connection holds gorilla's 4 KiB read buffer but no write buffer
// and no frame buffer: connections from Dial and Accept borrow their write
// buffer from a shared pool for the time of one frame (one small
// allocation per frame written), and every connection reads frames into a
// shared pool of scratch buffers before copying them out at their exact
// size. About 8 KiB of heap per connection end, one goroutine (the pinger)
// with keep-alive on: see BenchmarkConnHeap.
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
