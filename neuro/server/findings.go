package server

import "time"

// FindingKind names one protocol check of the simulator. Findings are
// about what a game sends over the wire; the schema keyword warnings of
// package schema (schema.KeywordWarning) are reported as
// FindingSchemaKeyword.
type FindingKind string

// The protocol checks. A strict server would reject or mishandle what they
// describe; this one records a Finding, logs it and carries on.
const (
	FindingBeforeStartup     FindingKind = "message before startup"
	FindingGameRenamed       FindingKind = "game name changed"
	FindingInvalidActionName FindingKind = "invalid action name"
	FindingSchemaKeyword     FindingKind = "discouraged schema keyword"
	FindingSchemaNotObject   FindingKind = "schema not an object"
	FindingNullSchema        FindingKind = "schema is null"
	FindingDuplicateAction   FindingKind = "duplicate registration"
	FindingTooManyActions    FindingKind = "too many actions"
	FindingForceUnregistered FindingKind = "force names unregistered actions"
	FindingForceWhilePending FindingKind = "force while one is pending"
	FindingForceQueueFull    FindingKind = "force queue full"
	FindingUnknownResult     FindingKind = "result for unknown id"
	FindingLateResult        FindingKind = "result after timeout"
	FindingFailedNoMessage   FindingKind = "failed result without a message"
	FindingBinaryFrame       FindingKind = "binary frame"
	FindingUnknownCommand    FindingKind = "unknown command"
	FindingMalformed         FindingKind = "malformed message"
	FindingResultTimeout     FindingKind = "result timeout"
	FindingPolicyFailed      FindingKind = "policy failed"
	FindingNotReading        FindingKind = "game not reading"
	// FindingVoice is a failed check of the voice side channel (package
	// voicesim): its Detail starts with the voicesim.WarningKind.
	FindingVoice FindingKind = "voice check"
)

// Finding is one protocol check that failed for one game, or (with Level
// LevelAdvice) one best-practice rule it did not follow.
type Finding struct {
	// Seq is the sequence number of the EventFinding (EventAdvice) that
	// reported it.
	Seq    uint64       `json:"seq"`
	GameID string       `json:"gameId"`
	Game   string       `json:"game"`
	Level  FindingLevel `json:"level"`
	Kind   FindingKind  `json:"kind"`
	// Detail says what was wrong, in plain words (cut to 1 KiB).
	Detail string    `json:"detail"`
	Time   time.Time `json:"time"`
}

// String returns "kind: detail".
func (f Finding) String() string {
	if f.Detail == "" {
		return string(f.Kind)
	}
	return string(f.Kind) + ": " + f.Detail
}
