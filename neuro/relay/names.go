package relay

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Separator joins a game's prefix and one of its action names in the name
// Neuro sees: prefix + Separator + name. A prefix never contains it, so
// the first Separator of an upstream name ends the prefix.
const Separator = "__"

// MaxPrefixLen is the longest prefix DerivePrefix returns, and the longest
// one WithPrefixes accepts.
const MaxPrefixLen = 32

// fallbackPrefix is the prefix of a game whose name has no ASCII letter or
// digit.
const fallbackPrefix = "game"

// DerivePrefix returns the prefix the relay derives from a game name:
// ASCII letters lowercased, ASCII digits kept, every run of other
// characters (spaces, punctuation, '-', '_', non-ASCII letters) turned
// into one '_', no '_' at either end, at most MaxPrefixLen bytes, and
// "game" when nothing is left. "Tic-tac-toe (neurokit demo)" becomes
// "tic_tac_toe_neurokit_demo".
//
// A game whose prefix is already in use by a connected game gets the
// first free of prefix-2, prefix-3, ... in connection order. A derived
// prefix never contains '-', so these never take another game's derived
// prefix.
func DerivePrefix(game string) string {
	var b strings.Builder
	b.Grow(min(len(game), MaxPrefixLen))
	gap := false
	for i := 0; i < len(game) && b.Len() < MaxPrefixLen; i++ {
		c := game[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			gap = b.Len() > 0
			continue
		}
		if gap {
			if b.Len()+2 > MaxPrefixLen {
				break
			}
			b.WriteByte('_')
			gap = false
		}
		b.WriteByte(c)
	}
	if b.Len() == 0 {
		return fallbackPrefix
	}
	return b.String()
}

// errBadPrefix is wrapped by CheckPrefix's errors.
var errBadPrefix = errors.New("relay: invalid prefix")

// CheckPrefix reports whether p can serve as a game's prefix: 1 to
// MaxPrefixLen bytes of lowercase ASCII letters, digits, '_' and '-',
// starting and ending with a letter or a digit, without Separator.
func CheckPrefix(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("%w: empty", errBadPrefix)
	case len(p) > MaxPrefixLen:
		return fmt.Errorf("%w %q: longer than %d bytes", errBadPrefix, p, MaxPrefixLen)
	case strings.Contains(p, Separator):
		return fmt.Errorf("%w %q: contains %q", errBadPrefix, p, Separator)
	case !alnum(p[0]) || !alnum(p[len(p)-1]):
		return fmt.Errorf("%w %q: must start and end with a lowercase letter or a digit", errBadPrefix, p)
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !alnum(c) && c != '_' && c != '-' {
			return fmt.Errorf("%w %q: %q is not a lowercase letter, a digit, '_' or '-'", errBadPrefix, p, c)
		}
	}
	return nil
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// uniquePrefix returns base when taken reports it free, else the first
// free of base-2, base-3, ...
func uniquePrefix(base string, taken func(string) bool) string {
	if !taken(base) {
		return base
	}
	for n := 2; ; n++ {
		p := base + "-" + strconv.Itoa(n)
		if !taken(p) {
			return p
		}
	}
}

// upstreamName is the name Neuro sees for the action name of the game
// with prefix. A valid action name (lowercase letters, digits, '_', '-')
// is kept as is; any other byte of it becomes '_' (ASCII capitals are
// lowercased first), so the result is always a valid action name. It
// reports whether name had to change.
func upstreamName(prefix, name string) (string, bool) {
	b := make([]byte, 0, len(prefix)+len(Separator)+len(name))
	b = append(b, prefix...)
	b = append(b, Separator...)
	changed := name == ""
	if changed {
		b = append(b, "action"...)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case alnum(c), c == '_', c == '-':
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			changed = true
		default:
			c = '_'
			changed = true
		}
		b = append(b, c)
	}
	return string(b), changed
}

// tag marks text as coming from game: "[game] text", or "[game]" on a
// line of its own when text is several lines or starts with a markdown
// heading, so the heading stays one.
func tag(game, text string) string {
	switch {
	case text == "":
		return "[" + game + "]"
	case text[0] == '#' || strings.ContainsRune(text, '\n'):
		return "[" + game + "]\n" + text
	default:
		return "[" + game + "] " + text
	}
}
