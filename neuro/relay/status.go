package relay

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Status is a snapshot of the relay, served as JSON by StatusHandler.
type Status struct {
	Upstream UpstreamStatus `json:"upstream"`
	// Games are the connected games, in connection order.
	Games []GameStatus `json:"games"`
	// Force is the force upstream, nil when none.
	Force *ForceStatus `json:"force"`
	// Queue lists the connections ("#3") whose force waits, next first.
	Queue    []string `json:"queue"`
	Counters Counters `json:"counters"`
}

// UpstreamStatus describes the connection to Neuro.
type UpstreamStatus struct {
	// URL is the upstream URL without user information.
	URL       string `json:"url"`
	Connected bool   `json:"connected"`
	// Connections counts the upstream connections made so far.
	Connections int `json:"connections"`
	// Since is when upstream last connected or dropped.
	Since time.Time `json:"since"`
	// Session is the last acknowledgement's session (nil before any).
	Session *Session `json:"session"`
	// LastError is why the last dial or connection failed ("" if none).
	LastError string `json:"lastError,omitempty"`
	// Pending counts actions passed to games and not answered yet.
	Pending int `json:"pending"`
	// HeldContext counts context messages waiting for upstream.
	HeldContext int `json:"heldContext"`
}

// GameStatus describes one connected game.
type GameStatus struct {
	Conn        string         `json:"conn"` // "#1", "#2", ... in connection order
	Name        string         `json:"name"`
	Prefix      string         `json:"prefix"`
	Remote      string         `json:"remote"`
	StartedUp   bool           `json:"startedUp"`
	ConnectedAt time.Time      `json:"connectedAt"`
	Actions     []ActionStatus `json:"actions"`
	// Pending counts its actions waiting for its result.
	Pending int `json:"pending"`
	// ForceWaiting reports a force of it in the queue.
	ForceWaiting bool `json:"forceWaiting"`
}

// ActionStatus is one registered action: the game's name and Neuro's.
type ActionStatus struct {
	Name     string `json:"name"`
	Upstream string `json:"upstream"`
}

// ForceStatus describes the force upstream.
type ForceStatus struct {
	Conn     string    `json:"conn"`
	Game     string    `json:"game"`
	Query    string    `json:"query"`
	Actions  []string  `json:"actions"` // upstream names
	Priority string    `json:"priority,omitempty"`
	Since    time.Time `json:"since"`
	// Sent is false while upstream is down: it is sent again on the next
	// connection.
	Sent bool `json:"sent"`
}

// Counters count what the relay did since it started.
type Counters struct {
	Actions uint64 `json:"actions"` // actions passed to games
	Results uint64 `json:"results"` // results passed upstream
	Forces  uint64 `json:"forces"`  // forces sent upstream (again after a reconnect too)
	Dials   uint64 `json:"dials"`   // upstream dials, successful or not

	// AnsweredForGames counts failed results the relay sent for games:
	// no such action, the game left or restarted with it pending.
	AnsweredForGames uint64 `json:"answeredForGames"`
	DroppedResults   uint64 `json:"droppedResults"` // late, or not the game's
	DroppedContext   uint64 `json:"droppedContext"` // held too long while upstream was down
	RefusedForces    uint64 `json:"refusedForces"`  // naming no registered action
	RefusedActions   uint64 `json:"refusedActions"` // past the limit, or clashing
	RefusedGames     uint64 `json:"refusedGames"`   // past WithMaxGames
	ForcesTimedOut   uint64 `json:"forcesTimedOut"` // given up after the quiet timeout
	Malformed        uint64 `json:"malformed"`      // frames that did not decode
}

// StatusHandler returns the relay's HTTP status endpoint: GET /state
// answers Status as JSON, GET / a line of help. It refuses (403) a
// request whose Host is not a loopback name (or one of WithStatusHosts)
// and a request with an Origin header naming another host, so that a web
// page cannot read it through DNS rebinding or a cross-site request.
func (r *Relay) StatusHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "neuro-relay: several games on one Neuro connection. GET /state for a snapshot.")
	})
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(r.Status())
	})
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if why := r.refuse(req); why != "" {
			http.Error(w, why, http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, req)
	})
}

// refuse says why req may not read the status ("" when it may).
func (r *Relay) refuse(req *http.Request) string {
	host := hostOnly(req.Host)
	if !isLoopbackName(host) && !slices.Contains(r.cfg.statusHosts, host) {
		return "neuro-relay: the status page answers loopback host names only"
	}
	if o := req.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || !strings.EqualFold(u.Host, req.Host) {
			return "neuro-relay: cross-origin requests are refused"
		}
	}
	return ""
}

// hostOnly strips the port, and the brackets of an IPv6 literal.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

func isLoopbackName(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redact drops the user information of a URL for display.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User = nil
	return u.String()
}
