package relay

import (
	"errors"
	"fmt"
	"slices"

	"go.uber.org/zap"
)

// Session is the Neuro character upstream acknowledged the relay's
// startup with.
type Session struct {
	SessionID   string `json:"sessionId"`
	CharacterID string `json:"characterId"`
	DisplayName string `json:"displayName"`
}

// character is what decides whether games hear a new acknowledgement.
func (s *Session) character() string {
	if s == nil {
		return ""
	}
	return s.CharacterID + "\x00" + s.DisplayName
}

// upConnected starts an upstream connection writing to out: startup,
// every game's actions, the held context, then the force in flight (sent
// again: the old connection took it along) or the next waiting one.
func (s *state) upConnected(out sink) {
	s.up, s.upSince = out, s.now()
	s.upConns++
	s.sendUp(startupMsg{})
	s.restoreActions()
	for i, frame := range s.held {
		out.push(frame, s.direct)
		s.held[i] = nil
	}
	s.held = s.held[:0]
	if s.force != nil {
		s.sendForce()
	}
	s.dispatch()
	s.log.Info("upstream connected", zap.Int("games", len(s.order)), zap.Int("connection", s.upConns))
}

// restoreActions registers every game's actions upstream, one frame per
// game, in connection order.
func (s *state) restoreActions() {
	for _, g := range s.order {
		if len(g.actions) == 0 {
			continue
		}
		actions := make([]wireAction, len(g.actions))
		for i, r := range g.actions {
			actions[i] = r.wire
		}
		s.sendUp(registerMsg{Actions: actions})
	}
}

// upDisconnected notes that upstream is gone. Games stay connected;
// their actions, force and context wait for the next connection.
func (s *state) upDisconnected() {
	if s.up == nil {
		return
	}
	s.up, s.upSince = nil, s.now()
	s.dropPending()
	if s.force != nil {
		s.force.sent = false
		// A one-shot action unregistered before its result kept the
		// force; that result will not come now.
		s.checkOrphan(s.force.g)
	}
	s.log.Info("upstream disconnected; games stay connected", zap.Int("games", len(s.order)))
}

// upFrame handles one frame from upstream.
func (s *state) upFrame(frame []byte) {
	hot := scanAction(frame)
	s.upFrameScanned(frame, &hot)
}

// upFrameScanned is upFrame for a frame the caller has scanned
// (scanAction, without the relay's mutex): a plain action takes the
// byte-level path, anything else is decoded.
func (s *state) upFrameScanned(frame []byte, hot *hotAction) {
	if hot.ok && s.actionHot(hot) {
		return
	}
	m, err := decodeServer(frame)
	if err != nil {
		s.counts.Malformed++
		var de *decodeError
		if errors.As(err, &de) && de.Command == cmdAction && de.ID != "" {
			s.log.Warn("malformed action from upstream; answered with a failed result", zap.Error(err))
			s.sendUp(resultMsg{ID: de.ID, Success: false, Message: fmt.Sprintf("The relay could not read this action: %v", err)})
			return
		}
		s.log.Warn("malformed frame from upstream; ignored", zap.Error(err))
		return
	}
	switch m := m.(type) {
	case actionMsg:
		s.action(m)
	case startupAckMsg:
		s.acknowledged(m)
	case reregisterAllMsg:
		// Even as the first frame of a connection (the official mock
		// greets with it before reading the registrations upConnected
		// sent): an identical registration is harmless, a lost one is not.
		s.restoreActions()
		s.broadcast(frame)
	case shutdownGracefulMsg:
		s.askShutdown(m.WantsShutdown, frame)
	case shutdownImmediateMsg:
		s.askShutdown(true, frame)
	default:
		if m.Command() == cmdSpeechFinished {
			s.touchForce()
		}
		s.broadcast(frame) // speech_finished, and commands newer than this relay
	}
}

// acknowledged keeps upstream's acknowledgement and passes it to every
// game that has not had one for this character.
func (s *state) acknowledged(m startupAckMsg) {
	frame, ok := s.encodeDown(m)
	if !ok {
		return
	}
	sess := sessionOf(m)
	s.ack, s.session = frame, &sess
	s.log.Info("upstream acknowledged", zap.String("character", sess.CharacterID), zap.String("displayName", sess.DisplayName))
	for _, g := range s.order {
		s.acknowledge(g)
	}
}

// askShutdown passes a shutdown request (or its cancellation) to every
// game that sent startup; upstream hears shutdown/ready once all of them
// did (at once when there are none).
func (s *state) askShutdown(wants bool, frame []byte) {
	s.askedOff = nil
	if wants {
		for _, g := range s.order {
			if g.started {
				s.askedOff = append(s.askedOff, g)
			}
		}
	}
	s.broadcast(frame)
	if wants && len(s.askedOff) == 0 {
		s.sendUp(shutdownReadyMsg{})
	}
	s.log.Info("shutdown request passed to the games", zap.Bool("wants", wants), zap.Int("games", len(s.askedOff)))
}

// status is the snapshot behind Relay.Status.
func (s *state) status() Status {
	st := Status{
		Games:    make([]GameStatus, 0, len(s.order)),
		Queue:    make([]string, 0, len(s.queue)),
		Counters: s.counts,
	}
	st.Upstream.Connected = s.up != nil
	st.Upstream.Connections = s.upConns
	st.Upstream.Since = s.upSince
	if s.session != nil {
		sess := *s.session
		st.Upstream.Session = &sess
	}
	st.Upstream.HeldContext = len(s.held)
	st.Upstream.Pending = len(s.pending)
	for _, g := range s.order {
		gs := GameStatus{
			Conn: g.label(), Name: g.name, Prefix: g.prefix, Remote: g.remote, StartedUp: g.started,
			ConnectedAt: g.connectedAt, Pending: g.npending, ForceWaiting: g.queued != nil,
			Actions: make([]ActionStatus, len(g.actions)),
		}
		for i, r := range g.actions {
			gs.Actions[i] = ActionStatus{Name: r.name, Upstream: r.upstream}
		}
		st.Games = append(st.Games, gs)
	}
	for _, g := range s.queue {
		st.Queue = append(st.Queue, g.label())
	}
	if f := s.force; f != nil {
		st.Force = &ForceStatus{Conn: f.g.label(), Game: f.g.name, Query: f.msg.Query,
			Actions: slices.Clone(f.msg.ActionNames), Priority: string(f.msg.Priority), Since: f.since, Sent: f.sent}
	}
	return st
}
