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
// event log, the logger, the policies (for forces, and for her own
// actions), the session, and the sources of action ids, injected faults
// and random durations. A server makes one and shares it with
// every game; all of it is safe for concurrent use, and none of it gives
// a game access to the Server itself.
type gameEnv struct {
	settings gameSettings
	log      *zap.Logger
	events   *eventLog
	policy   Policy
	own      Policy // her own actions (WithActEvery)
	session  events.Session
	ids      *idSource
	faults   *faultSource
	rand     *randSource
	voice    *voiceSide // Neuro's voice for her speech (voice.go)
}

// gameSettings are the options a game reads; they never change.
type gameSettings struct {
	behaviour
	maxActions   int
	advice       bool
	adviceLimits AdviceLimits
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

// randSource draws the durations of the server's behaviour (think time,
// speech, jitter) from its seed. It is safe for concurrent use.
type randSource struct {
	mu sync.Mutex
	r  *rand.Rand
}

// between returns a duration drawn uniformly from [lo, hi].
func (s *randSource) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return lo + time.Duration(s.r.Int64N(int64(hi-lo)+1))
}

// jitter returns d give or take half of it.
func (s *randSource) jitter(d time.Duration) time.Duration {
	return s.between(d-d/2, d+d/2)
}
