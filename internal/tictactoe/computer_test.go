package tictactoe

import (
	"slices"
	"testing"
)

func TestComputerMove(t *testing.T) {
	tests := []struct {
		name string
		pic  string
		want int
	}{
		{"wins a row rather than block", "XX. OO. ...", 3},
		{"wins a diagonal", "X.O .X. O..", 9},
		{"wins a row rather than block a column", ".O. .O. X.X", 8},
		{"wins a column", "O.X .O. ..X", 6},
		{"blocks a column", ".OX .O. X..", 8},
		{"blocks a diagonal", "O.X .O. X..", 9},
		{"blocks the other diagonal", "X.O .O. ...", 7},
		{"last cell", "XOX XOO OX.", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewComputer(X, 1).Move(board(tt.pic)); got != tt.want {
				t.Errorf("Move(%s) = %d, want %d", tt.pic, got, tt.want)
			}
		})
	}
}

func TestComputerFullBoard(t *testing.T) {
	if got := NewComputer(X, 1).Move(board("XOX XOO OXX")); got != 0 {
		t.Errorf("Move on a full board = %d, want 0", got)
	}
}

// TestComputerSeeded: without a win or a block to play, the computer
// picks a random free cell, the same ones for the same seed.
func TestComputerSeeded(t *testing.T) {
	moves := func(seed int64) []int {
		c := NewComputer(X, seed)
		var got []int
		for range 20 {
			b := board("O.. ... ...")
			cell := c.Move(b)
			if !slices.Contains(b.Free(), cell) {
				t.Fatalf("seed %d: Move = %d, not a free cell", seed, cell)
			}
			got = append(got, cell)
		}
		return got
	}
	a, b := moves(42), moves(42)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different moves: %v and %v", a, b)
	}
	seen := map[int]bool{}
	for _, c := range a {
		seen[c] = true
	}
	if len(seen) < 3 {
		t.Errorf("20 random moves used only cells %v", a)
	}
	if slices.Equal(a, moves(43)) {
		t.Errorf("seeds 42 and 43 gave the same moves %v", a)
	}
	if NewComputer(O, 1).Mark() != O {
		t.Error("Mark() is not the mark given")
	}
}
