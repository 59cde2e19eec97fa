package neuro

import "github.com/neurokit/neurokit/neuro/wire"

// The protocol's types live in package wire. A game names the few it
// passes to this package's API through these aliases, so one import is
// enough to write a game; the other messages (what a Receiver gets, what
// a test server sends) are wire's.

type (
	// Schema is wire.Schema: an action's JSON schema.
	Schema = wire.Schema
	// Action is wire.Action: a name, a description and an optional schema.
	Action = wire.Action
	// ForceActions is wire.ForceActions: what Force sends.
	ForceActions = wire.ForceActions
	// Priority is wire.Priority: how urgently a force interrupts her speech.
	Priority = wire.Priority
	// ActionResult is wire.ActionResult: what SendResult sends.
	ActionResult = wire.ActionResult
)

// Priorities, as in package wire.
const (
	PriorityLow      = wire.PriorityLow
	PriorityMedium   = wire.PriorityMedium
	PriorityHigh     = wire.PriorityHigh
	PriorityCritical = wire.PriorityCritical
)
