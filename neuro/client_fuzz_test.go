package neuro

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// FuzzClientFrames feeds arbitrary frames (one per line of the input) to a
// Client whose handler answers every action at once, and checks that
// nothing panics, that reading goes on to the end, and that every action
// frame with a readable id gets exactly one result while frames without
// one get none.
func FuzzClientFrames(f *testing.F) {
	for _, seed := range []string{
		`{"command":"action","data":{"id":"1","name":"pass"}}`,
		`{"command":"action","data":{"id":"1","name":"play","data":"{\"cell\":5}"}}` + "\n" +
			`{"command":"action","data":{"id":"1","name":"play","data":"{\"cell\":12}"}}`,
		`{"command":"action","data":{"id":"2","name":"nope"}}` + "\n" + `{"command":"actions/reregister_all"}`,
		`{"command":"action","data":{"id":"3"}}` + "\n" + `{"command":"action","data":{"name":"pass"}}`,
		`{"command":"action","data":{"id":"4","name":"play","data":{"cell":1}}}`,
		`{"command":"startup","data":{"session":{"sessionId":"s"}}}` + "\n" + `{"command":"shutdown/graceful","data":{"wants_shutdown":true}}`,
		`not json` + "\n" + `{"command":7}` + "\n" + `[]` + "\n" + `{"command":"new","data":{}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		frames := bytes.Split(input, []byte("\n"))
		if len(frames) > 64 {
			frames = frames[:64]
		}
		cl, err := NewClient(testGame, ReceiverFuncs{
			Action: func(ctx context.Context, act events.Action) {
				if err := act.Reply(ctx, true, ""); err != nil {
					t.Errorf("Reply: %v", err)
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := cl.RegisterActions(ctx, actPlay, actPass); err != nil {
			t.Fatal(err)
		}
		game, server := transport.Pipe()
		srv := newFakeServer(t, server)
		if err := cl.Attach(ctx, game); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = cl.Serve(ctx)
		}()
		defer func() {
			_ = game.CloseNow()
			<-done
		}()
		expect[wire.Startup](srv)
		expect[wire.RegisterActions](srv)

		want := map[string]int{}
		for _, fr := range frames {
			m, err := wire.DecodeServer(fr)
			var de *wire.DecodeError
			switch {
			case err == nil:
				if a, ok := m.(wire.ActionRequest); ok {
					want[a.ID]++
				}
			case errors.As(err, &de) && de.Command == wire.CmdAction && de.ID != "":
				want[de.ID]++
			}
			srv.sendRaw(string(fr))
		}
		// Actions are handled concurrently, each on the goroutine that
		// read it: wait for as many results as there were action frames,
		// then let a barrier show that no more come.
		total := 0
		for _, n := range want {
			total += n
		}
		got := map[string]int{}
		for seen := 0; seen < total; {
			if r, ok := srv.next().(ActionResult); ok {
				got[r.ID]++
				seen++
			}
		}
		for _, m := range srv.barrier() {
			if r, ok := m.(ActionResult); ok {
				got[r.ID]++
			}
		}
		for id, n := range want {
			if got[id] != n {
				t.Errorf("id %q: %d results for %d action frames", id, got[id], n)
			}
		}
		for id, n := range got {
			if want[id] == 0 {
				t.Errorf("id %q: %d results for no action frame", id, n)
			}
		}
	})
}
