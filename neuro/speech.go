package neuro

import (
	"context"
	"fmt"

	"github.com/neurokit/neurokit/neuro/wire"
)

// Whether Neuro is speaking, from her speech_finished messages. One
// answer of hers may send several: those with isFinal false say she is
// still talking, and the one with isFinal true (cancelled too when she
// was cut off) says she has finished.
//
// Speaking starts with a speech_finished that is not final and ends with
// a final one, or when the connection ends. Nothing else starts it: the
// game cannot know she started talking until her first message, so right
// after a result or a context message she may be about to speak while
// Speaking still says false. A final message alone (a short utterance
// sent in one piece) says she has finished already: it starts nothing.

// utterance is what Neuro is saying, from her first speech_finished that
// is not final to the final one.
type utterance struct {
	done chan struct{} // closed when it ends
	err  error         // why the wait ended: nil when she finished; set before done is closed
}

// errSpeechLost ends the waits for an utterance whose connection ended.
var errSpeechLost = fmt.Errorf("%w while waiting for Neuro to finish speaking", ErrConnectionLost)

// heard updates the speaking state with m, read on the attached
// connection, and counts it as a sign for the force in flight.
func (c *Client) heard(m wire.SpeechFinished) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.speechSignLocked()
	switch {
	case !m.IsFinal && c.talk == nil:
		c.talk = &utterance{done: make(chan struct{})}
	case m.IsFinal && c.talk != nil:
		close(c.talk.done)
		c.talk = nil
	}
}

// speechLostLocked ends the utterance of a connection that ended. The
// caller holds c.mu.
func (c *Client) speechLostLocked() {
	if c.talk != nil {
		c.talk.err = errSpeechLost
		close(c.talk.done)
		c.talk = nil
	}
}

// Speaking reports whether Neuro is speaking: a speech_finished that is
// not final came on the attached connection and no final one since. It
// is false before her first message of an utterance (the game cannot
// know she started until then) and once the connection ended.
func (c *Client) Speaking() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.talk != nil
}

// WaitSpeechFinished waits until Neuro has finished speaking. It returns
// nil at once when she is not speaking (see Speaking), and otherwise nil
// at her next final speech_finished (cancelled or not), an error wrapping
// ErrConnectionLost when the connection ends first, or ctx.Err() when ctx
// ends first. A server that never sends a final message would keep it
// waiting until ctx ends, so give it a bounded ctx. It must not be called
// from a Receiver's methods: they run on the goroutine that reads her
// messages.
//
// A turn-based game sends the result of a turn, waits with it, then
// forces the next turn at priority low (see the package documentation,
// "Speech").
func (c *Client) WaitSpeechFinished(ctx context.Context) error {
	c.mu.Lock()
	u := c.talk
	c.mu.Unlock()
	if u == nil {
		return nil
	}
	select {
	case <-u.done:
		return u.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Speaking reports whether Neuro is speaking; see Client.Speaking. It
// changes when her message is read, before the events.SpeechFinished
// event for it is raised.
func (c *Component) Speaking() bool { return c.client.Speaking() }

// WaitSpeechFinished waits until Neuro has finished speaking; see
// Client.WaitSpeechFinished. It returns at once when she is not
// speaking; else at her next final speech_finished (nil), when the
// connection drops or Stop is called (an error wrapping
// ErrConnectionLost), or when ctx ends (ctx.Err()). Handlers of the
// component's events may call it: the state changes when her message is
// read, not when its event is delivered (a lifecycle handler that waits
// delays the lifecycle events after it, though).
func (c *Component) WaitSpeechFinished(ctx context.Context) error {
	return c.client.WaitSpeechFinished(ctx)
}
