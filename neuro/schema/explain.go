package schema

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// dataProblem is one leaf of the validation error tree, as a short sentence.
type dataProblem struct {
	rank int    // lower comes first
	loc  string // instance location, for ordering
	text string
}

const (
	problemRankRoot = iota
	problemRankRequired
	problemRankUnknownProperty
	problemRankOther
)

// explain translates a validation error tree into the one or two most
// useful sentences.
func (c *Compiled) explain(sch *jsonschema.Schema, v any, verr *jsonschema.ValidationError) string {
	var ps []dataProblem
	c.collect(sch, v, verr, &ps)
	if len(ps) == 0 {
		return "data does not match the schema"
	}
	slices.SortFunc(ps, func(a, b dataProblem) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if c := strings.Compare(a.loc, b.loc); c != 0 {
			return c
		}
		return strings.Compare(a.text, b.text)
	})
	texts := make([]string, 0, len(ps))
	for _, p := range ps {
		if !slices.Contains(texts, p.text) {
			texts = append(texts, p.text)
		}
	}
	const shown = 2
	if len(texts) <= shown {
		return strings.Join(texts, "; ")
	}
	more := len(texts) - shown
	return fmt.Sprintf("%s (and %d more problem%s)", strings.Join(texts[:shown], "; "), more, pluralS(more))
}

func (c *Compiled) collect(sch *jsonschema.Schema, v any, e *jsonschema.ValidationError, ps *[]dataProblem) {
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf, *kind.Not:
		// The causes are per branch and contradict each other.
		*ps = append(*ps, c.describe(sch, v, e))
		return
	}
	if len(e.Causes) == 0 {
		*ps = append(*ps, c.describe(sch, v, e))
		return
	}
	for _, cause := range e.Causes {
		c.collect(sch, v, cause, ps)
	}
}

// describe turns one error into a dataProblem. Where it helps, the text
// ends by repeating the value sent: `"cell" must be from 1 to 9, not 12`.
func (c *Compiled) describe(sch *jsonschema.Schema, v any, e *jsonschema.ValidationError) dataProblem {
	node := nodeAt(sch, e.SchemaURL)
	loc := e.InstanceLocation
	name := instanceName(v, loc)
	sent := instanceValueAt(v, loc)
	not := ", not " + valueText(sent)
	p := dataProblem{rank: problemRankOther, loc: strings.Join(loc, "\x00")}
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		got := typedValueText(sent)
		if len(loc) == 0 && slices.Contains(k.Want, "object") {
			p.rank = problemRankRoot
			p.text = "data must be a JSON object, not " + got
			if c.example != "" {
				p.text += "; send an object like " + c.example
			} else if c.shape != "a JSON object" {
				p.text += "; send " + c.shape
			}
			return p
		}
		want := schemaHint(node, 0)
		if want == "" {
			want = joinOrList(mapStringSlice(k.Want, typeWithArticle))
		}
		p.text = name + " must be " + want + ", not " + got
	case *kind.Enum:
		p.text = name + " must be " + enumPhrase(k.Want) + not
	case *kind.Const:
		p.text = name + " must be exactly " + jsonText(k.Want, 60) + not
	case *kind.Minimum:
		p.text = name + " must be " + stringOr(numberBounds(node), "at least "+ratText(k.Want)) + not
	case *kind.Maximum:
		p.text = name + " must be " + stringOr(numberBounds(node), "at most "+ratText(k.Want)) + not
	case *kind.ExclusiveMinimum:
		p.text = name + " must be " + stringOr(numberBounds(node), "greater than "+ratText(k.Want)) + not
	case *kind.ExclusiveMaximum:
		p.text = name + " must be " + stringOr(numberBounds(node), "less than "+ratText(k.Want)) + not
	case *kind.MultipleOf:
		p.text = name + " must be a multiple of " + ratText(k.Want) + not
	case *kind.MinLength:
		p.text = fmt.Sprintf("%s must be %s characters long, not %d", name, countBounds(intPtrOr(node.MinLength, k.Want), node.MaxLength), k.Got)
	case *kind.MaxLength:
		p.text = fmt.Sprintf("%s must be %s characters long, not %d", name, countBounds(node.MinLength, intPtrOr(node.MaxLength, k.Want)), k.Got)
	case *kind.Pattern:
		p.text = fmt.Sprintf("%s must match the pattern %s; %s does not", name, k.Want, valueText(sent))
	case *kind.Format:
		p.text = name + " must be a valid " + k.Want
		if ex, ok := formatExamples[k.Want]; ok {
			p.text += " like " + jsonString(ex)
		}
		p.text += not
	case *kind.MinItems:
		lo, hi := intPtrOr(node.MinItems, k.Want), node.MaxItems
		p.text = fmt.Sprintf("%s must have %s %s, not %d", name, countBounds(lo, hi), countNoun("item", lo, hi), k.Got)
	case *kind.MaxItems:
		lo, hi := node.MinItems, intPtrOr(node.MaxItems, k.Want)
		p.text = fmt.Sprintf("%s must have %s %s, not %d", name, countBounds(lo, hi), countNoun("item", lo, hi), k.Got)
	case *kind.UniqueItems:
		p.text = fmt.Sprintf("%s must not contain the same item twice (%s and %s are equal)", name,
			instanceName(v, append(slices.Clip(loc), strconv.Itoa(k.Duplicates[0]))),
			instanceName(v, append(slices.Clip(loc), strconv.Itoa(k.Duplicates[1]))))
	case *kind.MinProperties:
		lo, hi := intPtrOr(node.MinProperties, k.Want), node.MaxProperties
		p.text = fmt.Sprintf("%s must have %s %s, not %d", name, countBounds(lo, hi), countNoun("propert", lo, hi), k.Got)
	case *kind.MaxProperties:
		lo, hi := node.MinProperties, intPtrOr(node.MaxProperties, k.Want)
		p.text = fmt.Sprintf("%s must have %s %s, not %d", name, countBounds(lo, hi), countNoun("propert", lo, hi), k.Got)
	case *kind.Required:
		p.rank = problemRankRequired
		p.text = "missing required " + propertyList(node, k.Missing)
		if len(loc) > 0 {
			p.text = name + " is " + p.text
		}
	case *kind.AdditionalProperties:
		p.rank = problemRankUnknownProperty
		p.text = "unknown " + quotedNames("property", "properties", k.Properties)
		if len(loc) > 0 {
			p.text += " in " + name
		}
		if allowed := allowedProperties(node); allowed != "" {
			p.text += "; allowed: " + allowed
		}
	case *kind.AdditionalItems:
		p.text = name + " has too many items"
	case *kind.FalseSchema:
		p.text = name + " is not allowed"
	case *kind.PropertyNames:
		p.text = fmt.Sprintf("%s has a property name that is not allowed: %q", name, k.Property)
	case *kind.DependentRequired:
		p.text = fmt.Sprintf("%s: %q requires %s too", name, k.Prop, quotedNames("property", "properties", k.Missing))
	case *kind.Dependency:
		p.text = fmt.Sprintf("%s: %q requires %s too", name, k.Prop, quotedNames("property", "properties", k.Missing))
	case *kind.Contains, *kind.MinContains, *kind.MaxContains:
		p.text = name + " does not contain the right number of matching items"
	case *kind.AnyOf:
		p.text = name + " " + anyOfPhrase(node, node.AnyOf)
		if strings.HasPrefix(p.text, name+" must") {
			p.text += not
		}
	case *kind.OneOf:
		if len(k.Subschemas) > 0 {
			p.text = name + " matches more than one of the allowed forms; it must match exactly one"
		} else {
			p.text = name + " " + anyOfPhrase(node, node.OneOf)
			if strings.HasPrefix(p.text, name+" must") {
				p.text += not
			}
		}
	case *kind.Not:
		p.text = name + " has a value that is not allowed"
	default:
		p.text = name + ": " + e.ErrorKind.LocalizedString(msgPrinter)
	}
	return p
}

// nodeAt returns the compiled subschema at location url, or an empty
// schema when it cannot be found.
func nodeAt(root *jsonschema.Schema, url string) *jsonschema.Schema {
	var found *jsonschema.Schema
	seen := map[*jsonschema.Schema]bool{}
	var walk func(n *jsonschema.Schema)
	walk = func(n *jsonschema.Schema) {
		if n == nil || found != nil || seen[n] {
			return
		}
		seen[n] = true
		if n.Location == url {
			found = n
			return
		}
		eachSubschema(n, walk)
	}
	walk(root)
	if found == nil {
		return &jsonschema.Schema{}
	}
	return found
}

// eachSubschema calls f for every direct subschema of n.
func eachSubschema(n *jsonschema.Schema, f func(*jsonschema.Schema)) {
	f(n.Ref)
	f(n.RecursiveRef)
	if n.DynamicRef != nil {
		f(n.DynamicRef.Ref)
	}
	f(n.Not)
	for _, l := range [][]*jsonschema.Schema{n.AllOf, n.AnyOf, n.OneOf, n.PrefixItems} {
		for _, c := range l {
			f(c)
		}
	}
	f(n.If)
	f(n.Then)
	f(n.Else)
	f(n.PropertyNames)
	for _, c := range sortedPropNames(n.Properties) {
		f(n.Properties[c])
	}
	for _, c := range n.PatternProperties {
		f(c)
	}
	for _, c := range n.DependentSchemas {
		f(c)
	}
	for _, d := range n.Dependencies {
		if c, ok := d.(*jsonschema.Schema); ok {
			f(c)
		}
	}
	for _, x := range []any{n.AdditionalProperties, n.AdditionalItems, n.Items} {
		switch c := x.(type) {
		case *jsonschema.Schema:
			f(c)
		case []*jsonschema.Schema:
			for _, cc := range c {
				f(cc)
			}
		}
	}
	f(n.UnevaluatedProperties)
	f(n.Contains)
	f(n.Items2020)
	f(n.UnevaluatedItems)
	f(n.ContentSchema)
}

func sortedPropNames(m map[string]*jsonschema.Schema) []string {
	return slices.Sorted(maps.Keys(m))
}
