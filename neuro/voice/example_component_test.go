package voice_test

import (
	"context"
	"fmt"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/voice"
)

// A game adds voice to its Neuro session: one more component on its
// manager, next to the Neuro component. Voice opens once the main
// connection is up; without voice on the server the game plays on.
func ExampleComponent() {
	sim := server.New() // Neuro, in-process here; a game dials her URL
	_ = sim.Start("127.0.0.1:0", "")
	defer sim.Close()
	ctx := context.Background()

	m := manager.New("game")
	n, _ := neuro.NewComponent("My Game")
	v, _ := voice.NewComponent("My Game") // the same name: the server pairs them
	_ = m.AddAll(n, v)
	said := make(chan string, 1)
	_, _ = m.RegisterHandler(events.VoiceReady, func(_ context.Context, ev manager.Event) error {
		d, _ := manager.Payload[events.VoiceReadyData](ev)
		said <- fmt.Sprintf("voice ready: %d Hz", d.SampleRate)
		return nil
	})
	_, _ = m.RegisterHandler(events.VoiceUnavailable, func(context.Context, manager.Event) error {
		said <- "no voice chat: the game plays on"
		return nil
	})
	_ = v.Register(ctx, 1, "Player One") // Neuro hears "Player One said: …"
	_ = n.Connect(ctx, sim.URL())
	fmt.Println(<-said)

	mic, _ := v.NewStream(1, voice.Format{Rate: 44100, Channels: 2})
	_ = mic.WriteInt16(ctx, make([]int16, 2*4410)) // 100 ms from the microphone
	_ = mic.Flush(ctx)                             // the player let go of the key
	fmt.Println("frames sent:", v.Stats().SentFrames)

	_ = v.Stop(ctx)
	_ = n.Stop(ctx, 0, "")
	// Output:
	// voice ready: 48000 Hz
	// frames sent: 5
}
