package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/neurokit/neurokit/neuro"
)

// ErrCannotGenerate is wrapped by the errors of GenerateData when a schema
// asks for something the generator cannot produce (a false schema, an empty
// range, a pattern it cannot satisfy).
var ErrCannotGenerate = errors.New("server: cannot generate data for schema")

// GenerateData returns a JSON document that matches schema, drawn from r.
//
// It understands the keywords the real Neuro handles well, anywhere in the
// schema: type (a name or an array of names), enum, const,
// properties/required (optional properties are included at random),
// additionalProperties, min/maxProperties, dependentRequired; string
// minLength/maxLength, pattern (simple regular expressions, generated from
// their syntax tree and checked) and a few formats (date-time, date, time,
// email, uuid, uri, hostname, ipv4); integer and number minimum/maximum,
// exclusiveMinimum/exclusiveMaximum (number and draft-4 boolean forms),
// multipleOf; boolean; null; array items (a schema, or a tuple through
// prefixItems or an items array), minItems/maxItems, uniqueItems, contains;
// anyOf/oneOf (one branch chosen), allOf (merged) and local "#/..." $ref.
// A keyword it does not know is ignored. A nil or empty schema yields "{}".
//
// GenerateData is safe for concurrent use with distinct r; a *rand.Rand
// itself is not safe for concurrent use.
func GenerateData(schema neuro.Schema, r *rand.Rand) (string, error) {
	if len(schema) == 0 {
		return "{}", nil
	}
	// Normalise Go-built schemas ([]string, int, nested neuro.Schema...) to
	// the shapes encoding/json produces.
	raw, err := json.Marshal(schema)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrCannotGenerate, err)
	}
	var root any
	if err := json.Unmarshal(raw, &root); err != nil {
		return "", fmt.Errorf("%w: %v", ErrCannotGenerate, err)
	}
	g := &generator{r: r, root: root}
	v, err := g.value(root, "", 0)
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrCannotGenerate, err)
	}
	return string(out), nil
}

const maxGenDepth = 24

type generator struct {
	r    *rand.Rand
	root any
}

func (g *generator) fail(path, format string, args ...any) error {
	if path == "" {
		path = "/"
	}
	return fmt.Errorf("%w at %s: %s", ErrCannotGenerate, path, fmt.Sprintf(format, args...))
}

// value generates one value for the (sub)schema s found at path.
func (g *generator) value(s any, path string, depth int) (any, error) {
	if depth > maxGenDepth {
		return nil, g.fail(path, "schema nested too deeply (recursive $ref?)")
	}
	switch s := s.(type) {
	case bool:
		if !s {
			return nil, g.fail(path, "false schema accepts nothing")
		}
		return g.anyScalar(), nil
	case map[string]any:
		return g.object(s, path, depth)
	case nil:
		return g.anyScalar(), nil
	default:
		return nil, g.fail(path, "schema is a %T, not an object", s)
	}
}

func (g *generator) object(s map[string]any, path string, depth int) (any, error) {
	s, err := g.resolve(s, path, depth)
	if err != nil {
		return nil, err
	}
	if c, ok := s["const"]; ok {
		return c, nil
	}
	types := typesOf(s)
	if e, ok := s["enum"].([]any); ok {
		var fit []any
		for _, v := range e {
			if len(types) == 0 || slices.Contains(types, jsonTypeOf(v)) ||
				(jsonTypeOf(v) == "integer" && slices.Contains(types, "number")) {
				fit = append(fit, v)
			}
		}
		if len(fit) == 0 {
			return nil, g.fail(path, "enum has no value of the allowed types")
		}
		return fit[g.r.IntN(len(fit))], nil
	}
	if len(types) == 0 {
		types = inferTypes(s)
	}
	if len(types) == 0 {
		return g.anyScalar(), nil
	}
	var lastErr error
	for _, i := range g.r.Perm(len(types)) {
		v, err := g.typed(types[i], s, path, depth)
		if err == nil {
			return v, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// resolve follows $ref, picks an anyOf/oneOf branch and merges allOf, so
// that what remains is one flat schema.
func (g *generator) resolve(s map[string]any, path string, depth int) (map[string]any, error) {
	for range maxGenDepth {
		switch {
		case s["$ref"] != nil:
			ref, _ := s["$ref"].(string)
			target, err := g.pointer(ref, path)
			if err != nil {
				return nil, err
			}
			ts, ok := target.(map[string]any)
			if !ok {
				if b, isBool := target.(bool); isBool && b {
					ts = map[string]any{}
				} else {
					return nil, g.fail(path, "$ref %q does not name a schema object", ref)
				}
			}
			s = merge(without(s, "$ref"), ts)
		case s["allOf"] != nil:
			subs, _ := s["allOf"].([]any)
			m := without(s, "allOf")
			for _, sub := range subs {
				if sm, ok := sub.(map[string]any); ok {
					m = merge(m, sm)
				}
			}
			s = m
		case s["anyOf"] != nil || s["oneOf"] != nil:
			kw := "anyOf"
			if s[kw] == nil {
				kw = "oneOf"
			}
			subs, _ := s[kw].([]any)
			var objs []map[string]any
			for _, sub := range subs {
				switch sub := sub.(type) {
				case map[string]any:
					objs = append(objs, sub)
				case bool:
					if sub {
						objs = append(objs, map[string]any{})
					}
				}
			}
			if len(objs) == 0 {
				return nil, g.fail(path, "%s has no usable branch", kw)
			}
			s = merge(without(s, kw), objs[g.r.IntN(len(objs))])
		default:
			return s, nil
		}
	}
	return nil, g.fail(path, "too many nested $ref/allOf/anyOf")
}

// pointer resolves a local JSON pointer reference ("#", "#/$defs/x").
func (g *generator) pointer(ref, path string) (any, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, g.fail(path, "only local $ref is supported, not %q", ref)
	}
	cur := g.root
	p := strings.TrimPrefix(ref, "#")
	if p == "" {
		return cur, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, g.fail(path, "$ref %q not found", ref)
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, g.fail(path, "$ref %q not found", ref)
			}
			cur = c[i]
		default:
			return nil, g.fail(path, "$ref %q not found", ref)
		}
	}
	return cur, nil
}

func without(s map[string]any, key string) map[string]any {
	m := make(map[string]any, len(s))
	for k, v := range s {
		if k != key {
			m[k] = v
		}
	}
	return m
}

// merge overlays b on a: properties are united, required lists joined,
// other keywords taken from b.
func merge(a, b map[string]any) map[string]any {
	m := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		switch k {
		case "properties":
			pa, _ := m[k].(map[string]any)
			pb, _ := v.(map[string]any)
			u := make(map[string]any, len(pa)+len(pb))
			for pk, pv := range pa {
				u[pk] = pv
			}
			for pk, pv := range pb {
				u[pk] = pv
			}
			m[k] = u
		case "required":
			ra, _ := m[k].([]any)
			rb, _ := v.([]any)
			m[k] = append(slices.Clip(ra), rb...)
		default:
			m[k] = v
		}
	}
	return m
}

func typesOf(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, v := range t {
			if name, ok := v.(string); ok {
				out = append(out, name)
			}
		}
		return out
	}
	return nil
}

func inferTypes(s map[string]any) []string {
	has := func(kws ...string) bool {
		for _, k := range kws {
			if _, ok := s[k]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("properties", "required", "additionalProperties", "minProperties", "maxProperties", "dependentRequired"):
		return []string{"object"}
	case has("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"):
		return []string{"array"}
	case has("minLength", "maxLength", "pattern", "format"):
		return []string{"string"}
	case has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
		return []string{"number"}
	}
	return nil
}

func jsonTypeOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return ""
}

func (g *generator) anyScalar() any {
	switch g.r.IntN(4) {
	case 0:
		return g.word(3, 8)
	case 1:
		return float64(g.r.IntN(100))
	case 2:
		return g.r.IntN(2) == 1
	default:
		return nil
	}
}

func (g *generator) typed(t string, s map[string]any, path string, depth int) (any, error) {
	switch t {
	case "object":
		return g.genObject(s, path, depth)
	case "array":
		return g.genArray(s, path, depth)
	case "string":
		return g.genString(s, path)
	case "integer":
		return g.genNumber(s, path, true)
	case "number":
		return g.genNumber(s, path, false)
	case "boolean":
		return g.r.IntN(2) == 1, nil
	case "null":
		return nil, nil
	}
	return nil, g.fail(path, "unknown type %q", t)
}

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
	for i := 1; len(order) < minProps; i++ {
		if !allowExtra {
			return nil, g.fail(path, "minProperties %d needs more properties than allowed", minProps)
		}
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
	out := make(map[string]any, len(order))
	for _, k := range order {
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
	n := minItems + g.r.IntN(maxItems-minItems+1)
	unique, _ := s["uniqueItems"].(bool)
	contains, hasContains := s["contains"]
	if hasContains && n == 0 {
		if maxItems == 0 {
			return nil, g.fail(path, "contains needs at least one item")
		}
		n = 1
	}
	out := make([]any, 0, n)
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
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
				return v, nil
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
	return g.word(lo, hi), nil
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

// bound reads the lower or upper numeric bound of s.
func bound(s map[string]any, inclusiveKw, exclusiveKw string) (v float64, exclusive, ok bool) {
	in, hasIn := s[inclusiveKw].(float64)
	switch ex := s[exclusiveKw].(type) {
	case float64:
		if !hasIn {
			return ex, true, true
		}
		if inclusiveKw == "minimum" {
			if ex >= in {
				return ex, true, true
			}
		} else if ex <= in {
			return ex, true, true
		}
		return in, false, true
	case bool: // draft 4: exclusiveMinimum: true qualifies minimum
		return in, ex && hasIn, hasIn
	}
	return in, false, hasIn
}

const numRange = 100

func (g *generator) genNumber(s map[string]any, path string, integer bool) (any, error) {
	lo, loEx, hasLo := bound(s, "minimum", "exclusiveMinimum")
	hi, hiEx, hasHi := bound(s, "maximum", "exclusiveMaximum")
	switch {
	case !hasLo && !hasHi:
		lo, hi = 0, numRange
	case !hasLo:
		lo = hi - numRange
	case !hasHi:
		hi = lo + numRange
	}
	const limit = 1 << 53
	lo, hi = math.Max(lo, -limit), math.Min(hi, limit)
	inRange := func(v float64) bool {
		if v < lo || v > hi || (loEx && v == lo) || (hiEx && v == hi) {
			return false
		}
		return true
	}
	mult, _ := s["multipleOf"].(float64)
	if mult > 0 || integer {
		step := 1.0
		if mult > 0 {
			step = mult
			if integer && step != math.Trunc(step) {
				// integers that are multiples of a fraction: use the
				// smallest integer multiple when it is small.
				found := false
				for k := 1.0; k <= 1000; k++ {
					if m := k * step; math.Abs(m-math.Round(m)) < 1e-9 {
						step, found = math.Round(m), true
						break
					}
				}
				if !found {
					return nil, g.fail(path, "no integer is a multiple of %v", mult)
				}
			}
		}
		kLo, kHi := math.Ceil(lo/step), math.Floor(hi/step)
		if loEx && kLo*step == lo {
			kLo++
		}
		if hiEx && kHi*step == hi {
			kHi--
		}
		if kLo > kHi {
			return nil, g.fail(path, "no multiple of %v in range", step)
		}
		k := kLo + float64(g.r.Int64N(int64(kHi-kLo)+1))
		v := k * step
		if step != math.Trunc(step) { // tidy binary fractions: 0.1*3
			if p := math.Round(v/step) * step; inRange(p) {
				v = p
			}
			if r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64); err == nil && inRange(r) {
				v = r
			}
		}
		return v, nil
	}
	if lo > hi || (lo == hi && (loEx || hiEx)) {
		return nil, g.fail(path, "empty numeric range")
	}
	for range 100 {
		v := lo + g.r.Float64()*(hi-lo)
		if r := math.Round(v*100) / 100; inRange(r) {
			v = r
		}
		if inRange(v) {
			return v, nil
		}
	}
	if mid := lo + (hi-lo)/2; inRange(mid) {
		return mid, nil
	}
	return nil, g.fail(path, "empty numeric range")
}
