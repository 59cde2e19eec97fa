package tictactoe

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// board builds a board from a picture: 9 cells, X, O or anything else
// for empty, spaces ignored ("XO. .X. ..O").
func board(pic string) Board {
	var b Board
	pic = strings.ReplaceAll(pic, " ", "")
	for i, r := range pic {
		switch r {
		case 'X':
			b[i] = X
		case 'O':
			b[i] = O
		}
	}
	return b
}

func TestBoardPlay(t *testing.T) {
	tests := []struct {
		name string
		cell int
		want error
	}{
		{"free cell", 5, nil},
		{"taken cell", 1, ErrCellTaken},
		{"zero", 0, ErrNoSuchCell},
		{"ten", 10, ErrNoSuchCell},
		{"negative", -3, ErrNoSuchCell},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := board("X.. ... ...")
			before := b
			err := b.Play(tt.cell, O)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Play(%d) = %v, want %v", tt.cell, err, tt.want)
			}
			if err != nil && b != before {
				t.Errorf("a refused move changed the board: %v", b)
			}
			if err == nil && b.At(tt.cell) != O {
				t.Errorf("cell %d holds %q after Play", tt.cell, b.At(tt.cell))
			}
		})
	}
}

func TestBoardWinner(t *testing.T) {
	tests := []struct {
		pic  string
		want Mark
		line []int
		over bool
	}{
		{"... ... ...", Empty, nil, false},
		{"XXX OO. ...", X, []int{1, 2, 3}, true},
		{"OO. XXX O..", X, []int{4, 5, 6}, true},
		{"XX. .X. OOO", O, []int{7, 8, 9}, true},
		{"O.X O.X O..", O, []int{1, 4, 7}, true},
		{"XO. .O. XO.", O, []int{2, 5, 8}, true},
		{"O.X ..X O.X", X, []int{3, 6, 9}, true},
		{"X.O .XO ..X", X, []int{1, 5, 9}, true},
		{"X.O XO. O..", O, []int{3, 5, 7}, true},
		{"XOX XOO OXX", Empty, nil, true}, // draw
		{"XOX XO. OX.", Empty, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.pic, func(t *testing.T) {
			b := board(tt.pic)
			got, line := b.Winner()
			if got != tt.want || !reflect.DeepEqual(line, tt.line) {
				t.Errorf("Winner() = %q %v, want %q %v", got, line, tt.want, tt.line)
			}
			if b.Over() != tt.over {
				t.Errorf("Over() = %v, want %v", b.Over(), tt.over)
			}
		})
	}
}

func TestBoardFree(t *testing.T) {
	tests := []struct {
		pic  string
		free []int
		text string
	}{
		{"... ... ...", []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, "1, 2, 3, 4, 5, 6, 7, 8, 9"},
		{"XO. .X. O..", []int{3, 4, 6, 8, 9}, "3, 4, 6, 8, 9"},
		{"XOX XOO OX.", []int{9}, "9"},
		{"XOX XOO OXX", nil, "none"},
	}
	for _, tt := range tests {
		b := board(tt.pic)
		if got := b.Free(); !reflect.DeepEqual(got, tt.free) {
			t.Errorf("%s: Free() = %v, want %v", tt.pic, got, tt.free)
		}
		if got := JoinCells(b.Free()); got != tt.text {
			t.Errorf("%s: JoinCells = %q, want %q", tt.pic, got, tt.text)
		}
		if b.Full() != (len(tt.free) == 0) {
			t.Errorf("%s: Full() = %v", tt.pic, b.Full())
		}
	}
}

func TestMarkOther(t *testing.T) {
	if X.Other() != O || O.Other() != X {
		t.Errorf("Other: X→%q, O→%q", X.Other(), O.Other())
	}
	if Empty.String() != " " || X.String() != "X" {
		t.Errorf("String: %q %q", Empty.String(), X.String())
	}
}

// TestBoardRenderGolden pins the ASCII grid, the coloured transcript
// grid and the markdown sent to Neuro (go test -update rewrites them).
func TestBoardRenderGolden(t *testing.T) {
	b := board("XO. .X. O.O")
	var sb strings.Builder
	sb.WriteString("== String\n" + b.String())
	sb.WriteString("== transcript, no colour\n" + newTranscript(nil, false, false).board(b))
	sb.WriteString("== transcript, colour, X wins\n" + newTranscript(nil, true, false).board(board("XO. .XO ..X")))
	sb.WriteString("== Markdown\n" + b.Markdown() + "\n")
	golden(t, "board.golden", sb.String())
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
