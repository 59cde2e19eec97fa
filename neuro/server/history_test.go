package server

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestResultRecordRoundTrip checks that a result kept in the compact
// history converts back to the same Result.
func TestResultRecordRoundTrip(t *testing.T) {
	now := time.Now()
	for _, r := range []Result{
		{PendingAction: PendingAction{ID: "a", Name: "play", SentAt: now, Deadline: now.Add(5 * time.Second)},
			GameID: "#3", Game: "Game", Success: true, At: now.Add(time.Millisecond)},
		{PendingAction: PendingAction{ID: "b", Name: "move", Data: `{"x":1}`, HasData: true, Forced: true, Attempt: 3, Faulty: true,
			SentAt: now, Deadline: now.Add(time.Second)}, GameID: "#3", Message: "no", TimedOut: true, At: now.Add(time.Second)},
	} {
		if got := compactResult(r).expand("#3", "Game"); !reflect.DeepEqual(got, r) {
			t.Errorf("got %+v\nwant %+v", got, r)
		}
	}
}

func TestBoundedLogByCount(t *testing.T) {
	l := newBoundedLog(maxLogEntries, 1<<30, func(int) int { return 1 })
	for i := range maxLogEntries + 10 {
		l.add(i)
	}
	s := l.list()
	if len(s) != maxLogEntries || s[0] != 10 || s[len(s)-1] != maxLogEntries+9 || l.total != maxLogEntries+10 {
		t.Fatalf("len %d first %d last %d total %d", len(s), s[0], s[len(s)-1], l.total)
	}
	if len(l.ring) > 3*maxLogEntries {
		t.Fatalf("capacity %d for %d entries", len(l.ring), maxLogEntries)
	}
}

// TestBoundedLogSlack: a growing log's ring is at most about a quarter
// bigger than what it holds (a doubled one would be up to twice as big),
// and a full one does not move: adding overwrites the oldest entry.
func TestBoundedLogSlack(t *testing.T) {
	l := newBoundedLog(maxLogEntries, 1<<30, func(resultRec) int { return 1 })
	var full []resultRec
	for i := range 3 * maxLogEntries {
		l.add(resultRec{attempt: int32(i)})
		if n := l.len(); len(l.ring) > n+n/2+16 {
			t.Fatalf("after %d entries: room for %d, holding %d", i+1, len(l.ring), n)
		}
		switch {
		case i+1 == maxLogEntries+1:
			full = l.ring
		case i+1 > maxLogEntries+1 && &l.ring[0] != &full[0]:
			t.Fatalf("after %d entries the full ring was replaced", i+1)
		}
	}
	got := l.list()
	if len(got) != maxLogEntries || got[0].attempt != 2*maxLogEntries || got[len(got)-1].attempt != 3*maxLogEntries-1 {
		t.Fatalf("%d entries from %d to %d", len(got), got[0].attempt, got[len(got)-1].attempt)
	}
	if r := l.at(l.len() - 1); r.attempt != 3*maxLogEntries-1 {
		t.Fatalf("latest entry %d", r.attempt)
	}
}

func TestBoundedLogByBytes(t *testing.T) {
	l := newBoundedLog(1000, 100, func(s string) int { return len(s) })
	for range 50 {
		l.add(strings.Repeat("x", 30))
	}
	if l.len() != 3 || l.bytes != 90 {
		t.Fatalf("%d entries, %d bytes; want 3 entries of 30 bytes", l.len(), l.bytes)
	}
	l.add(strings.Repeat("y", 500)) // bigger than the limit: kept alone
	if got := l.list(); len(got) != 1 || got[0][0] != 'y' {
		t.Fatalf("entries %q", got)
	}
	l.shrink(1, func(s string) string { return clip(s, 10) })
	if got := l.list(); len(got) != 1 || got[0] != "yyyyyyyyyy… (500 bytes)" {
		t.Fatalf("after shrink %q", got)
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"0123456789abc", 10, "0123456789… (13 bytes)"},
		{"ééééé", 3, "é… (10 bytes)"}, // never cuts a rune
	} {
		if got := clip(tc.in, tc.n); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
