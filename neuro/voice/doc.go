// Package voice is the game side of the Neuro API's optional voice chat
// side channel: a second websocket, next to the main one, that carries the
// players' voices to Neuro and hers back into the game's voice chat.
//
// Voice is strictly optional. A server without it refuses the socket or
// answers voice/unavailable; Serve then returns a *UnavailableError
// (errors.Is(err, ErrUnavailable)) and the game carries on without voice.
// Nothing here panics on bad input or retries on its own.
//
// # Session
//
// New derives the voice URL from the main one (see URL). Serve dials,
// sends voice/start, reads the server's voice/ready (its sample rate and
// channel count are read, not assumed), registers the game's speakers and
// reads until the socket ends; it blocks, and the caller owns its
// goroutine. Serve starts two helpers — a watcher that closes the socket
// on ctx, Close or the handshake timeout, and the socket's pinger — and
// joins both before it returns; the Client starts no other goroutine. Stop and Start end and restart the
// session on the same socket; Close ends Serve. Serve may be called again
// after it returned — a reconnect — and registers the same speakers again.
//
// # Component
//
// A game that uses package manager adds a Component (NewComponent) to its
// manager next to the Neuro component: it opens voice once the main
// connection is up (events.Connected), closes it when that drops
// (events.Disconnected), opens it again on events.Reconnected with the
// speakers registered again, and raises the voice events (VoiceReady,
// VoiceUnavailable, VoiceSpeaking, VoiceCancelled, VoiceEnded) on the
// manager. A server without voice yields one VoiceUnavailable per main
// connection and no retry; a voice socket that fails while the main
// connection is up is re-opened with backoff (WithReconnect). Open runs
// it without a main connection (voice-only). The Component imports
// package manager and events only: it never sees the Neuro component.
//
// # Speakers and upstream audio
//
// Register, rename (register again) and Unregister speakers by a uint16 id
// of the game's choice, at most MaxSpeakers. Send writes one frame of a
// speaker's voice — header (version 1, flags 0, speaker id little-endian)
// and float32 little-endian mono samples at the server's rate, 10–100 ms —
// after checking that a session is ready, the speaker is registered and
// the length is allowed. A Stream does the rest for a game's own PCM:
// int16 or float32, any channel count and rate, downmixed, resampled
// (Converter: a windowed-sinc polyphase resampler) and cut into 20 ms
// frames. Neither allocates per frame in steady state.
//
// # Neuro's voice
//
// Downstream audio (headerless float32 PCM) is held in a bounded buffer
// that the game drains with ReadAudio and feeds to its voice-chat transmit
// path, keyed while Handlers.Speaking reported true. voice/cancelled
// drops what is held at once and reports Handlers.Cancelled (then
// Speaking false). Handlers run on Serve's goroutine, in order, outside
// locks; their payloads are the types of package events, so a component
// can raise them as events unchanged.
//
// # Transport
//
// The voice channel needs binary frames both ways, which transport.Conn
// does not carry: Conn is this package's contract (ReadFrame with its
// kind, WriteText, WriteBinary, Close, CloseNow), and Dial, Accept and
// Wrap implement it over gorilla/websocket with a read limit, keep-alive
// pings and write timeouts. Errors follow package transport
// (*transport.CloseError, transport.ErrClosed). gorilla allocates one small
// object per frame read, and one per frame written on the client side;
// this package adds none.
package voice
