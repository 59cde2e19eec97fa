package server

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/neurokit/neurokit/neuro/wire"
)

// The advice rules, run under game.mu as frames are handled. What they
// remember per game is bounded: windows hold at most their limit + 1
// times, the maps below are trimmed past maxAdviceKeys.

// maxAdviceKeys bounds the advice given and the unregistrations
// remembered per game.
const maxAdviceKeys = 4096

// adviser is one game's advice state.
type adviser struct {
	on           bool
	lim          AdviceLimits
	given        map[string]time.Time // advice key → when last given
	churn        timeWindow
	contexts     timeWindow
	bulky        int                  // forces in a row with a bulky, lasting state
	unregistered map[string]time.Time // action name → when unregistered
}

func newAdviser(on bool, lim AdviceLimits) adviser {
	return adviser{
		on: on, lim: lim,
		given:        map[string]time.Time{},
		churn:        timeWindow{limit: lim.ChurnChanges, window: lim.ChurnWindow},
		contexts:     timeWindow{limit: lim.ContextMessages, window: lim.ContextWindow},
		unregistered: map[string]time.Time{},
	}
}

// timeWindow tells whether more than limit events fell within window.
type timeWindow struct {
	times  []time.Time // the last limit+1 events, oldest first
	limit  int
	window time.Duration
}

// add records an event at t and reports whether more than limit events
// happened within window up to t.
func (w *timeWindow) add(t time.Time) bool {
	if len(w.times) > w.limit {
		copy(w.times, w.times[1:])
		w.times[len(w.times)-1] = t
	} else {
		w.times = append(w.times, t)
	}
	return len(w.times) > w.limit && t.Sub(w.times[0]) < w.window
}

// adviseLocked records an advice unless the same key was advised less
// than Repeat ago.
func (g *game) adviseLocked(kind FindingKind, key, detail string, now time.Time) {
	a := &g.advice
	if !a.on {
		return
	}
	key = string(kind) + "\x00" + key
	if last, ok := a.given[key]; ok && now.Sub(last) < a.lim.Repeat {
		return
	}
	trimOlder(a.given, now.Add(-a.lim.Repeat))
	a.given[key] = now
	g.findLocked(kind, detail)
}

// trimOlder keeps m under maxAdviceKeys entries: past it, entries older
// than cutoff go, and if that is not enough, all of them.
func trimOlder(m map[string]time.Time, cutoff time.Time) {
	if len(m) < maxAdviceKeys {
		return
	}
	for k, t := range m {
		if t.Before(cutoff) {
			delete(m, k)
		}
	}
	if len(m) >= maxAdviceKeys {
		clear(m)
	}
}

// adviseContextLocked applies the rules on a context message.
func (g *game) adviseContextLocked(m wire.ContextMessage, now time.Time) {
	if !g.advice.on {
		return
	}
	if h, ok := topHeading(m.Message); ok {
		g.adviseLocked(AdviceHeading, "", fmt.Sprintf("context starts with the top-level heading %q; Neuro's prompt has its own top level: start at \"##\"", h), now)
	}
	if g.advice.contexts.add(now) {
		l := g.advice.lim
		g.adviseLocked(AdviceContextSpam, "", fmt.Sprintf("more than %d context messages within %v; send fewer, richer messages (merge what happens in one moment)", l.ContextMessages, l.ContextWindow), now)
	}
}

// adviseActionLocked applies the rules on an action being registered.
func (g *game) adviseActionLocked(a wire.Action, now time.Time) {
	if !g.advice.on {
		return
	}
	l := g.advice.lim
	chars, sents := utf8.RuneCountInString(a.Description), sentences(a.Description)
	if chars > l.DescriptionChars || sents > l.DescriptionSentences {
		g.adviseLocked(AdviceLongDescription, a.Name, fmt.Sprintf("action %q: the description has %d sentences and %d characters; "+
			"keep it to %d sentences and %d characters: say what the action does, and put the rules in context or in the failure messages",
			a.Name, sents, chars, l.DescriptionSentences, l.DescriptionChars), now)
	}
}

// adviseChangesLocked counts n registry changes (actions registered or
// unregistered) towards the churn rule; removed names are remembered for
// adviseForceLocked.
func (g *game) adviseChangesLocked(n int, removed []string, now time.Time) {
	if !g.advice.on {
		return
	}
	if len(removed) > 0 {
		trimOlder(g.advice.unregistered, now.Add(-g.advice.lim.RecentUnregister))
		for _, name := range removed {
			g.advice.unregistered[name] = now
		}
	}
	churned := false
	for range min(n, g.advice.churn.limit+1) {
		churned = g.advice.churn.add(now) || churned
	}
	if churned {
		l := g.advice.lim
		g.adviseLocked(AdviceChurn, "", fmt.Sprintf("more than %d actions registered or unregistered within %v; keep the set of actions stable "+
			"(a broad schema, and a failed result listing the valid options, instead of registering again)", l.ChurnChanges, l.ChurnWindow), now)
	}
}

// adviseForceLocked applies the rules on a force.
func (g *game) adviseForceLocked(m wire.ForceActions, now time.Time) {
	if !g.advice.on {
		return
	}
	l := g.advice.lim
	if h, ok := topHeading(m.State); ok {
		g.adviseLocked(AdviceHeading, "", fmt.Sprintf("the force's state starts with the top-level heading %q; Neuro's prompt has its own top level: start at \"##\"", h), now)
	}
	if len(m.State) >= l.StateBytes && !m.EphemeralContext {
		g.advice.bulky++
	} else {
		g.advice.bulky = 0
	}
	if g.advice.bulky >= l.StateForces {
		g.adviseLocked(AdviceBulkyState, "", fmt.Sprintf("%d forces in a row carry a state of %d bytes or more that Neuro keeps; "+
			"send it with \"ephemeral_context\": true so that she forgets it after the force", g.advice.bulky, l.StateBytes), now)
	}
	for _, name := range m.ActionNames {
		at, ok := g.advice.unregistered[name]
		if !ok || g.registry.has(name) || now.Sub(at) >= l.RecentUnregister {
			continue
		}
		g.adviseLocked(AdviceForceAfterUnregister, name, fmt.Sprintf("the force names %q, unregistered %v ago; force only actions registered now, "+
			"and unregister a force's actions only once it is answered", name, now.Sub(at).Round(time.Millisecond)), now)
	}
}

// topHeading returns the first line of text when it is a markdown
// top-level heading ("# Title").
func topHeading(text string) (string, bool) {
	line := strings.TrimLeftFunc(text, unicode.IsSpace)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimRightFunc(line, unicode.IsSpace)
	if line == "#" || strings.HasPrefix(line, "# ") || strings.HasPrefix(line, "#\t") {
		return clip(line, 80), true
	}
	return "", false
}

// sentences counts the sentences of text: runs of words ended by '.',
// '!' or '?' before a space or the end, plus a last one without an end
// mark. "1.5" and "..." inside a sentence do not end it.
func sentences(text string) int {
	n, open := 0, false
	for i, r := range text {
		switch {
		case r == '.' || r == '!' || r == '?':
			next, _ := utf8.DecodeRuneInString(text[i+1:])
			if open && (i+1 == len(text) || unicode.IsSpace(next)) {
				n++
				open = false
			}
		case !unicode.IsSpace(r):
			open = true
		}
	}
	if open {
		n++
	}
	return n
}
