package gorilla

import (
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/websocket"

	"github.com/neurokit/neurokit/transport"
)

// Keep-alive: the reader goroutine treats any frame from the peer as a sign
// of life and pushes the read deadline forward; the ping goroutine makes
// sure there is something to read.

// extendReadDeadline pushes the dead-peer deadline forward after any frame
// (pong, ping or data). Reader goroutine only. Re-arming the deadline is
// skipped when it was done in the last sixteenth of the pong timeout, so a
// busy connection does not pay for it on every frame; the peer is then
// declared dead between 15/16 and 16/16 of the pong timeout after its last
// frame.
func (c *conn) extendReadDeadline() {
	if !c.keepAlive {
		return
	}
	now := time.Now()
	if now.Sub(c.lastExtend) < c.pongTimeout/16 {
		return
	}
	c.lastExtend = now
	_ = c.ws.SetReadDeadline(now.Add(c.pongTimeout))
}

// handlePing answers the peer's ping (gorilla's default behaviour) and
// counts it as a sign of life.
func (c *conn) handlePing(data string) error {
	c.extendReadDeadline()
	err := c.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(c.writeTimeout))
	if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		return err
	}
	return nil
}

// pingLoop is the ping goroutine.
func (c *conn) pingLoop(interval time.Duration) {
	defer close(c.pingerDone)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.closing:
			return
		case <-c.dead:
			return
		case <-t.C:
		}
		err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.writeTimeout))
		if err == nil {
			continue
		}
		if !c.isClosing.Load() && !errors.Is(err, websocket.ErrCloseSent) {
			c.fail(&transport.CloseError{Code: transport.CloseAbnormal, Err: fmt.Errorf("gorilla: ping: %w", err)})
			c.teardown()
		}
		return
	}
}
