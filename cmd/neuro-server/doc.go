// Command neuro-server runs the neurokit Neuro simulator standalone, as a
// drop-in for the official mock server: games connect to the websocket
// address (default 127.0.0.1:8000). The HTTP address (default
// 127.0.0.1:1337) serves the dashboard at GET / (the simulator in the
// browser: games, actions, context, messages, warnings, controls; its
// URL is printed on start), takes POST / to send any JSON message to
// every game and answers GET /state with a snapshot. Every message in
// both directions is logged, one line each. SIGINT or SIGTERM shuts it
// down cleanly (exit 0).
//
// Forces are answered by a random listed action with generated data, like
// the official mock, or, with -policy manual (or the dashboard's operator
// switch), by you in the dashboard; -operator-timeout hands a force you
// leave waiting to the random policy.
//
// The dashboard answers only loopback host names (add others with
// -dashboard-host) and only its own page's requests; see package
// neuro/server/dashboard.
//
// Usage:
//
//	neuro-server [-ws-addr 127.0.0.1:8000] [-http-addr 127.0.0.1:1337]
//	             [-force-delay 500ms] [-seed N] [-retries 5]
//	             [-result-timeout 20s] [-error-rate 0] [-no-reregister]
//	             [-policy random|manual] [-operator-timeout 0]
//	             [-dashboard-host NAME]... [-log-level debug]
package main
