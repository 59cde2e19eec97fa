package server

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strings"
)

// Generating strings from regular expressions (see GenerateData).

// regex writes into b a string matched by re.
func (g *generator) regex(re *syntax.Regexp, b *strings.Builder) error {
	if b.Len() > 4096 {
		return errors.New("generated string too long")
	}
	switch re.Op {
	case syntax.OpNoMatch:
		return errors.New("pattern matches nothing")
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && g.r.IntN(2) == 0 {
				c = flipCase(c)
			}
			b.WriteRune(c)
		}
	case syntax.OpCharClass:
		c, err := g.classRune(re.Rune)
		if err != nil {
			return err
		}
		b.WriteRune(c)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte(byte('a' + g.r.IntN(26)))
	case syntax.OpCapture:
		return g.regex(re.Sub[0], b)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, 3
		switch re.Op {
		case syntax.OpPlus:
			lo, hi = 1, 4
		case syntax.OpQuest:
			lo, hi = 0, 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
			if hi < 0 {
				hi = lo + 3
			}
		}
		n := lo + g.r.IntN(hi-lo+1)
		for range n {
			if err := g.regex(re.Sub[0], b); err != nil {
				return err
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if err := g.regex(sub, b); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		return g.regex(re.Sub[g.r.IntN(len(re.Sub))], b)
	default:
		return fmt.Errorf("unsupported regexp operator %v", re.Op)
	}
	return nil
}

// classRune picks a rune from a character class given as [lo, hi] pairs,
// preferring printable ASCII.
func (g *generator) classRune(ranges []rune) (rune, error) {
	if len(ranges) == 0 {
		return 0, errors.New("empty character class")
	}
	var printable [][2]rune
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := max(ranges[i], 0x21), min(ranges[i+1], 0x7e)
		if lo <= hi {
			printable = append(printable, [2]rune{lo, hi})
		}
	}
	if len(printable) > 0 {
		p := printable[g.r.IntN(len(printable))]
		return p[0] + rune(g.r.IntN(int(p[1]-p[0])+1)), nil
	}
	i := 2 * g.r.IntN(len(ranges)/2)
	lo, hi := ranges[i], min(ranges[i+1], ranges[i]+15)
	return lo + rune(g.r.IntN(int(hi-lo)+1)), nil
}

func flipCase(c rune) rune {
	if u := []rune(strings.ToUpper(string(c))); len(u) == 1 && u[0] != c {
		return u[0]
	}
	if l := []rune(strings.ToLower(string(c))); len(l) == 1 {
		return l[0]
	}
	return c
}
