package events

// Event names of the optional voice side channel (package neuro/voice).
// The voice client reports each of them through its handlers, in order, on
// the goroutine that runs the voice session; a component that wraps the
// client raises them under these names with these payloads.
const (
	// VoiceReady is raised when the server accepted voice/start and said
	// which audio format it uses. Payload: VoiceReadyData.
	VoiceReady = "voice/ready"

	// VoiceUnavailable is raised when the server has no voice chat: it
	// answered voice/unavailable, refused the voice URL (HTTP 404, ...) or
	// closed the socket before answering. The game carries on without
	// voice. Payload: VoiceUnavailableData.
	VoiceUnavailable = "voice/unavailable"

	// VoiceSpeaking is raised when Neuro starts or stops speaking into the
	// game's voice chat (key push-to-talk while Speaking is true).
	// Payload: VoiceSpeakingData.
	VoiceSpeaking = "voice/speaking"

	// VoiceCancelled is raised when Neuro's speech was interrupted: the
	// client has already dropped the audio it held; release push-to-talk.
	// Payload: VoiceCancelledData.
	VoiceCancelled = "voice/cancelled"

	// VoiceEnded is raised when a voice session that was ready ends (the
	// socket closed or dropped, or the game stopped it). Payload:
	// VoiceEndedData.
	VoiceEnded = "voice/ended"
)

// VoiceReadyData is the payload of the VoiceReady event.
type VoiceReadyData struct {
	// URL is the voice socket's URL.
	URL string
	// SampleRate is the server's sample rate in Hz, for both directions
	// (48000 today).
	SampleRate int
	// Channels is the server's channel count (1 today).
	Channels int
}

// VoiceUnavailableData is the payload of the VoiceUnavailable event.
type VoiceUnavailableData struct {
	URL string
	// Reason is the server's reason, or a description of the refusal
	// ("HTTP 404 Not Found"); it may be empty.
	Reason string
	// StatusCode is the HTTP status of a refused upgrade, 0 otherwise.
	StatusCode int
}

// VoiceSpeakingData is the payload of the VoiceSpeaking event.
type VoiceSpeakingData struct {
	Speaking bool
}

// VoiceCancelledData is the payload of the VoiceCancelled event.
type VoiceCancelledData struct {
	// DroppedSamples is how many samples of Neuro's voice the client was
	// still holding and threw away.
	DroppedSamples int
}

// VoiceEndedData is the payload of the VoiceEnded event.
type VoiceEndedData struct {
	URL string
	// Code is the websocket close code (1000 after a local stop, 1006 when
	// the connection dropped).
	Code int
	// Err is why the session ended; nil after a local stop.
	Err error
}
