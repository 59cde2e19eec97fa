// Command demo plays tic-tac-toe with Neuro: she plays O, a computer
// plays X. It is the first thing to run in neurokit:
//
//	go run ./cmd/demo
//
// With no -url and no NEURO_SDK_WS_URL it starts the neurokit simulator
// (package neuro/server) on a free 127.0.0.1 port and plays against it;
// otherwise it connects to that URL (the real Neuro, the official mock, or
// go run ./cmd/neuro-server). The transcript goes to stdout: each board,
// who played what, and every message exchanged in one short line ("→" the
// game to Neuro, "←" Neuro to the game); go run ./cmd/demo -h explains
// every symbol. Logs go to stderr (warnings and up; -v for everything).
//
// Usage:
//
//	demo [-url ws://host:port] [-games N] [-seed N] [-flaky P]
//	     [-delay 300ms] [-connect-wait 5s] [-quiet] [-v]
//
// -seed makes a match repeatable: it seeds the computer and the embedded
// simulator (without it a random seed is used and printed), and the
// transcript is the same every run apart from the simulator's port and
// timings. (The demo waits up to a second for Neuro's acknowledgement of
// its startup before it sends the rules, so that the acknowledgement always
// lands in the same place.) -flaky P makes the embedded simulator send
// invalid data with probability P (try 0.3), so that failed results and
// Neuro's retries show.
//
// Before each of Neuro's turns the demo lets her finish talking about her
// last move (up to 15 seconds, when the server sends speech_finished; a
// server that does not costs nothing), then forces at priority low; the
// transcript shows "← speech_finished (final)" when she finishes.
//
// The demo reconnects when the connection drops (250ms first wait, up to
// 5s between tries, for about two minutes) and the game in progress goes
// on where it was. The first connection is tried for 5 seconds
// (-connect-wait).
//
// Exit status: 0 after the match; 1 when Neuro cannot be reached or is
// lost for good (one line on stderr says why); 2 for bad flags; 130 after
// SIGINT or SIGTERM, once the connection was closed cleanly.
package main
