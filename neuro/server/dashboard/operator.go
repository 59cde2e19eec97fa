package dashboard

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
)

// ErrNoSuchPrompt is returned by Operator.Answer and Operator.Fallback for
// a prompt that is not waiting (answered already, timed out, or its game
// went away).
var ErrNoSuchPrompt = errors.New("dashboard: no such force waiting for the operator")

// Operator is a server.Policy that lets a person answer forces from the
// dashboard page: while enabled, each force waits, as a ForcePrompt, until
// someone picks the action and its data (Answer), hands it to the fallback
// policy (Fallback), or the optional per-force timeout passes (the
// fallback answers then). While disabled, the fallback answers at once;
// disabling it hands every waiting force to the fallback.
//
// It is safe for concurrent use; Choose is called from each game's force
// goroutine and returns when its context ends (the game went away or the
// simulator closed). It starts no goroutine.
type Operator struct {
	fallback server.Policy
	timeout  time.Duration

	rngMu sync.Mutex
	rng   *rand.Rand // suggested data

	mu      sync.Mutex
	enabled bool
	next    uint64
	waiting []*prompt
	changed chan struct{} // closed and replaced on every change
}

// ForcePrompt is a force waiting for the operator: what the page shows.
type ForcePrompt struct {
	// ID names the prompt in Answer and Fallback.
	ID     string `json:"id"`
	GameID string `json:"gameId"`
	Game   string `json:"game"`
	// Force is the force as the game sent it (state, query, priority,
	// ephemeral context, names).
	Force neuro.ForceActions `json:"force"`
	// Actions are the listed actions registered now, in the force's order.
	Actions []neuro.Action `json:"actions"`
	// Suggestions holds data generated from each action's schema, to
	// pre-fill the editor (absent for actions without a schema or whose
	// data could not be generated).
	Suggestions map[string]string `json:"suggestions"`
	Attempt     int               `json:"attempt"`
	ReceivedAt  time.Time         `json:"receivedAt"`
	// Deadline is when the fallback answers; nil without a timeout.
	Deadline *time.Time `json:"deadline,omitempty"`
}

type prompt struct {
	ForcePrompt
	answer chan answer // capacity 1; sent once, by whoever removes the prompt
}

type answer struct {
	choice   server.Choice
	fallback bool
}

// An OperatorOption configures an Operator.
type OperatorOption interface {
	applyOperator(*Operator)
}

type operatorOptionFunc func(*Operator)

func (f operatorOptionFunc) applyOperator(o *Operator) { f(o) }

// OperatorTimeout sets how long a force waits for a person before the
// fallback policy answers it. Values <= 0 wait as long as the force lives.
// Defaults to 0.
func OperatorTimeout(d time.Duration) OperatorOption {
	return operatorOptionFunc(func(o *Operator) { o.timeout = max(d, 0) })
}

// OperatorEnabled sets whether the operator starts enabled. Defaults to
// true.
func OperatorEnabled(on bool) OperatorOption {
	return operatorOptionFunc(func(o *Operator) { o.enabled = on })
}

// OperatorSeed makes the suggested data repeatable. Defaults to a random
// seed.
func OperatorSeed(seed int64) OperatorOption {
	return operatorOptionFunc(func(o *Operator) {
		o.rng = rand.New(rand.NewPCG(uint64(seed), 0x09e7a7))
	})
}

// NewOperator returns an enabled Operator that hands forces to fallback
// when nobody answers them (nil: a server.RandomPolicy).
func NewOperator(fallback server.Policy, opts ...OperatorOption) *Operator {
	o := &Operator{
		fallback: fallback,
		timeout:  DefaultForceTimeout,
		enabled:  true,
		changed:  make(chan struct{}),
	}
	for _, opt := range opts {
		if opt != nil {
			opt.applyOperator(o)
		}
	}
	if o.fallback == nil {
		o.fallback = server.NewRandomPolicy(rand.Int64())
	}
	if o.rng == nil {
		o.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return o
}

// Choose implements server.Policy: it waits for the operator while
// enabled, else asks the fallback.
func (o *Operator) Choose(ctx context.Context, req server.ForceRequest) (server.Choice, error) {
	if !o.Enabled() {
		return o.fallback.Choose(ctx, req)
	}
	p := &prompt{answer: make(chan answer, 1)}
	p.GameID, p.Game, p.Force, p.Attempt = req.GameID, req.Game, req.Force, req.Attempt
	p.Actions = slices.Clone(req.Actions)
	p.Suggestions = o.suggest(req.Actions)
	p.ReceivedAt = time.Now()
	var timeout <-chan time.Time
	if o.timeout > 0 {
		t := time.NewTimer(o.timeout)
		defer t.Stop()
		timeout = t.C
		dl := p.ReceivedAt.Add(o.timeout)
		p.Deadline = &dl
	}
	o.mu.Lock()
	if !o.enabled { // disabled meanwhile
		o.mu.Unlock()
		return o.fallback.Choose(ctx, req)
	}
	o.next++
	p.ID = "f" + strconv.FormatUint(o.next, 10)
	o.waiting = append(o.waiting, p)
	o.notifyLocked()
	o.mu.Unlock()

	var a answer
	select {
	case a = <-p.answer:
	case <-timeout:
		if o.remove(p) {
			a.fallback = true
		} else {
			a = <-p.answer // answered just now
		}
	case <-ctx.Done():
		if o.remove(p) {
			return server.Choice{}, ctx.Err()
		}
		a = <-p.answer
	}
	if a.fallback {
		return o.fallback.Choose(ctx, req)
	}
	return a.choice, nil
}

func (o *Operator) suggest(actions []neuro.Action) map[string]string {
	out := map[string]string{}
	o.rngMu.Lock()
	defer o.rngMu.Unlock()
	for _, a := range actions {
		if len(a.Schema) == 0 {
			continue
		}
		if data, err := server.GenerateData(context.Background(), a.Schema, o.rng); err == nil {
			out[a.Name] = data
		}
	}
	return out
}

// remove takes p out of the waiting list; false if someone else did.
func (o *Operator) remove(p *prompt) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.removeLocked(p.ID) != nil
}

func (o *Operator) removeLocked(id string) *prompt {
	i := slices.IndexFunc(o.waiting, func(p *prompt) bool { return p.ID == id })
	if i < 0 {
		return nil
	}
	p := o.waiting[i]
	o.waiting = slices.Delete(o.waiting, i, i+1)
	o.notifyLocked()
	return p
}

func (o *Operator) notifyLocked() {
	close(o.changed)
	o.changed = make(chan struct{})
}

// changes returns a channel closed at the next change of the operator's
// state (enabled, waiting prompts).
func (o *Operator) changes() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.changed
}

// Answer answers the waiting prompt id with c: the simulator sends that
// action and data. c.Name must be one of the prompt's actions; the data is
// sent as given (the dashboard checks it against the schema first unless
// asked not to).
func (o *Operator) Answer(id string, c server.Choice) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	i := slices.IndexFunc(o.waiting, func(p *prompt) bool { return p.ID == id })
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrNoSuchPrompt, id)
	}
	if !slices.ContainsFunc(o.waiting[i].Actions, func(a neuro.Action) bool { return a.Name == c.Name }) {
		return fmt.Errorf("dashboard: force %s does not offer action %q", id, c.Name)
	}
	o.removeLocked(id).answer <- answer{choice: c}
	return nil
}

// Fallback hands the waiting prompt id to the fallback policy.
func (o *Operator) Fallback(id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	p := o.removeLocked(id)
	if p == nil {
		return fmt.Errorf("%w: %q", ErrNoSuchPrompt, id)
	}
	p.answer <- answer{fallback: true}
	return nil
}

// SetEnabled turns the operator on or off. Turning it off hands every
// waiting force to the fallback policy.
func (o *Operator) SetEnabled(on bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.enabled == on {
		return
	}
	o.enabled = on
	if !on {
		for _, p := range o.waiting {
			p.answer <- answer{fallback: true}
		}
		o.waiting = nil
	}
	o.notifyLocked()
}

// Enabled reports whether forces wait for the operator.
func (o *Operator) Enabled() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.enabled
}

// Waiting returns the forces waiting for the operator, oldest first.
func (o *Operator) Waiting() []ForcePrompt {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]ForcePrompt, len(o.waiting))
	for i, p := range o.waiting {
		out[i] = p.ForcePrompt
	}
	return out
}

// prompt returns a copy of the waiting prompt id.
func (o *Operator) prompt(id string) (ForcePrompt, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, p := range o.waiting {
		if p.ID == id {
			return p.ForcePrompt, true
		}
	}
	return ForcePrompt{}, false
}

// operatorView is the operator as the page sees it.
type operatorView struct {
	Enabled   bool          `json:"enabled"`
	TimeoutMs int64         `json:"timeoutMs"`
	Waiting   []ForcePrompt `json:"waiting"`
}

func (o *Operator) view() operatorView {
	return operatorView{Enabled: o.Enabled(), TimeoutMs: o.timeout.Milliseconds(), Waiting: o.Waiting()}
}
