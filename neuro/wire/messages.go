package wire

import "encoding/json"

// Commands of the Neuro API. Game → Neuro first, then Neuro → game.
// "startup" goes both ways: the game announces itself (Startup), and newer
// servers acknowledge it with the session they attached (StartupAck).
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
	CmdSpeechFinished    = "speech_finished"
)

// Message is one typed Neuro API message, in either direction. The
// messages of this package are plain values, safe to copy and to share
// between goroutines once built.
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

// Priority of a force: how urgently Neuro should answer while she speaks.
type Priority string

// Force priorities. The zero value is sent as nothing (the server's
// default, PriorityLow).
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

// ContextMessage tells Neuro something happened. Silent adds it to her
// memory without prompting a reply.
type ContextMessage struct {
	Message string `json:"message"`
	Silent  bool   `json:"silent"`
}

// RegisterActions registers actions. Registering a name that is already
// registered is ignored by the server.
type RegisterActions struct {
	Actions []Action `json:"actions"`
	// SchemaNotes is filled by DecodeGame only (EncodeGame ignores it): one
	// note, in index order, for each action whose "schema" member was JSON
	// null or not a JSON object. Such an action decodes without a schema
	// (its Schema is nil) and the rest of the frame decodes as usual, so a
	// server can register it and warn about exactly that action.
	SchemaNotes []SchemaNote `json:"-"`
}

// SchemaNote records that the action at Index of a decoded
// RegisterActions sent a "schema" member that is not a usable schema.
type SchemaNote struct {
	// Index is the action's index in RegisterActions.Actions.
	Index int
	// Null is true for "schema": null and false for a schema that is not
	// a JSON object (a string, a number, an array, a boolean).
	Null bool
}

// UnregisterActions unregisters actions by name; unknown names are fine.
type UnregisterActions struct {
	ActionNames []string `json:"action_names"`
}

// ForceActions makes Neuro pick one of ActionNames as soon as she can.
// Only one force may be in flight at a time.
type ForceActions struct {
	State            string   `json:"state,omitempty"`
	Query            string   `json:"query"`
	EphemeralContext bool     `json:"ephemeral_context,omitempty"`
	Priority         Priority `json:"priority,omitempty"`
	ActionNames      []string `json:"action_names"`
}

// ActionResult answers an ActionRequest. A failure should carry a message
// saying how to succeed. ID is written back byte for byte as the
// ActionRequest carried it, invalid UTF-8 included (see EncodeGame).
type ActionResult struct {
	ID      string `json:"id"`
	Success bool   `json:"success"`
	Message string `json:"message,omitempty"`
}

// ShutdownReady tells Neuro progress is saved and the process may be killed
// (proposal).
type ShutdownReady struct{}

// ---- Neuro → game ----

// Session identifies the Neuro character connected to the game, as sent in
// the server's startup acknowledgement.
type Session struct {
	SessionID   string `json:"sessionId"`
	CharacterID string `json:"characterId"` // "neuro" or "evil"
	DisplayName string `json:"displayName"` // "Neuro-sama" or "Evil Neuro"
}

// StartupAck is the server's optional acknowledgement of the game's startup.
type StartupAck struct {
	Session Session `json:"session"`
}

// ActionRequest is Neuro performing a registered action.
type ActionRequest struct {
	// ID identifies this action; the result must carry it back. It is kept
	// byte for byte as received, invalid UTF-8 included.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Data is the JSON document sent as parameters ("" when absent). It comes
	// from a language model: it may be invalid JSON or miss the schema.
	Data string `json:"data,omitempty"`
	// HasData reports whether the data field was present and not null.
	HasData bool `json:"-"`
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

// SpeechFinished is sent while Neuro speaks; one response may produce
// several. She has finished only at the message with IsFinal set. An
// utterance cut short still ends with a final message, with Cancelled set
// and a short Reason such as "interrupted".
type SpeechFinished struct {
	IsFinal   bool   `json:"isFinal"`
	Cancelled bool   `json:"cancelled,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// Unknown is a message whose command this package does not know, in either
// direction: newer servers send commands it does not list yet. Decoding one
// is never an error. Data is the "data" member as it was in the frame (a
// copy, nil when absent or null); it must be a JSON object, or empty, to be
// encoded. Cmd may also name a known command, to send a frame of a shape
// the typed message cannot express (a test of bad input, say).
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
func (SpeechFinished) Command() string    { return CmdSpeechFinished }
func (u Unknown) Command() string         { return u.Cmd }
