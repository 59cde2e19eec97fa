package gorilla

import (
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/websocket"

	"github.com/neurokit/neurokit/transport"
)

// Keep-alive: the ping goroutine makes sure there is something to read;
// the goroutine in Read treats any control frame from the peer (pong or
// ping) as a sign of life and pushes the socket's read deadline forward, as
// does each Read when it starts, so that a silent peer makes a Read fail
// with a timeout. Only time spent inside Read counts against the peer: its
// pongs are read, hence seen, only there.

// extendReadDeadline pushes the dead-peer deadline forward, when a Read
// starts and after a pong or ping. Holder of rsem only. Re-arming the
// deadline is skipped when it was done in the last sixteenth of the pong
// timeout, so a busy connection does not pay for it on every frame; the
// peer is then declared dead between 15/16 and 16/16 of the pong timeout
// after its last sign of life. Once the connection is closing, the close
// handshake's own deadline rules and is left alone.
func (c *conn) extendReadDeadline() {
	if !c.keepAlive || c.isClosing.Load() {
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
// counts it as a sign of life. It runs on the goroutine in Read.
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
