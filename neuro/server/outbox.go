package server

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// Sending. Every frame to a game goes through its outbox, a bounded queue
// drained by the game's writer goroutine (owned and joined by
// ServeConn), so frames keep their order and one slow game never holds
// up anyone else:
//
//   - the Go API (Send, SendAction, Act, the force loop) queues a frame
//     and waits for its write, honouring its context while the frame is
//     still queued;
//   - replies to the game and Broadcast (POST /) queue a frame and return
//     at once; when the game's queue is full (it does not read: at most
//     maxOutboxFrames frames and maxOutboxBytes bytes wait for it) the
//     frame is not sent to that game, Broadcast says so, and the game gets
//     a FindingNotReading.
//
// A write runs under the connection's context and is bounded by the
// transport (gorilla: a 5s write timeout, after which the connection is
// dropped); a sender whose context ends during the write waits for it.

// outbox is a game's send queue.
type outbox struct {
	frames chan *outFrame
	bytes  atomic.Int64  // bytes of queued frames that nobody waits for
	done   chan struct{} // closed when the writer returned
}

func newOutbox() outbox {
	return outbox{frames: make(chan *outFrame, maxOutboxFrames), done: make(chan struct{})}
}

// outFrame is one queued frame. A waiting sender and the writer race to
// claim it (state): the writer to write it, the sender to abandon it when
// its context ends first.
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

// writeLoop is the game's writer goroutine: it writes queued frames in
// order, under ctx, until ctx (the connection's) ends.
func (g *game) writeLoop(ctx context.Context) {
	defer close(g.out.done)
	for {
		select {
		case f := <-g.out.frames:
			if f.done == nil {
				g.out.bytes.Add(-int64(len(f.frame)))
			}
			if !f.state.CompareAndSwap(frameQueued, frameTaken) {
				continue // its sender gave up
			}
			err := g.write(ctx, f.msg, f.frame)
			if f.done != nil {
				f.done <- err
			} else if err != nil {
				g.env.log.Debug("frame not sent", zap.String("game", g.label()), zap.Error(err))
			}
		case <-ctx.Done():
			return
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
// written. When ctx ends while the frame is still queued, the frame is
// not sent and ctx.Err() is returned.
func (g *game) sendFrame(ctx context.Context, m wire.Message, frame []byte) error {
	if !g.live.Load() {
		return ErrGameNotConnected
	}
	f := &outFrame{msg: m, frame: frame, done: make(chan error, 1)}
	select {
	case g.out.frames <- f:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.out.done:
		return ErrGameNotConnected
	}
	select {
	case err := <-f.done:
		return err
	case <-g.out.done:
		select {
		case err := <-f.done: // written just before the writer ended
			return err
		default:
			return ErrGameNotConnected
		}
	case <-ctx.Done():
		if f.state.CompareAndSwap(frameQueued, frameAbandoned) {
			return ctx.Err()
		}
		return <-f.done // being written: the transport bounds the write
	}
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
	if !g.enqueue(m, frame) {
		g.find(FindingNotReading, notReadingDetail(len(frame)))
		return ErrSendQueueFull
	}
	return nil
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
	if g.live.Load() && !g.enqueue(m, frame) {
		g.findLocked(FindingNotReading, notReadingDetail(len(frame)))
	}
}

// enqueue queues a frame nobody waits for, unless the queue is full.
func (g *game) enqueue(m wire.Message, frame []byte) bool {
	n := int64(len(frame))
	if g.out.bytes.Add(n) <= maxOutboxBytes {
		select {
		case g.out.frames <- &outFrame{msg: m, frame: frame}:
			return true
		default:
		}
	}
	g.out.bytes.Add(-n)
	return false
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
