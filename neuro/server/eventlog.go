package server

import (
	"context"
	"slices"
	"sync"
	"time"
)

// eventLog keeps the last events in order, bounded by count and by bytes,
// and wakes waiters on each new one. It never calls out while holding its
// lock.
type eventLog struct {
	mu       sync.Mutex
	events   []logged // events[i].Seq == first+i
	first    uint64
	next     uint64
	limit    int
	maxBytes int
	bytes    int
	notify   chan struct{} // closed and replaced on every append
}

// logged is an event with what it counts against the byte limit.
type logged struct {
	Event
	cost int
}

// eventOverhead is what an event costs besides its frame and message.
const eventOverhead = 256

func newEventLog(limit, maxBytes int) *eventLog {
	return &eventLog{first: 1, next: 1, limit: limit, maxBytes: maxBytes, notify: make(chan struct{})}
}

// cost estimates the memory an event holds: its stored frame, and as much
// again for a decoded message (made from the whole frame).
func (e *Event) cost() int {
	c := eventOverhead + len(e.Frame)
	if e.Message != nil {
		c += e.FrameLen
	}
	if e.Finding != nil {
		c += len(e.Finding.Detail)
	}
	if e.Result != nil {
		c += len(e.Result.Data) + len(e.Result.Message)
	}
	return c
}

// add numbers e and appends it. A frame over maxStoredFrame is stored cut
// (a copy, so that the whole frame is not kept alive); FrameLen keeps its
// length.
func (l *eventLog) add(e Event) Event {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if e.Frame != nil && e.FrameLen == 0 {
		e.FrameLen = len(e.Frame)
	}
	if len(e.Frame) > maxStoredFrame {
		e.Frame = slices.Clone(e.Frame[:maxStoredFrame])
	}
	cost := e.cost()
	l.mu.Lock()
	e.Seq = l.next
	l.next++
	if e.Finding != nil {
		f := *e.Finding
		f.Seq = e.Seq
		e.Finding = &f
	}
	l.events = append(l.events, logged{e, cost})
	l.bytes += cost
	// Drop the oldest events beyond the count, then beyond the bytes
	// (always keeping the latest).
	drop := max(len(l.events)-l.limit, 0)
	for _, old := range l.events[:drop] {
		l.bytes -= old.cost
	}
	for ; drop < len(l.events)-1 && l.bytes > l.maxBytes; drop++ {
		l.bytes -= l.events[drop].cost
	}
	if drop > 0 {
		clear(l.events[:drop])
		l.events = l.events[drop:]
		l.first += uint64(drop)
	}
	close(l.notify)
	l.notify = make(chan struct{})
	l.mu.Unlock()
	return e
}

func (l *eventLog) last() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next - 1
}

func (l *eventLog) snapshot() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Event, len(l.events))
	for i, e := range l.events {
		out[i] = e.Event
	}
	return out
}

// size returns how many events the log holds and what they cost.
func (l *eventLog) size() (n, bytes int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.events), l.bytes
}

// slim frees the big payloads of a game that left: the decoded message of
// each of its frames that was stored cut. The cut frame stays.
func (l *eventLog) slim(gameID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.events {
		e := &l.events[i]
		if e.GameID != gameID || e.Message == nil || e.FrameLen <= len(e.Frame) {
			continue
		}
		e.Message = nil
		c := e.Event.cost()
		l.bytes -= e.cost - c
		e.cost = c
	}
}

// get returns the first retained event with Seq >= seq, or the channel to
// wait on when there is none yet.
func (l *eventLog) get(seq uint64) (Event, bool, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	seq = max(seq, l.first)
	if seq < l.next {
		return l.events[seq-l.first].Event, true, nil
	}
	return Event{}, false, l.notify
}

// Watcher reads the server's events in order, from a starting point, each
// once. It is not safe for concurrent use; give each goroutine its own.
// Events older than the server's history limits (WithEventHistory,
// WithEventHistoryBytes) may be skipped if the watcher falls that far behind.
type Watcher struct {
	s    *Server
	next uint64
}

// Watch returns a Watcher positioned after the latest event: it sees only
// what happens from now on.
func (s *Server) Watch() *Watcher {
	return &Watcher{s: s, next: s.events.last() + 1}
}

// WatchFrom returns a Watcher whose first event is the one numbered seq
// (or the oldest retained one after it). WatchFrom(0) replays the whole
// retained history.
func (s *Server) WatchFrom(seq uint64) *Watcher {
	return &Watcher{s: s, next: seq}
}

// Next returns the next event, blocking until there is one. It returns
// ctx.Err() when ctx ends first and ErrServerClosed once the server is
// closed and every recorded event was read.
func (w *Watcher) Next(ctx context.Context) (Event, error) {
	for {
		e, ok, wait := w.s.events.get(w.next)
		if ok {
			w.next = e.Seq + 1
			return e, nil
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return Event{}, ctx.Err()
		case <-w.s.done:
			// Closed: drain what was recorded before giving up.
			if e, ok, _ := w.s.events.get(w.next); ok {
				w.next = e.Seq + 1
				return e, nil
			}
			return Event{}, ErrServerClosed
		}
	}
}

// WaitFor reads events until one satisfies match and returns it. match is
// called without any server lock held.
func (w *Watcher) WaitFor(ctx context.Context, match func(Event) bool) (Event, error) {
	for {
		e, err := w.Next(ctx)
		if err != nil {
			return Event{}, err
		}
		if match(e) {
			return e, nil
		}
	}
}

// WaitFor returns the first event, past or future, that satisfies match:
// it scans the retained history, then waits. It returns ctx.Err() when ctx
// ends first and ErrServerClosed when the server closes without a match.
// To wait for something that has not happened yet, take a Watch() first,
// then act, then call the watcher's WaitFor.
func (s *Server) WaitFor(ctx context.Context, match func(Event) bool) (Event, error) {
	return s.WatchFrom(0).WaitFor(ctx, match)
}

// History returns a copy of the retained events, oldest first.
func (s *Server) History() []Event { return s.events.snapshot() }

// LastSeq returns the sequence number of the latest event (0 before any).
func (s *Server) LastSeq() uint64 { return s.events.last() }

// Match helpers for WaitFor.

// IsReceived matches a frame received with the given command from any game
// (gameRef "") or from the game with that id or name.
func IsReceived(gameRef, command string) func(Event) bool {
	return func(e Event) bool {
		return e.Kind == EventReceived && e.Command == command && matchesGame(e, gameRef)
	}
}

// IsSent matches a frame sent with the given command to any game (gameRef
// "") or to the game with that id or name.
func IsSent(gameRef, command string) func(Event) bool {
	return func(e Event) bool {
		return e.Kind == EventSent && e.Command == command && matchesGame(e, gameRef)
	}
}

// IsFinding matches a finding of the given kind (any kind when "").
func IsFinding(kind FindingKind) func(Event) bool {
	return func(e Event) bool {
		return e.Kind == EventFinding && (kind == "" || e.Finding.Kind == kind)
	}
}

// IsResult matches the end of the action with the given id (any action
// when id is "").
func IsResult(id string) func(Event) bool {
	return func(e Event) bool {
		return e.Kind == EventResult && (id == "" || e.Result.ID == id)
	}
}

func matchesGame(e Event, ref string) bool {
	return ref == "" || e.GameID == ref || e.Game == ref
}
