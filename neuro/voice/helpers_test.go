package voice_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/neuro/voice/voicesim"
)

// wait is the deadline of every wait in these tests: generous, since the
// machine is shared; nothing asserts how fast anything is.
const wait = 20 * time.Second

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

// sim is a voicesim server on a loopback httptest server, with a manual
// clock.
type sim struct {
	*voicesim.Server
	clock *voicesim.ManualClock
	url   string // the main URL a game would use
}

func newSim(t *testing.T, opts ...voicesim.Option) *sim {
	t.Helper()
	clock := voicesim.NewManualClock(time.Unix(1_700_000_000, 0))
	srv := voicesim.New(append([]voicesim.Option{voicesim.WithClock(clock), voicesim.WithLogger(zaptest.NewLogger(t))}, opts...)...)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Cleanup(func() { _ = srv.Close() }) // runs first: ends the hijacked sockets
	return &sim{Server: srv, clock: clock, url: "ws://" + ts.Listener.Addr().String()}
}

// record is one handler call, with what the client held at that moment.
type record struct {
	name     string
	data     any
	buffered int
}

// recorder collects handler calls on a channel.
type recorder struct {
	c  *voice.Client
	ch chan record
}

func (r *recorder) add(name string, data any) {
	r.ch <- record{name: name, data: data, buffered: r.c.Buffered()}
}

func (r *recorder) handlers() voice.Handlers {
	return voice.Handlers{
		Ready:       func(d events.VoiceReadyData) { r.add(events.VoiceReady, d) },
		Unavailable: func(d events.VoiceUnavailableData) { r.add(events.VoiceUnavailable, d) },
		Speaking:    func(d events.VoiceSpeakingData) { r.add(events.VoiceSpeaking, d) },
		Cancelled:   func(d events.VoiceCancelledData) { r.add(events.VoiceCancelled, d) },
		Ended:       func(d events.VoiceEndedData) { r.add(events.VoiceEnded, d) },
	}
}

// next returns the next handler call, failing the test after the deadline.
func (r *recorder) next(t *testing.T) record {
	t.Helper()
	select {
	case rec := <-r.ch:
		return rec
	case <-time.After(wait):
		t.Fatal("no handler call within the deadline")
		return record{}
	}
}

func (r *recorder) expect(t *testing.T, name string) record {
	t.Helper()
	rec := r.next(t)
	if rec.name != name {
		t.Fatalf("handler call %s (%+v), want %s", rec.name, rec.data, name)
	}
	return rec
}

// newClient returns a client for game with a recorder wired to its
// handlers.
func newClient(t *testing.T, mainURL, game string, opts ...voice.Option) (*voice.Client, *recorder) {
	t.Helper()
	r := &recorder{ch: make(chan record, 256)}
	c, err := voice.New(mainURL, game, append([]voice.Option{
		voice.WithHandlers(r.handlers()), voice.WithLogger(zaptest.NewLogger(t)),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	r.c = c
	return c, r
}

// serve runs c.Serve on a goroutine the test owns: the returned function
// waits for Serve's result.
func serve(t *testing.T, ctx context.Context, c *voice.Client) func() error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.Serve(ctx) }()
	var once sync.Once
	var err error
	join := func() error {
		once.Do(func() {
			select {
			case err = <-done:
			case <-time.After(wait):
				t.Fatal("Serve did not return")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = c.Close(); _ = join() })
	return join
}

// httpServer runs h on a loopback httptest server whose handlers are
// joined on cleanup.
func httpServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) string {
	t.Helper()
	var wg sync.WaitGroup
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wg.Add(1)
		defer wg.Done()
		h(w, r)
	}))
	t.Cleanup(func() { ts.Close(); wg.Wait() })
	return "ws://" + ts.Listener.Addr().String()
}

// newBenchSim runs voicesim on loopback for a benchmark and returns the
// main URL.
func newBenchSim(b *testing.B) string {
	b.Helper()
	srv := voicesim.New()
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	b.Cleanup(func() { _ = srv.Close() })
	return "ws://" + ts.Listener.Addr().String()
}

// fakeServer answers each voice/start with answers (nothing when there are
// none) and reports the sample count of each audio frame on frames, when
// frames is not nil.
func fakeServer(t *testing.T, frames chan<- int, answers ...string) string {
	t.Helper()
	return httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		conn, err := voice.Accept(w, r)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		for {
			kind, p, err := conn.ReadFrame()
			if err != nil {
				return
			}
			switch {
			case kind == voice.BinaryFrame && frames != nil:
				frames <- (len(p) - voice.HeaderSize) / 4
			case kind == voice.TextFrame && strings.Contains(string(p), voice.CmdStart):
				for _, a := range answers {
					_ = conn.WriteText(context.Background(), []byte(a))
				}
			}
		}
	})
}
