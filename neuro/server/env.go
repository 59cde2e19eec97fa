package server

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro/wire"
)

// gameEnv is everything a game needs from its server: its settings, the
// event log, the logger, the policy, the session, and the sources of
// action ids and injected faults. A server makes one and shares it with
// every game; all of it is safe for concurrent use, and none of it gives
// a game access to the Server itself.
type gameEnv struct {
	settings gameSettings
	log      *zap.Logger
	events   *eventLog
	policy   Policy
	session  events.Session
	ids      *idSource
	faults   *faultSource
}

// gameSettings are the options a game reads; they never change.
type gameSettings struct {
	forceDelay    time.Duration
	retries       int
	resultTimeout time.Duration
	maxActions    int
}

func (e *gameEnv) record(ev Event) Event { return e.events.add(ev) }

// idSource hands out action ids: a random prefix per server and a
// counter.
type idSource struct {
	prefix string
	next   atomic.Uint64
}

func (s *idSource) newID() string {
	return s.prefix + "-" + strconv.FormatUint(s.next.Add(1), 10)
}

// faultSource decides when an action answering a force carries
// deliberately bad data (WithErrorRate), and makes that data.
type faultSource struct {
	rate float64
	mu   sync.Mutex
	rng  *rand.Rand
}

// inject returns bad data for an action with schema (valid being the data
// the policy chose) and true, with probability rate; otherwise false.
func (f *faultSource) inject(schema wire.Schema, valid string) (string, bool) {
	if f.rate <= 0 || len(schema) == 0 {
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rng.Float64() >= f.rate {
		return "", false
	}
	return corruptData(schema, valid, f.rng), true
}
