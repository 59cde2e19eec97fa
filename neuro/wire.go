package neuro

import "github.com/neurokit/neurokit/neuro/wire"

// The protocol's types live in package wire; these aliases keep the names
// a game uses in one import.

// Command names, as in package wire.
const (
	CmdStartup       = wire.CmdStartup
	CmdContext       = wire.CmdContext
	CmdRegister      = wire.CmdRegister
	CmdUnregister    = wire.CmdUnregister
	CmdForce         = wire.CmdForce
	CmdResult        = wire.CmdResult
	CmdShutdownReady = wire.CmdShutdownReady

	CmdAction            = wire.CmdAction
	CmdReregisterAll     = wire.CmdReregisterAll
	CmdShutdownGraceful  = wire.CmdShutdownGraceful
	CmdShutdownImmediate = wire.CmdShutdownImmediate
	CmdSpeechFinished    = wire.CmdSpeechFinished
)

type (
	// Message is wire.Message.
	Message = wire.Message
	// Schema is wire.Schema: an action's JSON schema.
	Schema = wire.Schema
	// Action is wire.Action: a name, a description and an optional schema.
	Action = wire.Action
	// Priority is wire.Priority.
	Priority = wire.Priority

	// Startup is wire.Startup.
	Startup = wire.Startup
	// Context is wire.ContextMessage.
	Context = wire.ContextMessage
	// RegisterActions is wire.RegisterActions.
	RegisterActions = wire.RegisterActions
	// UnregisterActions is wire.UnregisterActions.
	UnregisterActions = wire.UnregisterActions
	// ForceActions is wire.ForceActions.
	ForceActions = wire.ForceActions
	// ActionResult is wire.ActionResult.
	ActionResult = wire.ActionResult
	// ShutdownReady is wire.ShutdownReady.
	ShutdownReady = wire.ShutdownReady
	// StartupAck is wire.StartupAck.
	StartupAck = wire.StartupAck
	// ActionRequest is wire.ActionRequest.
	ActionRequest = wire.ActionRequest
	// ReregisterAll is wire.ReregisterAll.
	ReregisterAll = wire.ReregisterAll
	// ShutdownGraceful is wire.ShutdownGraceful.
	ShutdownGraceful = wire.ShutdownGraceful
	// ShutdownImmediate is wire.ShutdownImmediate.
	ShutdownImmediate = wire.ShutdownImmediate
	// SpeechFinished is wire.SpeechFinished.
	SpeechFinished = wire.SpeechFinished
	// Unknown is wire.Unknown.
	Unknown = wire.Unknown
)

// Priorities, as in package wire.
const (
	PriorityLow      = wire.PriorityLow
	PriorityMedium   = wire.PriorityMedium
	PriorityHigh     = wire.PriorityHigh
	PriorityCritical = wire.PriorityCritical
)
