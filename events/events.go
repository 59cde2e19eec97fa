package events

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Event names raised or handled by the Neuro component.
//
// The component delivers the lifecycle events (Connected,
// StartupAcknowledged, Reconnected, Disconnected, ConnectFailed,
// ShutdownGraceful, ShutdownImmediate, SpeechFinished, UnknownCommand,
// ForceRepeated) one at a time, in the order they happened, from one
// queue per component: Connected comes before the StartupAcknowledged of
// that connection, the SpeechFinished of a connection before its
// Disconnected, and Disconnected before the next Reconnected. Action events (ActionEvent) are raised
// concurrently with each other and with the lifecycle events.
const (
	// Connect asks the Neuro component to open its connection. Payload: the
	// websocket URL as a string (for example "ws://localhost:8000").
	Connect = "connect"

	// Connected is raised once the first connection of a run is open and
	// startup, the action registry and the buffered context were sent.
	// Payload: ConnectedData.
	Connected = "neuro/connected"

	// Reconnected is raised after a dropped connection was opened again and
	// startup plus the whole action registry were sent. Payload: ReconnectedData.
	Reconnected = "neuro/reconnected"

	// ConnectFailed is raised when a connection attempt (the first one or a
	// reconnect that gives up) fails. Payload: ConnectFailedData.
	ConnectFailed = "neuro/connect_failed"

	// Disconnected is raised when an open connection ends, for any reason.
	// Payload: DisconnectedData.
	Disconnected = "neuro/disconnected"

	// StartupAcknowledged is raised when Neuro acknowledges the game's
	// startup and says which character is connected. Payload: Session.
	StartupAcknowledged = "neuro/startup_acknowledged"

	// ShutdownGraceful is raised for Neuro's shutdown/graceful proposal.
	// Payload: ShutdownGracefulData.
	ShutdownGraceful = "shutdown/graceful"

	// ShutdownImmediate is raised for Neuro's shutdown/immediate proposal.
	// Payload: ShutdownImmediateData.
	ShutdownImmediate = "shutdown/immediate"

	// UnknownCommand is raised for a command from Neuro that neurokit does
	// not know (newer servers add commands). Payload: UnknownCommandData.
	UnknownCommand = "neuro/unknown_command"

	// SpeechFinished is raised for each speech_finished message: Neuro is
	// speaking (IsFinal false; one answer of hers may send several) or
	// has finished (IsFinal true, also when she was cut off). Payload:
	// SpeechFinishedData.
	SpeechFinished = "neuro/speech_finished"

	// ForceRepeated is raised when an action window sends its force again
	// because Neuro went quiet on it (the real Neuro gives a force up
	// silently after a few failed tries). Payload: ForceRepeatedData.
	ForceRepeated = "neuro/force_repeated"

	// ActionPrefix prefixes the name of the event raised for an incoming
	// action: action "play" raises "neuro_play". Use ActionEvent.
	ActionPrefix = "neuro_"
)

// ActionEvent returns the name of the event raised when Neuro performs the
// action called name.
func ActionEvent(name string) string { return ActionPrefix + name }

// ActionName returns the action name carried by an action event name and
// whether event is an action event at all.
func ActionName(event string) (string, bool) {
	if !strings.HasPrefix(event, ActionPrefix) || len(event) == len(ActionPrefix) {
		return "", false
	}
	return event[len(ActionPrefix):], true
}

// ConnectedData is the payload of the Connected event.
type ConnectedData struct {
	URL string
}

// ReconnectedData is the payload of the Reconnected event.
type ReconnectedData struct {
	URL string
	// Attempt is the number of the dial attempt that succeeded, from 1.
	Attempt int
	// Downtime is how long the game had no connection.
	Downtime time.Duration
}

// ConnectFailedData is the payload of the ConnectFailed event.
type ConnectFailedData struct {
	URL string
	Err error
	// Attempts is how many dial attempts were made before giving up.
	Attempts int
}

// DisconnectedData is the payload of the Disconnected event.
type DisconnectedData struct {
	URL string
	// Code is the websocket close code (1000 for a normal close, 1006 when
	// the connection dropped without a close frame).
	Code int
	// Reason is the close reason sent by the peer, if any.
	Reason string
	// Err is the error that ended the read loop; nil after a local Stop.
	Err error
	// WillReconnect reports whether the component is going to reconnect.
	WillReconnect bool
}

// Session identifies the Neuro character connected to the game, as sent in
// the server's startup acknowledgement.
type Session struct {
	SessionID   string `json:"sessionId"`
	CharacterID string `json:"characterId"` // "neuro" or "evil"
	DisplayName string `json:"displayName"` // "Neuro-sama" or "Evil Neuro"
}

// ShutdownGracefulData is the payload of the ShutdownGraceful event. When
// WantsShutdown is true the game should, at its next safe point, save, go
// to its main menu and send shutdown/ready; false cancels an earlier
// request. A game never exits the process itself.
type ShutdownGracefulData struct {
	WantsShutdown bool
}

// ShutdownImmediateData is the payload of the ShutdownImmediate event: save what
// can be saved within a few seconds, then send shutdown/ready.
type ShutdownImmediateData struct{}

// UnknownCommandData is the payload of the UnknownCommand event.
type UnknownCommandData struct {
	Command string
	// Data is the raw JSON of the message's data field, nil when absent.
	Data json.RawMessage
}

// SpeechFinishedData is the payload of the SpeechFinished event, the
// speech_finished message as Neuro sent it.
type SpeechFinishedData struct {
	// IsFinal is true on the last message of an utterance: she has
	// finished speaking. Before it she is still talking.
	IsFinal bool
	// Cancelled is true when she was cut off; the message is final then.
	Cancelled bool
	// Reason says why she was cut off, for example "interrupted"; empty
	// when she was not, or did not say.
	Reason string
}

// ForceRepeatedData is the payload of the ForceRepeated event.
type ForceRepeatedData struct {
	// Actions are the names the force offers.
	Actions []string
	// Repeat counts the forces sent again by this window, from 1.
	Repeat int
	// Max is how many times the window sends its force again before it
	// gives up with an error.
	Max int
	// Quiet is how long Neuro stayed quiet on the force before it was
	// sent again.
	Quiet time.Duration
}

// Action is the payload of an action event (see ActionEvent). The Neuro
// component raises it only after the action passed validation: its name is
// registered and Data matches the action's schema. Build one with
// NewAction; the zero Action cannot be answered.
//
// An Action is a small value: copies share the same Replier, so a result
// sent through one copy counts for all of them.
type Action struct {
	// ID identifies this use of the action; the result must carry it.
	ID string
	// Name is the action's name, without the event prefix.
	Name string
	// Data is the JSON document Neuro sent as parameters, "" when absent.
	Data string

	r Replier
}

// Replier sends the one result of one action. The neuro Client implements
// it for every action it delivers; a test of a handler may implement it
// to see what the handler answers. Its methods must be safe for
// concurrent use.
type Replier interface {
	// Reply sends the action's result. Only the first call per action is
	// sent; later calls return an error. A failure must carry a message
	// saying how to succeed.
	Reply(ctx context.Context, success bool, message string) error
	// Answered reports whether a result was accepted for the action (sent,
	// or dropped because its connection had ended).
	Answered() bool
}

// ErrNoReplier is returned by Reply on an Action that was not built with
// NewAction (or was built with a nil Replier).
var ErrNoReplier = errors.New("events: action cannot be answered: it has no Replier")

// NewAction returns the Action with the given id, name and data, answered
// through r.
func NewAction(id, name, data string, r Replier) Action {
	return Action{ID: id, Name: name, Data: data, r: r}
}

// Reply sends the action's result to Neuro through its Replier. Only the
// first call per action is sent; later calls return an error. A failure
// must carry a message saying how to succeed. Reply is safe for concurrent
// use; on an Action without a Replier it returns ErrNoReplier.
func (a Action) Reply(ctx context.Context, success bool, message string) error {
	if a.r == nil {
		return ErrNoReplier
	}
	return a.r.Reply(ctx, success, message)
}

// Answered reports whether the action has been answered: Reply succeeded
// once (or its result was dropped because the connection had ended). It
// is false for an Action without a Replier.
func (a Action) Answered() bool {
	return a.r != nil && a.r.Answered()
}
