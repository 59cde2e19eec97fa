package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

func httpDo(t *testing.T, c *http.Client, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" || method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func getState(t *testing.T, c *http.Client, url string) State {
	t.Helper()
	code, body := httpDo(t, c, http.MethodGet, url+"/state", "")
	if code != http.StatusOK {
		t.Fatalf("GET /state: %d %s", code, body)
	}
	var st State
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("GET /state body %s: %v", body, err)
	}
	return st
}

func TestHTTPInjectAndState(t *testing.T) {
	s := newTestServer(t)
	hs := httptest.NewServer(s.HTTPHandler())
	defer hs.Close()
	c := hs.Client()

	// No game yet: nothing sent.
	if code, body := httpDo(t, c, http.MethodPost, hs.URL, `{"command":"actions/reregister_all"}`); code != 200 || !strings.Contains(body, `"sent": 0`) {
		t.Fatalf("POST with no game: %d %s", code, body)
	}
	g1 := connect(t, s, "One")
	g1.hello(pickAction)
	g2 := connect(t, s, "Two")
	g2.hello()
	g2.sync(s)

	for _, bad := range []string{"", "not json", `{"command":`, `[1,2]`, `"text"`} {
		if code, body := httpDo(t, c, http.MethodPost, hs.URL, bad); code != http.StatusBadRequest {
			t.Fatalf("POST %q: %d %s, want 400", bad, code, body)
		}
	}
	inject := `{"command":"action","data":{"id":"manual-1","name":"pick","data":"{\"cell\":9}"}}`
	code, body := httpDo(t, c, http.MethodPost, hs.URL+"/", inject)
	if code != http.StatusOK || !strings.Contains(body, `"sent": 2`) {
		t.Fatalf("POST action: %d %s", code, body)
	}
	for _, g := range []*fakeGame{g1, g2} {
		frame, err := g.conn.Read(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if string(frame) != inject {
			t.Fatalf("%s got %s, want the body unchanged", g.name, frame)
		}
	}
	g1.result("manual-1", true, "played 9")
	g1.sync(s)

	st := getState(t, c, hs.URL)
	if st.Session != s.Session() || len(st.Games) != 2 {
		t.Fatalf("state %+v", st)
	}
	one := st.Games[0]
	if one.Name != "One" || !one.Connected || len(one.Actions) != 1 || one.Actions[0].Name != "pick" {
		t.Fatalf("game one %+v", one)
	}
	if len(one.Results) != 1 || one.Results[0].ID != "manual-1" || !one.Results[0].Success || one.Results[0].Message != "played 9" {
		t.Fatalf("results %+v", one.Results)
	}
	if two := st.Games[1]; len(two.Pending) != 1 || two.Pending[0].ID != "manual-1" {
		t.Fatalf("game two pending %+v", two.Pending)
	}
	if len(s.Findings()) != 0 {
		t.Fatalf("findings %v", s.Findings())
	}
	// Raw JSON shape for tools (curl, jq).
	_, raw := httpDo(t, c, http.MethodGet, hs.URL+"/state", "")
	for _, key := range []string{`"games"`, `"actions"`, `"context"`, `"pending"`, `"forceQueue"`, `"findings"`, `"results"`, `"connected"`} {
		if !strings.Contains(raw, key) {
			t.Fatalf("GET /state lacks %s:\n%s", key, raw)
		}
	}
	if code, _ := httpDo(t, c, http.MethodGet, hs.URL, ""); code != http.StatusOK {
		t.Fatalf("GET / = %d", code)
	}
	if code, _ := httpDo(t, c, http.MethodPut, hs.URL, "{}"); code != http.StatusMethodNotAllowed {
		t.Fatalf("PUT / = %d", code)
	}
}

// TestOverRealSockets runs the simulator on loopback ports like the
// standalone command and plays with a gorilla client.
func TestOverRealSockets(t *testing.T) {
	s := newTestServer(t)
	if err := s.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0", ""); err == nil {
		t.Fatal("second Start succeeded")
	}
	if !strings.HasPrefix(s.URL(), "ws://127.0.0.1:") || s.HTTPAddr() == "" {
		t.Fatalf("URL %q, HTTP address %q", s.URL(), s.HTTPAddr())
	}
	ctx := testCtx(t)
	conn, err := gorilla.Dial(ctx, s.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	g := &fakeGame{t: t, name: "Socket Game", conn: conn}
	g.hello(pickAction)
	w := s.Watch()
	g.send(wire.ForceActions{Query: "play", ActionNames: []string{"pick"}})
	a := g.expectAction()
	if err := checkData(t, pickAction, a); err != nil {
		t.Fatalf("data %s: %v", a.Data, err)
	}
	g.result(a.ID, true, "")
	if e := waitEvent(t, w, isForceDone); e.Force.Outcome != ForceSucceeded {
		t.Fatalf("force done %+v", e.Force)
	}

	// POST / on the HTTP port reaches the game; its result shows in /state.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	httpURL := "http://" + s.HTTPAddr()
	code, body := httpDo(t, client, http.MethodPost, httpURL,
		`{"command":"action","data":{"id":"curl-1","name":"pick","data":"{\"cell\":1}"}}`)
	if code != 200 || !strings.Contains(body, `"sent": 1`) {
		t.Fatalf("POST: %d %s", code, body)
	}
	if a := g.expectAction(); a.ID != "curl-1" {
		t.Fatalf("injected action %+v", a)
	}
	g.result("curl-1", true, "")
	g.sync(s)
	st := getState(t, client, httpURL)
	if len(st.Games) != 1 || len(st.Games[0].Results) != 2 || st.Games[0].Results[1].ID != "curl-1" {
		t.Fatalf("state %+v", st)
	}
	// The websocket port answers plain HTTP too.
	if st := getState(t, client, "http://"+s.Addr()); len(st.Games) != 1 {
		t.Fatalf("state on the websocket port %+v", st)
	}

	// A binary frame is read as text, with a finding.
	raw, _, err := websocket.DefaultDialer.DialContext(ctx, s.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.WriteMessage(websocket.BinaryMessage, []byte(`{"command":"startup","game":"Binary Game"}`)); err != nil {
		t.Fatal(err)
	}
	waitFinding(t, s, FindingBinaryFrame)
	if _, err := s.WaitFor(ctx, IsReceived("Binary Game", wire.CmdStartup)); err != nil {
		t.Fatal(err)
	}

	// Shutdown closes games with 1001 and waits for everything.
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() { _ = raw.SetReadDeadline(time.Now().Add(5 * time.Second)); drain(raw) }()
	gameErr := make(chan error, 1) // the game reads on, so that it answers the close frame
	go func() {
		for {
			if _, err := conn.Read(ctx); err != nil {
				gameErr <- err
				return
			}
		}
	}()
	if err := s.Shutdown(sctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	err2 := <-gameErr
	if code, _, ok := transport.CloseCode(err2); !ok || code != transport.CloseGoingAway {
		t.Fatalf("game read after Shutdown: %v", err2)
	}
}

// drain reads a raw websocket until it fails, so that it answers the
// server's close frame.
func drain(c *websocket.Conn) {
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
	}
}

func TestHandlerRejectsAfterClose(t *testing.T) {
	s := New()
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	_ = s.Close()
	_, err := gorilla.Dial(testCtx(t), "ws"+strings.TrimPrefix(hs.URL, "http"))
	var he *gorilla.HandshakeError
	if !errors.As(err, &he) || he.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial a closed server: %v, want HTTP 503", err)
	}
}
