package schema

import (
	"bytes"
	"encoding/json"
	"strings"
)

// findFoldedKey looks for an object key in data that is not a property of
// its struct but equals one ignoring case, which encoding/json would
// decode into that property's field. It returns the key and the property.
func (n *keyNode) findFoldedKey(data string) (key, field string, found bool) {
	s := &scanner{s: data}
	if key, field, found, ok := n.scanValue(s, 0); ok {
		return key, field, found
	}
	// Text the scanner does not read (\u escapes): walk the parsed value.
	var v any
	if json.NewDecoder(bytes.NewReader([]byte(data))).Decode(&v) != nil {
		return "", "", false
	}
	return n.walkValue(v, 0)
}

// foldedField returns the property of n that key equals ignoring case.
func (n *keyNode) foldedField(key string) (string, bool) {
	for name := range n.fields {
		if strings.EqualFold(name, key) {
			return name, true
		}
	}
	return "", false
}

// scanValue reads one JSON value; ok is false when the scanner cannot read
// it.
func (n *keyNode) scanValue(s *scanner, depth int) (key, field string, found, ok bool) {
	if depth > maxDepth {
		return "", "", false, false
	}
	s.ws()
	if s.i >= len(s.s) {
		return "", "", false, false
	}
	switch c := s.s[s.i]; {
	case c == '{':
		s.i++
		if s.eat('}') {
			return "", "", false, true
		}
		for {
			raw, esc, ok := s.str()
			if !ok || !s.eat(':') {
				return "", "", false, false
			}
			k := raw
			if esc {
				k = unescape(raw)
			}
			var child *keyNode
			if n != nil && n.fields != nil {
				var known bool
				if child, known = n.fields[k]; !known {
					if f, folded := n.foldedField(k); folded {
						return k, f, true, true
					}
				}
			}
			if key, field, found, ok := child.scanValue(s, depth+1); !ok || found {
				return key, field, found, ok
			}
			if more, ok := s.next('}'); !ok || !more {
				return "", "", false, ok
			}
		}
	case c == '[':
		s.i++
		if s.eat(']') {
			return "", "", false, true
		}
		var items *keyNode
		if n != nil {
			items = n.items
		}
		for {
			if key, field, found, ok := items.scanValue(s, depth+1); !ok || found {
				return key, field, found, ok
			}
			if more, ok := s.next(']'); !ok || !more {
				return "", "", false, ok
			}
		}
	case c == '"':
		_, _, ok := s.str()
		return "", "", false, ok
	case c == 't':
		return "", "", false, s.literal("true")
	case c == 'f':
		return "", "", false, s.literal("false")
	case c == 'n':
		return "", "", false, s.literal("null")
	}
	return "", "", false, s.number()
}

// walkValue is scanValue over a parsed value.
func (n *keyNode) walkValue(v any, depth int) (key, field string, found bool) {
	if n == nil || depth > maxDepth {
		return "", "", false
	}
	switch x := v.(type) {
	case map[string]any:
		if n.fields == nil {
			return "", "", false
		}
		for k, e := range x {
			child, known := n.fields[k]
			if !known {
				if f, folded := n.foldedField(k); folded {
					return k, f, true
				}
				continue
			}
			if key, field, found := child.walkValue(e, depth+1); found {
				return key, field, found
			}
		}
	case []any:
		for _, e := range x {
			if key, field, found := n.items.walkValue(e, depth+1); found {
				return key, field, found
			}
		}
	}
	return "", "", false
}
