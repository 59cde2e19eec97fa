package tictactoe

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// chattyNeuro is a scripted Neuro over in-memory pipes who talks while
// she plays: on each force she starts speaking (speech_finished, not
// final), then plays the first free cell; with finishes set she ends her
// utterance (a final speech_finished) once she read the result of her
// move. It notes every force that comes while she is still speaking.
type chattyNeuro struct {
	t        *testing.T
	finishes bool

	mu             sync.Mutex
	forces         int // forces received
	forcedSpeaking int // of them, received while she was speaking
	wg             sync.WaitGroup
}

// dial is a transport.DialFunc: each connection is served by a goroutine
// of n, joined by the test's cleanup.
func (n *chattyNeuro) dial(context.Context, string) (transport.Conn, error) {
	game, neuroEnd := transport.Pipe()
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		n.serve(neuroEnd)
	}()
	return game, nil
}

func (n *chattyNeuro) serve(conn transport.Conn) {
	defer conn.CloseNow()
	ctx := context.Background()
	send := func(m wire.Message) {
		frame, err := wire.EncodeServer(m)
		if err == nil {
			err = conn.Write(ctx, frame)
		}
		if err != nil {
			n.t.Logf("chatty Neuro: write: %v", err)
		}
	}
	var free []any // the cells the play action lists
	speaking := false
	moves := 0
	for {
		frame, err := conn.Read(ctx)
		if err != nil {
			return
		}
		_, m, err := wire.DecodeGame(frame)
		if err != nil {
			n.t.Errorf("chatty Neuro: bad frame %s: %v", frame, err)
			continue
		}
		switch m := m.(type) {
		case wire.RegisterActions:
			for _, a := range m.Actions {
				if a.Name == PlayAction {
					free, _ = a.Schema["properties"].(map[string]any)["cell"].(map[string]any)["enum"].([]any)
				}
			}
		case neuro.ForceActions:
			n.mu.Lock()
			n.forces++
			if speaking {
				n.forcedSpeaking++
			}
			n.mu.Unlock()
			if len(free) == 0 {
				n.t.Errorf("chatty Neuro: forced without free cells")
				continue
			}
			if !speaking {
				send(wire.SpeechFinished{}) // "Hmm, let me see…"
				speaking = true
			}
			moves++
			send(wire.ActionRequest{ID: fmt.Sprint("m", moves), Name: PlayAction, Data: fmt.Sprintf(`{"cell": %v}`, free[0]), HasData: true})
		case neuro.ActionResult:
			if m.Success && n.finishes {
				send(wire.SpeechFinished{}) // still talking…
				send(wire.SpeechFinished{IsFinal: true})
				speaking = false
			}
		}
	}
}

func (n *chattyNeuro) counts() (forces, forcedSpeaking int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.forces, n.forcedSpeaking
}

func newChattyNeuro(t *testing.T, finishes bool) *chattyNeuro {
	n := &chattyNeuro{t: t, finishes: finishes}
	t.Cleanup(n.wg.Wait) // Run closed the connections before it returned
	return n
}

// TestRunWaitsForSpeech: Neuro talks about each move; the session lets her
// finish before it forces again, and the transcript shows her speech.
func TestRunWaitsForSpeech(t *testing.T) {
	n := newChattyNeuro(t, true)
	score, out, err := play(t, testCtx(t), "ws://chatty", WithDialer(n.dial), WithGames(2), WithAckWait(0),
		WithSpeechWait(time.Minute)) // longer than the test: the wait must end at her final message
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if g := score.Neuro + score.Computer + score.Draws; g != 2 {
		t.Errorf("score %v", score)
	}
	forces, speaking := n.counts()
	if forces < 4 || speaking != 0 {
		t.Errorf("%d forces, %d of them while Neuro was speaking; want none", forces, speaking)
	}
	for _, want := range []string{"← speech_finished (speaking…)\n← action play ", "← speech_finished (final)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	// One line per utterance that is not final: the second update of
	// each is not shown. The match may end (and the game close) before
	// her last utterance's final message arrives.
	if a, b := strings.Count(out, "(speaking…)"), strings.Count(out, "(final)"); a != b && a != b+1 {
		t.Errorf("%d lines (speaking…) for %d lines (final)", a, b)
	}
	if strings.Contains(out, "still talking") {
		t.Error("the session gave up waiting for her")
	}
}

// TestRunSpeechWaitBounded: a Neuro who never finishes talking costs each
// turn the speech wait, no more; the match still ends.
func TestRunSpeechWaitBounded(t *testing.T) {
	n := newChattyNeuro(t, false)
	_, out, err := play(t, testCtx(t), "ws://chatty", WithDialer(n.dial), WithAckWait(0), WithSpeechWait(20*time.Millisecond))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	forces, speaking := n.counts()
	// The first force comes before she ever spoke; every later one after
	// the bounded wait.
	if speaking != forces-1 {
		t.Errorf("%d forces, %d while speaking; want all but the first", forces, speaking)
	}
	if got := strings.Count(out, "… Neuro is still talking after 20ms; asking for her move anyway"); got != forces-1 {
		t.Errorf("%d bounded waits in the transcript, want %d", got, forces-1)
	}
}
