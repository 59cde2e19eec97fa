package test

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// TestSecuritySlowRequests runs cmd/neuro-server with a short
// -http-read-timeout and sends, on both ports, a POST whose body never
// finishes: the server answers 408 (or hangs up) once the timeout passed,
// and the connected game receives nothing. The in-process tests of
// neuro/server cover slow headers and games that do not read.
func TestSecuritySlowRequests(t *testing.T) {
	bin := neuroServerBinary(t)
	srv := startNeuroServer(t, bin, "-ws-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0",
		"-no-reregister", "-http-read-timeout", "200ms")
	game := connectRawGame(t, srv.wsURL)
	client := httpClient(t)
	for _, addr := range []string{strings.TrimPrefix(srv.httpURL, "http://"), strings.TrimPrefix(srv.wsURL, "ws://")} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		partial := "POST / HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n" +
			`{"command":"action","data":{"id":"slow","name":"greet"`
		if _, err := c.Write([]byte(partial)); err != nil {
			t.Fatal(err)
		}
		// waitFor only keeps a broken server from hanging the test.
		_ = c.SetReadDeadline(time.Now().Add(waitFor))
		line, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			t.Fatalf("%s kept a request whose body never came open for %v", addr, waitFor)
		case err == nil && strings.TrimSpace(line) != "HTTP/1.1 408 Request Timeout":
			t.Fatalf("%s answered %q to a body that never came, want 408", addr, line)
		}
	}
	marker := `{"command":"test/after"}`
	if code := request(t, client, "POST", srv.httpURL, marker, map[string]string{"Content-Type": "application/json"}); code != 200 {
		t.Fatalf("POST after the slow ones: %d", code)
	}
	if got := game.nextFrame(); got != marker {
		t.Fatalf("the game received %s, want only %s", got, marker)
	}
}
