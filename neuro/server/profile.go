package server

import (
	"fmt"
	"time"
)

// Profile names a group of behaviours: which Neuro the simulator plays.
// WithProfile sets every behaviour of the group; options given after it
// override single behaviours.
type Profile string

const (
	// ProfileNeuro behaves like the real server, as documented: it
	// acknowledges startup, does not send actions/reregister_all on
	// connect, thinks 500ms to 2s before answering a force (and before
	// each retry), retries a failed force 3 times and then gives it up
	// silently, replaces a pending force with a new one, waits 30s for a
	// result, holds context sent while a result is pending, speaks for 1s
	// to 4s after context that is not silent and after a successful force
	// (speech_finished every second or so, priorities honoured), and acts
	// on her own about once a minute. It is cmd/neuro-server's default.
	ProfileNeuro Profile = "neuro"
	// ProfileRandy reproduces the official mock server: actions/reregister_all
	// on connect, no startup acknowledgement, every force answered after
	// 500ms with one of its actions at random, a failed action sent again
	// (same action, new data) after 500ms without limit, a force that
	// arrives while one is pending queued, context delivered at once, no
	// speech, no action without a force. Unlike the mock it still gives a
	// result up after 30s, so that nothing waits forever.
	ProfileRandy Profile = "randy"
)

// Profile timing of ProfileNeuro.
const (
	neuroThinkMin     = 500 * time.Millisecond
	neuroThinkMax     = 2 * time.Second
	neuroSpeechMin    = time.Second
	neuroSpeechMax    = 4 * time.Second
	neuroActEvery     = time.Minute
	randyAnswerDelay  = 500 * time.Millisecond
	randyRetriesUnlim = -1
)

// Profiles lists the profiles, for flags and help texts.
func Profiles() []Profile { return []Profile{ProfileNeuro, ProfileRandy} }

// ParseProfile returns the Profile named s ("neuro" or "randy").
func ParseProfile(s string) (Profile, error) {
	switch p := Profile(s); p {
	case ProfileNeuro, ProfileRandy:
		return p, nil
	}
	return "", fmt.Errorf("server: unknown profile %q (want %q or %q)", s, ProfileNeuro, ProfileRandy)
}

// behaviour returns the profile's group of behaviours.
func (p Profile) behaviour() (behaviour, bool) {
	switch p {
	case ProfileNeuro:
		b := defaultBehaviour()
		b.reregister = false
		b.thinkMin, b.thinkMax = neuroThinkMin, neuroThinkMax
		b.speechMin, b.speechMax = neuroSpeechMin, neuroSpeechMax
		b.actEvery = neuroActEvery
		return b, true
	case ProfileRandy:
		return behaviour{
			reregister:    true,
			thinkMin:      randyAnswerDelay,
			thinkMax:      randyAnswerDelay,
			retries:       randyRetriesUnlim,
			stickyRetries: true,
			pendingForce:  ForceQueue,
			resultTimeout: DefaultResultTimeout,
			speechUpdates: DefaultSpeechUpdates, // for Speak: the mock never speaks
		}, true
	}
	return behaviour{}, false
}

// WithProfile sets every behaviour of profile p at once: reregister on
// connect, startup acknowledgement, think time, retries, sticky retries,
// what a force while one is pending does, result timeout, held context,
// speech and unprompted actions (see ProfileNeuro and ProfileRandy).
// Options given after it override single behaviours; an unknown profile
// is ignored. Without it, New uses ProfileNeuro's rules without its
// timing: no speech and no action of her own, a fixed 500ms think time
// (and actions/reregister_all on connect, as the mock does).
// Logging, seeding, limits, policy, error rate and advice are not part of
// a profile.
func WithProfile(p Profile) Option {
	return optionFunc(func(c *config) {
		if b, ok := p.behaviour(); ok {
			c.behaviour = b
		}
	})
}
