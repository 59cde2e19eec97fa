package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// The fault tests of issue 5: a game built on neuro.Component against
// simulators that are killed, servers that send garbage, that stop
// answering pings or that go half-open, over real sockets on 127.0.0.1.
// Every test ends with a goroutine-leak check of its own.

// ---- the game ----

// faultGame is a game made of a manager and a Neuro component, with its
// connection events forwarded to channels.
type faultGame struct {
	m            *manager.Manager
	c            *neuro.Component
	connected    chan events.ConnectedData
	reconnected  chan events.ReconnectedData
	disconnected chan events.DisconnectedData
}

// faultFastReconnect reconnects at once and forever (tests bound it).
var faultFastReconnect = neuro.ReconnectPolicy{
	InitialDelay: 20 * time.Millisecond,
	MaxDelay:     200 * time.Millisecond,
	Jitter:       0.2,
	MaxAttempts:  -1,
}

// newFaultGame makes the game; its cleanup stops the component, which
// must then have joined every goroutine it started.
func newFaultGame(t *testing.T, opts ...neuro.Option) *faultGame {
	t.Helper()
	log := zaptest.NewLogger(t, zaptest.Level(zap.InfoLevel)).Named("game")
	c, err := neuro.NewComponent("Fault Game", append([]neuro.Option{neuro.WithLogger(log)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	g := &faultGame{
		m:            manager.New("fault-game"),
		c:            c,
		connected:    make(chan events.ConnectedData, 16),
		reconnected:  make(chan events.ReconnectedData, 16),
		disconnected: make(chan events.DisconnectedData, 16),
	}
	if err := g.m.Add(c); err != nil {
		t.Fatal(err)
	}
	faultForward(t, g.m, events.Connected, g.connected)
	faultForward(t, g.m, events.Reconnected, g.reconnected)
	faultForward(t, g.m, events.Disconnected, g.disconnected)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := c.Stop(ctx, 0, "test over"); err != nil {
			t.Errorf("stopping the game: %v", err)
		}
	})
	return g
}

// stop stops the game and checks that it stopped cleanly.
func (g *faultGame) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := g.c.Stop(ctx, 0, "test over"); err != nil {
		t.Fatalf("stopping the game: %v", err)
	}
}

// faultForward sends the payload of every event called name to ch,
// without ever blocking the component.
func faultForward[T any](t *testing.T, m *manager.Manager, name string, ch chan<- T) {
	t.Helper()
	_, err := m.RegisterHandler(name, func(_ context.Context, ev manager.Event) error {
		d, err := manager.Payload[T](ev)
		if err != nil {
			return err
		}
		select {
		case ch <- d:
		default:
			t.Errorf("too many %s events", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// faultAwait returns the next value on ch, failing the test after
// waitFor.
func faultAwait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitFor):
		t.Fatalf("no %s within %v", what, waitFor)
		var zero T
		return zero
	}
}

// faultCtx is a context bounded by waitFor, cancelled with the test.
func faultCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return ctx
}

// faultLeakCheck fails the test when a goroutine started during it is
// still running after every other cleanup: call it first.
func faultLeakCheck(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// faultLook is an action with no parameters that always succeeds.
var faultLook = neuro.Action{Name: "look", Description: "Look at the counter."}

func faultHandleLook(t *testing.T, g *faultGame) {
	t.Helper()
	err := g.c.HandleAction(faultCtx(t), faultLook, func(context.Context, events.Action) neuro.Result {
		return neuro.Success("The counter is there.")
	})
	if err != nil {
		t.Fatal(err)
	}
}

// ---- a counting match: one action window per turn ----

var faultStep = neuro.Action{
	Name:        "step",
	Description: "Move the counter forward by 1 to 3.",
	Schema: neuro.Schema{
		"type":       "object",
		"properties": map[string]any{"by": map[string]any{"type": "integer", "minimum": 1, "maximum": 3}},
		"required":   []string{"by"},
	},
}

func faultTurnQuery(turn int) string { return fmt.Sprintf("Turn %d: move the counter.", turn) }

// faultMatch is a match of a few forced turns; each turn is an action
// window whose only action is step.
type faultMatch struct {
	turns chan neuro.WindowResult // each turn's winning action
	done  chan error              // the match's end
}

// startFaultMatch plays turns turns on c in a goroutine that the
// test's cleanup cancels and joins.
func startFaultMatch(t *testing.T, c *neuro.Component, turns int) *faultMatch {
	ctx, cancel := context.WithCancel(context.Background())
	m := &faultMatch{turns: make(chan neuro.WindowResult, turns), done: make(chan error, 1)}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		m.done <- playFaultMatch(ctx, c, turns, m.turns)
	}()
	t.Cleanup(func() {
		cancel()
		<-finished
	})
	return m
}

func playFaultMatch(ctx context.Context, c *neuro.Component, turns int, out chan<- neuro.WindowResult) error {
	total := 0
	step := func(_ context.Context, act events.Action) neuro.Result {
		var p struct {
			By int `json:"by"`
		}
		if err := json.Unmarshal([]byte(act.Data), &p); err != nil {
			return neuro.Failure(`send {"by": 1}, 2 or 3`)
		}
		return neuro.Success(fmt.Sprintf("Moved by %d.", p.By))
	}
	for turn := 1; turn <= turns; turn++ {
		r, err := c.Window(ctx, neuro.WindowSpec{
			Context: fmt.Sprintf("Turn %d of %d: the counter is at %d.", turn, turns, total),
			Silent:  true,
			Actions: []neuro.ActionSpec{{Action: faultStep, Handler: step}},
			Force:   neuro.ForceActions{Query: faultTurnQuery(turn), State: fmt.Sprintf("counter: %d", total)},
		})
		if err != nil {
			return fmt.Errorf("turn %d: %w", turn, err)
		}
		var p struct {
			By int `json:"by"`
		}
		if err := json.Unmarshal([]byte(r.Data), &p); err != nil {
			return fmt.Errorf("turn %d: won with data %q: %w", turn, r.Data, err)
		}
		total += p.By
		out <- r
	}
	return nil
}

// ---- 1. the simulator killed and restarted mid-match ----

// TestSimulatorRestartMidMatch kills cmd/neuro-server with SIGKILL while
// a turn of a match is open (its action registered and forced), restarts
// it on the same port, and checks that the game reconnects, registers
// everything again, that the simulator's registry equals the game's, and
// that the match finishes.
func TestSimulatorRestartMidMatch(t *testing.T) {
	faultLeakCheck(t)
	bin := neuroServerBinary(t)
	wsAddr := faultFreeAddr(t)
	client := httpClient(t)
	// The first simulator never answers a force by itself (force delay
	// 1h): the test plays Neuro through POST /, so that the kill happens
	// at a known point of the match.
	first := startNeuroServer(t, bin, "-ws-addr", wsAddr, "-http-addr", "127.0.0.1:0", "-force-delay", "1h", "-seed", "1")

	g := newFaultGame(t, neuro.WithReconnect(faultFastReconnect))
	faultHandleLook(t, g)
	if err := g.c.Connect(faultCtx(t), first.wsURL); err != nil {
		t.Fatal(err)
	}
	faultAwait(t, g.connected, "Connected event")
	const turns = 5
	match := startFaultMatch(t, g.c, turns)

	for turn := 1; turn <= 2; turn++ {
		faultWaitForForce(t, client, first.httpURL, turn)
		faultPost(t, client, first.httpURL,
			fmt.Sprintf(`{"command":"action","data":{"id":"inject-%d","name":"step","data":"{\"by\":1}"}}`, turn))
		if r := faultAwait(t, match.turns, fmt.Sprintf("end of turn %d", turn)); r.Action != "step" || r.Data != `{"by":1}` {
			t.Fatalf("turn %d won by %+v", turn, r)
		}
	}

	// Turn 3 is open: kill the simulator, hard.
	faultWaitForForce(t, client, first.httpURL, 3)
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.exit(t)
	d := faultAwait(t, g.disconnected, "Disconnected event after the kill")
	if d.Code != transport.CloseAbnormal || !d.WillReconnect {
		t.Fatalf("Disconnected after SIGKILL: %+v; want code 1006 and a reconnect", d)
	}

	// A new simulator on the same port, answering forces by itself.
	second := startNeuroServer(t, bin, "-ws-addr", wsAddr, "-http-addr", "127.0.0.1:0", "-force-delay", "10ms", "-seed", "2")
	if r := faultAwait(t, g.reconnected, "Reconnected event"); r.Attempt < 1 {
		t.Fatalf("Reconnected %+v", r)
	}
	for turn := 3; turn <= turns; turn++ {
		if r := faultAwait(t, match.turns, fmt.Sprintf("end of turn %d", turn)); r.Action != "step" {
			t.Fatalf("turn %d won by %+v", turn, r)
		}
	}
	if err := faultAwait(t, match.done, "end of the match"); err != nil {
		t.Fatalf("the match did not finish: %v", err)
	}

	// The simulator's registry is the game's: look, the turn actions gone.
	want := g.c.Registered()
	if !slices.Equal(want, []string{"look"}) {
		t.Fatalf("the game's registry after the match: %q, want [look]", want)
	}
	st := pollState(t, client, second.httpURL, "the game's registry", func(st server.State) bool {
		return len(st.Games) == 1 && st.Games[0].Connected && st.Games[0].StartedUp &&
			slices.Equal(faultNames(st.Games[0].Actions), want)
	})
	for _, r := range st.Games[0].Results {
		if r.TimedOut {
			t.Errorf("the new simulator saw a timed-out action: %+v", r)
		}
	}
	g.stop(t)
}

// faultFreeAddr returns a loopback address with a free port.
func faultFreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// faultWaitForForce waits until the simulator at base holds the force of
// the given turn: the turn's action is registered (it is sent before the
// force) and the turn is open.
func faultWaitForForce(t *testing.T, client *http.Client, base string, turn int) {
	t.Helper()
	pollState(t, client, base, fmt.Sprintf("the force of turn %d", turn), func(st server.State) bool {
		for _, g := range st.Games {
			if g.Connected && slices.ContainsFunc(g.ForceQueue, func(f server.QueuedForce) bool {
				return f.Query == faultTurnQuery(turn)
			}) {
				return true
			}
		}
		return false
	})
}

// faultPost sends body to every game through POST / and checks that it
// reached one.
func faultPost(t *testing.T, client *http.Client, base, body string) {
	t.Helper()
	resp, err := client.Post(base, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST /: %v", err)
	}
	defer resp.Body.Close()
	var sent struct {
		Sent int `json:"sent"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&sent); err != nil || resp.StatusCode != http.StatusOK || sent.Sent != 1 {
		t.Fatalf("POST / = %d %+v (%v); want 200, sent to 1 game", resp.StatusCode, sent, err)
	}
}

func faultNames(actions []neuro.Action) []string {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a.Name
	}
	return names
}

// ---- servers and peers of our own ----

// faultRawServer is an httptest server on 127.0.0.1 that upgrades every
// request with gorilla/websocket directly, so that a test can send any
// frame (binary ones too), or nothing at all, and even stop reading.
// Each connection is also handed to the test on conns.
func faultRawServer(t *testing.T) (url string, conns <-chan *websocket.Conn) {
	t.Helper()
	ch := make(chan *websocket.Conn, 8)
	keep := faultKeeper(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var up websocket.Upgrader
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("upgrade: %v", err)
			return
		}
		keep(ws.Close)
		ch <- ws
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), ch
}

// faultKeeper returns a function that keeps server connections until
// the test's cleanup closes them. Keeping them matters: a connection
// nobody references is closed by the garbage collector, with a reset
// that a test of a silent peer would mistake for something else.
func faultKeeper(t *testing.T) func(closeFn func() error) {
	var (
		mu     sync.Mutex
		closes []func() error
	)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range closes {
			_ = c()
		}
	})
	return func(closeFn func() error) {
		mu.Lock()
		defer mu.Unlock()
		closes = append(closes, closeFn)
	}
}

// faultPeer plays the server's side of one connection: a goroutine reads
// and decodes every frame the game sends; the test writes.
type faultPeer struct {
	t     *testing.T
	write func(binary bool, frame []byte) error
	msgs  chan wire.Message
	done  chan struct{}
	err   error // why reading stopped; read after done
}

func newFaultPeer(t *testing.T, read func() ([]byte, error), write func(bool, []byte) error, closeNow func()) *faultPeer {
	p := &faultPeer{t: t, write: write, msgs: make(chan wire.Message, 4096), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for {
			frame, err := read()
			if err != nil {
				p.err = err
				return
			}
			game, m, err := wire.DecodeGame(frame)
			if err != nil || game != "Fault Game" {
				t.Errorf("the game sent a bad frame %.200q (game %q): %v", frame, game, err)
				continue
			}
			p.msgs <- m
		}
	}()
	t.Cleanup(func() {
		closeNow()
		<-p.done
	})
	return p
}

// rawPeer is a faultPeer over a raw gorilla/websocket connection.
func faultRawPeer(t *testing.T, ws *websocket.Conn) *faultPeer {
	return newFaultPeer(t,
		func() ([]byte, error) {
			_, b, err := ws.ReadMessage()
			return b, err
		},
		func(binary bool, frame []byte) error {
			typ := websocket.TextMessage
			if binary {
				typ = websocket.BinaryMessage
			}
			_ = ws.SetWriteDeadline(time.Now().Add(waitFor))
			return ws.WriteMessage(typ, frame)
		},
		func() { _ = ws.Close() })
}

// connPeer is a faultPeer over a transport connection (gorilla.Accept).
func faultConnPeer(t *testing.T, conn transport.Conn) *faultPeer {
	return newFaultPeer(t,
		func() ([]byte, error) { return conn.Read(context.Background()) },
		func(binary bool, frame []byte) error {
			if binary {
				return errors.New("a transport connection sends text frames only")
			}
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			return conn.Write(ctx, frame)
		},
		func() { _ = conn.CloseNow() })
}

func (p *faultPeer) send(frame string) {
	p.t.Helper()
	if err := p.write(false, []byte(frame)); err != nil {
		p.t.Fatalf("peer: write: %v", err)
	}
}

func (p *faultPeer) sendBinary(frame []byte) {
	p.t.Helper()
	if err := p.write(true, frame); err != nil {
		p.t.Fatalf("peer: write: %v", err)
	}
}

// next returns the next message from the game.
func (p *faultPeer) next() wire.Message {
	p.t.Helper()
	select {
	case m := <-p.msgs:
		return m
	case <-p.done:
		select {
		case m := <-p.msgs:
			return m
		default:
		}
		p.t.Fatalf("peer: the connection ended: %v", p.err)
	case <-time.After(waitFor):
		p.t.Fatalf("peer: nothing from the game within %v", waitFor)
	}
	return nil
}

// faultExpect returns the next message from the game, which must be a T.
func faultExpect[T wire.Message](p *faultPeer) T {
	p.t.Helper()
	m := p.next()
	v, ok := m.(T)
	if !ok {
		var zero T
		p.t.Fatalf("peer: got %T %+v, want %T", m, m, zero)
	}
	return v
}

// ---- 2. garbage frames between valid ones ----

var faultCount = neuro.Action{
	Name:        "count",
	Description: "Say the next number.",
	Schema: neuro.Schema{
		"type":       "object",
		"properties": map[string]any{"n": map[string]any{"type": "integer", "minimum": 1}},
		"required":   []string{"n"},
	},
}

// faultGarbage returns the garbage sent before the valid action of round
// i: frames the game must ignore, and action frames with an id that it
// must answer with a failed result (returned in failedIDs).
func faultGarbage(i int) (text []string, binary [][]byte, failedIDs []string) {
	id := func(what string) string {
		s := fmt.Sprintf("bad-%d-%s", i, what)
		failedIDs = append(failedIDs, s)
		return s
	}
	text = []string{
		`not json at all`,
		`{"command":`,
		`[]`, `null`, `42`, `"action"`, `{}`,
		`{"command":7}`,
		`{"command":"action"}`,
		`{"command":"action","data":"nope"}`,
		`{"command":"action","data":{"id":5,"name":"count"}}`,
		`{"command":"action","data":{"name":"count","data":"{\"n\":1}"}}`,
		`{"command":"speech_finished","data":{"n":[1,2,{"<":"\u2028"}]}}`,
		`{"command":"shutdown/graceful","data":{"wants_shutdown":"yes"}}`,
		`{"command":"startup","data":{"session":"nobody"}}`,
		`{"command":"actions/reregister_all","data":[1]}`,
		"\xff\xfe{\"command\":\"action\"}",
		fmt.Sprintf(`{"command":"action","data":{"id":%q,"name":"count","data":"{not json"}}`, id("json")),
		fmt.Sprintf(`{"command":"action","data":{"id":%q,"name":"count","data":"{\"n\":\"three\"}"}}`, id("type")),
		fmt.Sprintf(`{"command":"action","data":{"id":%q,"name":"no_such_action"}}`, id("name")),
		fmt.Sprintf(`{"command":"action","data":{"id":%q,"name":"count"}}`, id("nodata")),
		fmt.Sprintf(`{"command":"action","data":{"id":%q,"name":"count","data":{"n":%d}}}`, id("object"), i),
		fmt.Sprintf(`{"command":"action","data":{"id":%q,"name":"count","data":"{\"n\":999}"}}`, id("wrong")),
	}
	binary = [][]byte{
		{0x00, 0x01, 0xfe, 0xff},
		[]byte(`{"command":"act`),
	}
	switch i {
	case 2: // big junk, under the game's 1 MiB read limit
		text = append(text, fmt.Sprintf(`{"command":"junk","data":{"pad":%q}}`, strings.Repeat("x", 900<<10)))
	case 4:
		text = append(text,
			strings.Repeat("garbage ", 100<<10),
			fmt.Sprintf(`{"command":"action","data":{"id":%q,"name":"count","data":%q}}`, id("huge"), strings.Repeat("[", 700<<10)))
	}
	return text, binary, failedIDs
}

// TestGarbageFramesBetweenValidOnes has a server interleave garbage
// (invalid JSON, wrong types, unknown commands, binary frames, big junk
// under the read limit, actions that are malformed, unknown or off the
// schema) between the valid actions of a counting game: every valid
// action gets its result, every garbage action with an id exactly one
// failed result, nothing else is answered, the connection stays up, and
// the game reaches its end.
func TestGarbageFramesBetweenValidOnes(t *testing.T) {
	faultLeakCheck(t)
	url, conns := faultRawServer(t)
	g := newFaultGame(t)
	const rounds = 5
	var (
		mu       sync.Mutex
		next     = 1
		finished = make(chan struct{})
	)
	err := g.c.HandleAction(faultCtx(t), faultCount, func(_ context.Context, act events.Action) neuro.Result {
		var p struct {
			N int `json:"n"`
		}
		if err := json.Unmarshal([]byte(act.Data), &p); err != nil {
			t.Errorf("count: data %q passed the schema but does not decode: %v", act.Data, err)
			return neuro.Failure("send a number")
		}
		mu.Lock()
		defer mu.Unlock()
		if p.N != next {
			return neuro.Failure(fmt.Sprintf("the next number is %d", next))
		}
		next++
		if next > rounds {
			close(finished)
		}
		return neuro.Success(fmt.Sprintf("%d counted", p.N))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.c.Connect(faultCtx(t), url); err != nil {
		t.Fatal(err)
	}
	peer := faultRawPeer(t, faultAwait(t, conns, "connection"))
	faultExpect[wire.Startup](peer)
	if r := faultExpect[wire.RegisterActions](peer); len(r.Actions) != 1 || r.Actions[0].Name != "count" {
		t.Fatalf("registered %+v", r.Actions)
	}

	results := map[string][]neuro.ActionResult{}
	want := map[string]bool{} // id → success expected
	collect := func(until string) {
		for {
			m := peer.next()
			if r, ok := m.(neuro.ActionResult); ok {
				results[r.ID] = append(results[r.ID], r)
				if r.ID == until {
					return
				}
			}
		}
	}
	for i := 1; i <= rounds; i++ {
		text, binary, failed := faultGarbage(i)
		for j, fr := range text {
			peer.send(fr)
			if j < len(binary) {
				peer.sendBinary(binary[j])
			}
		}
		for _, id := range failed {
			want[id] = false
		}
		ok := fmt.Sprintf("ok-%d", i)
		want[ok] = true
		peer.send(fmt.Sprintf(`{"command":"action","data":{"id":%q,"name":"count","data":"{\"n\":%d}"}}`, ok, i))
		collect(ok)
	}
	faultAwait(t, finished, "end of the count")
	for id := range want {
		if len(results[id]) == 0 {
			collect(id)
		}
	}
	select {
	case d := <-g.disconnected:
		t.Fatalf("the garbage disconnected the game: %+v", d)
	default:
	}

	// Stop: whatever the game still had to say comes before its close.
	ctx := faultCtx(t)
	if err := g.c.Stop(ctx, 0, "done"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-peer.done:
	case <-ctx.Done():
		t.Fatal("the connection did not end after Stop")
	}
	var ce *websocket.CloseError
	if !errors.As(peer.err, &ce) || ce.Code != websocket.CloseNormalClosure {
		t.Errorf("the server saw %v, want a normal close", peer.err)
	}
	for drained := false; !drained; {
		select {
		case m := <-peer.msgs:
			if r, ok := m.(neuro.ActionResult); ok {
				results[r.ID] = append(results[r.ID], r)
			}
		default:
			drained = true
		}
	}
	for id, rs := range results {
		success, expected := want[id]
		switch {
		case !expected:
			t.Errorf("result for id %q, which needs none: %+v", id, rs)
		case len(rs) != 1:
			t.Errorf("%d results for id %q: %+v", len(rs), id, rs)
		case rs[0].Success != success || (!success && strings.TrimSpace(rs[0].Message) == ""):
			t.Errorf("result for id %q: %+v, want success %v with a message", id, rs[0], success)
		}
	}
	for id := range want {
		if len(results[id]) == 0 {
			t.Errorf("no result for id %q", id)
		}
	}
}

// ---- 3. a hundred slow actions ----

var faultSlowTask = neuro.Action{
	Name:        "slow_task",
	Description: "A task that takes ms milliseconds.",
	Schema: neuro.Schema{
		"type": "object",
		"properties": map[string]any{
			"ms":               map[string]any{"type": "integer", "minimum": 20, "maximum": 50},
			"wait_for_company": map[string]any{"type": "boolean"},
		},
		"required": []string{"ms"},
	},
}

// faultSimulator starts an in-process simulator on 127.0.0.1:0; the
// test's cleanup shuts it down.
func faultSimulator(t *testing.T, opts ...server.Option) *server.Server {
	t.Helper()
	opts = append([]server.Option{
		server.WithLogger(zaptest.NewLogger(t, zaptest.Level(zap.InfoLevel)).Named("simulator")),
		server.WithReregisterOnConnect(false),
	}, opts...)
	sim := server.New(opts...)
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := sim.Shutdown(ctx); err != nil {
			t.Errorf("simulator shutdown: %v", err)
		}
	})
	return sim
}

// TestHundredSlowActions sends 100 actions at once whose handlers take
// 20 to 50 ms each, in flight together, and counts on the simulator's
// side the results per id: exactly one each, all successful, none
// unknown or late; each handler ran once.
func TestHundredSlowActions(t *testing.T) {
	faultLeakCheck(t)
	sim := faultSimulator(t)
	g := newFaultGame(t)
	const n = 100
	var (
		mu          sync.Mutex
		ran         = map[string]int{}
		inFlight    int
		maxInFlight int
		company     = make(chan struct{}) // closed when two handlers run at once
	)
	err := g.c.HandleAction(faultCtx(t), faultSlowTask, func(ctx context.Context, act events.Action) neuro.Result {
		var p struct {
			MS             int  `json:"ms"`
			WaitForCompany bool `json:"wait_for_company"`
		}
		if err := json.Unmarshal([]byte(act.Data), &p); err != nil {
			return neuro.Failure(`send {"ms": 20}`)
		}
		mu.Lock()
		ran[act.ID]++
		inFlight++
		if inFlight > maxInFlight {
			maxInFlight = inFlight
		}
		if inFlight == 2 {
			close(company)
		}
		mu.Unlock()
		defer func() {
			mu.Lock()
			inFlight--
			mu.Unlock()
		}()
		if p.WaitForCompany { // proves handlers overlap, whatever the load
			select {
			case <-company:
			case <-time.After(waitFor):
				return neuro.Failure("alone")
			}
		}
		select {
		case <-time.After(time.Duration(p.MS) * time.Millisecond): // the work
		case <-ctx.Done():
			return neuro.Failure("stopped")
		}
		return neuro.Success("done " + act.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := faultCtx(t)
	if err := g.c.Connect(ctx, sim.URL()); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.WaitFor(ctx, server.IsReceived("", "actions/register")); err != nil {
		t.Fatal(err)
	}

	ids := make([]string, n)
	for i := range ids {
		id, err := sim.SendAction(ctx, "", faultSlowTask.Name, fmt.Sprintf(`{"ms":%d,"wait_for_company":%t}`, 20+i*7%31, i == 0))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	for _, id := range ids {
		r, err := sim.AwaitResult(ctx, "", id)
		if err != nil || !r.Success || r.Message != "done "+id {
			t.Fatalf("result of %s: %+v, %v", id, r, err)
		}
	}

	// Stop the game: its goroutines end and its connection closes, so
	// the simulator has read every frame the game ever sent.
	if err := g.c.Stop(ctx, 0, "done"); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.WaitFor(ctx, func(e server.Event) bool { return e.Kind == server.EventDisconnected }); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	perID := map[string]int{}
	for _, e := range sim.History() {
		if e.Kind == server.EventReceived && e.Command == "action/result" {
			r, ok := e.Message.(neuro.ActionResult)
			if !ok {
				t.Fatalf("undecodable result %s: %v", e.Frame, e.Err)
			}
			perID[r.ID]++
		}
	}
	for _, id := range ids {
		if perID[id] != 1 || ran[id] != 1 {
			t.Errorf("action %s: %d results, handler ran %d times; want 1 and 1", id, perID[id], ran[id])
		}
	}
	if len(perID) != n {
		t.Errorf("results for %d ids, want %d", len(perID), n)
	}
	for _, w := range sim.Findings() {
		t.Errorf("simulator warning: %v", w)
	}
	t.Logf("at most %d handlers in flight at once", maxInFlight)
	if maxInFlight < 2 {
		t.Errorf("handlers never overlapped")
	}
}

// ---- 4. Stop during a one-minute backoff ----

// TestStopDuringLongBackoff drops the connection of a game whose
// reconnect waits a minute, and checks that Stop, called while the
// component sleeps, returns at once (far before the minute: the sleep is
// woken, not waited out) without a new dial, and leaves no goroutine.
func TestStopDuringLongBackoff(t *testing.T) {
	faultLeakCheck(t)
	sim := faultSimulator(t)
	var dials atomic.Int32
	dial := gorilla.Dialer()
	g := newFaultGame(t,
		neuro.WithReconnect(neuro.ReconnectPolicy{InitialDelay: time.Minute, MaxDelay: time.Minute, MaxAttempts: -1}),
		neuro.WithDialer(func(ctx context.Context, url string) (transport.Conn, error) {
			dials.Add(1)
			return dial(ctx, url)
		}))
	ctx := faultCtx(t)
	if err := g.c.Connect(ctx, sim.URL()); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.WaitFor(ctx, server.IsReceived("", "startup")); err != nil {
		t.Fatal(err)
	}
	if err := sim.Disconnect("", transport.CloseGoingAway, "restarting"); err != nil {
		t.Fatal(err)
	}
	if d := faultAwait(t, g.disconnected, "Disconnected event"); d.Code != transport.CloseGoingAway || !d.WillReconnect {
		t.Fatalf("Disconnected %+v", d)
	}
	faultWaitForStack(t, "neuro.(*Component).sleep(")

	start := time.Now()
	if err := g.c.Stop(ctx, 0, ""); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("Stop took %v: it waited for the backoff instead of waking it", took)
	}
	if n := dials.Load(); n != 1 {
		t.Fatalf("%d dials, want 1: the component dialled during its backoff", n)
	}
	if err := g.c.Connect(ctx, sim.URL()); !errors.Is(err, neuro.ErrStopped) {
		t.Fatalf("Connect after Stop = %v, want ErrStopped", err)
	}
}

// faultWaitForStack waits until a goroutine's stack contains fn: the
// only way to see, from outside, that a goroutine is parked there.
func faultWaitForStack(t *testing.T, fn string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(waitFor)
	for {
		n := runtime.Stack(buf, true)
		if bytes.Contains(buf[:n], []byte(fn)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no goroutine in %s within %v", fn, waitFor)
		}
		time.Sleep(pollEvery)
	}
}

// ---- 5. the read limit ----

// TestReadLimitTriggersReconnect has the simulator send a frame over the
// game's read limit: the simulator sees the close code 1009, the game
// raises Disconnected with 1009, reconnects, sends startup and its
// registry again, and works on the new connection.
func TestReadLimitTriggersReconnect(t *testing.T) {
	faultLeakCheck(t)
	sim := faultSimulator(t)
	const limit = 4 << 10
	g := newFaultGame(t,
		neuro.WithDialer(gorilla.Dialer(gorilla.WithReadLimit(limit))),
		neuro.WithReconnect(faultFastReconnect))
	faultHandleLook(t, g)
	ctx := faultCtx(t)
	if err := g.c.Connect(ctx, sim.URL()); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.WaitFor(ctx, server.IsReceived("#1", "actions/register")); err != nil {
		t.Fatal(err)
	}
	// Under the limit is fine.
	if err := sim.SendRaw(ctx, "#1", []byte(fmt.Sprintf(`{"command":"context_dump","data":{"pad":%q}}`, strings.Repeat("x", limit/2)))); err != nil {
		t.Fatal(err)
	}
	if r, err := sim.Act(ctx, "#1", "look", ""); err != nil || !r.Success {
		t.Fatalf("look under the limit: %+v, %v", r, err)
	}

	big := fmt.Sprintf(`{"command":"context_dump","data":{"pad":%q}}`, strings.Repeat("x", 4*limit))
	if err := sim.SendRaw(ctx, "#1", []byte(big)); err != nil {
		t.Fatal(err)
	}
	e, err := sim.WaitFor(ctx, func(e server.Event) bool { return e.Kind == server.EventDisconnected && e.GameID == "#1" })
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := transport.CloseCode(e.Err); code != transport.CloseMessageTooBig {
		t.Fatalf("the simulator saw %v, want close code 1009", e.Err)
	}
	d := faultAwait(t, g.disconnected, "Disconnected event")
	if d.Code != transport.CloseMessageTooBig || !d.WillReconnect {
		t.Fatalf("Disconnected %+v; want code 1009 and a reconnect", d)
	}
	faultAwait(t, g.reconnected, "Reconnected event")

	// The new connection starts with startup, then the registry.
	if _, err := sim.WaitFor(ctx, server.IsReceived("#2", "actions/register")); err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for _, e := range sim.History() {
		if e.Kind == server.EventReceived && e.GameID == "#2" {
			cmds = append(cmds, e.Command)
		}
	}
	if len(cmds) < 2 || cmds[0] != "startup" || cmds[1] != "actions/register" {
		t.Fatalf("the new connection began with %q, want startup then actions/register", cmds)
	}
	reg, err := sim.Registry("#2")
	if err != nil {
		t.Fatal(err)
	}
	if got := faultNames(reg); !slices.Equal(got, g.c.Registered()) {
		t.Fatalf("the simulator's registry %q, the game's %q", got, g.c.Registered())
	}
	if r, err := sim.Act(ctx, "#2", "look", ""); err != nil || !r.Success {
		t.Fatalf("look after the reconnect: %+v, %v", r, err)
	}
}

// ---- 6. a dead peer ----

// faultDeadThenHealthy is an httptest server on 127.0.0.1 whose first
// connection goes dead and whose later ones are healthy (gorilla.Accept,
// which answers pings). The first connection is upgraded with
// gorilla/websocket and never written to; with answerFirst false it is
// never read either (no pong, nothing), with answerFirst true a reader
// answers pings until the test stores false in answering.
func faultDeadThenHealthy(t *testing.T, answerFirst bool) (url string, answering *atomic.Bool, dead <-chan struct{}, healthy <-chan transport.Conn) {
	t.Helper()
	answering = new(atomic.Bool)
	answering.Store(answerFirst)
	deadCh := make(chan struct{}, 1)
	healthyCh := make(chan transport.Conn, 8)
	keep := faultKeeper(t)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			var up websocket.Upgrader
			ws, err := up.Upgrade(w, r, nil)
			if err != nil {
				t.Errorf("upgrade: %v", err)
				return
			}
			if !answerFirst {
				keep(ws.Close)
				deadCh <- struct{}{}
				return
			}
			ws.SetPingHandler(func(data string) error {
				if !answering.Load() {
					return nil // swallowed: no pong
				}
				err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(waitFor))
				if errors.Is(err, websocket.ErrCloseSent) {
					return nil
				}
				return err
			})
			read := make(chan struct{})
			go func() {
				defer close(read)
				for {
					if _, _, err := ws.ReadMessage(); err != nil {
						return
					}
				}
			}()
			keep(func() error {
				err := ws.Close()
				<-read
				return err
			})
			deadCh <- struct{}{}
			return
		}
		conn, err := gorilla.Accept(w, r)
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		keep(conn.CloseNow)
		healthyCh <- conn
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), answering, deadCh, healthyCh
}

// TestDeadPeerDetectedAndReconnected connects a game (pings every 100ms,
// pong timeout 300ms) to a server that sends nothing and does not answer
// pings, either from the start or after answering them for a while: the
// game declares it dead after about the pong timeout (not before, when
// nothing ever came), reconnects to the same listener, now healthy, and
// the healthy connection outlives several pong timeouts.
func TestDeadPeerDetectedAndReconnected(t *testing.T) {
	const (
		ping = 100 * time.Millisecond
		pong = 300 * time.Millisecond
	)
	for _, answerFirst := range []bool{false, true} {
		name := "silent-from-the-start"
		if answerFirst {
			name = "stops-answering"
		}
		t.Run(name, func(t *testing.T) {
			faultLeakCheck(t)
			url, answering, dead, healthy := faultDeadThenHealthy(t, answerFirst)
			g := newFaultGame(t,
				neuro.WithDialer(gorilla.Dialer(gorilla.WithPingInterval(ping), gorilla.WithPongTimeout(pong))),
				neuro.WithReconnect(faultFastReconnect))
			faultHandleLook(t, g)
			start := time.Now()
			if err := g.c.Connect(faultCtx(t), url); err != nil {
				t.Fatal(err)
			}
			faultAwait(t, dead, "first connection")
			if answerFirst {
				// Alive for several pong timeouts while the pongs come.
				select {
				case d := <-g.disconnected:
					t.Fatalf("the connection dropped while the peer answered pings: %+v", d)
				case <-time.After(4 * pong):
				}
				answering.Store(false)
				start = time.Now()
			}
			d := faultAwait(t, g.disconnected, "Disconnected event")
			detected := time.Since(start)
			t.Logf("dead peer detected %v after it went silent (pong timeout %v)", detected, pong)
			if d.Code != transport.CloseAbnormal || !errors.Is(d.Err, os.ErrDeadlineExceeded) || !d.WillReconnect {
				t.Fatalf("Disconnected %+v; want 1006, a deadline error and a reconnect", d)
			}
			// Far before the default pong timeout (20s); and, when
			// nothing ever came to push the deadline, not before the
			// configured one.
			if detected > 10*time.Second || (!answerFirst && detected < pong) {
				t.Fatalf("dead peer detected after %v, want about %v", detected, pong)
			}

			peer := faultConnPeer(t, faultAwait(t, healthy, "second connection"))
			faultExpect[wire.Startup](peer)
			if r := faultExpect[wire.RegisterActions](peer); len(r.Actions) != 1 || r.Actions[0].Name != "look" {
				t.Fatalf("registered %+v", r.Actions)
			}
			faultAwait(t, g.reconnected, "Reconnected event")
			// Idle for several pong timeouts: the pongs keep it alive.
			select {
			case d := <-g.disconnected:
				t.Fatalf("the healthy connection dropped: %+v", d)
			case <-time.After(4 * pong):
			}
			peer.send(`{"command":"action","data":{"id":"alive","name":"look"}}`)
			if r := faultExpect[neuro.ActionResult](peer); r.ID != "alive" || !r.Success {
				t.Fatalf("result %+v", r)
			}
			g.stop(t)
		})
	}
}

// ---- 7. a half-open connection ----

// TestHalfOpenDoesNotHangStop connects a game to a server that stops
// reading and writing entirely after the handshake (keep-alive off, so
// nothing notices), and checks that Stop returns within the write
// timeout plus slack: idle, and with a write blocked on full socket
// buffers.
func TestHalfOpenDoesNotHangStop(t *testing.T) {
	const writeTimeout = time.Second
	for _, blocked := range []bool{false, true} {
		name := "idle"
		if blocked {
			name = "write-blocked"
		}
		t.Run(name, func(t *testing.T) {
			faultLeakCheck(t)
			url, conns := faultRawServer(t)
			g := newFaultGame(t, neuro.WithDialer(gorilla.Dialer(
				gorilla.WithWriteTimeout(writeTimeout), gorilla.WithPingInterval(0))))
			ctx := faultCtx(t)
			if err := g.c.Connect(ctx, url); err != nil {
				t.Fatal(err)
			}
			faultAwait(t, conns, "connection") // never read, never written

			bound := writeTimeout + 5*time.Second
			if blocked {
				bound = 2*writeTimeout + 5*time.Second // the blocked write, then the close frame
				sctx, stop := context.WithCancel(ctx)
				sent := make(chan struct{})
				go func() {
					defer close(sent)
					big := strings.Repeat("x", 1<<20)
					for i := 0; i < 1000 && g.c.Connected() && sctx.Err() == nil; i++ {
						if err := g.c.SendContext(sctx, big, true); err != nil {
							return
						}
					}
				}()
				t.Cleanup(func() {
					stop()
					<-sent
				})
				faultWaitForStack(t, "internal/poll.(*pollDesc).waitWrite(")
			}

			start := time.Now()
			if err := g.c.Stop(ctx, 0, "bye"); err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			t.Logf("Stop took %v", took)
			if took > bound {
				t.Fatalf("Stop took %v on a half-open connection, want at most %v", took, bound)
			}
		})
	}
}
