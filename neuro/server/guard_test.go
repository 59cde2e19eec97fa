package server

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"
)

// post sends a POST / with the given headers and returns the status.
func post(t *testing.T, url, body string, header map[string]string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestHTTPAPIRefusesCrossSiteRequests sends POST / from other origins,
// with other content types and with foreign Host names, on both ports:
// each is refused (403, 415) and the game receives none of them, only
// the accepted ones, in order.
func TestHTTPAPIRefusesCrossSiteRequests(t *testing.T) {
	s := newTestServer(t)
	g := connect(t, s, "Target")
	g.hello()
	g.sync(s)
	for _, side := range []struct {
		name    string
		handler http.Handler
	}{{"http port", s.HTTPHandler()}, {"websocket port", s.Handler()}} {
		t.Run(side.name, func(t *testing.T) {
			hs := httptest.NewServer(side.handler)
			defer hs.Close()
			own := hs.URL // http://127.0.0.1:port
			frame := func(n string) string { return `{"command":"test/` + n + `"}` }
			cases := []struct {
				name   string
				header map[string]string
				want   int
			}{
				{"cross-origin text/plain", map[string]string{"Origin": "https://evil.example", "Content-Type": "text/plain"}, 403},
				{"cross-origin json", map[string]string{"Origin": "https://evil.example", "Content-Type": "application/json"}, 403},
				{"null origin", map[string]string{"Origin": "null", "Content-Type": "application/json"}, 403},
				{"other port", map[string]string{"Origin": "http://127.0.0.1:1", "Content-Type": "application/json"}, 403},
				{"form", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415},
				{"text/plain", map[string]string{"Content-Type": "text/plain"}, 415},
				{"no content type", map[string]string{}, 415},
				{"rebound host", map[string]string{"Host": "evil.example", "Content-Type": "application/json"}, 403},
				{"rebound host, own-looking origin", map[string]string{"Host": "evil.example:80", "Origin": "http://evil.example:80",
					"Content-Type": "application/json"}, 403},
				{"curl", map[string]string{"Content-Type": "application/json"}, 200},
				{"charset", map[string]string{"Content-Type": "application/json; charset=utf-8"}, 200},
				{"own origin", map[string]string{"Origin": own, "Content-Type": "application/json"}, 200},
				{"localhost", map[string]string{"Host": "localhost", "Content-Type": "application/json"}, 200},
			}
			var accepted []string
			for _, tc := range cases {
				if code := post(t, hs.URL, frame(tc.name), tc.header); code != tc.want {
					t.Errorf("%s: %d, want %d", tc.name, code, tc.want)
				}
				if tc.want == 200 {
					accepted = append(accepted, frame(tc.name))
				}
			}
			// What the game receives is exactly the accepted frames.
			for _, want := range accepted {
				got, err := g.conn.Read(testCtx(t))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != want {
					t.Fatalf("the game received %s, want %s", got, want)
				}
			}
			// A cross-origin GET /state is refused too.
			req, _ := http.NewRequestWithContext(testCtx(t), http.MethodGet, hs.URL+"/state", nil)
			req.Header.Set("Origin", "https://evil.example")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-origin GET /state: %d, want 403", resp.StatusCode)
			}
		})
	}
}

// TestHostNames checks the DNS rebinding guard on both ports: on a
// loopback listener only loopback Host names are answered, unless
// WithAllowedHosts widens them.
func TestHostNames(t *testing.T) {
	loopbackOK := []string{"localhost", "LOCALHOST", "localhost:1337", "127.0.0.1", "127.0.0.1:8000", "[::1]", "[::1]:8000", "localhost."}
	refused := []string{"evil.example", "evil.example:1337", "192.168.1.5", "10.0.0.1:8000", "localhost.evil.example", "127.0.0.1.nip.io"}
	check := func(t *testing.T, s *Server, host string, want int) {
		t.Helper()
		for _, h := range []http.Handler{s.HTTPHandler(), s.Handler()} {
			hs := httptest.NewServer(h)
			req, _ := http.NewRequestWithContext(testCtx(t), http.MethodGet, hs.URL+"/state", nil)
			req.Host = host
			resp, err := hs.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			hs.Close()
			if resp.StatusCode != want {
				t.Errorf("Host %q: %d, want %d", host, resp.StatusCode, want)
			}
		}
	}
	t.Run("default", func(t *testing.T) {
		s := newTestServer(t)
		for _, h := range loopbackOK {
			check(t, s, h, 200)
		}
		for _, h := range refused {
			check(t, s, h, 403)
		}
	})
	t.Run("allowed", func(t *testing.T) {
		s := newTestServer(t, WithAllowedHosts("Evil.Example", "192.168.1.5"))
		for _, h := range []string{"evil.example", "evil.example:1337", "192.168.1.5"} {
			check(t, s, h, 200)
		}
		check(t, s, "10.0.0.1:8000", 403)
	})
	t.Run("any", func(t *testing.T) {
		s := newTestServer(t, WithAllowedHosts("*"))
		for _, h := range refused {
			check(t, s, h, 200)
		}
	})
}

// TestHostOnOtherAddress checks the rule for a request that reached a
// non-loopback address (a server bound to 0.0.0.0 or a LAN address): IP
// addresses and localhost are answered, other names are not (they could
// be rebound). A request without Host is refused everywhere.
func TestHostOnOtherAddress(t *testing.T) {
	g := newGuard(zap.NewNop(), nil, nil)
	lan := &net.TCPAddr{IP: net.ParseIP("192.168.1.5"), Port: 8000}
	loop := &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 8000}
	for _, tc := range []struct {
		local *net.TCPAddr
		host  string
		want  bool
	}{
		{lan, "192.168.1.5:8000", true}, {lan, "[fe80::1]:8000", true}, {lan, "localhost:8000", true},
		{lan, "evil.example:8000", false}, {lan, "devbox.local", false}, {lan, "", false},
		{loop, "192.168.1.5:8000", false}, {loop, "", false}, {nil, "evil.example", false},
	} {
		r := httptest.NewRequest(http.MethodGet, "/state", nil)
		r.Host = tc.host
		if tc.local != nil {
			r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, tc.local))
		}
		if got := g.hostAllowed(r); got != tc.want {
			t.Errorf("Host %q on %v: %v, want %v", tc.host, tc.local, got, tc.want)
		}
	}
}

// TestWebsocketOrigins checks which web pages may open a game websocket:
// by default none but loopback ones (and clients without Origin); the
// option adds origins, or all with "*". A foreign Host is refused too.
func TestWebsocketOrigins(t *testing.T) {
	dial := func(t *testing.T, s *Server, header http.Header) int {
		t.Helper()
		hs := httptest.NewServer(s.Handler())
		defer hs.Close()
		ws, resp, err := websocket.DefaultDialer.DialContext(testCtx(t), "ws"+strings.TrimPrefix(hs.URL, "http"), header)
		if err == nil {
			_ = ws.Close()
			return http.StatusSwitchingProtocols
		}
		if resp == nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	origin := func(o string) http.Header { return http.Header{"Origin": {o}} }
	t.Run("default", func(t *testing.T) {
		s := newTestServer(t)
		for o, want := range map[string]int{
			"":                                  101,
			"http://localhost:8080":             101,
			"http://127.0.0.1:5500":             101,
			"https://[::1]":                     101,
			"https://evil.example":              403,
			"http://localhost.evil.example":     403,
			"null":                              403,
			"file://":                           403,
			"chrome-extension://abcdefghijklmn": 403,
		} {
			h := origin(o)
			if o == "" {
				h = nil
			}
			if code := dial(t, s, h); code != want {
				t.Errorf("Origin %q: %d, want %d", o, code, want)
			}
		}
		h := http.Header{"Host": {"evil.example"}}
		if code := dial(t, s, h); code != http.StatusForbidden {
			t.Errorf("Host evil.example: %d, want 403", code)
		}
	})
	t.Run("allowed", func(t *testing.T) {
		s := newTestServer(t, WithAllowedOrigins("https://Game.Example/"))
		if code := dial(t, s, origin("https://game.example")); code != 101 {
			t.Errorf("allowed origin: %d", code)
		}
		if code := dial(t, s, origin("https://evil.example")); code != 403 {
			t.Errorf("other origin: %d", code)
		}
	})
	t.Run("any", func(t *testing.T) {
		s := newTestServer(t, WithAllowedOrigins("*"))
		if code := dial(t, s, origin("https://evil.example")); code != 101 {
			t.Errorf("any origin: %d", code)
		}
	})
}
