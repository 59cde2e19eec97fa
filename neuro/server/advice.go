package server

import "time"

// Advice is the second level of findings: not protocol mistakes but the
// official best-practice advice, things that work yet make Neuro slower,
// costlier or confused. An advice is a Finding whose Level is
// LevelAdvice; it is kept apart from protocol findings (GameState.Advice,
// Server.Advice, EventAdvice), logged at info level, and given at most
// once per AdviceLimits.Repeat for the same rule (and, for descriptions,
// the same action) per game.

// FindingLevel separates protocol findings from advice.
type FindingLevel string

const (
	// LevelProtocol: the game broke a rule of the Neuro API; a strict
	// server would refuse or mishandle what it sent.
	LevelProtocol FindingLevel = "protocol"
	// LevelAdvice: the game works, against the best-practice advice.
	LevelAdvice FindingLevel = "advice"
)

// The advice rules. Each Finding's Detail says what was seen and what to
// do instead.
const (
	// AdviceHeading: a context message (or a force's state) starts with a
	// "# " top-level heading; start at "##".
	AdviceHeading FindingKind = "context starts with a top-level heading"
	// AdviceLongDescription: an action description longer than
	// AdviceLimits.DescriptionSentences sentences or
	// AdviceLimits.DescriptionChars characters.
	AdviceLongDescription FindingKind = "long action description"
	// AdviceChurn: more than AdviceLimits.ChurnChanges actions registered
	// or unregistered within AdviceLimits.ChurnWindow.
	AdviceChurn FindingKind = "registration churn"
	// AdviceBulkyState: AdviceLimits.StateForces forces in a row, each
	// with a state of at least AdviceLimits.StateBytes, without
	// ephemeral_context.
	AdviceBulkyState FindingKind = "bulky state without ephemeral_context"
	// AdviceForceAfterUnregister: a force names an action the game
	// unregistered less than AdviceLimits.RecentUnregister ago.
	AdviceForceAfterUnregister FindingKind = "force names an action just unregistered"
	// AdviceContextSpam: more than AdviceLimits.ContextMessages context
	// messages within AdviceLimits.ContextWindow.
	AdviceContextSpam FindingKind = "context spam"
)

var adviceKinds = map[FindingKind]bool{
	AdviceHeading: true, AdviceLongDescription: true, AdviceChurn: true,
	AdviceBulkyState: true, AdviceForceAfterUnregister: true, AdviceContextSpam: true,
}

// Level returns LevelAdvice for the advice rules (Advice…) and
// LevelProtocol for every other kind.
func (k FindingKind) Level() FindingLevel {
	if adviceKinds[k] {
		return LevelAdvice
	}
	return LevelProtocol
}

// AdviceLimits are the thresholds of the advice rules. In
// WithAdviceLimits, a field <= 0 keeps its default (DefaultAdviceLimits).
type AdviceLimits struct {
	// DescriptionChars and DescriptionSentences: a longer description
	// draws AdviceLongDescription. Defaults 300 and 2.
	DescriptionChars     int `json:"descriptionChars"`
	DescriptionSentences int `json:"descriptionSentences"`
	// ChurnChanges and ChurnWindow: more registry changes (an action
	// registered or unregistered) than ChurnChanges within ChurnWindow
	// draw AdviceChurn. Defaults 30 per minute.
	ChurnChanges int           `json:"churnChanges"`
	ChurnWindow  time.Duration `json:"churnWindow"`
	// StateBytes and StateForces: StateForces forces in a row with a
	// state of at least StateBytes and no ephemeral_context draw
	// AdviceBulkyState. Defaults 1024 bytes, 3 forces.
	StateBytes  int `json:"stateBytes"`
	StateForces int `json:"stateForces"`
	// RecentUnregister: a force naming an action unregistered less than
	// this long ago draws AdviceForceAfterUnregister. Defaults to 5s.
	RecentUnregister time.Duration `json:"recentUnregister"`
	// ContextMessages and ContextWindow: more context messages than
	// ContextMessages within ContextWindow draw AdviceContextSpam.
	// Defaults 5 per second.
	ContextMessages int           `json:"contextMessages"`
	ContextWindow   time.Duration `json:"contextWindow"`
	// Repeat: the same advice is given again to a game only after this
	// long. Defaults to 1 minute.
	Repeat time.Duration `json:"repeat"`
}

// DefaultAdviceLimits returns the default thresholds of the advice
// rules.
func DefaultAdviceLimits() AdviceLimits {
	return AdviceLimits{
		DescriptionChars:     300,
		DescriptionSentences: 2,
		ChurnChanges:         30,
		ChurnWindow:          time.Minute,
		StateBytes:           1024,
		StateForces:          3,
		RecentUnregister:     5 * time.Second,
		ContextMessages:      5,
		ContextWindow:        time.Second,
		Repeat:               time.Minute,
	}
}

// maxWindowCount bounds the counts of the rate rules, so that what a
// game's window remembers stays small whatever the limits say.
const maxWindowCount = 10000

// WithAdvice sets whether the server gives advice (see LevelAdvice).
// Defaults to true.
func WithAdvice(on bool) Option {
	return optionFunc(func(c *config) { c.advice = on })
}

// WithAdviceLimits sets the thresholds of the advice rules; fields <= 0
// keep their defaults (DefaultAdviceLimits). Counts above 10000 count as
// 10000.
func WithAdviceLimits(l AdviceLimits) Option {
	return optionFunc(func(c *config) {
		d := &c.adviceLimits
		setPos(&d.DescriptionChars, l.DescriptionChars)
		setPos(&d.DescriptionSentences, l.DescriptionSentences)
		setPos(&d.ChurnChanges, min(l.ChurnChanges, maxWindowCount))
		setPos(&d.ChurnWindow, l.ChurnWindow)
		setPos(&d.StateBytes, l.StateBytes)
		setPos(&d.StateForces, min(l.StateForces, maxWindowCount))
		setPos(&d.RecentUnregister, l.RecentUnregister)
		setPos(&d.ContextMessages, min(l.ContextMessages, maxWindowCount))
		setPos(&d.ContextWindow, l.ContextWindow)
		setPos(&d.Repeat, l.Repeat)
	})
}

func setPos[T int | time.Duration](dst *T, v T) {
	if v > 0 {
		*dst = v
	}
}
