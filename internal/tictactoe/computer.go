package tictactoe

import (
	"math/rand/v2"
	"sync"
)

// Computer is the X player: it takes a winning cell when it has one,
// blocks the opponent's winning cell otherwise, and else plays a random
// free cell. Its random choices come from its seed, so a match is
// repeatable. It is safe for concurrent use.
type Computer struct {
	mark Mark
	mu   sync.Mutex
	rng  *rand.Rand
}

// NewComputer returns a Computer playing mark, seeded with seed.
func NewComputer(mark Mark, seed int64) *Computer {
	return &Computer{mark: mark, rng: rand.New(rand.NewPCG(uint64(seed), 0x7C7AC70E))}
}

// Mark returns the mark the computer plays.
func (c *Computer) Mark() Mark { return c.mark }

// Move returns the cell the computer plays on b, and 0 when b has no free
// cell.
func (c *Computer) Move(b Board) int {
	free := b.Free()
	if len(free) == 0 {
		return 0
	}
	if cell := winningCell(b, c.mark); cell != 0 {
		return cell
	}
	if cell := winningCell(b, c.mark.Other()); cell != 0 {
		return cell
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return free[c.rng.IntN(len(free))]
}

// winningCell returns the lowest free cell that completes a line of m,
// or 0.
func winningCell(b Board, m Mark) int {
	for _, cell := range b.Free() {
		try := b
		try[cell-1] = m
		if w, _ := try.Winner(); w == m {
			return cell
		}
	}
	return 0
}
