package main

import (
	"net"
	"sync"
	"sync/atomic"
)

// frameCounts counts websocket frames by kind in one direction.
type frameCounts struct {
	data, ping, pong, close atomic.Int64
}

// frameSnapshot is frameCounts at one moment.
type frameSnapshot struct {
	Data  int64 `json:"data"`
	Ping  int64 `json:"ping"`
	Pong  int64 `json:"pong"`
	Close int64 `json:"close"`
}

func (c *frameCounts) snapshot() frameSnapshot {
	return frameSnapshot{Data: c.data.Load(), Ping: c.ping.Load(), Pong: c.pong.Load(), Close: c.close.Load()}
}

func (s frameSnapshot) sub(o frameSnapshot) frameSnapshot {
	return frameSnapshot{Data: s.Data - o.Data, Ping: s.Ping - o.Ping, Pong: s.Pong - o.Pong, Close: s.Close - o.Close}
}

// frameParser follows one direction of a websocket connection byte by
// byte: the HTTP head of the opening handshake, then frame headers, whose
// opcode it counts and whose payload it skips. It is fed in order, under
// its mutex.
type frameParser struct {
	mu      sync.Mutex
	counts  *frameCounts
	inHead  bool   // still in the HTTP head
	tail    uint32 // last four bytes of the head
	hdr     []byte // the frame header read so far
	payload uint64 // payload bytes left to skip
}

func newFrameParser(c *frameCounts) *frameParser {
	return &frameParser{counts: c, inHead: true, hdr: make([]byte, 0, 14)}
}

func (p *frameParser) feed(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(b) > 0 {
		switch {
		case p.inHead:
			p.tail = p.tail<<8 | uint32(b[0])
			b = b[1:]
			if p.tail == 0x0d0a0d0a { // "\r\n\r\n"
				p.inHead = false
			}
		case p.payload > 0:
			n := uint64(len(b))
			if n > p.payload {
				n = p.payload
			}
			p.payload -= n
			b = b[n:]
		default:
			p.hdr = append(p.hdr, b[0])
			b = b[1:]
			p.header()
		}
	}
}

// header completes a frame header once all its bytes are in.
func (p *frameParser) header() {
	h := p.hdr
	if len(h) < 2 {
		return
	}
	need, l7 := 2, h[1]&0x7f
	switch l7 {
	case 126:
		need += 2
	case 127:
		need += 8
	}
	if h[1]&0x80 != 0 { // masked (client to server)
		need += 4
	}
	if len(h) < need {
		return
	}
	n := uint64(l7)
	switch l7 {
	case 126:
		n = uint64(h[2])<<8 | uint64(h[3])
	case 127:
		n = 0
		for _, c := range h[2:10] {
			n = n<<8 | uint64(c)
		}
	}
	switch h[0] & 0x0f {
	case 0x9:
		p.counts.ping.Add(1)
	case 0xA:
		p.counts.pong.Add(1)
	case 0x8:
		p.counts.close.Add(1)
	case 0x1, 0x2: // text, binary; continuations are parts of them
		p.counts.data.Add(1)
	}
	p.payload = n
	p.hdr = p.hdr[:0]
}

// countingListener wraps the accepted connections of a listener so that
// the frames of every connection are counted: those the peer sent (read
// here) and those sent to it (written here).
type countingListener struct {
	net.Listener
	fromPeer, toPeer frameCounts
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, in: newFrameParser(&l.fromPeer), out: newFrameParser(&l.toPeer)}, nil
}

type countingConn struct {
	net.Conn
	in, out *frameParser
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.in.feed(b[:n])
	return n, err
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.out.feed(b[:n])
	return n, err
}
