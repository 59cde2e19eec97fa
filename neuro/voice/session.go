package voice

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/transport"
)

// Sample rates the client accepts from voice/ready.
const (
	minServerRate = 8000
	maxServerRate = 192000
)

// session is one Serve call: its socket, its read loop and its watcher.
type session struct {
	c    *Client
	conn Conn

	ready     chan struct{} // closed at the first voice/ready
	readyOnce bool          // run loop only
	done      chan struct{} // closed when run returned
	timedOut  atomic.Bool
	stopped   atomic.Bool // ctx ended or Close was called
}

// run sends voice/start and reads until the socket ends. It returns
// Serve's result.
func (s *session) run(ctx context.Context) error {
	c := s.c
	c.mu.Lock()
	c.started = true
	c.mu.Unlock()
	if err := c.writeControl(ctx, s.conn, CmdStart, nil); err != nil {
		return s.ended(ctx, err)
	}
	for {
		kind, p, err := s.conn.ReadFrame()
		if err != nil {
			return s.ended(ctx, err)
		}
		if kind == BinaryFrame {
			s.audio(p)
			continue
		}
		if err := s.control(ctx, p); err != nil {
			s.notifyEnded(transport.CloseNormal, err)
			return err
		}
	}
}

// ended turns the error that ended the socket into Serve's result.
func (s *session) ended(ctx context.Context, err error) error {
	c := s.c
	var result error
	switch {
	case s.timedOut.Load():
		result = c.unavailable(&UnavailableError{URL: c.url,
			Reason: fmt.Sprintf("no answer to voice/start within %v", c.o.handshakeTimeout)})
	case s.stopped.Load() && ctx.Err() != nil:
		result = ctx.Err()
	case s.stopped.Load() || c.isClosed():
		result = ErrClosed
	case !s.readyOnce:
		code, reason, _ := transport.CloseCode(err)
		result = c.unavailable(&UnavailableError{URL: c.url,
			Reason: fmt.Sprintf("socket closed before voice/ready (code %d %s)", code, reason), Err: err})
	default:
		result = fmt.Errorf("voice: session ended: %w", err)
	}
	switch code, _, ok := transport.CloseCode(err); {
	case s.stopped.Load():
		s.notifyEnded(transport.CloseNormal, nil)
	case ok:
		s.notifyEnded(code, err)
	default:
		s.notifyEnded(transport.CloseAbnormal, err)
	}
	return result
}

// notifyEnded calls Handlers.Ended (after Speaking false, if she was
// speaking) when the session had been ready.
func (s *session) notifyEnded(code int, err error) {
	if !s.readyOnce {
		return
	}
	s.setSpeaking(false) // she cannot be heard any more: release push-to-talk
	c := s.c
	c.log.Debug("voice session ended", zap.Int("code", code), zap.Error(err))
	if h := c.o.handlers.Ended; h != nil {
		c.call("ended", func() { h(events.VoiceEndedData{URL: c.url, Code: code, Err: err}) })
	}
}

// audio takes one downstream frame: Neuro's voice, headerless PCM.
func (s *session) audio(p []byte) {
	c := s.c
	c.mu.RLock()
	rate := c.rate
	c.mu.RUnlock()
	switch {
	case rate == 0:
		c.stats.ignored.Add(1)
		c.log.Warn("protocol: audio frame outside a ready voice session, ignored", zap.Int("bytes", len(p)))
	case len(p)%4 != 0:
		c.stats.malformed.Add(1)
		c.log.Warn("protocol: audio frame not a whole number of float32 samples, dropped", zap.Int("bytes", len(p)))
	default:
		c.stats.received.Add(int64(len(p) / 4))
		if lost := c.audio.writePCM(p); lost > 0 {
			c.stats.overflow.Add(int64(lost))
			c.log.Warn("voice buffer full: oldest audio dropped (read it with ReadAudio)", zap.Int("samples", lost))
		}
	}
}

// control handles one control message; a non-nil result ends Serve.
func (s *session) control(ctx context.Context, p []byte) error {
	c := s.c
	m, err := DecodeMessage(p)
	if err != nil {
		c.stats.malformed.Add(1)
		c.log.Warn("protocol: malformed control message, ignored", zap.Error(err), zap.ByteString("frame", truncate(p)))
		return nil
	}
	switch m.Command {
	case CmdReady:
		return s.onReady(ctx, m)
	case CmdUnavailable:
		var d UnavailableData
		if err := DecodeData(m, &d); err != nil {
			c.log.Warn("protocol: malformed voice/unavailable", zap.Error(err))
		}
		_ = s.conn.Close(transport.CloseNormal, "")
		return c.unavailable(&UnavailableError{URL: c.url, Reason: d.Reason})
	case CmdSpeaking:
		var d SpeakingData
		if err := DecodeData(m, &d); err != nil {
			c.stats.malformed.Add(1)
			c.log.Warn("protocol: malformed voice/speaking, ignored", zap.Error(err))
			return nil
		}
		s.setSpeaking(d.Speaking)
	case CmdCancelled:
		dropped := c.audio.clear()
		c.stats.cancelled.Add(int64(dropped))
		c.log.Debug("Neuro's speech cancelled", zap.Int("dropped_samples", dropped))
		if h := c.o.handlers.Cancelled; h != nil {
			c.call("cancelled", func() { h(events.VoiceCancelledData{DroppedSamples: dropped}) })
		}
		s.setSpeaking(false)
	default:
		c.stats.ignored.Add(1)
		c.log.Warn("protocol: unknown command on the voice socket, ignored", zap.String("command", m.Command))
	}
	return nil
}

func (s *session) onReady(ctx context.Context, m Message) error {
	c := s.c
	var d ReadyData
	if err := DecodeData(m, &d); err != nil {
		return s.refuse(&UnavailableError{URL: c.url, Reason: "malformed voice/ready", Err: err})
	}
	if d.SampleRate < minServerRate || d.SampleRate > maxServerRate {
		return s.refuse(&UnavailableError{URL: c.url,
			Reason: fmt.Sprintf("voice/ready: sample rate %d Hz not supported (%d–%d)", d.SampleRate, minServerRate, maxServerRate)})
	}
	if d.Channels != 1 {
		return s.refuse(&UnavailableError{URL: c.url,
			Reason: fmt.Sprintf("voice/ready: %d channels not supported (the API sends mono)", d.Channels)})
	}
	c.mu.Lock()
	if !c.started {
		c.mu.Unlock()
		c.stats.ignored.Add(1)
		c.log.Warn("protocol: voice/ready after voice/stop, ignored")
		return nil
	}
	c.rate = d.SampleRate
	c.mu.Unlock()
	c.audio.reset(FrameSamples(d.SampleRate, c.o.buffer))
	if !s.readyOnce {
		s.readyOnce = true
		close(s.ready)
	}
	c.log.Debug("voice session ready", zap.Int("sample_rate", d.SampleRate))
	if err := c.registerAll(ctx, s.conn); err != nil && !errors.Is(err, context.Canceled) {
		c.log.Warn("registering speakers failed", zap.Error(err))
	}
	if h := c.o.handlers.Ready; h != nil {
		c.call("ready", func() { h(events.VoiceReadyData{URL: c.url, SampleRate: d.SampleRate, Channels: d.Channels}) })
	}
	return nil
}

// refuse ends a session whose voice/ready the client cannot honour.
func (s *session) refuse(e *UnavailableError) error {
	_ = s.c.writeControl(context.Background(), s.conn, CmdStop, nil)
	_ = s.conn.Close(transport.CloseUnsupportedData, "unsupported voice format")
	return s.c.unavailable(e)
}

func (s *session) setSpeaking(on bool) {
	c := s.c
	c.mu.Lock()
	changed := c.speaking != on
	c.speaking = on
	c.mu.Unlock()
	if !changed {
		return
	}
	if h := c.o.handlers.Speaking; h != nil {
		c.call("speaking", func() { h(events.VoiceSpeakingData{Speaking: on}) })
	}
}

func truncate(p []byte) []byte {
	if len(p) > 200 {
		return p[:200]
	}
	return p
}

// watch closes the socket when ctx ends, Close is called, or the first
// voice/start goes unanswered for the handshake timeout; it returns when
// the session's run loop ended.
func (s *session) watch(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	timer := time.NewTimer(s.c.o.handshakeTimeout)
	defer timer.Stop()
	timeout, ready := timer.C, s.ready
	for {
		select {
		case <-s.done:
			return
		case <-ready:
			ready, timeout = nil, nil // nil channels block: wait for the rest
			continue
		case <-timeout:
			s.timedOut.Store(true)
			_ = s.conn.CloseNow()
		case <-ctx.Done():
			s.stopped.Store(true)
			_ = s.conn.Close(transport.CloseNormal, "")
		case <-s.c.closed:
			s.stopped.Store(true)
			_ = s.conn.Close(transport.CloseNormal, "")
		}
		<-s.done
		return
	}
}
