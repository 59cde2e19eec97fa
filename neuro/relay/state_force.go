package relay

import (
	"slices"
	"time"

	"go.uber.org/zap"
)

// Forces. Neuro takes one force at a time, so the relay keeps one force
// upstream and a queue of the games whose force waits, first come first
// served, one place per game: a game that forces again while its force
// waits replaces it and keeps its place. The force upstream ends on a
// successful result for one of its actions, when none of its actions is
// registered or waiting for a result any more, when its game sends
// startup or leaves, or after the quiet timeout. Then the next game's
// force goes.

// enqueueForce queues g's force. A force that names none of g's
// registered actions is refused (logged), as Neuro would ignore it.
func (s *state) enqueueForce(g *game, m forceMsg) {
	if !slices.ContainsFunc(m.ActionNames, g.has) {
		s.counts.RefusedForces++
		g.log.Warn("force names none of the game's registered actions; refused", zap.Strings("actions", m.ActionNames))
		return
	}
	if f := s.force; f != nil && f.g == g && !f.sent {
		// Its force was taken along by a dropped upstream connection and
		// waits to be sent again: send this one instead.
		g.log.Debug("force replaces the game's force waiting for upstream")
		f.msg = s.translate(g, m)
		return
	}
	if g.queued != nil {
		g.log.Debug("force replaces the game's waiting force, in its place in the queue")
		g.queued = &m
		return
	}
	g.queued = &m
	s.queue = append(s.queue, g)
	s.dispatch()
}

// dropQueued removes g's waiting force.
func (s *state) dropQueued(g *game) {
	if g.queued == nil {
		return
	}
	g.queued = nil
	s.queue = slices.DeleteFunc(s.queue, func(x *game) bool { return x == g })
}

// translate is g's force m as it goes upstream: names translated (those
// of registered actions only), query tagged, the rest unchanged.
func (s *state) translate(g *game, m forceMsg) forceMsg {
	names := make([]string, 0, len(m.ActionNames))
	for _, n := range m.ActionNames {
		if r := g.byName[n]; r != nil && !slices.Contains(names, r.upstream) {
			names = append(names, r.upstream)
		}
	}
	return forceMsg{
		State:            m.State,
		Query:            tag(g.name, m.Query),
		EphemeralContext: m.EphemeralContext,
		Priority:         m.Priority,
		ActionNames:      names,
	}
}

// dispatch sends the next waiting force if none is upstream and
// upstream is there. A waiting force whose actions all went meanwhile is
// skipped.
func (s *state) dispatch() {
	for s.force == nil && s.up != nil && len(s.queue) > 0 {
		g := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		m := *g.queued
		g.queued = nil
		s.force = &flight{g: g, since: s.now(), msg: s.translate(g, m)}
		s.sendForce()
	}
}

// sendForce sends the force in flight upstream, with the names of its
// actions still registered. With none left it forgets the force (the
// caller sends the next one).
func (s *state) sendForce() {
	f := s.force
	f.msg.ActionNames = slices.DeleteFunc(f.msg.ActionNames, func(n string) bool { return s.routes[n].g != f.g })
	if len(f.msg.ActionNames) == 0 {
		s.force = nil
		f.g.log.Debug("force dropped: its actions were unregistered")
		return
	}
	f.sent, f.last = true, s.now()
	s.counts.Forces++
	f.g.log.Debug("force sent upstream", zap.Strings("actions", f.msg.ActionNames), zap.String("priority", string(f.msg.Priority)))
	s.sendUp(f.msg)
	s.kick()
}

// endForce ends the force in flight and sends the next one.
func (s *state) endForce(why string) {
	f := s.force
	if f == nil {
		return
	}
	s.force = nil
	f.g.log.Debug("force ended", zap.String("why", why), zap.Duration("after", s.now().Sub(f.since)))
	s.kick()
	s.dispatch()
}

// checkOrphan ends g's force in flight when none of its actions is
// registered or waiting for a result (a one-shot action unregistered
// before its result keeps the force until that result).
func (s *state) checkOrphan(g *game) {
	f := s.force
	if f == nil || f.g != g {
		return
	}
	for _, n := range f.msg.ActionNames {
		if s.routes[n].g == g {
			return
		}
	}
	if s.waiting(f) {
		return
	}
	s.endForce("its actions were unregistered")
}

// waiting reports whether the force in flight has an action waiting
// for its game's result: it is not quiet then, nor orphaned.
func (s *state) waiting(f *flight) bool {
	if f.g.npending == 0 {
		return false
	}
	for _, p := range s.pending { // at most maxPending
		if p.g == f.g && slices.Contains(f.msg.ActionNames, p.upstream) {
			return true
		}
	}
	return false
}

// quietDeadline is when the force in flight times out, if one does.
func (s *state) quietDeadline() (time.Time, bool) {
	f := s.force
	if f == nil || !f.sent || s.waiting(f) {
		return time.Time{}, false
	}
	return f.last.Add(s.cfg.forceTimeout), true
}

// checkQuiet gives the force in flight up if it has been quiet for the
// force timeout at now.
func (s *state) checkQuiet(now time.Time) {
	d, ok := s.quietDeadline()
	if !ok || now.Before(d) {
		return
	}
	s.counts.ForcesTimedOut++
	s.force.g.log.Warn("force quiet for the force timeout; given up, the next one goes",
		zap.Duration("timeout", s.cfg.forceTimeout), zap.String("query", s.force.msg.Query))
	s.endForce("quiet timeout")
}

// touchForce notes a sign of life of Neuro (speech) for the force in
// flight: a force at low priority waits until she stops talking.
func (s *state) touchForce() {
	if f := s.force; f != nil && f.sent {
		f.last = s.now()
		s.kick()
	}
}
