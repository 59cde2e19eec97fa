// Package neuro lets a game talk to Neuro through the Neuro API.
//
// It provides the wire format (one Go type per command, in both
// directions), validation of what the game sends and of what Neuro sends
// back, a Client that speaks the protocol over a transport.Conn, and a
// Component that plugs the client into a manager.Manager.
package neuro
