package voicesim

import (
	"errors"
	"time"
)

// WarningKind names one check the simulator makes on what a game sends.
type WarningKind string

// The checks. A strict server would drop or refuse what they describe; the
// simulator records a Warning, drops the frame or message, and carries on.
const (
	WarnMalformed         WarningKind = "malformed control message"
	WarnUnknownCommand    WarningKind = "unknown command"
	WarnGameName          WarningKind = "game name mismatch"
	WarnNoStart           WarningKind = "no voice/start"
	WarnStartTwice        WarningKind = "voice/start while started"
	WarnNotStarted        WarningKind = "audio outside a voice session"
	WarnShortFrame        WarningKind = "frame shorter than its header"
	WarnHeaderVersion     WarningKind = "wrong header version"
	WarnHeaderFlags       WarningKind = "non-zero header flags"
	WarnMisaligned        WarningKind = "misaligned payload"
	WarnFrameLength       WarningKind = "frame outside 10-100 ms"
	WarnTooManySpeakers   WarningKind = "more than 32 speakers"
	WarnBadSpeaker        WarningKind = "invalid speaker"
	WarnUnknownSpeaker    WarningKind = "audio from unregistered speaker"
	WarnUnregistered      WarningKind = "audio from since-unregistered speaker"
	WarnUnregisterUnknown WarningKind = "unregister of unknown speaker"
	WarnFrameTooBig       WarningKind = "frame over the read limit"
)

// Warning is one failed check.
type Warning struct {
	Game   string      `json:"game"`
	Kind   WarningKind `json:"kind"`
	Detail string      `json:"detail"`
	Time   time.Time   `json:"time"`
}

// String returns "kind: detail".
func (w Warning) String() string {
	if w.Detail == "" {
		return string(w.Kind)
	}
	return string(w.Kind) + ": " + w.Detail
}

// State is a snapshot of the voice side, for GET /state.
type State struct {
	Enabled    bool        `json:"enabled"`
	SampleRate int         `json:"sampleRate"`
	Games      []GameState `json:"games"`
}

// GameState is one game's voice socket and what it sent.
type GameState struct {
	Game      string `json:"game"`
	Connected bool   `json:"connected"`
	Started   bool   `json:"started"`
	Speaking  bool   `json:"speaking"`
	// Speakers, sorted by id: registered ones and, past them, those
	// unregistered since (Registered false).
	Speakers []SpeakerState `json:"speakers"`
	// DroppedFrames counts audio frames dropped by a check.
	DroppedFrames int64 `json:"droppedFrames"`
	// SpokenFrames counts the 20 ms frames of Neuro's voice sent to the
	// game (Speak, SpeakUntil), SpokenSeconds their length.
	SpokenFrames  int64   `json:"spokenFrames"`
	SpokenSeconds float64 `json:"spokenSeconds"`
	Warnings      int     `json:"warnings"`
}

// SpeakerState is the audio one speaker sent.
type SpeakerState struct {
	ID         uint16    `json:"id"`
	Name       string    `json:"name"`
	Registered bool      `json:"registered"`
	Seconds    float64   `json:"seconds"`
	Frames     int64     `json:"frames"`
	LastFrame  time.Time `json:"lastFrame,omitzero"`
}

// Errors of the Go API.
var (
	ErrClosed      = errors.New("voicesim: server closed")
	ErrNoSession   = errors.New("voicesim: game has no started voice session")
	ErrNoSocket    = errors.New("voicesim: game has no voice socket")
	ErrSpeaking    = errors.New("voicesim: Neuro is already speaking to this game")
	ErrNotSpeaking = errors.New("voicesim: Neuro is not speaking to this game")
	ErrInterrupted = errors.New("voicesim: speech interrupted")
)
