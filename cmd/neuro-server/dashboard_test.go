package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// TestRunServesTheDashboard: GET / of the HTTP port is the dashboard,
// whose URL the log announces; the simulator's HTTP API keeps the rest;
// with -policy manual a force waits until the dashboard answers it.
func TestRunServesTheDashboard(t *testing.T) {
	lines, wsURL, httpURL, stop := started(t, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0",
		"-force-delay", "1ms", "-policy", "manual", "-log-level", "info")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var dashURL string
	for dashURL == "" {
		select {
		case l := <-lines:
			if m := regexp.MustCompile(`open the dashboard at (http://\S+)`).FindStringSubmatch(l); m != nil {
				dashURL = m[1]
			}
		case <-ctx.Done():
			_ = stop()
			t.Fatal("no dashboard URL in the log")
		}
	}
	if dashURL != httpURL+"/" {
		t.Errorf("dashboard at %s, HTTP side at %s", dashURL, httpURL)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(url string) (*http.Response, string) {
		t.Helper()
		resp, err := client.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, page := get(dashURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "<title>Neuro simulator</title>") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("GET / = %d %q", resp.StatusCode, resp.Header)
	}
	token := regexp.MustCompile(`name="dashboard-token" content="([0-9a-f]+)"`).FindStringSubmatch(page)
	if token == nil {
		t.Fatal("no token in the page")
	}
	if resp, _ := get(httpURL + "/dashboard/static/app.js"); resp.StatusCode != http.StatusOK {
		t.Errorf("app.js: %d", resp.StatusCode)
	}
	if resp, body := get(httpURL + "/state"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"games"`) {
		t.Errorf("GET /state = %d %s", resp.StatusCode, body)
	}

	conn, err := gorilla.Dial(ctx, wsURL)
	if err != nil {
		_ = stop()
		t.Fatal(err)
	}
	defer conn.CloseNow()
	send := func(m wire.Message) {
		frame, _ := wire.EncodeGame("Manual", m)
		if err := conn.Write(ctx, frame); err != nil {
			t.Fatal(err)
		}
	}
	send(wire.Startup{})
	send(wire.RegisterActions{Actions: []neuro.Action{{Name: "left"}, {Name: "right"}}})
	send(neuro.ForceActions{Query: "which way?", ActionNames: []string{"left", "right"}})

	post := func(path string, body any) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, httpURL+path, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Dashboard-Token", token[1])
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s = %d %v", path, resp.StatusCode, out)
		}
		return out
	}
	// The force waits for the operator: the dashboard's stream says so.
	sreq, _ := http.NewRequestWithContext(ctx, http.MethodGet, httpURL+"/dashboard/api/stream", nil)
	sresp, err := client.Do(sreq)
	if err != nil {
		t.Fatal(err)
	}
	defer sresp.Body.Close()
	var id string
	sc := bufio.NewScanner(sresp.Body)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	event := ""
	for id == "" && sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			event = name
		}
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || event != "operator" {
			continue
		}
		var op struct {
			Enabled bool
			Waiting []struct{ ID string }
		}
		if err := json.Unmarshal([]byte(data), &op); err != nil {
			t.Fatal(err)
		}
		if !op.Enabled {
			t.Fatal("-policy manual left the operator off")
		}
		if len(op.Waiting) > 0 {
			id = op.Waiting[0].ID
		}
	}
	if id == "" {
		t.Fatalf("the force never reached the operator: %v", sc.Err())
	}
	post("/dashboard/api/operator/answer", map[string]any{"id": id, "name": "right"})
	for {
		frame, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := wire.DecodeServer(frame)
		if a, ok := m.(wire.ActionRequest); ok {
			if a.Name != "right" {
				t.Fatalf("game got %s, the operator chose right", a.Name)
			}
			send(neuro.ActionResult{ID: a.ID, Success: true})
			break
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("run = %v", err)
	}
}
