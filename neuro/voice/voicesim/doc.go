// Package voicesim is the server side of the Neuro API's voice side
// channel, for the simulator to mount on /game/<name>/voice and for tests.
//
// A socket's voice/start is answered voice/ready {sample_rate: 48000,
// channels: 1}, or, while voice is off (WithEnabled, SetEnabled),
// voice/unavailable and a close. A socket that sends no voice/start within
// the start timeout is warned about and closed.
//
// # Checks
//
// Everything a game sends is checked; each problem becomes a Warning (see
// the Warn… kinds), kept in a bounded list (Warnings), logged and passed
// to the WithOnWarning hook, and the frame or message is dropped: wrong
// header version or flags, a frame shorter than its header, a misaligned
// payload, a frame outside 10–100 ms, audio outside a session, audio from
// a speaker never registered or since unregistered, more than 32 speakers,
// invalid speaker entries, unregistering an unknown id, malformed or
// unknown control messages, a game name that differs from the URL's, a
// frame over the read limit.
//
// # State
//
// State (and Game, for one game) returns, per game, the socket's status
// and, per speaker, the audio received (seconds, frames, last frame time)
// with JSON tags, for the simulator's GET /state. Records are bounded
// (games, speakers, warnings). Changed hands out a channel closed at the
// next change, so that tests wait for a state without polling.
//
// # Neuro speaks
//
// Speak sends voice/speaking true, a generated voice-like signal as 20 ms
// PCM frames at real-time pace (paced by the Clock, which tests replace),
// then voice/speaking false; Interrupt cuts it off with voice/cancelled.
// SpeakUntil does the same for an utterance of unknown length, ended by
// its Cue (Finish or Interrupt): the simulator's speaking model drives it.
// Disconnect closes a game's socket, for tests of a game's reconnect.
//
// # Goroutines
//
// ServeHTTP and ServeConn read on the caller's goroutine and own one
// watcher goroutine (closing the socket on ctx, Close or the start
// timeout), joined before they return; Speak runs on its caller's
// goroutine. Close ends every socket and utterance and waits for all of
// those calls to return.
package voicesim
