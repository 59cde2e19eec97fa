package relay

import (
	"bytes"

	"github.com/neurokit/neurokit/neuro/wire"
)

// This file is the relay's only contact with the protocol package: the
// message types it reads and writes, under local names, the four codec
// functions, the upstream encoder, and the pieces of encoded frames the
// byte-level path (hot.go) splices. Moving to another codec package
// changes this file and hot.go alone.

type (
	message          = wire.Message
	wireAction       = wire.Action
	decodeError      = wire.DecodeError
	startupMsg       = wire.Startup
	contextMsg       = wire.ContextMessage
	registerMsg      = wire.RegisterActions
	unregisterMsg    = wire.UnregisterActions
	forceMsg         = wire.ForceActions
	resultMsg        = wire.ActionResult
	shutdownReadyMsg = wire.ShutdownReady
	unknownMsg       = wire.Unknown

	gameEncoder = wire.GameEncoder

	startupAckMsg        = wire.StartupAck
	actionMsg            = wire.ActionRequest
	reregisterAllMsg     = wire.ReregisterAll
	shutdownGracefulMsg  = wire.ShutdownGraceful
	shutdownImmediateMsg = wire.ShutdownImmediate
)

// cmdAction, cmdResult and cmdSpeechFinished name the commands the relay
// recognises by name: the two frames of the byte-level path (hot.go), an
// action frame that failed to decode, and speech_finished (which resets
// a force's quiet timer whatever type decodes it).
const (
	cmdAction         = wire.CmdAction
	cmdResult         = wire.CmdResult
	cmdSpeechFinished = wire.CmdSpeechFinished
)

func decodeGame(frame []byte) (string, message, error) { return wire.DecodeGame(frame) }

func decodeServer(frame []byte) (message, error) { return wire.DecodeServer(frame) }

func encodeGame(game string, m message) ([]byte, error) { return wire.EncodeGame(game, m) }

func encodeServer(m message) ([]byte, error) { return wire.EncodeServer(m) }

// newGameEncoder returns the encoder of the frames a game named game
// sends (the relay's frames upstream): the name is escaped once.
func newGameEncoder(game string) *gameEncoder { return wire.NewGameEncoder(game) }

// sessionOf copies the session of a startup acknowledgement.
func sessionOf(a startupAckMsg) Session {
	return Session{SessionID: a.Session.SessionID, CharacterID: a.Session.CharacterID, DisplayName: a.Session.DisplayName}
}

// jsonString returns s as the codec writes it in a frame (a JSON string,
// quotes included), nil should the codec's envelope ever change shape
// (the byte-level path then declines: hot.go).
func jsonString(s string) []byte {
	f, err := wire.EncodeGame(s, wire.Startup{})
	const head, tail = `{"command":"startup","game":`, `}`
	if err != nil || !bytes.HasPrefix(f, []byte(head)) || !bytes.HasSuffix(f, []byte(tail)) {
		return nil
	}
	return f[len(head) : len(f)-len(tail)]
}

// resultHead returns what the relay's result frames upstream start with,
// up to the data object: {"command":"action/result","game":<name>,"data":
// (nil should the encoder ever write them otherwise).
func resultHead(e *gameEncoder) []byte {
	f, err := e.Append(nil, wire.ActionResult{})
	const tail = `{"id":"","success":false}}`
	if err != nil || !bytes.HasSuffix(f, []byte(tail)) || !bytes.HasSuffix(f[:len(f)-len(tail)], []byte(`,"data":`)) {
		return nil
	}
	return f[:len(f)-len(tail)]
}
