package wire

import (
	"encoding/json"
)

// Commands of the Neuro API. Game → Neuro first, then Neuro → game.
// "startup" goes both ways: the game announces itself, and newer servers
// acknowledge it with the session they attached.
const (
	CmdStartup       = "startup"
	CmdContext       = "context"
	CmdRegister      = "actions/register"
	CmdUnregister    = "actions/unregister"
	CmdForce         = "actions/force"
	CmdResult        = "action/result"
	CmdShutdownReady = "shutdown/ready"

	CmdAction            = "action"
	CmdReregisterAll     = "actions/reregister_all"
	CmdShutdownGraceful  = "shutdown/graceful"
	CmdShutdownImmediate = "shutdown/immediate"
)

// Message is one typed Neuro API message, in either direction.
type Message interface {
	// Command returns the message's command name, for example "action".
	Command() string
}

// Schema is a JSON schema describing an action's parameters. Its "type"
// must be "object". A nil or empty Schema means the action takes no
// parameters and is sent without one.
type Schema map[string]any

// Action describes an action the game offers Neuro.
type Action struct {
	// Name identifies the action: lowercase letters, digits, '_' and '-'.
	Name string `json:"name"`
	// Description is plain text read by Neuro.
	Description string `json:"description"`
	// Schema describes the parameters; nil when there are none.
	Schema Schema `json:"schema,omitempty"`
}

// Priority of a force: how urgently Neuro should answer while speaking.
type Priority string

// Force priorities. The zero value is sent as nothing (the server's default,
// PriorityLow).
const (
	PriorityLow      Priority = "low"
	PriorityMedium   Priority = "medium"
	PriorityHigh     Priority = "high"
	PriorityCritical Priority = "critical"
)

// ---- Game → Neuro ----

// Startup is the first message of every connection; it clears every action
// the game registered before.
type Startup struct{}

// ContextMessage tells Neuro something happened. Silent adds it to her memory
// without prompting a reply.
type ContextMessage struct {
	Message string `json:"message"`
	Silent  bool   `json:"silent"`
}

// RegisterActions registers actions. Registering a name that is already
// registered is ignored by the server.
type RegisterActions struct {
	Actions []Action `json:"actions"`
}

// UnregisterActions unregisters actions by name; unknown names are fine.
type UnregisterActions struct {
	ActionNames []string `json:"action_names"`
}

// ForceActions makes Neuro pick one of ActionNames as soon as she can.
type ForceActions struct {
	State            string   `json:"state,omitempty"`
	Query            string   `json:"query"`
	EphemeralContext bool     `json:"ephemeral_context,omitempty"`
	Priority         Priority `json:"priority,omitempty"`
	ActionNames      []string `json:"action_names"`
}

// ActionResult answers an ActionRequest. A failure should carry a message
// saying how to succeed.
type ActionResult struct {
	ID      string `json:"id"`
	Success bool   `json:"success"`
	Message string `json:"message,omitempty"`
}

// ShutdownReady tells Neuro progress is saved and the process may be killed
// (proposal).
type ShutdownReady struct{}

// ---- Neuro → game ----

// StartupAck is the server's optional acknowledgement of the game's startup.
type StartupAck struct {
	Session Session `json:"session"`
}

// ActionRequest is Neuro performing a registered action.
type ActionRequest struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Data is the JSON document sent as parameters ("" when absent). It comes
	// from a language model: it may be invalid JSON or miss the schema.
	Data string `json:"data,omitempty"`
	// HasData reports whether the data field was present and not null.
	HasData bool `json:"-"`
}

// Session identifies the Neuro character connected to the game, as sent in
// the server's startup acknowledgement.
type Session struct {
	SessionID   string `json:"sessionId"`
	CharacterID string `json:"characterId"` // "neuro" or "evil"
	DisplayName string `json:"displayName"` // "Neuro-sama" or "Evil Neuro"
}

// ReregisterAll asks the game to register again every action that should
// be registered now (proposal).
type ReregisterAll struct{}

// ShutdownGraceful asks the game to shut down at its next safe point, or
// cancels that request when WantsShutdown is false (proposal).
type ShutdownGraceful struct {
	WantsShutdown bool `json:"wants_shutdown"`
}

// ShutdownImmediate asks the game to save what it can within seconds and
// send ShutdownReady (proposal).
type ShutdownImmediate struct{}

// Unknown is a message whose command neurokit does not know. Newer servers
// send commands this package does not list yet.
type Unknown struct {
	Cmd  string
	Data json.RawMessage
}

// Command implementations.

func (Startup) Command() string           { return CmdStartup }
func (ContextMessage) Command() string    { return CmdContext }
func (RegisterActions) Command() string   { return CmdRegister }
func (UnregisterActions) Command() string { return CmdUnregister }
func (ForceActions) Command() string      { return CmdForce }
func (ActionResult) Command() string      { return CmdResult }
func (ShutdownReady) Command() string     { return CmdShutdownReady }
func (StartupAck) Command() string        { return CmdStartup }
func (ActionRequest) Command() string     { return CmdAction }
func (ReregisterAll) Command() string     { return CmdReregisterAll }
func (ShutdownGraceful) Command() string  { return CmdShutdownGraceful }
func (ShutdownImmediate) Command() string { return CmdShutdownImmediate }
func (u Unknown) Command() string         { return u.Cmd }
