package test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// rawGame is a game connected to a simulator by hand: it reads what the
// simulator sends, frame by frame.
type rawGame struct {
	t    *testing.T
	conn transport.Conn
}

// connectRawGame dials url, sends startup and reads until the
// acknowledgement.
func connectRawGame(t *testing.T, url string) *rawGame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	conn, err := gorilla.Dial(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	g := &rawGame{t: t, conn: conn}
	frame, _ := wire.EncodeGame("Security Game", wire.Startup{})
	if err := conn.Write(ctx, frame); err != nil {
		t.Fatal(err)
	}
	for g.nextCommand() != wire.CmdStartup {
	}
	return g
}

// nextFrame reads the next frame the simulator sent.
func (g *rawGame) nextFrame() string {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	frame, err := g.conn.Read(ctx)
	if err != nil {
		g.t.Fatalf("game read: %v", err)
	}
	return string(frame)
}

func (g *rawGame) nextCommand() string {
	g.t.Helper()
	m, err := wire.DecodeServer([]byte(g.nextFrame()))
	if err != nil {
		return ""
	}
	return m.Command()
}

// request sends method url with body and headers ("Host" sets the Host
// header) and returns the status code.
func request(t *testing.T, c *http.Client, method, target, body string, header map[string]string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSecurityCrossSiteRequests runs cmd/neuro-server as it ships and
// plays a malicious web page against it, on both ports: a cross-origin
// text/plain POST (the one kind a page may send without asking) gets
// 403, a form POST 415, a request with a rebound Host name 403, and the
// connected game receives none of them; curl's kind of request still
// works.
func TestSecurityCrossSiteRequests(t *testing.T) {
	bin := neuroServerBinary(t)
	srv := startNeuroServer(t, bin, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-no-reregister")
	client := httpClient(t)
	game := connectRawGame(t, srv.wsURL)
	wsHTTP := "http://" + strings.TrimPrefix(srv.wsURL, "ws://")
	injected := `{"command":"action","data":{"id":"evil","name":"greet","data":"{}"}}`

	for _, base := range []string{srv.httpURL, wsHTTP} {
		attacks := []struct {
			name   string
			header map[string]string
			want   int
		}{
			{"cross-origin text/plain", map[string]string{"Origin": "https://evil.example", "Content-Type": "text/plain"}, 403},
			{"cross-origin json", map[string]string{"Origin": "https://evil.example", "Content-Type": "application/json"}, 403},
			{"form", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415},
			{"rebound host", map[string]string{"Host": "evil.example:1337", "Content-Type": "application/json"}, 403},
		}
		for _, a := range attacks {
			if code := request(t, client, http.MethodPost, base, injected, a.header); code != a.want {
				t.Errorf("%s on %s: %d, want %d", a.name, base, code, a.want)
			}
		}
		if code := request(t, client, http.MethodGet, base+"/state", "", map[string]string{"Host": "evil.example"}); code != 403 {
			t.Errorf("GET /state with a rebound host on %s: %d, want 403", base, code)
		}
		// curl's request: the first frame the game receives.
		marker := `{"command":"test/curl","data":{"port":"` + base + `"}}`
		if code := request(t, client, http.MethodPost, base, marker, map[string]string{"Content-Type": "application/json"}); code != 200 {
			t.Fatalf("curl-like POST on %s: %d", base, code)
		}
		if got := game.nextFrame(); got != marker {
			t.Fatalf("the game received %s, want only %s", got, marker)
		}
	}
}

// TestSecurityWebsocketOrigins checks which pages may open a game
// websocket on cmd/neuro-server as it ships: a local web build yes, a
// foreign site no, a rebound Host no; -allow-origin adds a site.
func TestSecurityWebsocketOrigins(t *testing.T) {
	bin := neuroServerBinary(t)
	dial := func(t *testing.T, wsURL string, header http.Header) int {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		conn, err := gorilla.Dial(ctx, wsURL, gorilla.WithHeader(header))
		var he *gorilla.HandshakeError
		switch {
		case err == nil:
			_ = conn.Close(1000, "")
			return http.StatusSwitchingProtocols
		case errors.As(err, &he):
			return he.StatusCode
		}
		t.Fatal(err)
		return 0
	}
	srv := startNeuroServer(t, bin, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-allow-origin", "https://game.example")
	u, _ := url.Parse(srv.wsURL)
	for _, tc := range []struct {
		header http.Header
		want   int
	}{
		{http.Header{}, 101},
		{http.Header{"Origin": {"http://localhost:8080"}}, 101},
		{http.Header{"Origin": {"http://127.0.0.1:5500"}}, 101},
		{http.Header{"Origin": {"https://game.example"}}, 101},
		{http.Header{"Origin": {"https://evil.example"}}, 403},
		{http.Header{"Origin": {"null"}}, 403},
		{http.Header{"Host": {"evil.example:" + u.Port()}}, 403},
	} {
		if code := dial(t, srv.wsURL, tc.header); code != tc.want {
			t.Errorf("dial with %v: %d, want %d", tc.header, code, tc.want)
		}
	}
}
