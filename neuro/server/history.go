package server

import (
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// This file holds a game's bounded logs (context, findings, results) and
// the compact form of its result history.

// boundedLog keeps the latest entries, at most limit of them and at most
// maxBytes of their text (the latest entry always kept), in a ring: once
// it holds its limit, adding an entry overwrites the oldest and
// allocates nothing. Until then a full ring is replaced by one a quarter
// bigger than what it holds (not twice as big: a game keeps hundreds of
// results, and the slack of a doubled array would cost more than they
// do). An entry's cost is worked out again when it is dropped, so cost
// must depend on the entry alone.
type boundedLog[T any] struct {
	ring     []T // len(ring) slots; the entries from head on, wrapping around
	head     int
	n        int // entries held
	bytes    int
	total    int // entries ever added
	limit    int
	maxBytes int
	cost     func(T) int
}

func newBoundedLog[T any](limit, maxBytes int, cost func(T) int) boundedLog[T] {
	return boundedLog[T]{limit: limit, maxBytes: maxBytes, cost: cost}
}

// len is the number of entries held.
func (l *boundedLog[T]) len() int { return l.n }

// slot is the place of the i-th entry, oldest first.
func (l *boundedLog[T]) slot(i int) *T { return &l.ring[(l.head+i)%len(l.ring)] }

// at returns the i-th entry, oldest first.
func (l *boundedLog[T]) at(i int) T { return *l.slot(i) }

func (l *boundedLog[T]) add(v T) {
	if l.n == len(l.ring) {
		// At most limit+1 entries are ever held (the new one before the
		// oldest is dropped); Grow rounds up to the allocation's size.
		ring := slices.Grow([]T(nil), min(l.n+l.n/4+8, l.limit+1))
		ring = ring[:cap(ring)]
		l.copyTo(ring)
		l.ring, l.head = ring, 0
	}
	*l.slot(l.n) = v
	l.n++
	l.bytes += l.cost(v)
	l.total++
	for l.n > 1 && (l.n > l.limit || l.bytes > l.maxBytes) {
		oldest := l.slot(0)
		l.bytes -= l.cost(*oldest)
		var zero T
		*oldest = zero // let the dropped text be collected
		l.head = (l.head + 1) % len(l.ring)
		l.n--
	}
}

// list returns a copy of the entries, oldest first (never nil).
func (l *boundedLog[T]) list() []T {
	out := make([]T, l.n)
	l.copyTo(out)
	return out
}

// copyTo copies the entries, oldest first, to dst, which has room.
func (l *boundedLog[T]) copyTo(dst []T) {
	if l.n == 0 {
		return
	}
	k := copy(dst[:l.n], l.ring[l.head:])
	copy(dst[k:l.n], l.ring)
}

// shrink keeps the last n entries, each passed through cut, and lowers
// the limits to what it kept.
func (l *boundedLog[T]) shrink(n int, cut func(T) T) {
	kept := l.list()[max(l.n-n, 0):]
	l.ring, l.head, l.n, l.bytes = make([]T, len(kept)), 0, len(kept), 0
	for i, v := range kept {
		l.ring[i] = cut(v)
		l.bytes += l.cost(l.ring[i])
	}
	l.limit, l.maxBytes = len(kept), l.bytes
}

// clip returns s when it has at most n bytes; otherwise its first n bytes
// (on a rune boundary) and a note of its full length.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cutAt(s, n) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// cutAt returns the longest prefix of s of at most n bytes that ends on
// a rune boundary.
func cutAt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// resultRec is a Result as a game keeps it in its history: a game's id
// and name are its own, the deadline an offset from SentAt, the booleans
// bits, so 100 round trips cost a game about 13 KiB of history instead of
// 27. It converts back exactly (but for data and message, stored cut to
// maxStoredResult).
type resultRec struct {
	id, name, data, message string
	sentAt, at              time.Time
	timeout                 time.Duration // Deadline - SentAt
	attempt                 int32
	flags                   uint8
}

const (
	recHasData uint8 = 1 << iota
	recForced
	recFaulty
	recSuccess
	recTimedOut
	recNamed // Game was the game's name (not "": no name yet)
	recUnprompted
)

func compactResult(r Result) resultRec {
	rec := resultRec{
		id: r.ID, name: r.Name, data: clip(r.Data, maxStoredResult), message: clip(r.Message, maxStoredResult),
		sentAt: r.SentAt, at: r.At, timeout: r.Deadline.Sub(r.SentAt), attempt: int32(r.Attempt),
	}
	for _, f := range []struct {
		on  bool
		bit uint8
	}{{r.HasData, recHasData}, {r.Forced, recForced}, {r.Faulty, recFaulty}, {r.Success, recSuccess}, {r.TimedOut, recTimedOut}, {r.Game != "", recNamed}, {r.Unprompted, recUnprompted}} {
		if f.on {
			rec.flags |= f.bit
		}
	}
	return rec
}

func (rec resultRec) cost() int {
	return 128 + len(rec.id) + len(rec.name) + len(rec.data) + len(rec.message)
}

// expand turns rec, a result of the game with id and name, back into a
// Result.
func (rec resultRec) expand(id, name string) Result {
	r := Result{
		PendingAction: PendingAction{
			ID: rec.id, Name: rec.name, Data: rec.data, HasData: rec.flags&recHasData != 0,
			Forced: rec.flags&recForced != 0, Attempt: int(rec.attempt), Faulty: rec.flags&recFaulty != 0,
			Unprompted: rec.flags&recUnprompted != 0, SentAt: rec.sentAt, Deadline: rec.sentAt.Add(rec.timeout),
		},
		GameID: id, Success: rec.flags&recSuccess != 0, Message: rec.message,
		TimedOut: rec.flags&recTimedOut != 0, At: rec.at,
	}
	if rec.flags&recNamed != 0 {
		r.Game = name // a game's first name is its name for good
	}
	return r
}

// gameLogs are the bounded logs of one game.
type gameLogs struct {
	context  boundedLog[ContextEntry]
	findings boundedLog[Finding]
	advice   boundedLog[Finding]
	results  boundedLog[resultRec]
}

func newGameLogs() gameLogs {
	return gameLogs{
		context:  newBoundedLog(maxLogEntries, maxContextBytes, func(c ContextEntry) int { return 64 + len(c.Message) }),
		findings: newBoundedLog(maxLogEntries, maxFindingBytes, findingCost),
		advice:   newBoundedLog(maxLogEntries, maxFindingBytes, findingCost),
		results:  newBoundedLog(maxLogEntries, maxResultBytes, resultRec.cost),
	}
}

// summarise shrinks the logs of a game that left to their last entries,
// their text cut.
func (l *gameLogs) summarise() {
	l.context.shrink(keptAfterLeave, func(c ContextEntry) ContextEntry {
		c.Message = clip(c.Message, maxTextAfterLeave)
		return c
	})
	cutFinding := func(f Finding) Finding {
		f.Detail = clip(f.Detail, maxTextAfterLeave)
		return f
	}
	l.findings.shrink(keptAfterLeave, cutFinding)
	l.advice.shrink(keptAfterLeave, cutFinding)
	l.results.shrink(keptAfterLeave, func(r resultRec) resultRec {
		r.data, r.message = clip(r.data, maxTextAfterLeave), clip(r.message, maxTextAfterLeave)
		return r
	})
}

func findingCost(f Finding) int { return 128 + len(f.Detail) + len(f.Game) }
