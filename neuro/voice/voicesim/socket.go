package voicesim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/voice"
	"github.com/neurokit/neurokit/transport"
)

// socket is one game's voice socket. started, everStarted, registered,
// unregistered and speech are guarded by s.mu; run is its only reader and
// watch the only goroutine that closes it (on ctx, server close,
// replacement or the start timeout).
type socket struct {
	s    *Server
	conn voice.Conn
	game string
	done chan struct{} // closed when run returned

	replaced    chan struct{} // closed when a newer socket for the game arrived
	replaceOnce sync.Once

	started      bool
	everStarted  bool
	registered   map[uint16]string
	unregistered map[uint16]struct{}
	speech       *speech
}

// watch closes the socket when ctx ends, the server closes, or no
// voice/start came within the start timeout.
func (k *socket) watch(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := k.s.o.clock.NewTicker(k.s.o.startTimeout)
	defer t.Stop()
	timeout := t.C()
	for {
		select {
		case <-k.done:
			return
		case <-timeout:
			t.Stop() // one check only; a stopped manual ticker never blocks its clock
			timeout = nil
			k.s.mu.Lock()
			started := k.everStarted
			k.s.mu.Unlock()
			if started {
				continue
			}
			k.s.warn(k.game, WarnNoStart, fmt.Sprintf("no voice/start within %v", k.s.o.startTimeout))
			_ = k.conn.Close(transport.ClosePolicyViolation, "no voice/start")
		case <-k.replaced:
			_ = k.conn.Close(transport.CloseNormal, "replaced by a newer voice socket")
		case <-ctx.Done():
			_ = k.conn.Close(transport.CloseGoingAway, "")
		case <-k.s.closed:
			_ = k.conn.Close(transport.CloseGoingAway, "server closing")
		}
		<-k.done
		return
	}
}

// run reads until the socket ends.
func (k *socket) run() {
	for {
		kind, p, err := k.conn.ReadFrame()
		if err != nil {
			if code, _, ok := transport.CloseCode(err); ok && code == transport.CloseMessageTooBig {
				k.s.warn(k.game, WarnFrameTooBig, err.Error())
			}
			k.s.log.Debug("voice socket ended", zap.String("game", k.game), zap.Error(err))
			k.stopSpeech()
			return
		}
		if kind == voice.BinaryFrame {
			k.audio(p)
			continue
		}
		if !k.control(p) {
			return
		}
	}
}

// audio checks and counts one upstream frame.
func (k *socket) audio(p []byte) {
	s := k.s
	h, payload, err := voice.ParseFrame(p)
	drop := func(kind WarningKind, detail string) {
		s.mu.Lock()
		if g, ok := s.games[k.game]; ok {
			g.dropped++
		}
		s.mu.Unlock()
		s.warn(k.game, kind, detail)
	}
	switch {
	case errors.Is(err, voice.ErrFrameShort):
		drop(WarnShortFrame, fmt.Sprintf("%d bytes", len(p)))
		return
	case err != nil:
		// Report every header problem, then the payload's.
		if h.Version != voice.FrameVersion {
			drop(WarnHeaderVersion, fmt.Sprintf("version %d, want %d (speaker %d)", h.Version, voice.FrameVersion, h.Speaker))
		}
		if h.Flags != 0 {
			drop(WarnHeaderFlags, fmt.Sprintf("flags 0x%02x, want 0 (speaker %d)", h.Flags, h.Speaker))
		}
		if len(payload)%4 != 0 {
			drop(WarnMisaligned, fmt.Sprintf("%d payload bytes is not a whole number of float32 samples (speaker %d)", len(payload), h.Speaker))
		}
		return
	}
	samples := len(payload) / 4
	s.mu.Lock()
	started := k.started
	_, registered := k.registered[h.Speaker]
	_, gone := k.unregistered[h.Speaker]
	s.mu.Unlock()
	switch {
	case !started:
		drop(WarnNotStarted, fmt.Sprintf("speaker %d sent audio before voice/start or after voice/stop", h.Speaker))
		return
	case !registered && gone:
		drop(WarnUnregistered, fmt.Sprintf("speaker %d was unregistered", h.Speaker))
		return
	case !registered:
		drop(WarnUnknownSpeaker, fmt.Sprintf("speaker %d was never registered", h.Speaker))
		return
	}
	if err := voice.CheckFrameLength(SampleRate, samples); err != nil {
		drop(WarnFrameLength, fmt.Sprintf("speaker %d: %d samples is %v", h.Speaker, samples, voice.FrameDuration(SampleRate, samples)))
		return
	}
	now := s.o.clock.Now()
	s.mu.Lock()
	if g, ok := s.games[k.game]; ok {
		if sp, ok := g.speakers[h.Speaker]; ok {
			sp.samples += int64(samples)
			sp.frames++
			sp.last = now
		}
	}
	s.changedLocked()
	s.mu.Unlock()
}

// control handles one control message; false ends the socket.
func (k *socket) control(p []byte) bool {
	s := k.s
	m, err := voice.DecodeMessage(p)
	if err != nil {
		s.warn(k.game, WarnMalformed, err.Error())
		return true
	}
	if m.Game != k.game {
		s.warn(k.game, WarnGameName, fmt.Sprintf("%s carries game %q; the socket's URL names %q", m.Command, m.Game, k.game))
	}
	switch m.Command {
	case voice.CmdStart:
		return k.start()
	case voice.CmdStop:
		k.stopSpeech()
		s.mu.Lock()
		k.started = false
		s.changedLocked()
		s.mu.Unlock()
	case voice.CmdRegister:
		k.register(m)
	case voice.CmdUnregister:
		k.unregister(m)
	default:
		s.warn(k.game, WarnUnknownCommand, m.Command)
	}
	return true
}

func (k *socket) start() bool {
	s := k.s
	s.mu.Lock()
	enabled, wasStarted := s.enabled, k.started
	if enabled {
		k.started, k.everStarted = true, true
		s.changedLocked()
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), controlTimeout)
	defer cancel()
	if !enabled {
		b, _ := voice.EncodeMessage(voice.CmdUnavailable, "", voice.UnavailableData{Reason: s.o.reason})
		_ = k.conn.WriteText(ctx, b)
		_ = k.conn.Close(transport.CloseNormal, "voice unavailable")
		return false
	}
	if wasStarted {
		s.warn(k.game, WarnStartTwice, "voice/ready is sent again")
	}
	b, _ := voice.EncodeMessage(voice.CmdReady, "", voice.ReadyData{SampleRate: SampleRate, Channels: Channels})
	if err := k.conn.WriteText(ctx, b); err != nil {
		s.log.Debug("voice/ready not sent", zap.String("game", k.game), zap.Error(err))
	}
	return true
}

// registerMsg mirrors voice.RegisterData with pointers, to tell a missing
// field from a zero one.
type registerMsg struct {
	Speakers *[]struct {
		ID   *int    `json:"id"`
		Name *string `json:"name"`
	} `json:"speakers"`
}

func (k *socket) register(m voice.Message) {
	s := k.s
	var d registerMsg
	if err := json.Unmarshal(orEmpty(m.Data), &d); err != nil || d.Speakers == nil {
		s.warn(k.game, WarnMalformed, fmt.Sprintf("%s: data must be {\"speakers\": [{\"id\", \"name\"}]}%s", m.Command, errSuffix(err)))
		return
	}
	seen := make(map[uint16]bool, len(*d.Speakers))
	for i, e := range *d.Speakers {
		switch {
		case e.ID == nil || *e.ID < 0 || *e.ID > 0xFFFF:
			s.warn(k.game, WarnBadSpeaker, fmt.Sprintf("speakers[%d]: id must be an integer 0-65535", i))
			continue
		case e.Name == nil || *e.Name == "":
			s.warn(k.game, WarnBadSpeaker, fmt.Sprintf("speakers[%d] (id %d): name missing or empty", i, *e.ID))
			continue
		}
		id := uint16(*e.ID)
		if seen[id] {
			s.warn(k.game, WarnBadSpeaker, fmt.Sprintf("speakers[%d]: id %d listed twice", i, id))
		}
		seen[id] = true
		if !k.addSpeaker(id, *e.Name) {
			s.warn(k.game, WarnTooManySpeakers, fmt.Sprintf("speaker %d (%q) refused: %d already registered", id, *e.Name, voice.MaxSpeakers))
		}
	}
}

// addSpeaker registers or renames id; false when the cap refuses it.
func (k *socket) addSpeaker(id uint16, name string) bool {
	s := k.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := k.registered[id]; !ok && len(k.registered) >= voice.MaxSpeakers {
		return false
	}
	k.registered[id] = name
	delete(k.unregistered, id)
	s.changedLocked()
	g := s.games[k.game]
	if g == nil {
		return true
	}
	sp, ok := g.speakers[id]
	if !ok {
		if len(g.speakers) >= maxSpeakerRecords {
			g.forgetOldestUnregistered()
		}
		sp = &speaker{}
		g.speakers[id] = sp
	}
	sp.name, sp.registered = name, true
	return true
}

func (g *game) forgetOldestUnregistered() {
	var oldest uint16
	found := false
	for id, sp := range g.speakers {
		if !sp.registered && (!found || sp.last.Before(g.speakers[oldest].last)) {
			oldest, found = id, true
		}
	}
	if found {
		delete(g.speakers, oldest)
	}
}

type unregisterMsg struct {
	IDs *[]int `json:"ids"`
}

func (k *socket) unregister(m voice.Message) {
	s := k.s
	var d unregisterMsg
	if err := json.Unmarshal(orEmpty(m.Data), &d); err != nil || d.IDs == nil {
		s.warn(k.game, WarnMalformed, fmt.Sprintf("%s: data must be {\"ids\": [integers]}%s", m.Command, errSuffix(err)))
		return
	}
	for _, raw := range *d.IDs {
		if raw < 0 || raw > 0xFFFF {
			s.warn(k.game, WarnBadSpeaker, fmt.Sprintf("unregister: id %d out of range", raw))
			continue
		}
		id := uint16(raw)
		s.mu.Lock()
		_, ok := k.registered[id]
		if ok {
			delete(k.registered, id)
			if len(k.unregistered) < maxSpeakerRecords {
				k.unregistered[id] = struct{}{}
			}
			if g := s.games[k.game]; g != nil {
				if sp := g.speakers[id]; sp != nil {
					sp.registered = false
				}
			}
			s.changedLocked()
		}
		s.mu.Unlock()
		if !ok {
			s.warn(k.game, WarnUnregisterUnknown, fmt.Sprintf("id %d is not registered", id))
		}
	}
}

func orEmpty(b []byte) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}
