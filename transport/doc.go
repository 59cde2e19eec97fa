// Package transport defines the contract between the Neuro client and a
// websocket implementation: Conn, the dial function, and the errors a
// transport returns. It also provides Pipe, an in-memory Conn pair for
// tests.
//
// The package sits below both neuro and transport/gorilla so that neuro can
// default to the gorilla transport without an import cycle, and so that any
// other websocket library can be plugged in by implementing Conn.
package transport
