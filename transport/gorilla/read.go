package gorilla

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"

	"github.com/neurokit/neurokit/transport"
)

// scratchPool holds the buffers frames are read into before they are
// copied out at their exact size, shared by all connections: a connection
// waiting for a frame holds none, and a rare large frame does not pin its
// buffer to one connection.
var scratchPool = sync.Pool{New: func() any {
	b := make([]byte, 0, scratchInitial)
	return &b
}}

// readFrame reads the next data message whole, running gorilla's
// control-frame handlers (ping, pong, close) on the way, and returns a copy
// the caller owns. Holder of rsem only.
func (c *conn) readFrame() ([]byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	bp := scratchPool.Get().(*[]byte)
	buf, err := readAll(r, (*bp)[:0])
	var frame []byte
	if err == nil {
		frame = make([]byte, len(buf))
		copy(frame, buf)
	}
	if cap(buf) <= scratchKeep { // buf is not used past this point
		*bp = buf[:0]
		scratchPool.Put(bp)
	}
	if err != nil {
		return nil, err
	}
	if typ == websocket.BinaryMessage {
		c.binaryFrame(len(frame))
	}
	return frame, nil
}

// readAll appends what r holds to buf, growing it as needed.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func (c *conn) binaryFrame(size int) {
	c.log.Warn("protocol: binary frame received; the Neuro API uses text frames only, decoding it as text", zap.Int("bytes", size))
	if c.onBinary == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("binary frame hook panicked", zap.Any("panic", p))
		}
	}()
	c.onBinary()
}

// readFailed ends the connection after a read error: it records the cause,
// closes the socket and returns what Read reports. Holder of rsem only.
func (c *conn) readFailed(err error) error {
	ce := c.mapReadErr(err)
	c.fail(ce)
	if !c.isClosing.Load() {
		c.log.Debug("connection ended", zap.Int("code", ce.Code), zap.String("reason", ce.Reason), zap.NamedError("cause", ce.Err))
	}
	if errors.Is(err, websocket.ErrReadLimit) {
		c.linger()
	}
	c.teardown()
	return c.endErr()
}

// linger drains the socket for at most the write timeout after gorilla sent
// its 1009 close frame, until the peer answers or hangs up. Closing a socket
// with unread data resets the connection, and the peer could lose the close
// frame that tells it why.
func (c *conn) linger() {
	nc := c.ws.NetConn()
	_ = nc.SetReadDeadline(time.Now().Add(c.writeTimeout))
	_, _ = io.Copy(io.Discard, nc)
}

func (c *conn) mapReadErr(err error) *transport.CloseError {
	var wce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		return &transport.CloseError{
			Code: transport.CloseMessageTooBig,
			Err:  fmt.Errorf("gorilla: frame over the read limit of %d bytes: %w", c.readLimit, err),
		}
	case errors.As(err, &wce) && wce.Code == websocket.CloseAbnormalClosure:
		// gorilla reports end of stream in the middle of a frame this way.
		return &transport.CloseError{Code: transport.CloseAbnormal, Err: io.ErrUnexpectedEOF}
	case errors.As(err, &wce):
		return &transport.CloseError{Code: wce.Code, Reason: wce.Text}
	case c.keepAlive && errors.As(err, &ne) && ne.Timeout():
		return &transport.CloseError{
			Code: transport.CloseAbnormal,
			Err:  fmt.Errorf("gorilla: no pong or frame from peer within %v: %w", c.pongTimeout, os.ErrDeadlineExceeded),
		}
	default:
		return &transport.CloseError{Code: transport.CloseAbnormal, Err: err}
	}
}
