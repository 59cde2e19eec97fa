package voice_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
)

// A game adds voice to its Neuro session: derive the voice socket from the
// main URL, register its players, stream a microphone, hand Neuro's voice
// to its voice chat, and carry on if the server has no voice.
func Example() {
	sim := voicesim.New() // stands in for Neuro's server here
	ts := httptest.NewServer(sim)
	defer ts.Close()
	defer sim.Close()
	mainURL := "ws://" + ts.Listener.Addr().String() // the game's main websocket URL
	ctx := context.Background()

	ready := make(chan events.VoiceReadyData, 1)
	client, err := voice.New(mainURL, "My Game", voice.WithHandlers(voice.Handlers{
		Ready:    func(d events.VoiceReadyData) { ready <- d },
		Speaking: func(d events.VoiceSpeakingData) { /* key push-to-talk while d.Speaking */ },
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = client.Register(ctx, 1, "Player One") // Neuro hears "Player One said: …"
	done := make(chan error, 1)
	go func() { done <- client.Serve(ctx) }()
	select {
	case d := <-ready:
		fmt.Println("voice ready:", d.SampleRate, "Hz")
	case err := <-done:
		if errors.Is(err, voice.ErrUnavailable) {
			fmt.Println("no voice chat; the game carries on")
		}
		return
	}

	mic, _ := client.NewStream(1, voice.Format{Rate: 44100, Channels: 2})
	_ = mic.WriteInt16(ctx, make([]int16, 2*1764)) // 40 ms from the microphone
	_ = mic.Flush(ctx)                             // the player let go of the key
	neuro := make([]float32, 960)
	_ = client.ReadAudio(neuro) // her voice, for the voice chat's transmit path

	fmt.Println("frames sent:", client.Stats().SentFrames)
	_ = client.Close()
	fmt.Println("serve:", <-done)
	// Output:
	// voice ready: 48000 Hz
	// frames sent: 2
	// serve: voice: client closed
}
