package voicesim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
)

// The simulator mounts the voice side next to its main socket; a game
// streams a second of a player's voice, and the state shows it.
func ExampleServer() {
	srv := voicesim.New()
	mux := http.NewServeMux()
	mux.Handle("/game/", srv) // serves /game/<name>/voice
	ts := httptest.NewServer(mux)
	defer ts.Close()

	ctx := context.Background()
	ready := make(chan struct{})
	game, _ := voice.New("ws://"+ts.Listener.Addr().String(), "My Game",
		voice.WithHandlers(voice.Handlers{Ready: func(events.VoiceReadyData) { close(ready) }}))
	_ = game.Register(ctx, 1, "Player One")
	done := make(chan error, 1)
	go func() { done <- game.Serve(ctx) }()
	select {
	case <-ready:
	case err := <-done:
		fmt.Println(err)
		return
	}
	frame := make([]float32, 960) // 20 ms at 48 kHz
	for i := 0; i < 50; i++ {
		_ = game.Send(ctx, 1, frame)
	}
	_ = game.Close()
	<-done
	_ = srv.Close() // waits for the socket: every frame is counted

	for _, g := range srv.State().Games {
		for _, sp := range g.Speakers {
			fmt.Printf("%s / %s: %.2f s in %d frames\n", g.Game, sp.Name, sp.Seconds, sp.Frames)
		}
	}
	fmt.Println("warnings:", len(srv.Warnings()))
	// Output:
	// My Game / Player One: 1.00 s in 50 frames
	// warnings: 0
}

// Neuro speaks to a game for 60 ms; a manual clock paces the frames.
func ExampleServer_Speak() {
	clock := voicesim.NewManualClock(time.Unix(0, 0))
	srv := voicesim.New(voicesim.WithClock(clock))
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()

	ctx := context.Background()
	ready, speaking := make(chan struct{}), make(chan bool, 4)
	game, _ := voice.New("ws://"+ts.Listener.Addr().String(), "My Game", voice.WithHandlers(voice.Handlers{
		Ready:    func(events.VoiceReadyData) { close(ready) },
		Speaking: func(d events.VoiceSpeakingData) { speaking <- d.Speaking },
	}))
	done := make(chan error, 1)
	go func() { done <- game.Serve(ctx) }()
	defer func() { _ = game.Close(); <-done }()
	<-ready

	spoke := make(chan error, 1)
	go func() { spoke <- srv.Speak(ctx, "My Game", 60*time.Millisecond) }()
	_ = clock.WaitTickers(ctx, voicesim.FrameDuration, 1)
	for i := 0; i < 2; i++ { // frames 2 and 3
		_ = clock.Advance(ctx, voicesim.FrameDuration)
	}
	fmt.Println("speak:", <-spoke)
	fmt.Println("speaking:", <-speaking, <-speaking)
	fmt.Println("samples held:", game.Buffered())
	// Output:
	// speak: <nil>
	// speaking: true false
	// samples held: 2880
}
