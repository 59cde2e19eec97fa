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
	if cap(l.entries) > 3*maxLogEntries {
		t.Fatalf("capacity %d for %d entries", cap(l.entries), maxLogEntries)
	}
}

func TestBoundedLogByBytes(t *testing.T) {
	l := newBoundedLog(1000, 100, func(s string) int { return len(s) })
	for range 50 {
		l.add(strings.Repeat("x", 30))
	}
	if len(l.entries) != 3 || l.bytes != 90 {
		t.Fatalf("%d entries, %d bytes; want 3 entries of 30 bytes", len(l.entries), l.bytes)
	}
	l.add(strings.Repeat("y", 500)) // bigger than the limit: kept alone
	if len(l.entries) != 1 || l.entries[0][0] != 'y' {
		t.Fatalf("entries %q", l.entries)
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
