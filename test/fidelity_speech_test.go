package test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// fidelityGame is a game written by hand over a real websocket, to see
// exactly what cmd/neuro-server sends.
type fidelityGame struct {
	t    *testing.T
	name string
	conn transport.Conn
}

func dialFidelityGame(t *testing.T, url, name string) *fidelityGame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	conn, err := gorilla.Dial(ctx, url)
	if err != nil {
		t.Fatalf("dialing %s: %v", url, err)
	}
	t.Cleanup(func() { _ = conn.Close(transport.CloseNormal, "test over") })
	return &fidelityGame{t: t, name: name, conn: conn}
}

func (g *fidelityGame) send(m wire.Message) {
	g.t.Helper()
	frame, err := wire.EncodeGame(g.name, m)
	if err != nil {
		g.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := g.conn.Write(ctx, frame); err != nil {
		g.t.Fatalf("sending %s: %v", m.Command(), err)
	}
}

func (g *fidelityGame) recv() wire.Message {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	frame, err := g.conn.Read(ctx)
	if err != nil {
		g.t.Fatalf("reading: %v", err)
	}
	m, err := wire.DecodeServer(frame)
	if err != nil {
		g.t.Fatalf("the server sent %s: %v", frame, err)
	}
	return m
}

func (g *fidelityGame) expect(cmd string) wire.Message {
	g.t.Helper()
	m := g.recv()
	if m.Command() != cmd {
		g.t.Fatalf("got %s (%+v), want %s", m.Command(), m, cmd)
	}
	return m
}

// speech reads one utterance: updates (isFinal false) and the final
// message, which it returns with the number of updates. Anything else
// before the final message fails the test.
func (g *fidelityGame) speech() (wire.SpeechFinished, int) {
	g.t.Helper()
	updates := 0
	for {
		sf, ok := g.expect(wire.CmdSpeechFinished).(wire.SpeechFinished)
		switch {
		case !ok:
			g.t.Fatalf("speech_finished decoded as %T", sf)
		case sf.IsFinal:
			return sf, updates
		case sf.Cancelled || sf.Reason != "":
			g.t.Fatalf("an update carries a cancellation: %+v", sf)
		}
		updates++
	}
}

var fidelityWave = wire.Action{Name: "wave", Description: "Wave at chat."}

// startFidelity runs cmd/neuro-server with args and a game that started
// up and registered wave.
func startFidelity(t *testing.T, args ...string) (*neuroServer, *fidelityGame) {
	t.Helper()
	bin := neuroServerBinary(t)
	srv := startNeuroServer(t, bin, append([]string{"-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-seed", "1"}, args...)...)
	g := dialFidelityGame(t, srv.wsURL, "Fidelity Game")
	return srv, g
}

// TestFidelitySpeechAfterContext: with the default profile (neuro), a
// context that is not silent makes Neuro talk: speech_finished updates
// with isFinal false, then exactly one with isFinal true; the next frame
// after a force is its action. A successful force makes her talk again.
func TestFidelitySpeechAfterContext(t *testing.T) {
	srv, g := startFidelity(t, "-speech", "200ms,300ms", "-speech-updates", "40ms", "-think-time", "0s", "-act-every", "0")
	g.send(wire.Startup{})
	if ack := g.expect(wire.CmdStartup).(wire.StartupAck); ack.Session.CharacterID != "neuro" {
		t.Fatalf("acknowledgement %+v", ack)
	}
	g.send(wire.RegisterActions{Actions: []wire.Action{fidelityWave}})
	g.send(wire.ContextMessage{Message: "A viewer donated five dollars!", Silent: false})
	final, updates := g.speech()
	if final.Cancelled || final.Reason != "" || updates < 1 {
		t.Fatalf("final %+v after %d updates; want a plain end after at least one update", final, updates)
	}
	// Exactly one final: she is silent now, so the force is answered at
	// once and its action is the next frame.
	g.send(wire.ContextMessage{Message: "The donation was read.", Silent: true})
	g.send(wire.ForceActions{Query: "Wave at the donor.", ActionNames: []string{"wave"}})
	a := g.expect(wire.CmdAction).(wire.ActionRequest)
	g.send(wire.ActionResult{ID: a.ID, Success: true, Message: "Waved."})
	if final, _ = g.speech(); final.Cancelled {
		t.Fatalf("after the force: %+v", final)
	}
	client := httpClient(t)
	st := getState(t, client, srv.httpURL)
	if len(st.Games) != 1 || st.Games[0].Speech.Utterances != 2 || st.Games[0].Speech.Speaking || st.Games[0].Speech.LastFinal == nil {
		t.Fatalf("GET /state speech: %+v", st.Games)
	}
}

// TestFidelityCriticalForceInterrupts: a critical force while she talks
// interrupts her at once: the final speech_finished carries cancelled
// true and reason "interrupted", and the force's action follows.
func TestFidelityCriticalForceInterrupts(t *testing.T) {
	srv, g := startFidelity(t, "-speech", "1h,1h", "-speech-updates", "0", "-think-time", "0s", "-act-every", "0")
	g.send(wire.Startup{})
	g.expect(wire.CmdStartup)
	g.send(wire.RegisterActions{Actions: []wire.Action{fidelityWave}})
	// The server handles a game's frames in order: she is talking (for an
	// hour) when the force arrives.
	g.send(wire.ContextMessage{Message: "The boss appears!", Silent: false})
	g.send(wire.ForceActions{Query: "Dodge now!", ActionNames: []string{"wave"}, Priority: wire.PriorityCritical})
	final, updates := g.speech()
	if !final.Cancelled || final.Reason != "interrupted" || updates != 0 {
		t.Fatalf("final %+v after %d updates; want cancelled, interrupted", final, updates)
	}
	a := g.expect(wire.CmdAction).(wire.ActionRequest)
	g.send(wire.ActionResult{ID: a.ID, Success: true})
	st := getState(t, httpClient(t), srv.httpURL)
	if gs := st.Games[0]; gs.Speech.Utterances < 1 || gs.Speech.LastFinal == nil {
		t.Fatalf("GET /state speech %+v", gs.Speech)
	}
}

// TestFidelityRandyProfile: -profile randy is the official mock:
// actions/reregister_all on connect, no acknowledgement, failures retried
// with the same action beyond the real server's limit, no speech.
func TestFidelityRandyProfile(t *testing.T) {
	srv, g := startFidelity(t, "-profile", "randy", "-force-delay", "5ms")
	g.expect(wire.CmdReregisterAll)
	g.send(wire.Startup{})
	g.send(wire.RegisterActions{Actions: []wire.Action{fidelityWave, {Name: "bow", Description: "Bow."}}})
	g.send(wire.ContextMessage{Message: "Chat is excited.", Silent: false})
	g.send(wire.ForceActions{Query: "Greet chat.", ActionNames: []string{"wave", "bow"}})
	first := g.expect(wire.CmdAction).(wire.ActionRequest) // no acknowledgement, no speech before it
	a := first
	for i := range 5 {
		g.send(wire.ActionResult{ID: a.ID, Success: false, Message: fmt.Sprint("not yet ", i)})
		if a = g.expect(wire.CmdAction).(wire.ActionRequest); a.Name != first.Name || a.ID == first.ID {
			t.Fatalf("retry %d: %+v, want %s again with a new id", i+1, a, first.Name)
		}
	}
	g.send(wire.ActionResult{ID: a.ID, Success: true})
	st := pollState(t, httpClient(t), srv.httpURL, "the force served", func(st server.State) bool {
		return len(st.Games) == 1 && st.Games[0].Totals.ForcesSucceeded == 1
	})
	if gs := st.Games[0]; gs.Speech.Utterances != 0 || len(gs.Results) != 6 || !strings.Contains(srv.out.String(), `"profile": "randy"`) {
		t.Fatalf("speech %+v, %d results", gs.Speech, len(gs.Results))
	}
}
