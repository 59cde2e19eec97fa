package server

import (
	"encoding/json"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode/utf8"
)

// Generating objects, arrays and strings (see GenerateData).

func (g *generator) genObject(s map[string]any, path string, depth int) (any, error) {
	props, _ := s["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names) // map order is random; keep r the only source of chance
	chosen := map[string]bool{}
	var order []string
	add := func(k string) {
		if !chosen[k] {
			chosen[k] = true
			order = append(order, k)
		}
	}
	if req, ok := s["required"].([]any); ok {
		for _, k := range req {
			if name, ok := k.(string); ok {
				add(name)
			}
		}
	}
	maxProps, hasMax := intKeyword(s, "maxProperties")
	minProps, _ := intKeyword(s, "minProperties")
	for _, k := range names {
		if hasMax && len(order) >= maxProps {
			break
		}
		if g.r.IntN(2) == 0 {
			add(k)
		}
	}
	for _, k := range names { // fill up to minProperties with declared ones
		if len(order) >= minProps {
			break
		}
		add(k)
	}
	extra, allowExtra := s["additionalProperties"], true
	if b, ok := extra.(bool); ok && !b {
		allowExtra = false
	}
	if len(order) < minProps {
		if !allowExtra {
			return nil, g.fail(path, "minProperties %d needs more properties than allowed", minProps)
		}
		if err := g.afford(path, (minProps-len(order))*8); err != nil {
			return nil, err
		}
	}
	for i := 1; len(order) < minProps; i++ {
		add(fmt.Sprintf("extra%d", i))
	}
	if dr, ok := s["dependentRequired"].(map[string]any); ok {
		for i := 0; i < len(order); i++ {
			deps, _ := dr[order[i]].([]any)
			for _, d := range deps {
				if name, ok := d.(string); ok {
					add(name)
				}
			}
		}
	}
	if err := g.spend(path, 2); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(order))
	for _, k := range order {
		if err := g.spend(path, len(k)+4); err != nil {
			return nil, err
		}
		sub, declared := props[k]
		if !declared {
			if extra != nil {
				sub = extra
			} else {
				sub = true
			}
		}
		v, err := g.value(sub, path+"/"+k, depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func (g *generator) genArray(s map[string]any, path string, depth int) (any, error) {
	var prefix []any
	var rest any = true
	if p, ok := s["prefixItems"].([]any); ok {
		prefix = p
		if it, ok := s["items"]; ok {
			rest = it
		}
	} else if it, ok := s["items"].([]any); ok { // draft-4..7 tuple form
		prefix = it
		if ai, ok := s["additionalItems"]; ok {
			rest = ai
		}
	} else if it, ok := s["items"]; ok {
		rest = it
	}
	minItems, _ := intKeyword(s, "minItems")
	maxItems, hasMax := intKeyword(s, "maxItems")
	if b, ok := rest.(bool); ok && !b {
		if !hasMax || maxItems > len(prefix) {
			maxItems, hasMax = len(prefix), true
		}
	}
	if !hasMax {
		maxItems = max(minItems, 1) + 2
	}
	if minItems > maxItems {
		return nil, g.fail(path, "minItems %d > maxItems %d", minItems, maxItems)
	}
	// Each item takes at least two bytes ("0,"): refuse at once what
	// cannot fit, and keep optional items few.
	if err := g.afford(path, 2+2*minItems); err != nil {
		return nil, fmt.Errorf("minItems %d: %w", minItems, err)
	}
	n := minItems + g.r.IntN(min(maxItems, minItems+3)-minItems+1)
	unique, _ := s["uniqueItems"].(bool)
	contains, hasContains := s["contains"]
	if hasContains && n == 0 {
		if maxItems == 0 {
			return nil, g.fail(path, "contains needs at least one item")
		}
		n = 1
	}
	if err := g.spend(path, 2); err != nil {
		return nil, err
	}
	out := make([]any, 0, n)
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		if err := g.spend(path, 1); err != nil {
			return nil, err
		}
		sub := rest
		if i < len(prefix) {
			sub = prefix[i]
		}
		if hasContains && i == 0 && len(prefix) == 0 {
			sub = contains
		}
		var v any
		var err error
		for try := 0; ; try++ {
			v, err = g.value(sub, fmt.Sprintf("%s/%d", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			if !unique {
				break
			}
			key, _ := json.Marshal(v)
			if !seen[string(key)] {
				seen[string(key)] = true
				break
			}
			if try > 30 {
				if i >= minItems {
					return out, nil // enough distinct items already
				}
				return nil, g.fail(path, "cannot find %d unique items", minItems)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func intKeyword(s map[string]any, k string) (int, bool) {
	f, ok := s[k].(float64)
	if !ok || f < 0 {
		return 0, false
	}
	if f > 1<<20 {
		f = 1 << 20
	}
	return int(f), true
}

func (g *generator) word(lo, hi int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	n := lo
	if hi > lo {
		n += g.r.IntN(hi - lo + 1)
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[g.r.IntN(len(letters))]
	}
	return string(b)
}

func (g *generator) genString(s map[string]any, path string) (any, error) {
	minLen, _ := intKeyword(s, "minLength")
	maxLen, hasMax := intKeyword(s, "maxLength")
	if hasMax && minLen > maxLen {
		return nil, g.fail(path, "minLength %d > maxLength %d", minLen, maxLen)
	}
	fits := func(v string) bool {
		n := utf8.RuneCountInString(v)
		return n >= minLen && (!hasMax || n <= maxLen)
	}
	if pat, ok := s["pattern"].(string); ok {
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, g.fail(path, "pattern %q: %v", pat, err)
		}
		tree, err := syntax.Parse(pat, syntax.Perl)
		if err != nil {
			return nil, g.fail(path, "pattern %q: %v", pat, err)
		}
		tree = tree.Simplify()
		for range 200 {
			var b strings.Builder
			if err := g.regex(tree, &b); err != nil {
				return nil, g.fail(path, "pattern %q: %v", pat, err)
			}
			if err := g.spend(path, b.Len()+2); err != nil {
				return nil, err
			}
			v := b.String()
			if fits(v) && re.MatchString(v) {
				return v, nil
			}
		}
		return nil, g.fail(path, "no string found for pattern %q within the length bounds", pat)
	}
	if f, ok := s["format"].(string); ok {
		if v, known := g.format(f); known {
			if fits(v) {
				return v, g.spend(path, len(v)+2)
			}
		}
	}
	hi := minLen + 10
	if hasMax && hi > maxLen {
		hi = maxLen
	}
	lo := minLen
	if lo == 0 && hi >= 3 {
		lo = 3 // readable words unless the schema wants them short
	}
	if err := g.afford(path, lo+2); err != nil {
		return nil, fmt.Errorf("minLength %d: %w", minLen, err)
	}
	hi = min(hi, g.left-2) // what the budget still affords
	w := g.word(lo, hi)
	return w, g.spend(path, len(w)+2)
}

func (g *generator) format(f string) (string, bool) {
	two := func(n int) string { return fmt.Sprintf("%02d", g.r.IntN(n)) }
	date := fmt.Sprintf("20%s-%02d-%02d", two(100), 1+g.r.IntN(12), 1+g.r.IntN(28))
	clock := fmt.Sprintf("%s:%s:%sZ", two(24), two(60), two(60))
	switch f {
	case "date-time":
		return date + "T" + clock, true
	case "date":
		return date, true
	case "time":
		return clock, true
	case "email":
		return g.word(3, 8) + "@example.com", true
	case "hostname":
		return g.word(3, 8) + ".example.com", true
	case "uri":
		return "https://example.com/" + g.word(3, 8), true
	case "ipv4":
		return fmt.Sprintf("%d.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), g.r.IntN(256), g.r.IntN(256)), true
	case "uuid":
		const hex = "0123456789abcdef"
		b := []byte("xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx")
		for i, c := range b {
			if c == 'x' {
				b[i] = hex[g.r.IntN(16)]
			}
		}
		return string(b), true
	}
	return "", false
}
