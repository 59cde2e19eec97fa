// Command neuro-server runs the neurokit Neuro simulator standalone, on
// the official mock server's ports: games connect to the websocket
// address (default 127.0.0.1:8000). The HTTP address (default
// 127.0.0.1:1337) serves the dashboard at GET / (the simulator in the
// browser: games, actions, context, messages, findings, controls; its URL
// is printed on start), takes POST / (Content-Type: application/json) to
// send any JSON message to every game and answers GET /state with a
// snapshot.
//
// -profile picks which Neuro it plays. neuro (the default) behaves like
// the real server as documented: she acknowledges startup, thinks before
// answering a force, speaks (speech_finished) after context and after a
// successful force, honours force priorities, retries a failed force 3
// times and then gives it up silently, replaces a pending force with a
// new one, holds context sent while a result is pending, and acts on her
// own about once a minute. randy reproduces the official mock: actions/
// reregister_all on connect, no acknowledgement, every force answered
// after 500ms, failures retried without limit, forces queued, no speech.
// Each behaviour flag given overrides its profile's value.
//
// The websocket port also serves the optional voice chat side channel on
// /game/<name>/voice: games' speakers and their audio show in GET /state
// (and the dashboard), Neuro's speech goes to the game's voice chat, and
// -voice=false answers voice/unavailable instead.
//
// Connections, findings and advice are logged at the default level,
// info; -log-level debug adds every message in both directions, one line
// each, cut to 512 bytes. SIGINT or SIGTERM shuts it down cleanly
// (exit 0).
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
//	             [-profile neuro|randy] [-seed N]
//	             [-think-time min,max | -force-delay d] [-retries n]
//	             [-sticky-retries] [-force-while-pending replace|queue]
//	             [-result-timeout 30s] [-hold-context] [-speech min,max]
//	             [-speech-updates 1s] [-act-every d] [-startup-ack]
//	             [-reregister | -no-reregister] [-error-rate 0]
//	             [-advice] [-advice-limit name=value,...]
//	             [-allow-host names] [-allow-origin origins]
//	             [-http-read-timeout 30s] [-max-actions 1000]
//	             [-policy random|manual] [-operator-timeout 0]
//	             [-dashboard-host NAME]... [-voice=true] [-log-level info]
package main
