package relay

import (
	"github.com/neurokit/neurokit/neuro"
)

// This file is the relay's only contact with the protocol package: the
// message types it reads and writes, under local names, and the four
// codec functions. Moving to another codec package changes this file
// alone.

type (
	message          = neuro.Message
	wireAction       = neuro.Action
	decodeError      = neuro.DecodeError
	startupMsg       = neuro.Startup
	contextMsg       = neuro.Context
	registerMsg      = neuro.RegisterActions
	unregisterMsg    = neuro.UnregisterActions
	forceMsg         = neuro.ForceActions
	resultMsg        = neuro.ActionResult
	shutdownReadyMsg = neuro.ShutdownReady
	unknownMsg       = neuro.Unknown

	startupAckMsg        = neuro.StartupAck
	actionMsg            = neuro.ActionRequest
	reregisterAllMsg     = neuro.ReregisterAll
	shutdownGracefulMsg  = neuro.ShutdownGraceful
	shutdownImmediateMsg = neuro.ShutdownImmediate
)

// cmdAction and cmdSpeechFinished name the commands the relay recognises
// by name: an action frame that failed to decode, and speech_finished
// (which resets a force's quiet timer whatever type decodes it).
const (
	cmdAction         = neuro.CmdAction
	cmdSpeechFinished = "speech_finished"
)

func decodeGame(frame []byte) (string, message, error) { return neuro.DecodeGame(frame) }

func decodeServer(frame []byte) (message, error) { return neuro.DecodeServer(frame) }

func encodeGame(game string, m message) ([]byte, error) { return neuro.EncodeGame(game, m) }

func encodeServer(m message) ([]byte, error) { return neuro.EncodeServer(m) }

// sessionOf copies the session of a startup acknowledgement.
func sessionOf(a startupAckMsg) Session {
	return Session{SessionID: a.Session.SessionID, CharacterID: a.Session.CharacterID, DisplayName: a.Session.DisplayName}
}
