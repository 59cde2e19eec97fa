package server

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/neurokit/neurokit/neuro/wire"
)

// Policy decides how Neuro answers a force. The server calls Choose after
// the force delay, once per attempt, from the game's force goroutine; it
// may be called concurrently for different games. A panic in Choose is
// recovered and counts as an error.
type Policy interface {
	Choose(ctx context.Context, req ForceRequest) (Choice, error)
}

// PolicyFunc adapts a function to Policy.
type PolicyFunc func(ctx context.Context, req ForceRequest) (Choice, error)

// Choose calls f.
func (f PolicyFunc) Choose(ctx context.Context, req ForceRequest) (Choice, error) {
	return f(ctx, req)
}

// ForceRequest is what a Policy sees when it answers a force.
type ForceRequest struct {
	GameID string
	Game   string
	Force  wire.ForceActions
	// Actions are the force's listed actions that are registered now, in
	// the force's order; never empty.
	Actions []wire.Action
	// Attempt counts the tries: 1 first, 2 after one failed result, ...
	Attempt int
	// Context is the game's context log, oldest first.
	Context []ContextEntry
}

// Choice is a policy's answer: the action to send and its data. The server
// sends whatever name it gets, registered or not.
type Choice struct {
	Name string
	// Data is the JSON document to send; with HasData false and Data ""
	// the action is sent without data.
	Data    string
	HasData bool
}

// RandomPolicy is the default policy, like the official mock: a random
// listed action, with data generated from its schema by GenerateData (none
// when it has no schema). It is safe for concurrent use.
type RandomPolicy struct {
	mu sync.Mutex
	r  *rand.Rand
}

// NewRandomPolicy returns a RandomPolicy whose choices are determined by
// seed.
func NewRandomPolicy(seed int64) *RandomPolicy {
	return &RandomPolicy{r: rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))}
}

// Choose picks one of req.Actions at random and generates its data
// (within the bounds of GenerateData, checking ctx). When the data of the
// picked action cannot be generated it tries the others; it fails only
// when none can be, saying why for each.
func (p *RandomPolicy) Choose(ctx context.Context, req ForceRequest) (Choice, error) {
	if len(req.Actions) == 0 {
		return Choice{}, errors.New("server: no action to choose from")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for _, i := range p.r.Perm(len(req.Actions)) {
		a := req.Actions[i]
		if len(a.Schema) == 0 {
			return Choice{Name: a.Name}, nil
		}
		data, err := GenerateData(ctx, a.Schema, p.r)
		if err != nil {
			if ctx.Err() != nil {
				return Choice{}, err
			}
			errs = append(errs, fmt.Errorf("action %q: %w", a.Name, err))
			continue
		}
		return Choice{Name: a.Name, Data: data, HasData: true}, nil
	}
	return Choice{}, errors.Join(errs...)
}

// choose calls the policy, turning a panic into an error.
func choose(ctx context.Context, p Policy, req ForceRequest) (c Choice, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("server: policy panicked: %v", v)
		}
	}()
	return p.Choose(ctx, req)
}
