package voice

import (
	"testing"
)

func pcm(vals ...float32) []byte { return AppendPCM(nil, vals) }

func TestRing(t *testing.T) {
	var q ring
	if lost := q.writePCM(pcm(1, 2)); lost != 2 {
		t.Fatalf("write before reset: lost %d, want 2 (no room yet)", lost)
	}
	q.reset(4)
	if lost := q.writePCM(pcm(1, 2, 3)); lost != 0 {
		t.Fatalf("lost %d", lost)
	}
	dst := make([]float32, 2)
	if n := q.read(dst); n != 2 || dst[0] != 1 || dst[1] != 2 {
		t.Fatalf("read %d %v", n, dst)
	}
	// Wraps around: 3 held, write 3 more into a ring of 4 → the oldest goes.
	if lost := q.writePCM(pcm(4, 5, 6)); lost != 0 {
		t.Fatalf("lost %d", lost)
	}
	if lost := q.writePCM(pcm(7)); lost != 1 {
		t.Fatalf("overflow lost %d, want 1", lost)
	}
	all := make([]float32, 8)
	if n := q.read(all); n != 4 || all[0] != 4 || all[3] != 7 {
		t.Fatalf("after overflow read %d %v, want [4 5 6 7]", n, all[:n])
	}
	// A frame bigger than the ring keeps its newest samples.
	if lost := q.writePCM(pcm(1, 2, 3, 4, 5, 6)); lost != 2 {
		t.Fatalf("big frame lost %d, want 2", lost)
	}
	if n := q.read(all); n != 4 || all[0] != 3 || all[3] != 6 {
		t.Fatalf("big frame read %d %v", n, all[:n])
	}
	q.writePCM(pcm(1, 2, 3))
	if n := q.clear(); n != 3 || q.len() != 0 || q.read(all) != 0 {
		t.Fatalf("clear dropped %d, left %d", n, q.len())
	}
}
