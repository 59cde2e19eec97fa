package tictactoe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Mark is what a cell holds.
type Mark byte

// The marks. Empty is the zero value.
const (
	Empty Mark = 0
	X     Mark = 'X'
	O     Mark = 'O'
)

// String returns "X", "O", or " " for Empty.
func (m Mark) String() string {
	if m == Empty {
		return " "
	}
	return string(rune(m))
}

// Other returns the opponent's mark: O for X, X for O.
func (m Mark) Other() Mark {
	if m == X {
		return O
	}
	return X
}

// Errors of Board.Play.
var (
	// ErrNoSuchCell is returned for a cell outside 1-9.
	ErrNoSuchCell = errors.New("tictactoe: no such cell")
	// ErrCellTaken is returned for a cell that already holds a mark.
	ErrCellTaken = errors.New("tictactoe: cell taken")
)

// Board is a tic-tac-toe board. Cells are numbered 1 to 9 like a phone
// keypad: 1 2 3 on the top row, 4 5 6 in the middle, 7 8 9 at the bottom.
// The zero value is an empty board. A Board is a value: copy it freely.
type Board [9]Mark

// lines are the eight winning lines, by cell number.
var lines = [8][3]int{
	{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, // rows
	{1, 4, 7}, {2, 5, 8}, {3, 6, 9}, // columns
	{1, 5, 9}, {3, 5, 7}, // diagonals
}

// At returns the mark in cell (1-9); Empty for a cell outside the board.
func (b *Board) At(cell int) Mark {
	if cell < 1 || cell > 9 {
		return Empty
	}
	return b[cell-1]
}

// Play puts m in cell. It returns an error wrapping ErrNoSuchCell or
// ErrCellTaken, and leaves the board unchanged, when it cannot.
func (b *Board) Play(cell int, m Mark) error {
	switch {
	case cell < 1 || cell > 9:
		return fmt.Errorf("%w: %d (cells are 1 to 9)", ErrNoSuchCell, cell)
	case b[cell-1] != Empty:
		return fmt.Errorf("%w: cell %d holds %s", ErrCellTaken, cell, b[cell-1])
	}
	b[cell-1] = m
	return nil
}

// Free returns the empty cells, in increasing order.
func (b *Board) Free() []int {
	var free []int
	for i, m := range b {
		if m == Empty {
			free = append(free, i+1)
		}
	}
	return free
}

// Winner returns the mark that has three in a row, with its line, or
// Empty and nil when nobody has.
func (b *Board) Winner() (Mark, []int) {
	for _, l := range lines {
		m := b.At(l[0])
		if m != Empty && b.At(l[1]) == m && b.At(l[2]) == m {
			return m, l[:]
		}
	}
	return Empty, nil
}

// Full reports whether no cell is free.
func (b *Board) Full() bool { return len(b.Free()) == 0 }

// Over reports whether the game is over: somebody won or the board is
// full.
func (b *Board) Over() bool {
	w, _ := b.Winner()
	return w != Empty || b.Full()
}

// String renders the board as an ASCII grid; free cells show their
// number:
//
//	 X | 2 | 3
//	---+---+---
//	 4 | O | 6
//	---+---+---
//	 7 | 8 | 9
func (b *Board) String() string { return b.render(nil) }

// render draws the grid, passing each cell's text (its mark, or its
// number when free) through paint when it is not nil.
func (b *Board) render(paint func(cell int, m Mark, text string) string) string {
	var sb strings.Builder
	for row := range 3 {
		if row > 0 {
			sb.WriteString("---+---+---\n")
		}
		for col := range 3 {
			cell := row*3 + col + 1
			m := b.At(cell)
			text := m.String()
			if m == Empty {
				text = strconv.Itoa(cell)
			}
			if paint != nil {
				text = paint(cell, m, text)
			}
			if col > 0 {
				sb.WriteString(" |")
			}
			sb.WriteString(" " + text)
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// Markdown renders the board for Neuro: the grid in a code block (free
// cells show their number), then the free cells in words.
func (b *Board) Markdown() string {
	return "```\n" + b.String() + "```\nFree cells: " + JoinCells(b.Free()) + "."
}

// JoinCells returns cells as "3, 5, 9" ("none" when there are none).
func JoinCells(cells []int) string {
	if len(cells) == 0 {
		return "none"
	}
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, ", ")
}
