package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice"
)

// voiceServe runs a voice client for "CLI Game" against the simulator at
// wsURL until its first answer, and returns Serve's result when the
// answer ended it (nil after voice/ready).
func voiceServe(t *testing.T, wsURL string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ready := make(chan events.VoiceReadyData, 1)
	c, err := voice.New(wsURL, "CLI Game", voice.WithHandlers(voice.Handlers{Ready: func(d events.VoiceReadyData) { ready <- d }}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Serve(ctx) }()
	select {
	case d := <-ready:
		if d.SampleRate != 48000 || d.Channels != 1 {
			t.Errorf("voice/ready %+v", d)
		}
		_ = c.Close()
		<-done
		return nil
	case err := <-done:
		return err
	}
}

func TestRunVoiceFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want error
	}{
		{nil, nil},
		{[]string{"-voice=false"}, voice.ErrUnavailable},
	} {
		_, wsURL, _, stop := started(t, append([]string{"-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0"}, tc.args...)...)
		err := voiceServe(t, wsURL)
		if serr := stop(); serr != nil {
			t.Fatalf("run %v = %v", tc.args, serr)
		}
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Fatalf("run %v: voice Serve = %v, want %v", tc.args, err, tc.want)
		}
	}
}
