package voice

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Control commands of the voice side channel (text frames, JSON in the
// usual envelope). Game → server first, then server → game.
const (
	CmdStart      = "voice/start"
	CmdStop       = "voice/stop"
	CmdRegister   = "voice/speakers/register"
	CmdUnregister = "voice/speakers/unregister"

	CmdReady       = "voice/ready"
	CmdUnavailable = "voice/unavailable"
	CmdSpeaking    = "voice/speaking"
	CmdCancelled   = "voice/cancelled"
)

// Message is one control message. Game is set by the game (its display
// name) and absent from the server's messages; Data is the raw JSON of the
// data field, nil when absent.
type Message struct {
	Command string          `json:"command"`
	Game    string          `json:"game,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Speaker is one entry of voice/speakers/register.
type Speaker struct {
	ID   uint16 `json:"id"`
	Name string `json:"name"`
}

// RegisterData is the data of voice/speakers/register.
type RegisterData struct {
	Speakers []Speaker `json:"speakers"`
}

// UnregisterData is the data of voice/speakers/unregister.
type UnregisterData struct {
	IDs []uint16 `json:"ids"`
}

// ReadyData is the data of voice/ready.
type ReadyData struct {
	SampleRate int `json:"sample_rate"`
	Channels   int `json:"channels"`
}

// UnavailableData is the data of voice/unavailable.
type UnavailableData struct {
	Reason string `json:"reason,omitempty"`
}

// SpeakingData is the data of voice/speaking.
type SpeakingData struct {
	Speaking bool `json:"speaking"`
}

// EncodeMessage builds a control frame. game is left out when empty (the
// server's messages); data is left out when nil.
func EncodeMessage(command, game string, data any) ([]byte, error) {
	m := struct {
		Command string `json:"command"`
		Game    string `json:"game,omitempty"`
		Data    any    `json:"data,omitempty"`
	}{command, game, data}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("voice: encode %s: %w", command, err)
	}
	return b, nil
}

// DecodeMessage parses a control frame's envelope. The command must be a
// non-empty string; data, when present, must be a JSON object.
func DecodeMessage(frame []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(frame, &m); err != nil {
		return Message{}, fmt.Errorf("voice: control message: %w", err)
	}
	if m.Command == "" {
		return Message{}, errors.New("voice: control message without a command")
	}
	if len(m.Data) > 0 && string(m.Data) != "null" && m.Data[0] != '{' {
		return Message{}, fmt.Errorf("voice: %s: data is not an object", m.Command)
	}
	if string(m.Data) == "null" {
		m.Data = nil
	}
	return m, nil
}

// DecodeData unmarshals a message's data into v; absent data leaves v as it
// is.
func DecodeData(m Message, v any) error {
	if len(m.Data) == 0 {
		return nil
	}
	if err := json.Unmarshal(m.Data, v); err != nil {
		return fmt.Errorf("voice: %s: data: %w", m.Command, err)
	}
	return nil
}
