package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/neurokit/neurokit/neuro/server"
)

// behaviourFlags are the flags of Neuro's behaviour. -profile sets them
// all; each one given on the command line overrides its profile's value,
// whatever the order.
type behaviourFlags struct {
	fs            *flag.FlagSet
	profile       string
	forceDelay    time.Duration
	thinkTime     durationRange
	retries       int
	sticky        bool
	whilePending  string
	resultTimeout time.Duration
	holdContext   bool
	speech        durationRange
	speechUpdates time.Duration
	actEvery      time.Duration
	startupAck    bool
	reregister    bool
	noReregister  bool
	errorRate     float64
	advice        bool
	adviceLimits  adviceLimitsFlag
}

func addBehaviourFlags(fs *flag.FlagSet) *behaviourFlags {
	b := &behaviourFlags{fs: fs}
	fs.StringVar(&b.profile, "profile", string(server.ProfileNeuro), "which Neuro to play: `neuro` (the real server, as documented) or randy (the official mock, exactly);\n"+
		"each behaviour flag given (-think-time, -retries, -speech, ...) overrides the profile's value")
	fs.DurationVar(&b.forceDelay, "force-delay", 0, "think exactly this long before answering a force and before each retry (same as -think-time d,d)\n"+
		"(profile neuro: 500ms to 2s, randy: 500ms)")
	fs.Var(&b.thinkTime, "think-time", "how long to think before answering a force and before each retry, `min,max`, drawn from the seed (e.g. 500ms,2s)")
	fs.IntVar(&b.retries, "retries", 0, "retries of a failed force before giving it up silently; -1 without limit (profile neuro: 3, randy: -1)")
	fs.BoolVar(&b.sticky, "sticky-retries", false, "a retry sends the same action again, with new data (profile randy: true)")
	fs.StringVar(&b.whilePending, "force-while-pending", "", "what a force arriving while one is pending does: `replace` it or queue behind it\n"+
		"(profile neuro: replace, randy: queue)")
	fs.DurationVar(&b.resultTimeout, "result-timeout", 0, "wait for an action/result before counting it failed (default 30s)")
	fs.BoolVar(&b.holdContext, "hold-context", false, "hold context sent while a result is pending until the result came (profile neuro: true)")
	fs.Var(&b.speech, "speech", "how long Neuro speaks, `min,max`, after context that is not silent and after a successful force; 0 for never\n"+
		"(profile neuro: 1s,4s, randy: 0)")
	fs.DurationVar(&b.speechUpdates, "speech-updates", 0, "send speech_finished with isFinal false about this often while she speaks; 0 for never (default 1s)")
	fs.DurationVar(&b.actEvery, "act-every", 0, "act on her own about this often (a random registered action); 0 for never (profile neuro: 1m, randy: 0)")
	fs.BoolVar(&b.startupAck, "startup-ack", false, "answer startup with the session (profile neuro: true, randy: false)")
	fs.BoolVar(&b.reregister, "reregister", false, "send actions/reregister_all when a game connects (profile neuro: false, randy: true)")
	fs.BoolVar(&b.noReregister, "no-reregister", false, "same as -reregister=false")
	fs.Float64Var(&b.errorRate, "error-rate", 0, "`probability` (0..1) of sending deliberately invalid data for a force")
	fs.BoolVar(&b.advice, "advice", true, "give best-practice advice (logged at info level, listed apart in GET /state)")
	fs.Var(&b.adviceLimits, "advice-limit", "comma-separated `name=value` thresholds of the advice rules: "+strings.Join(adviceLimitNames(), ", "))
	return b
}

// options returns the server options the flags ask for: the profile,
// then every behaviour flag given on the command line.
func (b *behaviourFlags) options() ([]server.Option, error) {
	p, err := server.ParseProfile(b.profile)
	if err != nil {
		return nil, errors.New("-profile must be neuro or randy")
	}
	opts := []server.Option{server.WithProfile(p)}
	set := map[string]bool{}
	b.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["force-delay"] && b.forceDelay < 0:
		return nil, errors.New("-force-delay must not be negative")
	case set["retries"] && b.retries < -1:
		return nil, errors.New("-retries must be -1 (without limit) or more")
	case set["result-timeout"] && b.resultTimeout <= 0:
		return nil, errors.New("-result-timeout must be positive")
	case set["speech-updates"] && b.speechUpdates < 0:
		return nil, errors.New("-speech-updates must not be negative")
	case set["act-every"] && b.actEvery < 0:
		return nil, errors.New("-act-every must not be negative")
	case b.errorRate < 0 || b.errorRate > 1:
		return nil, errors.New("-error-rate must be between 0 and 1")
	case set["reregister"] && set["no-reregister"] && b.reregister == b.noReregister:
		return nil, errors.New("-reregister and -no-reregister contradict each other")
	}
	var pending server.PendingForce
	if set["force-while-pending"] {
		if pending, err = server.ParsePendingForce(b.whilePending); err != nil {
			return nil, errors.New("-force-while-pending must be replace or queue")
		}
	}
	add := func(name string, o server.Option) {
		if set[name] {
			opts = append(opts, o)
		}
	}
	add("force-delay", server.WithForceDelay(b.forceDelay))
	add("think-time", server.WithThinkTime(b.thinkTime.lo, b.thinkTime.hi))
	add("retries", server.WithRetries(b.retries))
	add("sticky-retries", server.WithStickyRetries(b.sticky))
	add("force-while-pending", server.WithForceWhilePending(pending))
	add("result-timeout", server.WithResultTimeout(b.resultTimeout))
	add("hold-context", server.WithHeldContext(b.holdContext))
	add("speech", server.WithSpeech(b.speech.lo, b.speech.hi))
	add("speech-updates", server.WithSpeechUpdates(b.speechUpdates))
	add("act-every", server.WithActEvery(b.actEvery))
	add("startup-ack", server.WithStartupAck(b.startupAck))
	add("reregister", server.WithReregisterOnConnect(b.reregister))
	add("no-reregister", server.WithReregisterOnConnect(!b.noReregister))
	opts = append(opts, server.WithErrorRate(b.errorRate), server.WithAdvice(b.advice),
		server.WithAdviceLimits(b.adviceLimits.l))
	return opts, nil
}

// durationRange is a flag holding "d" or "min,max".
type durationRange struct{ lo, hi time.Duration }

func (r *durationRange) String() string {
	switch {
	case r == nil || r.hi == 0:
		return ""
	case r.lo == r.hi:
		return r.lo.String()
	}
	return r.lo.String() + "," + r.hi.String()
}

func (r *durationRange) Set(v string) error {
	lo, hi, isRange := strings.Cut(v, ",")
	a, err := time.ParseDuration(strings.TrimSpace(lo))
	if err != nil {
		return err
	}
	b := a
	if isRange {
		if b, err = time.ParseDuration(strings.TrimSpace(hi)); err != nil {
			return err
		}
	}
	if a < 0 || b < a {
		return fmt.Errorf("want min,max with 0 <= min <= max, not %q", v)
	}
	r.lo, r.hi = a, b
	return nil
}

// adviceLimitsFlag is the -advice-limit flag: name=value pairs.
type adviceLimitsFlag struct{ l server.AdviceLimits }

// adviceLimitFields maps the names of -advice-limit to the fields of
// server.AdviceLimits: an *int or a *time.Duration.
func adviceLimitFields(l *server.AdviceLimits) map[string]any {
	return map[string]any{
		"description-chars":     &l.DescriptionChars,
		"description-sentences": &l.DescriptionSentences,
		"churn-changes":         &l.ChurnChanges,
		"churn-window":          &l.ChurnWindow,
		"state-bytes":           &l.StateBytes,
		"state-forces":          &l.StateForces,
		"recent-unregister":     &l.RecentUnregister,
		"context-messages":      &l.ContextMessages,
		"context-window":        &l.ContextWindow,
		"repeat":                &l.Repeat,
	}
}

func adviceLimitNames() []string {
	d := server.DefaultAdviceLimits()
	var out []string
	for _, name := range []string{"description-chars", "description-sentences", "churn-changes", "churn-window", "state-bytes",
		"state-forces", "recent-unregister", "context-messages", "context-window", "repeat"} {
		switch v := adviceLimitFields(&d)[name].(type) {
		case *int:
			out = append(out, fmt.Sprintf("%s (%d)", name, *v))
		case *time.Duration:
			out = append(out, fmt.Sprintf("%s (%v)", name, *v))
		}
	}
	return out
}

func (a *adviceLimitsFlag) String() string { return "" }

func (a *adviceLimitsFlag) Set(v string) error {
	fields := adviceLimitFields(&a.l)
	for _, item := range splitList(v) {
		name, value, ok := strings.Cut(item, "=")
		if !ok {
			return fmt.Errorf("%q: want name=value", item)
		}
		switch f := fields[strings.TrimSpace(name)].(type) {
		case *int:
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n <= 0 {
				return fmt.Errorf("%s: want a positive number, not %q", name, value)
			}
			*f = n
		case *time.Duration:
			d, err := time.ParseDuration(strings.TrimSpace(value))
			if err != nil || d <= 0 {
				return fmt.Errorf("%s: want a positive duration, not %q", name, value)
			}
			*f = d
		default:
			return fmt.Errorf("unknown advice limit %q (known: %s)", name, strings.Join(adviceLimitNames(), ", "))
		}
	}
	return nil
}
