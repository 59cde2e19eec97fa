package relay

import (
	"github.com/neurokit/neurokit/neuro/wire"
)

// This file is the relay's only contact with the protocol package: the
// message types it reads and writes, under local names, the four codec
// functions and the upstream encoder. Moving to another codec package
// changes this file alone.

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

// cmdAction and cmdSpeechFinished name the commands the relay recognises
// by name: an action frame that failed to decode, and speech_finished
// (which resets a force's quiet timer whatever type decodes it).
const (
	cmdAction         = wire.CmdAction
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
