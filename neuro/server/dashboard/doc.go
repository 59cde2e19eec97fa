// Package dashboard is the Neuro simulator in the browser: a page, served
// from files embedded in the binary (no build step, nothing from another
// host), that shows a *server.Server live and drives it.
//
// # What the page shows and does
//
// The games (connected or not, session, pending actions and their age
// against the result timeout, the force being served with its attempts,
// the forces queued behind it, and any other field the simulator's
// GameState carries); per game its registered actions (description,
// pretty-printed schema), its context log as Neuro reads it, its warnings
// with what to do about each (Advice), and the message log in both
// directions with filters and expandable frames. It sends actions from a
// JSON editor pre-filled with schema-valid data and checked against the
// schema as one types (the server checks again; "send invalid data" skips
// both), actions/reregister_all, shutdown/graceful, shutdown/immediate and
// speech_finished, and disconnects a game with a chosen close code. It
// exports the session as JSON Lines (every retained event with its time)
// and imports such a file to view it later.
//
// # Operator mode
//
// An Operator is a server.Policy that lets a person answer forces: set it
// as the simulator's policy and give it to the Dashboard (WithOperator);
// the page then shows each force (state, query, priority, names) and waits
// for the person to pick the action and its data. A per-force timeout
// (OperatorTimeout) and the page's toggle hand forces to the fallback
// policy.
//
// # Live updates
//
// The page reads server-sent events from GET /dashboard/api/stream:
// "events" (a batch of events, each as one line of an export), "state"
// (the games' summaries) and "operator" (the forces waiting). Each stream
// reads the simulator's bounded event history at its own pace through a
// Watcher, writes at most once per flush interval and at most a batch of
// events per write (skipping, and counting, the oldest beyond it), and is
// dropped when a write stalls; at most WithMaxClients streams are open.
// A slow tab therefore costs the simulator nothing but the copy of the
// events it reads.
//
// # Routes
//
// GET / (the page), GET /dashboard/static/… (its files), and the JSON API
// under /dashboard/api/: GET state, game?id=, history?after=&limit=,
// export (JSON Lines), stream; POST generate, action, send, disconnect,
// operator, operator/answer (bodies are JSON objects; see the handlers).
//
// # Security
//
// Every request must name a loopback host (Host header: "localhost",
// 127.0.0.0/8, "::1", or a host of WithAllowedHosts), which defeats DNS
// rebinding. API requests with a foreign Origin, or marked cross-site by
// Sec-Fetch-Site, are refused. State-changing requests are POSTs with
// Content-Type: application/json and the per-run token (Token) in the
// X-Dashboard-Token header; the token is embedded in the page, which only
// same-origin script can read. Responses carry a Content-Security-Policy
// without 'unsafe-inline' (the page has no inline script, style or
// handler), nosniff, DENY framing and a same-origin resource policy.
// Bodies are limited to 1 MiB; each request has read and write deadlines
// and its simulator calls a timeout (WithRequestTimeout).
//
// # Goroutines
//
// The Dashboard starts no goroutine: each stream runs on its request's
// goroutine. Close ends the streams and waits for them.
package dashboard
