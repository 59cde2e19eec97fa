package server

import (
	"errors"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
	"github.com/neurokit/neurokit/neuro/wire"
)

// Sentinel errors. Test for them with errors.Is.
var (
	// ErrServerClosed is returned once Close or Shutdown was called.
	ErrServerClosed = errors.New("server: closed")
	// ErrUnknownGame is returned when no game matches the given reference.
	ErrUnknownGame = errors.New("server: no such game")
	// ErrGameNotConnected is returned when sending to, or waiting on, a game
	// whose connection has ended.
	ErrGameNotConnected = errors.New("server: game not connected")
	// ErrResultTimeout is returned by Act and AwaitResult when no result
	// came within the result timeout; the action counts as failed.
	ErrResultTimeout = errors.New("server: no action result within the timeout")
	// ErrUnknownAction is returned by AwaitResult for an id that the server
	// never sent to that game.
	ErrUnknownAction = errors.New("server: unknown action id")
	// ErrSendQueueFull is returned by Broadcast (and reported by POST /)
	// for a game whose send queue is full: it does not read what the
	// server sends. The frame is not sent to that game.
	ErrSendQueueFull = errors.New("server: send queue full (the game is not reading)")
)

// ContextEntry is one context message a game sent. A message over 64 KiB
// is kept cut, ending with a note of its full length.
type ContextEntry struct {
	Message string `json:"message"`
	Silent  bool   `json:"silent"`
	// Held reports a message that came while a result was pending and
	// was held until none was (WithHeldContext).
	Held bool      `json:"held,omitempty"`
	Time time.Time `json:"time"` // when it was received
}

// PendingAction is an action sent to a game whose result has not come yet.
type PendingAction struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Data    string `json:"data,omitempty"`
	HasData bool   `json:"hasData"`
	// Forced reports whether the action answers a force.
	Forced bool `json:"forced"`
	// Attempt counts the tries of its force: 1 for the first.
	Attempt int `json:"attempt,omitempty"`
	// Faulty reports data made invalid on purpose (WithErrorRate).
	Faulty bool `json:"faulty,omitempty"`
	// Unprompted reports an action she sent on her own (WithActEvery).
	Unprompted bool      `json:"unprompted,omitempty"`
	SentAt     time.Time `json:"sentAt"`
	Deadline   time.Time `json:"deadline"`
}

// Result is how an action ended: the game's action/result, or a timeout.
// In a game's history, Data and Message over 4 KiB are kept cut.
type Result struct {
	PendingAction
	GameID  string `json:"gameId"`
	Game    string `json:"game"`
	Success bool   `json:"success"`
	Message string `json:"message,omitempty"`
	// TimedOut reports that no result came in time; the action failed.
	TimedOut bool      `json:"timedOut,omitempty"`
	At       time.Time `json:"at"`
}

// QueuedForce is a force waiting to be served, or being served (the first
// of a game's queue).
type QueuedForce struct {
	wire.ForceActions
	ReceivedAt time.Time `json:"receivedAt"`
	// Attempts counts the actions sent for it so far, Retries those after
	// the first.
	Attempts int `json:"attempts"`
	Retries  int `json:"retries"`
	// RetryLimit is how many retries it gets (WithRetries); -1 without
	// limit.
	RetryLimit int `json:"retryLimit"`
	// Stage says what the force waits for: StageQueued, StageSpeech,
	// StageThinking or StageResult.
	Stage ForceStage `json:"stage"`
}

// ForceStage is where a force stands (QueuedForce.Stage).
type ForceStage string

// Force stages.
const (
	StageQueued   ForceStage = "queued"             // not served yet
	StageSpeech   ForceStage = "waiting for speech" // she speaks; its priority decides how long
	StageThinking ForceStage = "thinking"           // WithThinkTime
	StageResult   ForceStage = "awaiting result"    // an action of it was sent
)

// GameTotals counts what a game did over its whole connection, including
// what the bounded logs of GameState no longer hold.
type GameTotals struct {
	// Frames and Bytes count the frames received from the game.
	Frames int   `json:"frames"`
	Bytes  int64 `json:"bytes"`
	// Context, Results and Findings count every entry ever added to the
	// matching log of GameState.
	Context  int `json:"context"`
	Results  int `json:"results"`
	Findings int `json:"findings"`
	Advice   int `json:"advice"`
	// Forces counts how its forces ended.
	ForcesSucceeded int `json:"forcesSucceeded"`
	ForcesGivenUp   int `json:"forcesGivenUp"`
	ForcesReplaced  int `json:"forcesReplaced"`
}

// GameState is a snapshot of one game connection. Its logs keep the
// latest entries (at most 1000 each, and a few MiB); once the game has
// left, only a summary is kept: the last 50 entries of each log with
// their text cut to 512 bytes, and the registry without schemas.
type GameState struct {
	// ID identifies the connection ("#1", "#2", ... in connection order).
	ID string `json:"id"`
	// Name is the game name of its first message ("" before any).
	Name           string         `json:"name"`
	Connected      bool           `json:"connected"`
	StartedUp      bool           `json:"startedUp"`
	ShutdownReady  bool           `json:"shutdownReady"`
	ConnectedAt    time.Time      `json:"connectedAt"`
	DisconnectedAt *time.Time     `json:"disconnectedAt,omitempty"`
	Actions        []wire.Action  `json:"actions"`
	Context        []ContextEntry `json:"context"`
	// HeldContext is context received while a result is pending, not
	// delivered yet (WithHeldContext).
	HeldContext []ContextEntry  `json:"heldContext"`
	Speech      SpeechState     `json:"speech"`
	Pending     []PendingAction `json:"pending"`
	ForceQueue  []QueuedForce   `json:"forceQueue"`
	// LastForce is how the latest force ended, nil before any did.
	LastForce *ForceDone `json:"lastForce,omitempty"`
	Findings  []Finding  `json:"findings"`
	// Advice lists the best-practice advice given (Level LevelAdvice).
	Advice  []Finding  `json:"advice"`
	Results []Result   `json:"results"`
	Totals  GameTotals `json:"totals"`
	// Voice is the game's voice chat while it is connected and a voice
	// socket of its name is on record: per speaker, the audio received.
	Voice *voicesim.GameState `json:"voice,omitempty"`
}

// State is the snapshot served by GET /state.
type State struct {
	Session events.Session `json:"session"`
	Games   []GameState    `json:"games"`
	// Voice is the voice side: whether it is on, and every voice socket's
	// game (voice-only ones included).
	Voice voicesim.State `json:"voice"`
}

// EventKind classifies an Event.
type EventKind string

// Event kinds.
const (
	// EventConnected: a game connection started.
	EventConnected EventKind = "connected"
	// EventDisconnected: a game connection ended; Err says why.
	EventDisconnected EventKind = "disconnected"
	// EventReceived: a frame came from a game. Message is nil and Err set
	// when it could not be decoded.
	EventReceived EventKind = "received"
	// EventSent: a frame is being sent to a game (recorded just before the
	// write, so that it precedes the game's answer).
	EventSent EventKind = "sent"
	// EventFinding: a protocol check failed; Finding is set.
	EventFinding EventKind = "finding"
	// EventAdvice: a best-practice rule was not followed; Finding is set
	// (its Level is LevelAdvice).
	EventAdvice EventKind = "advice"
	// EventSpeech: her speech to a game changed; Speech is set. Her
	// speech_finished frames are EventSent as usual.
	EventSpeech EventKind = "speech"
	// EventContextHeld: a context message came while a result was
	// pending and is held; Context is set.
	EventContextHeld EventKind = "context held"
	// EventContextDelivered: a held context message was delivered;
	// Context is set.
	EventContextDelivered EventKind = "context delivered"
	// EventResult: an action ended (result received or timed out); Result
	// is set.
	EventResult EventKind = "result"
	// EventForceDone: the server stopped serving a force; Force is set.
	EventForceDone EventKind = "force done"
)

// ForceOutcome says how the server finished with a force.
type ForceOutcome string

// Force outcomes.
const (
	ForceSucceeded ForceOutcome = "succeeded" // an action got a successful result
	ForceGaveUp    ForceOutcome = "gave up"   // retries exhausted (or GiveUpForce); nothing sent
	ForceReplaced  ForceOutcome = "replaced"  // a new force replaced it (ForceReplace)
	ForceDropped   ForceOutcome = "dropped"   // none of its actions is registered
	ForceCancelled ForceOutcome = "cancelled" // the game sent startup again, or left
	ForceFailed    ForceOutcome = "failed"    // the policy returned an error
)

// ForceDone describes a force the server finished with.
type ForceDone struct {
	Force   wire.ForceActions `json:"force"`
	Outcome ForceOutcome      `json:"outcome"`
	// Attempts counts the actions sent for it, Retries those after the
	// first.
	Attempts int `json:"attempts"`
	Retries  int `json:"retries"`
}

// Event is one thing that happened on the server, in order. Events are
// read with WaitFor, History and Watch.
type Event struct {
	// Seq numbers events from 1, in the order they were recorded.
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Kind   EventKind `json:"kind"`
	GameID string    `json:"gameId"`
	Game   string    `json:"game"`
	// Command is the command of a received or sent frame ("" if unreadable).
	Command string `json:"command,omitempty"`
	// Message is the decoded frame of EventReceived (game → Neuro types)
	// and EventSent (Neuro → game types); nil when it did not decode, and
	// dropped from frames over 64 KiB once their game has left.
	Message wire.Message `json:"-"`
	// Frame is the raw frame of EventReceived and EventSent, cut to its
	// first 64 KiB; FrameLen is its full length.
	Frame    []byte        `json:"-"`
	FrameLen int           `json:"frameLen,omitempty"`
	Err      error         `json:"-"`
	Finding  *Finding      `json:"finding,omitempty"`
	Result   *Result       `json:"result,omitempty"`
	Force    *ForceDone    `json:"forceDone,omitempty"`
	Speech   *SpeechChange `json:"speech,omitempty"`
	Context  *ContextEntry `json:"context,omitempty"`
}

// SpeechState is what Neuro is saying to a game (GameState.Speech).
type SpeechState struct {
	Speaking bool `json:"speaking"`
	// Cause says why she speaks: SpeechCauseContext, SpeechCauseForce or
	// SpeechCauseSpeak.
	Cause string     `json:"cause,omitempty"`
	Since *time.Time `json:"since,omitempty"`
	// Until is when she will have finished; nil when she speaks until
	// FinishSpeaking.
	Until *time.Time `json:"until,omitempty"`
	// Cut is the reason she will end with (cancelled) once a force cut her
	// short.
	Cut string `json:"cut,omitempty"`
	// Updates counts the speech_finished messages with isFinal false of
	// this utterance.
	Updates int `json:"updates"`
	// Utterances counts her utterances to this game so far.
	Utterances int `json:"utterances"`
	// LastFinal is when she last sent speech_finished with isFinal true:
	// a game re-forcing after a silent give-up counts from there.
	LastFinal *time.Time `json:"lastFinal,omitempty"`
}

// SpeechPhase names a change of her speech.
type SpeechPhase string

// Speech changes (SpeechChange.Change).
const (
	SpeechStarted   SpeechPhase = "started"
	SpeechExtended  SpeechPhase = "extended"  // something more to say: it ends later
	SpeechShortened SpeechPhase = "shortened" // a medium-priority force halved it
	SpeechCut       SpeechPhase = "cut"       // a high-priority force: she ends her sentence
	SpeechFinished  SpeechPhase = "finished"  // the final speech_finished was sent
	SpeechAwaited   SpeechPhase = "awaited"   // a force waits for her (after its priority applied)
)

// SpeechChange describes an EventSpeech.
type SpeechChange struct {
	Change SpeechPhase `json:"change"`
	Cause  string      `json:"cause"`
	// Until is when the utterance ends, nil when open-ended or finished.
	Until *time.Time `json:"until,omitempty"`
	// Cancelled and Reason are those of the final message (or, for
	// SpeechCut, the ones it will carry).
	Cancelled bool   `json:"cancelled,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// Updates counts the isFinal false messages sent so far.
	Updates int `json:"updates"`
	// Force and Priority name the force of SpeechAwaited.
	Force    string        `json:"force,omitempty"`
	Priority wire.Priority `json:"priority,omitempty"`
}
