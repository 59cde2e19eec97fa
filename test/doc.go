// Package test holds neurokit's end-to-end tests: the packages working
// together over real websockets on 127.0.0.1, the cmd/neuro-server binary
// run as a subprocess, the demo's game against the simulator, and the
// fault tests (simulator killed and restarted mid-match, garbage frames,
// slow handlers, read limits, dead and half-open peers).
//
// It has no code of its own; run it with go test -race ./test/.
package test
