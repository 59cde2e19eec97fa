package dashboard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/neuro/server"
)

func TestGuardRefusals(t *testing.T) {
	e := newEnv(t, nil)
	pipeGame(t, e.s, "Guarded", testActions)
	waitRegistered(t, e.s, "Guarded", 2)
	valid := map[string]any{"game": "Guarded", "kind": "reregister_all"}
	sendPath := PathPrefix + "api/send"
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		mod    func(*http.Request)
		want   int
	}{
		{"foreign host on the page", "GET", "/", nil, func(r *http.Request) { r.Host = "evil.example:80" }, http.StatusMisdirectedRequest},
		{"foreign host on the API", "GET", PathPrefix + "api/state", nil, func(r *http.Request) { r.Host = "rebind.example.com" }, http.StatusMisdirectedRequest},
		{"foreign host on a write", "POST", sendPath, valid, func(r *http.Request) { r.Host = "192.168.1.10:1337" }, http.StatusMisdirectedRequest},
		{"foreign origin on a read", "GET", PathPrefix + "api/export", nil, func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }, http.StatusForbidden},
		{"foreign origin on a write", "POST", sendPath, valid, func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }, http.StatusForbidden},
		{"other port is another origin", "POST", sendPath, valid, func(r *http.Request) { r.Header.Set("Origin", "http://127.0.0.1:1") }, http.StatusForbidden},
		{"cross-site fetch", "GET", PathPrefix + "api/history", nil, func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }, http.StatusForbidden},
		{"no token", "POST", sendPath, valid, func(r *http.Request) { r.Header.Del(tokenHeader) }, http.StatusForbidden},
		{"wrong token", "POST", sendPath, valid, func(r *http.Request) { r.Header.Set(tokenHeader, "0123") }, http.StatusForbidden},
		{"form content type", "POST", sendPath, valid, func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }, http.StatusUnsupportedMediaType},
		{"text content type", "POST", sendPath, valid, func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, http.StatusUnsupportedMediaType},
		{"no content type", "POST", sendPath, valid, func(r *http.Request) { r.Header.Del("Content-Type") }, http.StatusUnsupportedMediaType},
		{"body too large", "POST", sendPath, map[string]any{"game": strings.Repeat("x", maxBody), "kind": "reregister_all"}, nil, http.StatusRequestEntityTooLarge},
		{"unknown field", "POST", sendPath, map[string]any{"game": "Guarded", "kind": "reregister_all", "extra": 1}, nil, http.StatusBadRequest},
		{"empty token", "POST", sendPath, valid, func(r *http.Request) { r.Header.Set(tokenHeader, "") }, http.StatusForbidden},
		{"GET on a write route", "GET", sendPath, nil, nil, http.StatusMethodNotAllowed},
		{"unknown path", "GET", PathPrefix + "api/nothing", nil, nil, http.StatusNotFound},
		{"allowed: own origin", "POST", sendPath, valid, nil, http.StatusOK},
		{"allowed: localhost name", "GET", PathPrefix + "api/state", nil, func(r *http.Request) { r.Host = "localhost:1337" }, http.StatusOK},
		{"allowed: IPv6 loopback", "GET", PathPrefix + "api/state", nil, func(r *http.Request) { r.Host = "[::1]:1337" }, http.StatusOK},
		{"allowed: same-origin fetch", "GET", PathPrefix + "api/state", nil, func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-origin") }, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.request(t, tc.method, tc.path, tc.body, tc.mod)
			if code != tc.want {
				t.Fatalf("status %d, want %d (%v)", code, tc.want, body)
			}
			if code >= 400 && code != http.StatusNotFound && code != http.StatusMethodNotAllowed && body["error"] == "" {
				t.Errorf("refusal without an error message: %v", body)
			}
		})
	}
}

func TestGuardTwoJSONValues(t *testing.T) {
	e := newEnv(t, nil)
	req := httptest.NewRequest(http.MethodPost, PathPrefix+"api/send", strings.NewReader(`{"game":"x","kind":"reregister_all"} {}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(tokenHeader, e.d.Token())
	req.Host = "127.0.0.1"
	rec := httptest.NewRecorder()
	e.d.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "more than one JSON value") {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

func TestAllowedHostsOption(t *testing.T) {
	e := newEnv(t, nil, WithAllowedHosts("sim.lan"))
	code, _ := e.request(t, "GET", PathPrefix+"api/state", nil, func(r *http.Request) { r.Host = "SIM.lan:1337" })
	if code != http.StatusOK {
		t.Fatalf("allowed host refused: %d", code)
	}
	code, _ = e.request(t, "GET", PathPrefix+"api/state", nil, func(r *http.Request) { r.Host = "other.lan" })
	if code != http.StatusMisdirectedRequest {
		t.Fatalf("other host: %d", code)
	}
}

func TestHostAllowed(t *testing.T) {
	d, err := New(server.New())
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.0.0.1:1337": true, "127.1.2.3:80": true, "localhost": true, "LOCALHOST.:8000": true,
		"app.localhost": true, "[::1]:1337": true, "::1": true, "[::ffff:127.0.0.1]:1": true,
		"": false, "0.0.0.0:1337": false, "10.0.0.1": false, "localhost.evil.com": false, "127.0.0.1.nip.io": false,
		"[::2]:80": false, "evil.com:1337": false,
	} {
		if got := d.hostAllowed(host); got != want {
			t.Errorf("hostAllowed(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestPageIsCSPClean checks the headers and that nothing in the page
// needs 'unsafe-inline': no inline script, handler or style.
func TestPageIsCSPClean(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := e.http.Client().Get(e.url("/"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP allows something unsafe: %q", csp)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", got)
	}
	html, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), e.d.Token()) {
		t.Error("the page does not carry the token")
	}
	for _, m := range regexp.MustCompile(`<script[^>]*>`).FindAllString(pageTemplate, -1) {
		if !strings.Contains(m, ` src="/dashboard/static/`) {
			t.Errorf("index.html: inline script %q", m)
		}
	}
	if m := regexp.MustCompile(`(?i)\son[a-z]+\s*=`).FindString(pageTemplate); m != "" {
		t.Errorf("index.html: inline handler %q", m)
	}
	if m := regexp.MustCompile(`(?i)\sstyle\s*=|<style`).FindString(pageTemplate); m != "" {
		t.Errorf("index.html: inline style %q", m)
	}

	entries, err := staticFiles.ReadDir("static")
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if !strings.HasSuffix(en.Name(), ".js") {
			continue
		}
		data, _ := staticFiles.ReadFile("static/" + en.Name())
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function", "setAttribute('style'", "document.write"} {
			if strings.Contains(string(data), bad) {
				t.Errorf("%s uses %s", en.Name(), bad)
			}
		}
	}
}
