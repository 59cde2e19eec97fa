// Package wire is the Neuro API protocol: one Go type per command in each
// direction, their encoding, one decoder per direction, and the checks a
// message must pass before a game sends it. It imports nothing else of
// neurokit and does no I/O; the SDK (package neuro) and the simulator
// (neuro/server) are built on it.
//
// # Frames
//
// A game talks to Neuro over one websocket; every frame is a text frame
// holding one JSON object, the envelope:
//
//	game → Neuro:  {"command": "...", "game": "<game name>", "data": {...}}
//	Neuro → game:  {"command": "...", "data": {...}}
//
// "data" is absent for commands that carry nothing. The game's name is sent
// as it is, spaces and symbols included, and never changes during a run.
//
// The game sends Startup (first, always), ContextMessage, RegisterActions,
// UnregisterActions, ForceActions, ActionResult and ShutdownReady. Neuro
// sends StartupAck, ActionRequest, ReregisterAll, ShutdownGraceful,
// ShutdownImmediate and SpeechFinished. Every ActionRequest must be
// answered with an ActionResult carrying its ID. A command this package
// does not know decodes as Unknown, in either direction, and is never an
// error: newer servers add commands.
//
// # Encoding and decoding
//
// EncodeGame and EncodeServer write a message of their direction (another
// message is an error); a GameEncoder does EncodeGame's work for one game
// with the name escaped once, and appends an ActionResult without
// allocating. DecodeGame and DecodeServer read a frame of their direction
// in one pass. A malformed frame gives a *DecodeError naming the bad field
// ("data.actions[2].name"), the command when it was readable and, for an
// action, the id whenever it was readable, so that the game can still
// answer it. Action ids are opaque: they are decoded and encoded byte for
// byte, invalid UTF-8 included. A register frame whose action has a schema
// that is null or not an object still decodes; RegisterActions.SchemaNotes
// says which actions those were.
//
// # Checks
//
// ValidateActionName, CheckAction, CheckRegister, CheckForce, CheckResult
// and CheckContext hold a message to the protocol's rules (action names,
// descriptions, a schema of type "object", one force naming registered
// actions, a failed result with a message...). Their errors wrap ErrInvalid
// and hold a *ValidationError. The keywords inside a schema are not this
// package's concern (see neuro/schema).
//
// Every function of this package is safe for concurrent use; messages are
// plain values.
package wire
