package server

import (
	"reflect"
	"testing"
	"time"
)

// TestResultRecordRoundTrip checks that a result kept in the compact
// history converts back to the same Result.
func TestResultRecordRoundTrip(t *testing.T) {
	g := &game{id: "#3", name: "Game"}
	now := time.Now()
	for _, r := range []Result{
		{PendingAction: PendingAction{ID: "a", Name: "play", SentAt: now, Deadline: now.Add(5 * time.Second)},
			GameID: "#3", Game: "Game", Success: true, At: now.Add(time.Millisecond)},
		{PendingAction: PendingAction{ID: "b", Name: "move", Data: `{"x":1}`, HasData: true, Forced: true, Attempt: 3, Faulty: true,
			SentAt: now, Deadline: now.Add(time.Second)}, GameID: "#3", Message: "no", TimedOut: true, At: now.Add(time.Second)},
	} {
		if got := g.expandLocked(compactResult(r)); !reflect.DeepEqual(got, r) {
			t.Errorf("got %+v\nwant %+v", got, r)
		}
	}
}

func TestResultHistoryCapped(t *testing.T) {
	var s []resultRec
	for i := range maxLogEntries + 10 {
		s = appendResult(s, resultRec{attempt: int32(i)})
	}
	if len(s) != maxLogEntries || s[0].attempt != 10 || s[len(s)-1].attempt != maxLogEntries+9 || cap(s) > maxLogEntries+8 {
		t.Fatalf("len %d cap %d first %d last %d", len(s), cap(s), s[0].attempt, s[len(s)-1].attempt)
	}
}
