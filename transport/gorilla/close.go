package gorilla

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
)

// Close implements transport.Conn. It sends a close frame with code and
// reason (a reason over 123 bytes is cut), waits until the peer answers
// (its close frame or end of stream) for at most the write timeout, then
// closes the socket and waits for the ping goroutine. The answer is read by
// the Read in progress, if there is one (it then returns ErrClosed), or by
// Close itself. It returns an error when the handshake could not be
// completed (the connection is released all the same) or when code may not
// be sent (1005, 1006, 1015, out of range: a close frame without a code is
// sent instead). A second call, concurrent or not, waits for the first to
// release the connection and returns nil. After the peer closed first there
// is nothing to answer and Close just releases the connection.
func (c *conn) Close(code int, reason string) error {
	if !c.startClosing() {
		c.wait()
		return nil
	}
	err := c.closeHandshake(code, reason)
	c.teardown()
	c.wait()
	c.log.Debug("connection closed", zap.Int("code", code), zap.String("reason", reason), zap.Error(err))
	return err
}

// CloseNow implements transport.Conn: it closes the socket without a
// handshake (the peer sees 1006), aborts a Close in progress, makes a Read
// in progress return ErrClosed, and waits for the ping goroutine. It always
// returns nil.
func (c *conn) CloseNow() error {
	if c.startClosing() {
		c.log.Debug("connection closed without handshake")
	}
	c.teardown()
	c.wait()
	return nil
}

// abort is CloseNow for a Read whose ctx ended while it read from the
// socket; it runs on the goroutine context.AfterFunc starts, and the Read
// joins it (by calling it again, which waits on the once).
func (c *conn) abort() {
	if c.startClosing() {
		c.log.Debug("read cancelled: connection closed without handshake")
	}
	c.teardown()
}

func (c *conn) closeHandshake(code int, reason string) error {
	if c.err.Load() != nil {
		return nil // the peer or the network ended it already
	}
	var codeErr error
	var payload []byte
	if validCloseCode(code) {
		payload = websocket.FormatCloseMessage(code, truncateReason(reason))
	} else {
		codeErr = fmt.Errorf("gorilla: close code %d may not be sent; sent a close frame without a code", code)
	}
	deadline := time.Now().Add(c.writeTimeout)
	if err := c.ws.WriteControl(websocket.CloseMessage, payload, deadline); err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		// ErrCloseSent: the goroutine in Read is answering the peer's
		// close right now; wait for it below.
		return errors.Join(codeErr, fmt.Errorf("gorilla: close handshake: %w", err))
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-c.failed: // a Read saw the peer's close frame, end of stream, or a broken socket
		return codeErr
	case <-c.dead: // CloseNow
		return codeErr
	case <-timer.C:
		return errors.Join(codeErr, c.handshakeTimeout())
	case c.rsem <- struct{}{}:
		// No Read is in the socket (and none will enter: closing is
		// set): read the answer here.
		defer func() { <-c.rsem }()
		return errors.Join(codeErr, c.awaitPeerClose(deadline))
	}
}

// awaitPeerClose reads until the peer's close frame or end of stream,
// dropping data frames, until deadline. Holder of rsem only.
func (c *conn) awaitPeerClose(deadline time.Time) error {
	if c.err.Load() != nil {
		return nil
	}
	_ = c.ws.SetReadDeadline(deadline) // the keep-alive no longer pushes it: closing is set
	for {
		_, r, err := c.ws.NextReader()
		if err == nil {
			_, err = io.Copy(io.Discard, r)
		}
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return c.handshakeTimeout()
		}
		c.fail(c.mapReadErr(err))
		return nil
	}
}

func (c *conn) handshakeTimeout() error {
	return fmt.Errorf("gorilla: close handshake: no answer from peer within %v: %w", c.writeTimeout, os.ErrDeadlineExceeded)
}

func (c *conn) startClosing() (first bool) {
	c.closingOnce.Do(func() {
		c.isClosing.Store(true)
		close(c.closing)
		first = true
	})
	return first
}

// teardown closes the socket once and releases the watch of Read's ctx; a
// Read in progress and the pinger then end. Concurrent callers return once
// that is done.
func (c *conn) teardown() {
	c.deadOnce.Do(func() {
		_ = c.ws.Close()
		close(c.dead)
		c.unwatch()
	})
}

// wait waits until the connection is released: its socket closed and its
// ping goroutine ended.
func (c *conn) wait() {
	<-c.dead
	<-c.pingerDone
}

// fail records why the connection ended, if nothing was recorded before.
func (c *conn) fail(e *transport.CloseError) {
	if c.err.CompareAndSwap(nil, e) {
		close(c.failed)
	}
}

// endErr is what Read and Write return once the connection ended.
func (c *conn) endErr() error {
	if c.isClosing.Load() {
		return transport.ErrClosed
	}
	if e := c.err.Load(); e != nil {
		return copyErr(e)
	}
	return &transport.CloseError{Code: transport.CloseAbnormal}
}

// copyErr gives each caller its own error value to keep.
func copyErr(e *transport.CloseError) error {
	cp := *e
	return &cp
}

// validCloseCode reports whether code may be sent in a close frame: RFC 6455
// section 7.4 and the IANA registry, restricted to the codes gorilla peers
// accept (1014 is registered but refused by them).
func validCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1013:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

func truncateReason(reason string) string {
	if len(reason) <= maxCloseReason {
		return reason
	}
	cut := maxCloseReason
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut]
}
