// Command neuro-server runs the neurokit Neuro simulator standalone, as a
// drop-in for the official mock server: games connect to the websocket
// address (default 127.0.0.1:8000). The HTTP address (default
// 127.0.0.1:1337) serves the dashboard at GET / (the simulator in the
// browser: games, actions, context, messages, findings, controls; its URL
// is printed on start), takes POST / (Content-Type: application/json) to
// send any JSON message to every game and answers GET /state with a
// snapshot. Connections and findings are logged at the default level,
// info; -log-level debug adds every message in both directions, one line
// each, cut to 512 bytes. SIGINT or SIGTERM shuts it down cleanly (exit 0).
//
// Forces are answered by a random listed action with generated data, like
// the official mock, or, with -policy manual (or the dashboard's operator
// switch), by you in the dashboard; -operator-timeout hands a force you
// leave waiting to the random policy.
//
// Both ports answer only loopback Host names when they listen on
// loopback, and the HTTP API and the dashboard refuse cross-origin
// requests; game websockets are accepted from non-browser clients and
// from pages on loopback origins (a local web build of a game).
// -allow-host, -dashboard-host and -allow-origin widen this, for a LAN or
// a hosted web build.
//
// Usage:
//
//	neuro-server [-ws-addr 127.0.0.1:8000] [-http-addr 127.0.0.1:1337]
//	             [-force-delay 500ms] [-seed N] [-retries 5]
//	             [-result-timeout 20s] [-error-rate 0] [-no-reregister]
//	             [-allow-host names] [-allow-origin origins]
//	             [-http-read-timeout 30s] [-max-actions 1000]
//	             [-policy random|manual] [-operator-timeout 0]
//	             [-dashboard-host NAME]... [-log-level info]
package main
