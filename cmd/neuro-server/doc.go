// Command neuro-server runs the neurokit Neuro simulator standalone, as a
// drop-in for the official mock server: games connect to the websocket
// address (default 127.0.0.1:8000), and the HTTP address (default
// 127.0.0.1:1337) takes POST / to send any JSON message to every game and
// GET /state for a snapshot. Every message in both directions is logged,
// one line each. SIGINT or SIGTERM shuts it down cleanly (exit 0).
//
// Usage:
//
//	neuro-server [-ws-addr 127.0.0.1:8000] [-http-addr 127.0.0.1:1337]
//	             [-force-delay 500ms] [-seed N] [-retries 5]
//	             [-result-timeout 20s] [-error-rate 0] [-no-reregister]
//	             [-log-level debug]
package main
