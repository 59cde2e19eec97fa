// Package events is the shared vocabulary of neurokit: the names of the
// events that cross a manager.Manager and the payload types they carry.
//
// The neuro package raises these events; games subscribe to them through
// their own components. The package imports nothing from the module, so a
// game can name events without pulling in the Neuro client.
//
// Every payload is a plain value type. Handlers read them with
// manager.Payload, for example:
//
//	info, err := manager.Payload[events.DisconnectedData](ev)
package events
