package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// Sending. Every frame to a game goes through its outbox, a bounded queue
// drained by the game's writer goroutine, so frames keep their order and
// one slow game never holds up anyone else:
//
//   - the Go API (Send, SendAction, Act, the force loop) queues a frame
//     and waits for its write, honouring its context while the frame is
//     still queued (or while it waits for room in a full queue);
//   - replies to the game and Broadcast (POST /) queue a frame and return
//     at once; when the game's queue is full (it does not read: at most
//     maxOutboxFrames frames and maxOutboxBytes bytes wait for it) the
//     frame is not sent to that game, Broadcast says so, and the game gets
//     a FindingNotReading.
//
// The writer runs only while frames are queued: the first frame queued
// starts it (on the game's crew, owned and joined by ServeConn) and it
// returns once the queue is empty, so an idle game holds neither a
// goroutine nor a buffer for sending. A sender that waits anyway and
// finds the queue empty and nobody writing writes its frame itself, in
// the writer's place. There is never more than one writer: a new one
// starts only after the last one gave its place up with the queue empty.
//
// A write runs under the connection's context and is bounded by the
// transport (gorilla: a 5s write timeout, after which the connection is
// dropped); a sender whose context ends during the write waits for it.
// When the connection ends, the frames still queued are not sent and
// their senders get ErrGameNotConnected.

// outbox is a game's send queue, under its own lock: it may be taken
// with the game's lock held, never the other way round.
type outbox struct {
	mu      sync.Mutex
	frames  []*outFrame // queued from head on; allocated when frames come
	head    int
	bytes   int64         // bytes of queued frames that nobody waits for
	writing bool          // a writer holds its place: the goroutine, or a sender writing its own frame
	closed  bool          // the connection ended: nothing is queued any more
	room    chan struct{} // closed when a frame leaves the queue; made by a sender waiting for room
}

// keptFrameSlots is the largest queue array an empty outbox keeps for
// the next frames; a bigger one, left by a burst, is let go.
const keptFrameSlots = 4

func (o *outbox) lenLocked() int { return len(o.frames) - o.head }

// pushLocked appends f; the caller checked that there is room. The
// array is reused from its start once the frames before head are gone.
func (o *outbox) pushLocked(f *outFrame) {
	if len(o.frames) == cap(o.frames) && o.head > 0 {
		n := copy(o.frames, o.frames[o.head:])
		clear(o.frames[n:])
		o.frames, o.head = o.frames[:n], 0
	}
	o.frames = append(o.frames, f)
}

// popLocked removes the first frame and returns it (nil when the queue is
// empty), waking the senders that wait for room.
func (o *outbox) popLocked() *outFrame {
	if o.lenLocked() == 0 {
		return nil
	}
	f := o.frames[o.head]
	o.frames[o.head] = nil
	o.head++
	if o.head == len(o.frames) {
		o.frames, o.head = o.frames[:0], 0
		if cap(o.frames) > keptFrameSlots {
			o.frames = nil
		}
	}
	if f.done == nil {
		o.bytes -= int64(len(f.frame))
	}
	if o.room != nil {
		close(o.room)
		o.room = nil
	}
	return f
}

// close ends the queue when the connection ended: the frames still
// queued are dropped, each waiting sender gets ErrGameNotConnected, and
// nothing is queued afterwards.
func (o *outbox) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	for f := o.popLocked(); f != nil; f = o.popLocked() {
		if f.done != nil && f.state.CompareAndSwap(frameQueued, frameTaken) {
			f.done <- ErrGameNotConnected
		}
	}
	o.frames = nil
}

// outFrame is one queued frame. A waiting sender and the writer (or
// close) race to claim it (state): the writer to write it, the sender to
// abandon it when its context ends first.
type outFrame struct {
	msg   wire.Message // the frame decoded, nil if it does not decode
	frame []byte
	done  chan error // capacity 1; nil when nobody waits
	state atomic.Int32
}

const (
	frameQueued int32 = iota
	frameTaken
	frameAbandoned
)

// startWriterLocked starts the writer unless it runs; g.out.mu is held.
// After the connection ended nothing starts, and the queue is closed.
func (g *game) startWriterLocked() {
	if !g.out.writing && g.crew.start(g.writeLoop) {
		g.out.writing = true
	}
}

// writeLoop is the game's writer: it writes queued frames in order, under
// ctx (the connection's), and returns when the queue is empty or ctx
// ended; ServeConn's close answers what it left.
func (g *game) writeLoop(ctx context.Context) {
	for {
		g.out.mu.Lock()
		var f *outFrame
		if ctx.Err() == nil {
			f = g.out.popLocked()
		}
		if f == nil {
			g.out.writing = false
			g.out.mu.Unlock()
			return
		}
		g.out.mu.Unlock()
		if !f.state.CompareAndSwap(frameQueued, frameTaken) {
			continue // its sender gave up
		}
		err := g.write(ctx, f.msg, f.frame)
		if f.done != nil {
			f.done <- err
		} else if err != nil {
			g.env.log.Debug("frame not sent", zap.String("game", g.label()), zap.Error(err))
		}
	}
}

// write records, logs and writes one frame; the writer goroutine only.
// The EventSent is recorded before the write so that it precedes
// whatever the game answers.
func (g *game) write(ctx context.Context, m wire.Message, frame []byte) error {
	cmd := ""
	if m != nil {
		cmd = m.Command()
	} else {
		_, cmd = decodeToGame(frame)
	}
	name := g.nameNow()
	stored := frame // the event log keeps a copy of the start of a long frame
	if len(frame) <= maxStoredFrame {
		stored = slices.Clone(frame)
	}
	g.env.record(Event{Kind: EventSent, GameID: g.id, Game: name, Command: cmd, Message: m, Frame: stored})
	if ce := g.env.log.Check(zap.DebugLevel, "→ "+orUnknown(cmd)); ce != nil { // fields cost even when not logged
		ce.Write(zap.String("game", orID(name, g.id)), zap.String("id", g.id), frameField(frame))
	}
	if err := g.conn.Write(ctx, frame); err != nil {
		if _, _, closed := transport.CloseCode(err); closed {
			return fmt.Errorf("%w: %w", ErrGameNotConnected, err)
		}
		return err
	}
	return nil
}

// send encodes m and sends it, waiting for the write.
func (g *game) send(ctx context.Context, m wire.Message) error {
	frame, err := encodeToGame(m)
	if err != nil {
		return err
	}
	return g.sendFrame(ctx, m, frame)
}

// sendFrame queues frame (m decoded, or nil) and waits until it is
// written. When ctx ends while the frame is still queued, or while it
// waits for room in a full queue, the frame is not sent and ctx.Err() is
// returned. When nothing is queued or being written, the sender writes
// the frame itself, as the writer would (under the connection's context,
// counted by the crew), and starts the writer for what was queued
// meanwhile: a round trip of the Go API starts no goroutine.
func (g *game) sendFrame(ctx context.Context, m wire.Message, frame []byte) error {
	if !g.live.Load() {
		return ErrGameNotConnected
	}
	f, err := g.queueWaiting(ctx, m, frame)
	if err != nil {
		return err
	}
	if f == nil {
		return g.writeDirect(m, frame)
	}
	select {
	case err := <-f.done:
		return err
	case <-ctx.Done():
		if f.state.CompareAndSwap(frameQueued, frameAbandoned) {
			return ctx.Err()
		}
		return <-f.done // being written: the transport bounds the write
	}
}

// queueWaiting queues a frame whose sender waits for its write, once the
// queue has room, and returns it; or, when the queue is empty and nobody
// writes, returns nil with the right to write it directly (writeDirect).
func (g *game) queueWaiting(ctx context.Context, m wire.Message, frame []byte) (*outFrame, error) {
	for {
		g.out.mu.Lock()
		switch {
		case g.out.closed:
			g.out.mu.Unlock()
			return nil, ErrGameNotConnected
		case !g.out.writing && g.out.lenLocked() == 0:
			g.out.writing = true
			g.out.mu.Unlock()
			return nil, nil
		case g.out.lenLocked() < maxOutboxFrames:
			f := &outFrame{msg: m, frame: frame, done: make(chan error, 1)}
			g.out.pushLocked(f)
			g.startWriterLocked()
			g.out.mu.Unlock()
			return f, nil
		}
		if g.out.room == nil {
			g.out.room = make(chan struct{})
		}
		room := g.out.room
		g.out.mu.Unlock()
		select {
		case <-room: // a frame left, or the queue closed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// writeDirect writes a frame on the sender's goroutine, holding the
// writer's place (out.writing), then hands the place to a writer
// goroutine if frames were queued meanwhile.
func (g *game) writeDirect(m wire.Message, frame []byte) error {
	err := ErrGameNotConnected
	g.crew.run(func(ctx context.Context) { err = g.write(ctx, m, frame) })
	g.out.mu.Lock()
	g.out.writing = false
	if g.out.lenLocked() > 0 {
		g.startWriterLocked()
	}
	g.out.mu.Unlock()
	return err
}

// post queues m (or frame, when m is nil) without waiting. It returns
// ErrSendQueueFull, and records a finding, when the game's queue is full.
func (g *game) post(m wire.Message, frame []byte) error {
	if frame == nil {
		var err error
		if frame, err = encodeToGame(m); err != nil {
			return err
		}
	}
	if !g.live.Load() {
		return ErrGameNotConnected
	}
	err := g.enqueue(m, frame)
	if errors.Is(err, ErrSendQueueFull) {
		g.find(FindingNotReading, notReadingDetail(len(frame)))
	}
	return err
}

// postLocked queues m without waiting, with g.mu held: what the server
// says on its own (speech) goes out in the order its state changed. A
// full queue is a finding, as in post.
func (g *game) postLocked(m wire.Message) {
	frame, err := encodeToGame(m)
	if err != nil {
		g.env.log.Error("encoding a frame", zap.String("command", m.Command()), zap.Error(err))
		return
	}
	if g.live.Load() && errors.Is(g.enqueue(m, frame), ErrSendQueueFull) {
		g.findLocked(FindingNotReading, notReadingDetail(len(frame)))
	}
}

// enqueue queues a frame nobody waits for: ErrSendQueueFull when the
// queue is full, ErrGameNotConnected once the connection ended.
func (g *game) enqueue(m wire.Message, frame []byte) error {
	n := int64(len(frame))
	g.out.mu.Lock()
	defer g.out.mu.Unlock()
	switch {
	case g.out.closed:
		return ErrGameNotConnected
	case g.out.lenLocked() >= maxOutboxFrames || g.out.bytes+n > maxOutboxBytes:
		return ErrSendQueueFull
	}
	g.out.bytes += n
	g.out.pushLocked(&outFrame{msg: m, frame: frame})
	g.startWriterLocked()
	return nil
}

func notReadingDetail(size int) string {
	return fmt.Sprintf("the game has not read the frames queued for it (at most %d frames, %d MiB); a %d-byte frame was not sent",
		maxOutboxFrames, maxOutboxBytes>>20, size)
}

// sendRaw sends frame unchanged (m is its decoding, nil if it has none),
// tracking it first when it is an action. With wait it waits for the
// write (see sendFrame), without it it only queues (see post).
func (g *game) sendRaw(ctx context.Context, m wire.Message, frame []byte, wait bool) error {
	a, isAction := m.(wire.ActionRequest)
	var p *pending
	if isAction {
		if p = g.track(a, nil, PendingAction{}); p == nil {
			return ErrGameNotConnected
		}
	}
	var err error
	if wait {
		err = g.sendFrame(ctx, m, frame)
	} else {
		err = g.post(m, frame)
	}
	if err != nil && p != nil {
		g.untrack(p)
	}
	return err
}

// sendAction sends an action with a fresh id; its pending record exists
// before the frame is written, so even a result that arrives before the
// write returns finds it. meta is as in track.
func (g *game) sendAction(ctx context.Context, name, data string, hasData bool, f *force, meta PendingAction) (*pending, error) {
	a := wire.ActionRequest{ID: g.env.ids.newID(), Name: name, Data: data, HasData: hasData}
	p := g.track(a, f, meta)
	if p == nil {
		return nil, ErrGameNotConnected
	}
	if err := g.send(ctx, a); err != nil {
		g.untrack(p)
		return nil, err
	}
	return p, nil
}
