package dashboard

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

const waitLimit = 20 * time.Second

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// testLogger logs to the test log, except in benchmarks, where logging
// every frame would be what is measured.
func testLogger(t testing.TB) *zap.Logger {
	if _, ok := t.(*testing.B); ok {
		return zap.NewNop()
	}
	return zaptest.NewLogger(t)
}

// env is a simulator with a dashboard served on a loopback port (next to
// the simulator's own websocket and HTTP side, as cmd/neuro-server does).
type env struct {
	s    *server.Server
	d    *Dashboard
	http *httptest.Server // the dashboard and the simulator's HTTP side
	ws   *httptest.Server // the simulator's websocket side
}

func (e *env) url(path string) string { return e.http.URL + path }

// wsURL is where games dial.
func (e *env) wsURL() string { return "ws" + strings.TrimPrefix(e.ws.URL, "http") + "/" }

func newEnv(t testing.TB, sopts []server.Option, dopts ...Option) *env {
	t.Helper()
	base := []server.Option{server.WithLogger(testLogger(t)), server.WithForceDelay(time.Millisecond),
		server.WithSeed(1), server.WithReregisterOnConnect(false)}
	s := server.New(append(base, sopts...)...)
	d, err := New(s, append([]Option{WithLogger(testLogger(t)), WithSeed(1)}, dopts...)...)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", d.Handler())
	mux.Handle(PathPrefix, d.Handler())
	mux.Handle("/", s.HTTPHandler())
	hs := httptest.NewServer(mux)
	ws := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		_ = d.Close()
		_ = s.Close()
		hs.Close()
		ws.Close()
	})
	return &env{s: s, d: d, http: hs, ws: ws}
}

// game is a scripted game: it starts up, registers its actions, answers
// every action with a success (or what answer says; nil: no answer) and
// records them. Set answer before the game gets actions.
type game struct {
	t       testing.TB
	name    string
	conn    transport.Conn
	actions []neuro.Action
	got     chan wire.ActionRequest
	answer  func(wire.ActionRequest) neuro.ActionResult
	wg      sync.WaitGroup
}

var testActions = []neuro.Action{
	{Name: "play", Description: "Play in a cell of the board.", Schema: neuro.Schema{
		"type":       "object",
		"properties": map[string]any{"cell": map[string]any{"type": "integer", "minimum": 1, "maximum": 9}},
		"required":   []any{"cell"},
	}},
	{Name: "pass", Description: "Skip the turn."},
}

// pipeGame connects a game to e's simulator over an in-memory pipe.
func pipeGame(t testing.TB, s *server.Server, name string, actions []neuro.Action) *game {
	t.Helper()
	srvEnd, gameEnd := transport.Pipe()
	g := newGame(t, name, gameEnd, actions)
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = s.ServeConn(context.Background(), srvEnd)
	}()
	t.Cleanup(func() {
		_ = gameEnd.CloseNow()
		<-served
		g.wg.Wait()
	})
	g.start()
	return g
}

// wsGame connects a game to e over a real websocket.
func wsGame(t testing.TB, e *env, name string, actions []neuro.Action) *game {
	t.Helper()
	conn, err := gorilla.Dial(testCtx(t), e.wsURL())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	g := newGame(t, name, conn, actions)
	t.Cleanup(func() {
		_ = conn.CloseNow()
		g.wg.Wait()
	})
	g.start()
	return g
}

func newGame(t testing.TB, name string, conn transport.Conn, actions []neuro.Action) *game {
	return &game{t: t, name: name, conn: conn, actions: actions, got: make(chan wire.ActionRequest, 4096),
		answer: func(a wire.ActionRequest) neuro.ActionResult {
			return neuro.ActionResult{ID: a.ID, Success: true, Message: "done: " + a.Name}
		}}
}

func (g *game) start() {
	g.send(wire.Startup{})
	if len(g.actions) > 0 {
		g.send(wire.RegisterActions{Actions: g.actions})
	}
	g.wg.Add(1)
	go g.read()
}

func (g *game) send(m wire.Message) {
	frame, err := wire.EncodeGame(g.name, m)
	if err != nil {
		g.t.Errorf("encode %T: %v", m, err)
		return
	}
	if err := g.conn.Write(context.Background(), frame); err != nil {
		g.t.Errorf("game %s: write: %v", g.name, err)
	}
}

func (g *game) read() {
	defer g.wg.Done()
	for {
		frame, err := g.conn.Read(context.Background())
		if err != nil {
			return
		}
		m, err := wire.DecodeServer(frame)
		if err != nil {
			continue
		}
		switch m := m.(type) {
		case wire.ActionRequest:
			if g.got != nil {
				select {
				case g.got <- m:
				default:
					g.t.Errorf("game %s: more than %d actions unread", g.name, cap(g.got))
				}
			}
			if g.answer == nil {
				continue // this game never answers
			}
			frame, err := wire.EncodeGame(g.name, g.answer(m))
			if err == nil {
				_ = g.conn.Write(context.Background(), frame)
			}
		case wire.ReregisterAll:
			if len(g.actions) > 0 {
				frame, _ := wire.EncodeGame(g.name, wire.RegisterActions{Actions: g.actions})
				_ = g.conn.Write(context.Background(), frame)
			}
		}
	}
}

// nextAction returns the next action the game received.
func (g *game) nextAction(ctx context.Context) wire.ActionRequest {
	g.t.Helper()
	select {
	case a := <-g.got:
		return a
	case <-ctx.Done():
		g.t.Fatalf("game %s: no action received: %v", g.name, ctx.Err())
		return wire.ActionRequest{}
	}
}

// waitRegistered waits until the simulator has the game's actions.
func waitRegistered(t testing.TB, s *server.Server, name string, n int) {
	t.Helper()
	ctx := testCtx(t)
	w := s.WatchFrom(0)
	for {
		if acts, err := s.Registry(name); err == nil && len(acts) >= n {
			return
		}
		if _, err := w.Next(ctx); err != nil {
			t.Fatalf("game %s never registered %d actions: %v", name, n, err)
		}
	}
}

// request sends a request from the page's origin with the token, unless
// changed by mod.
func (e *env) request(t testing.TB, method, path string, body any, mod func(*http.Request)) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(testCtx(t), method, e.url(path), rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(tokenHeader, e.d.Token())
		req.Header.Set("Origin", e.http.URL)
	}
	if mod != nil {
		mod(req)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if len(data) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("%s %s: answer is not a JSON object: %v\n%s", method, path, err, data)
		}
	}
	return resp.StatusCode, out
}

func (e *env) post(t testing.TB, path string, body any) (int, map[string]any) {
	t.Helper()
	return e.request(t, http.MethodPost, PathPrefix+"api/"+path, body, nil)
}

// sseReader reads server-sent events from a stream response.
type sseReader struct {
	resp *http.Response
	br   *bufio.Reader
}

type sseEvent struct {
	name, id string
	data     []byte
}

func (e *env) openStream(t testing.TB, ctx context.Context, query string) *sseReader {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.url(PathPrefix+"api/stream"+query), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("stream: %s: %s", resp.Status, b)
	}
	return &sseReader{resp: resp, br: bufio.NewReader(resp.Body)}
}

// next returns the next event (comments and retry lines skipped).
func (r *sseReader) next() (sseEvent, error) {
	var ev sseEvent
	for {
		line, err := r.br.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if ev.name != "" || ev.data != nil {
				return ev, nil
			}
		case strings.HasPrefix(line, ":"), strings.HasPrefix(line, "retry:"):
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "id: "):
			ev.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			ev.data = append(ev.data, strings.TrimPrefix(line, "data: ")...)
		default:
			return ev, errors.New("unexpected stream line: " + line)
		}
	}
}

// streamedEvent is one event as the page receives it.
type streamedEvent struct {
	Seq     uint64         `json:"seq"`
	Time    time.Time      `json:"time"`
	Kind    string         `json:"kind"`
	GameID  string         `json:"gameId"`
	Game    string         `json:"game"`
	Command string         `json:"command"`
	Frame   *string        `json:"frame"`
	Error   string         `json:"error"`
	Warning map[string]any `json:"warning"`
	Result  map[string]any `json:"result"`
	Force   map[string]any `json:"forceDone"`
}

func itoa(n int) string { return strconv.Itoa(n) }

func timeOf(m map[string]any) (time.Time, error) {
	s, _ := m["time"].(string)
	return time.Parse(time.RFC3339Nano, s)
}

func newBufReader(resp *http.Response) *bufio.Reader { return bufio.NewReader(resp.Body) }
