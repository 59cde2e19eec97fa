package server

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// This file holds a game's bounded logs (context, findings, results) and
// the compact form of its result history.

// boundedLog keeps the latest entries, at most limit of them and at most
// maxBytes of their text (the latest entry always kept). Appending is
// amortised O(1): dropped entries are sliced off the front, and append
// moves the rest to a fresh array when it grows.
type boundedLog[T any] struct {
	entries  []T
	costs    []int
	bytes    int
	total    int // entries ever added
	limit    int
	maxBytes int
	cost     func(T) int
}

func newBoundedLog[T any](limit, maxBytes int, cost func(T) int) boundedLog[T] {
	return boundedLog[T]{limit: limit, maxBytes: maxBytes, cost: cost}
}

func (l *boundedLog[T]) add(v T) {
	c := l.cost(v)
	l.entries = append(l.entries, v)
	l.costs = append(l.costs, c)
	l.bytes += c
	l.total++
	drop := 0
	for drop < len(l.entries)-1 && (len(l.entries)-drop > l.limit || l.bytes > l.maxBytes) {
		l.bytes -= l.costs[drop]
		drop++
	}
	if drop > 0 {
		clear(l.entries[:drop]) // let the dropped text be collected
		l.entries = l.entries[drop:]
		l.costs = l.costs[drop:]
	}
}

// list returns a copy of the entries, oldest first (never nil).
func (l *boundedLog[T]) list() []T {
	return append(make([]T, 0, len(l.entries)), l.entries...)
}

// shrink keeps the last n entries, each passed through cut, and lowers
// the limits to what it kept.
func (l *boundedLog[T]) shrink(n int, cut func(T) T) {
	old := l.entries[max(len(l.entries)-n, 0):]
	l.entries = make([]T, len(old))
	l.costs = make([]int, len(old))
	l.bytes = 0
	for i, v := range old {
		l.entries[i] = cut(v)
		l.costs[i] = l.cost(l.entries[i])
		l.bytes += l.costs[i]
	}
	l.limit, l.maxBytes = n, l.bytes
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
