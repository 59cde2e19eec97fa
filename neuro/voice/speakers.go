package voice

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"
)

// maxNameBytes bounds a speaker's display name.
const maxNameBytes = 256

// Register registers speaker id under name (the name Neuro hears as
// "<name> said: …"), or renames it when id is registered already. Ids are
// the game's choice; never register Neuro's own player. At most
// MaxSpeakers ids may be registered (ErrTooManySpeakers). The registry
// outlives sessions: while a session is ready the server is told at once,
// otherwise at the next voice/ready. An error from the socket is returned
// but the speaker stays registered locally. Safe from any goroutine.
func (c *Client) Register(ctx context.Context, id uint16, name string) error {
	if name == "" || len(name) > maxNameBytes || !utf8.ValidString(name) {
		return fmt.Errorf("voice: speaker %d: name must be 1 to %d bytes of UTF-8", id, maxNameBytes)
	}
	if c.isClosed() {
		return ErrClosed
	}
	c.regMu.Lock()
	defer c.regMu.Unlock()
	c.mu.Lock()
	if _, ok := c.speakers[id]; !ok && len(c.speakers) >= MaxSpeakers {
		c.mu.Unlock()
		return fmt.Errorf("%w: %d registered, the limit is %d", ErrTooManySpeakers, MaxSpeakers, MaxSpeakers)
	}
	c.speakers[id] = name
	conn, ready := c.conn, c.rate > 0
	c.mu.Unlock()
	if !ready {
		return nil
	}
	return c.writeControl(ctx, conn, CmdRegister, RegisterData{Speakers: []Speaker{{ID: id, Name: name}}})
}

// Unregister removes speakers. Every id must be registered
// (ErrUnknownSpeaker otherwise, and nothing is removed). While a session is
// ready the server is told at once. Safe from any goroutine.
func (c *Client) Unregister(ctx context.Context, ids ...uint16) error {
	if len(ids) == 0 {
		return nil
	}
	if c.isClosed() {
		return ErrClosed
	}
	c.regMu.Lock()
	defer c.regMu.Unlock()
	c.mu.Lock()
	for _, id := range ids {
		if _, ok := c.speakers[id]; !ok {
			c.mu.Unlock()
			return fmt.Errorf("%w: id %d", ErrUnknownSpeaker, id)
		}
	}
	for _, id := range ids {
		delete(c.speakers, id)
	}
	conn, ready := c.conn, c.rate > 0
	c.mu.Unlock()
	if !ready {
		return nil
	}
	return c.writeControl(ctx, conn, CmdUnregister, UnregisterData{IDs: slices.Clone(ids)})
}

// Speakers returns the registered speakers, sorted by id.
func (c *Client) Speakers() []Speaker {
	c.mu.RLock()
	out := make([]Speaker, 0, len(c.speakers))
	for id, name := range c.speakers {
		out = append(out, Speaker{ID: id, Name: name})
	}
	c.mu.RUnlock()
	slices.SortFunc(out, func(a, b Speaker) int { return int(a.ID) - int(b.ID) })
	return out
}

// registerAll announces the whole registry (after voice/ready).
func (c *Client) registerAll(ctx context.Context, conn Conn) error {
	c.regMu.Lock()
	defer c.regMu.Unlock()
	list := c.Speakers()
	if len(list) == 0 {
		return nil
	}
	return c.writeControl(ctx, conn, CmdRegister, RegisterData{Speakers: list})
}

// Send sends one frame of speaker id's voice: mono samples at the server's
// rate (SampleRate), 10 to 100 ms of them (20 ms recommended). It checks
// before anything goes on the wire: a ready session (ErrNotReady), a
// registered speaker (ErrUnknownSpeaker), the frame length
// (ErrFrameDuration). Send while a player transmits, not continuous
// silence. Safe from any goroutine; frames are written one at a time and
// nothing is allocated in steady state.
func (c *Client) Send(ctx context.Context, id uint16, samples []float32) error {
	c.mu.RLock()
	conn, rate := c.conn, c.rate
	_, known := c.speakers[id]
	c.mu.RUnlock()
	if conn == nil || rate == 0 {
		return ErrNotReady
	}
	if !known {
		return fmt.Errorf("%w: id %d", ErrUnknownSpeaker, id)
	}
	if err := CheckFrameLength(rate, len(samples)); err != nil {
		return err
	}
	c.wmu.Lock()
	c.wbuf = AppendFrame(c.wbuf[:0], id, samples)
	err := conn.WriteBinary(ctx, c.wbuf)
	c.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("voice: send audio: %w", err)
	}
	c.stats.sent.Add(1)
	return nil
}
