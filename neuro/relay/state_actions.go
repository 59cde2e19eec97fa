package relay

import (
	"fmt"
	"slices"

	"go.uber.org/zap"
)

// register records g's new actions and registers them upstream under
// their upstream names, with descriptions tagged with g's name. Like the
// real server, a name g has already registered is ignored (the first
// registration stays).
func (s *state) register(g *game, actions []wireAction) {
	var add []wireAction
	for _, a := range actions {
		if _, dup := g.byName[a.Name]; dup {
			g.log.Debug("action already registered; ignored, like the real server", zap.String("action", a.Name))
			continue
		}
		if len(g.actions) >= maxActionsPerGame {
			s.counts.RefusedActions++
			g.log.Warn("too many actions registered; this one is refused",
				zap.String("action", a.Name), zap.Int("limit", maxActionsPerGame))
			continue
		}
		up, changed := upstreamName(g.prefix, a.Name)
		if changed {
			g.log.Warn("invalid action name; made valid upstream", zap.String("action", a.Name), zap.String("upstream", up))
		}
		if _, taken := s.routes[up]; taken {
			s.counts.RefusedActions++
			g.log.Warn("two action names of this game map to one upstream name; the second is refused",
				zap.String("action", a.Name), zap.String("upstream", up))
			continue
		}
		r := &registered{name: a.Name, upstream: up, wire: wireAction{
			Name: up, Description: tag(g.name, a.Description), Schema: a.Schema,
		}}
		g.actions = append(g.actions, r)
		g.byName[a.Name] = r
		s.routes[up] = route{g: g, name: a.Name, up: up, nameJSON: jsonString(a.Name)}
		add = append(add, r.wire)
	}
	if len(add) > 0 {
		s.sendUp(registerMsg{Actions: add})
	}
}

// unregister removes g's actions by g's names (unknown names are fine)
// upstream too; a force whose actions are all gone ends.
func (s *state) unregister(g *game, names []string) {
	var gone []string
	for _, n := range names {
		r := g.byName[n]
		if r == nil {
			continue
		}
		delete(g.byName, n)
		g.actions = slices.DeleteFunc(g.actions, func(x *registered) bool { return x == r })
		delete(s.routes, r.upstream)
		gone = append(gone, r.upstream)
	}
	if len(gone) == 0 {
		return
	}
	s.sendUp(unregisterMsg{ActionNames: gone})
	if g.queued != nil && !slices.ContainsFunc(g.queued.ActionNames, g.has) {
		g.log.Debug("its queued force lost its actions; dropped")
		s.dropQueued(g)
	}
	s.checkOrphan(g)
}

func (g *game) has(name string) bool { return g.byName[name] != nil }

// action passes an action from Neuro to the game that registered it,
// under the game's own name. Neuro is answered at once, with a failed
// result, when no connected game has the action.
func (s *state) action(m actionMsg) {
	rt, ok := s.routes[m.Name]
	var fail string
	switch {
	case !ok:
		fail = fmt.Sprintf("No game connected to the relay has an action %q; it was not carried out.", m.Name)
	case s.pending[m.ID].g != nil:
		fail = fmt.Sprintf("Action id %s is already waiting for a result; this one was not carried out.", m.ID)
	case len(s.pending) >= maxPending:
		fail = fmt.Sprintf("The relay has %d actions waiting for results; %q was not carried out, try again.", maxPending, m.Name)
	}
	if fail != "" {
		s.counts.AnsweredForGames++
		s.log.Warn("action not passed to a game; answered with a failed result", zap.String("action", m.Name),
			zap.String("id", m.ID), zap.String("why", fail))
		s.sendUp(resultMsg{ID: m.ID, Success: false, Message: fail})
		return
	}
	frame, ok := s.encodeDown(actionMsg{ID: m.ID, Name: rt.name, Data: m.Data, HasData: m.HasData})
	if !ok {
		s.sendUp(resultMsg{ID: m.ID, Success: false, Message: "The relay could not pass this action on."})
		return
	}
	s.pass(rt, m.ID, frame)
}

// actionHot is action for a frame scanAction read (hot.go): it splices
// the game's own name into the frame. It does nothing and reports false
// when the action needs action's answer instead (no game has it, its id
// is pending already, too many are).
func (s *state) actionHot(a *hotAction) bool {
	rt, ok := s.routes[string(a.name)]
	if !ok || rt.nameJSON == nil || s.pending[string(a.id)].g != nil || len(s.pending) >= maxPending {
		return false
	}
	frame := appendAction(make([]byte, 0, actionFrameLen(a, rt.nameJSON)), a, rt.nameJSON)
	s.pass(rt, string(a.id), frame)
	return true
}

// pass sends rt's game the action id, encoded as frame, and records it
// as pending.
func (s *state) pass(rt route, id string, frame []byte) {
	g := rt.g
	g.npending++
	s.counts.Actions++
	if f := s.force; f != nil && f.g == g && slices.Contains(f.msg.ActionNames, rt.up) {
		f.last = s.now()
		s.kick()
	}
	s.pending[id] = pending{g: g, id: id, upstream: rt.up, end: s.toGame(g, frame)}
}

// result passes g's answer to an action upstream, if that action is
// g's and still pending on this upstream connection; any other result is
// late (or not g's to give) and dropped. boxed is m as decoded: a result
// names nothing of the game's, so it goes upstream as it came (without
// boxing it again: one allocation less per round trip).
func (s *state) result(g *game, m resultMsg, boxed message) {
	p, ok := s.pending[m.ID]
	if !ok || p.g != g {
		s.counts.DroppedResults++
		g.log.Info("result for an action that is not pending for this game (late, or after an upstream reconnect); dropped",
			zap.String("id", m.ID))
		return
	}
	var frame []byte
	if s.up != nil {
		frame, _ = s.encodeUp(boxed)
	}
	s.settle(g, p, m.Success, frame)
}

// resultHot is result for a frame scanResult read (hot.go): the frame
// goes upstream with the relay's name spliced in for g's. It does
// nothing and reports false when the result needs gameFrame's full path
// (g not started, another name, not pending for g).
func (s *state) resultHot(g *game, r *hotResult) bool {
	if !g.started || string(r.game) != g.name || s.up == nil || s.upResult == nil {
		return false
	}
	p, ok := s.pending[string(r.id)]
	if !ok || p.g != g {
		return false
	}
	frame := make([]byte, 0, len(s.upResult)+len(r.data)+1)
	frame = append(append(append(frame, s.upResult...), r.data...), '}')
	s.settle(g, p, r.success, frame)
	return true
}

// settle ends the pending action p with g's result, encoded as frame for
// upstream (nil: not sent), and lets the force in flight know.
func (s *state) settle(g *game, p pending, success bool, frame []byte) {
	delete(s.pending, p.id)
	g.npending--
	// g answered: it read every frame up to that action's.
	g.proven = max(g.proven, p.end)
	s.counts.Results++
	if frame != nil {
		s.up.push(frame, s.direct)
	}
	f := s.force
	if f == nil || f.g != g || !slices.Contains(f.msg.ActionNames, p.upstream) {
		return
	}
	if success {
		s.endForce("succeeded")
		return
	}
	f.last = s.now() // Neuro retries the force
	s.kick()
	s.checkOrphan(g)
}

// dropPending forgets every pending action: upstream dropped, and the
// ids it gave are dead. The games' late answers will be dropped.
func (s *state) dropPending() {
	if len(s.pending) > 0 {
		s.log.Info("upstream dropped with actions pending; their results will be dropped", zap.Int("pending", len(s.pending)))
	}
	clear(s.pending)
	for _, g := range s.order {
		g.npending = 0
	}
}
