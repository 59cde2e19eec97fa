package neuro

import (
	"context"
	"fmt"

	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/wire"
	"go.uber.org/zap"
)

// The game → Neuro commands of a Client, except action/result (ledger.go)
// and actions/force (force.go).

// SendContext tells Neuro that something happened in game. With silent
// true the message is added to her memory without prompting her to
// react; with silent false she may comment on it. The message must not be
// empty. Without a connection it is buffered (see WithContextBuffer) and
// sent, in order, right after the registry when the next connection
// opens; when that buffer was full, the message is buffered all the same
// and SendContext returns an error wrapping ErrContextDropped that names
// the oldest message, dropped to make room.
func (c *Client) SendContext(ctx context.Context, message string, silent bool) error {
	m := wire.ContextMessage{Message: message, Silent: silent}
	if err := wire.CheckContext(m); err != nil {
		return err
	}
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	conn := c.conn
	if conn == nil {
		defer c.mu.Unlock()
		return c.bufferLocked(m)
	}
	c.mu.Unlock()
	return c.write(ctx, conn, m)
}

// bufferLocked keeps m for the next connection. The caller holds c.mu.
func (c *Client) bufferLocked(m wire.ContextMessage) error {
	if c.bufMax < 0 {
		return ErrNotConnected
	}
	var dropped error
	if len(c.buf) >= c.bufMax {
		old := c.buf[0]
		c.log.Warn("context buffer full while disconnected; dropping the oldest message",
			zap.String("dropped", old.Message), zap.Int("size", c.bufMax))
		c.buf = append(c.buf[:0], c.buf[1:]...)
		dropped = fmt.Errorf("%w: %q (the buffer holds %d messages)", ErrContextDropped, old.Message, c.bufMax)
	}
	c.buf = append(c.buf, m)
	return dropped
}

// RegisterActions registers actions: each is checked (name, schema; the
// poorly supported schema keywords are logged as warnings naming the
// action and keyword) and its schema compiled, all before anything is
// sent; an invalid action fails the whole call. Actions whose name is
// registered already are skipped, as the server would ignore them (with a
// warning when their definition differs: unregister first to change an
// action). The registry is updated whether or not a connection is
// attached, and the call returns nil once it is: without a connection, or
// when the write fails (the connection is dying; the error is logged), the
// registry goes out with the next connection. It fails only for invalid
// actions (nothing is registered then) or when ctx ends before the
// registry could be updated.
func (c *Client) RegisterActions(ctx context.Context, actions ...Action) error {
	entries, err := c.prepare(actions)
	if err != nil {
		return err
	}
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	added := c.addLocked(entries)
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil || len(added) == 0 {
		return nil
	}
	if err := c.write(ctx, conn, wire.RegisterActions{Actions: added}); err != nil {
		c.log.Warn("sending actions/register failed; the registry goes out again with the next connection", zap.Error(err))
	}
	return nil
}

// prepare checks actions and compiles their schemas.
func (c *Client) prepare(actions []Action) ([]*registered, error) {
	if err := wire.CheckRegister(actions); err != nil {
		return nil, err
	}
	entries := make([]*registered, len(actions))
	for i, a := range actions {
		for _, w := range schema.Warnings(a.Schema) {
			c.log.Warn("schema keyword poorly supported by Neuro",
				zap.String("action", a.Name), zap.String("keyword", w.Keyword), zap.String("path", w.Path))
		}
		cs, err := schema.Compile(a.Name, a.Schema) // its error names the action
		if err != nil {
			return nil, &ValidationError{Subject: fmt.Sprintf("schema of action %q", a.Name), Problem: "is not a valid JSON schema", Err: err}
		}
		entries[i] = &registered{action: a, schema: cs}
	}
	return entries, nil
}

// addLocked adds entries to the registry (the caller holds the send lock)
// and returns the actions that were not registered yet.
func (c *Client) addLocked(entries []*registered) []Action {
	c.mu.Lock()
	defer c.mu.Unlock()
	var added []Action
	for _, e := range entries {
		ok, differs := c.reg.add(e)
		switch {
		case ok:
			added = append(added, e.action)
		case differs:
			c.log.Warn("action already registered with another definition; keeping the registered one (unregister it first to change it)",
				zap.String("action", e.action.Name))
		}
	}
	return added
}

// UnregisterActions unregisters the named actions. Names that are not
// registered are skipped; when none is registered nothing is sent. A
// force whose actions are all unregistered ends (once the results of its
// pending actions are sent). As with RegisterActions, the registry is
// updated and the call returns nil with or without a connection (a write
// error is logged); it fails only when ctx ends first.
func (c *Client) UnregisterActions(ctx context.Context, names ...string) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	removed := c.reg.remove(names)
	c.checkForceOrphanedLocked()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil || len(removed) == 0 {
		return nil
	}
	if err := c.write(ctx, conn, wire.UnregisterActions{ActionNames: removed}); err != nil {
		c.log.Warn("sending actions/unregister failed; the next connection starts without these actions", zap.Error(err))
	}
	return nil
}

// SendShutdownReady tells Neuro that progress is saved and the game may be
// killed (shutdown proposal). It returns ErrNotConnected without a
// connection.
func (c *Client) SendShutdownReady(ctx context.Context) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		return ErrNotConnected
	}
	return c.write(ctx, conn, wire.ShutdownReady{})
}

// reregisterAll answers actions/reregister_all: the whole registry in one
// actions/register message, or nothing when it is empty.
func (c *Client) reregisterAll(ctx context.Context) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	conn := c.conn
	var acts []Action
	if c.reg.len() > 0 {
		acts = c.reg.actions()
	}
	c.mu.Unlock()
	if conn == nil || len(acts) == 0 {
		return nil
	}
	return c.write(ctx, conn, wire.RegisterActions{Actions: acts})
}

// startup sends startup, which makes the server forget every action of the
// game: the Client forgets them too (Registered becomes empty) and the
// force in flight ends. Attach sends startup on its own; without a
// connection startup only clears the registry.
func (c *Client) startup(ctx context.Context) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	c.mu.Lock()
	c.reg.reset()
	if c.force != nil {
		c.releaseForceLocked(c.force)
	}
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		return nil
	}
	return c.write(ctx, conn, wire.Startup{})
}
