package relay

import (
	"strings"
	"testing"
)

func TestDerivePrefix(t *testing.T) {
	for _, c := range []struct{ game, want string }{
		{"Tic-tac-toe (neurokit demo)", "tic_tac_toe_neurokit_demo"},
		{"Inscryption", "inscryption"},
		{"  Buckshot   Roulette!! ", "buckshot_roulette"},
		{"snake_game", "snake_game"},
		{"Chess 2", "chess_2"},
		{"Pokémon Red", "pok_mon_red"},
		{"ぷよぷよ", "game"},
		{"", "game"},
		{"---", "game"},
		{"A very long game name that goes on and on and on", "a_very_long_game_name_that_goes"},
		{strings.Repeat("x", 40), strings.Repeat("x", 32)},
		{"abcdefghijklmnopqrstuvwxyz01234 5", "abcdefghijklmnopqrstuvwxyz01234"},
	} {
		if got := DerivePrefix(c.game); got != c.want {
			t.Errorf("DerivePrefix(%q) = %q, want %q", c.game, got, c.want)
		}
	}
}

func TestCheckPrefix(t *testing.T) {
	for _, p := range []string{"a", "ttt", "chess-2", "x_y", "9"} {
		if err := CheckPrefix(p); err != nil {
			t.Errorf("CheckPrefix(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"", "A", "a b", "_a", "a_", "-a", "a__b", "é", strings.Repeat("a", MaxPrefixLen+1)} {
		if err := CheckPrefix(p); err == nil {
			t.Errorf("CheckPrefix(%q) accepted it", p)
		}
	}
}

func TestUniquePrefix(t *testing.T) {
	used := map[string]bool{"chess": true, "chess-2": true}
	if got := uniquePrefix("chess", func(p string) bool { return used[p] }); got != "chess-3" {
		t.Fatalf("got %q", got)
	}
	if got := uniquePrefix("go", func(p string) bool { return used[p] }); got != "go" {
		t.Fatalf("got %q", got)
	}
}

func TestUpstreamName(t *testing.T) {
	for _, c := range []struct {
		name, want string
		changed    bool
	}{
		{"play", "ttt__play", false},
		{"use_item-2", "ttt__use_item-2", false},
		{"Play Card", "ttt__play_card", true},
		{"", "ttt__action", true},
		{"é", "ttt____", true},
	} {
		got, changed := upstreamName("ttt", c.name)
		if got != c.want || changed != c.changed {
			t.Errorf("upstreamName(%q) = %q, %v; want %q, %v", c.name, got, changed, c.want, c.changed)
		}
	}
}

func TestTag(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"You won.", "[G] You won."},
		{"", "[G]"},
		{"## State\nboard", "[G]\n## State\nboard"},
		{"line one\nline two", "[G]\nline one\nline two"},
	} {
		if got := tag("G", c.text); got != c.want {
			t.Errorf("tag(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// FuzzDerivePrefix: whatever the game name, the prefix is valid and the
// names built on it are valid action names.
func FuzzDerivePrefix(f *testing.F) {
	for _, s := range []string{"Tic-tac-toe", "", "ぷよ", "a__b", strings.Repeat("ab ", 30)} {
		f.Add(s, "play")
	}
	f.Fuzz(func(t *testing.T, game, action string) {
		p := DerivePrefix(game)
		if err := CheckPrefix(p); err != nil {
			t.Fatalf("DerivePrefix(%q) = %q: %v", game, p, err)
		}
		if p2 := uniquePrefix(p, func(x string) bool { return x == p }); p2 != p+"-2" {
			t.Fatalf("uniquePrefix(%q) = %q", p, p2)
		}
		up, _ := upstreamName(p, action)
		if !strings.HasPrefix(up, p+Separator) {
			t.Fatalf("upstreamName(%q, %q) = %q", p, action, up)
		}
		for i := 0; i < len(up); i++ {
			if c := up[i]; !alnum(c) && c != '_' && c != '-' {
				t.Fatalf("upstreamName(%q, %q) = %q: invalid byte %q", p, action, up, c)
			}
		}
	})
}
