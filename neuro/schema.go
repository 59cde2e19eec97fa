package neuro

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// CompiledSchema checks the data Neuro sends with an action against the
// action's schema. Build one with CompileSchema when the action is
// registered and call Check for every incoming action. It is immutable and
// safe for concurrent use. A nil *CompiledSchema accepts everything, like
// the schema of an action without parameters.
//
// Data policy:
//   - An action without a schema (nil or empty) takes no data: Check
//     accepts absent data and ignores whatever is sent, valid JSON or not
//     (the game may log it; it is not Neuro's fault worth a retry).
//   - For an action with a schema, absent data, an empty or blank string,
//     and the JSON literal null all count as "no data". No data is
//     accepted when the schema accepts the empty object {} (no required
//     properties); otherwise Check answers "this action needs data: ...".
//   - Anything else must be one valid JSON document (numbers keep their
//     exact value) that matches the schema. Numbers longer than 100
//     characters or with an exponent beyond ±1000 are rejected as out of
//     range before validation (the validator would panic or stall on them).
//
// Simple schemas (types, enum, const, bounds, lengths, pattern, required,
// properties, additionalProperties, items, item counts: what actions
// usually use) are checked by a fast path that skips the general
// validator's allocations when the data is valid: first straight on the
// JSON text (fastNode.validJSON), then on the parsed value; anything else,
// and every rejection, goes through github.com/santhosh-tekuri/jsonschema/v6.
type CompiledSchema struct {
	action   string
	has      bool      // false: the action takes no data
	absentOK bool      // no data is valid
	needs    string    // Message for no data when !absentOK
	shape    string    // "a JSON object with ..."
	fast     *fastNode // nil when the schema is not simple

	// The general validator's schema: several KiB per action, and only
	// needed to reject data (or to accept data the fast path cannot
	// check). With a fast path it is dropped after compiling and compiled
	// again from src the first time it is needed.
	once sync.Once
	sch  *jsonschema.Schema // read through full()
	src  []byte             // the normalized schema as JSON; nil once sch is kept
}

// full returns the general validator's schema, compiling it again if it
// was dropped. The schema compiled once already, so it compiles again.
func (s *CompiledSchema) full() *jsonschema.Schema {
	s.once.Do(func() {
		if s.sch != nil {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.src))
		if err == nil {
			s.sch, err = compileDoc(doc)
		}
		if err != nil {
			panic(fmt.Sprintf("neuro: recompiling the schema of action %q: %v", s.action, err))
		}
		s.src = nil
	})
	return s.sch
}

func compileDoc(doc any) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(noSchemaLoader{})
	c.AssertFormat()
	if err := c.AddResource(schemaLocation, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaLocation)
}

// DataError reports action data that is absent when needed, not valid
// JSON, or does not match the action's schema. Message is short plain text
// meant to be sent back to Neuro in the failed action/result, for example
// `"cell" must be one of 1, 5, 9`.
type DataError struct {
	// Action is the name of the action.
	Action string
	// Message says what is wrong and what is allowed, in a sentence or two.
	Message string
	// Err is the underlying error: a JSON syntax error, a
	// *jsonschema.ValidationError, or nil when data was missing.
	Err error
}

// Error implements error.
func (e *DataError) Error() string {
	return "neuro: invalid data for action " + e.Action + ": " + e.Message
}

// Unwrap returns Err.
func (e *DataError) Unwrap() error { return e.Err }

// schemaLocation is where each action's schema lives for the compiler. It
// is absolute so that compiling never consults the working directory.
const schemaLocation = "neurokit:///action-schema.json"

// noSchemaLoader refuses every schema that is not embedded in the action's
// own schema (or a standard metaschema, which the library embeds):
// compiling never touches the network or the filesystem.
type noSchemaLoader struct{}

// Load refuses url.
func (noSchemaLoader) Load(url string) (any, error) {
	return nil, errors.New("neurokit loads no schema from outside the action's schema")
}

// CompileSchema compiles the schema of a, with the latest JSON schema draft
// unless the schema names another with "$schema", and with "format"
// asserted. A nil or empty schema gives a CompiledSchema that accepts
// everything (see CompiledSchema for the data policy). A schema that is not
// valid JSON schema, or that refers to anything outside itself (remote or
// file $ref, unknown $schema), returns a *ValidationError naming the action;
// it wraps ErrInvalid and the compiler's error. CompileSchema does not
// enforce the Neuro rules on top of JSON schema (type "object",
// discouraged keywords): that is CheckAction's job.
func CompileSchema(a Action) (*CompiledSchema, error) {
	cs := &CompiledSchema{action: a.Name}
	if len(a.Schema) == 0 {
		return cs, nil
	}
	fail := func(problem string, cause error) error {
		return &multiCauseError{
			ValidationError: &ValidationError{Subject: "schema of action " + strconv.Quote(a.Name), Problem: problem},
			also:            cause,
		}
	}
	doc, err := normalizeSchema(a.Schema)
	if err != nil {
		return nil, fail("cannot be encoded as JSON: "+err.Error(), err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noSchemaLoader{})
	c.AssertFormat()
	if err := c.AddResource(schemaLocation, doc); err != nil {
		return nil, fail(err.Error(), err)
	}
	sch, err := c.Compile(schemaLocation)
	if err != nil {
		return nil, fail(compileProblem(err), err)
	}
	cs.has = true
	cs.fast = buildFast(sch, 0)
	cs.absentOK = sch.Validate(map[string]any{}) == nil
	cs.shape = objectShape(sch)
	cs.needs = "this action needs data: " + cs.shape
	if cs.fast != nil {
		if src, err := json.Marshal(doc); err == nil {
			cs.src = src // sch is dropped: full() compiles it again
			return cs, nil
		}
	}
	cs.sch = sch
	return cs, nil
}

// compileProblem turns a compiler error into one line.
func compileProblem(err error) string {
	var sve *jsonschema.SchemaValidationError
	if errors.As(err, &sve) {
		var verr *jsonschema.ValidationError
		if errors.As(sve.Err, &verr) {
			var leaves []string
			collectLeafErrors(verr, func(e *jsonschema.ValidationError) {
				at := "/" + strings.Join(e.InstanceLocation, "/")
				leaves = append(leaves, "at "+at+": "+e.ErrorKind.LocalizedString(schemaMsgPrinter))
			})
			slices.Sort(leaves)
			leaves = slices.Compact(leaves)
			if len(leaves) > 3 {
				leaves = append(leaves[:3], "...")
			}
			return "is not a valid JSON schema: " + strings.Join(leaves, "; ")
		}
	}
	var le *jsonschema.LoadURLError
	if errors.As(err, &le) {
		return fmt.Sprintf("refers to %s, outside the schema; only local references (#/...) are allowed", le.URL)
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), schemaLocation+"#", "")), " ")
}

func collectLeafErrors(e *jsonschema.ValidationError, leaf func(*jsonschema.ValidationError)) {
	if len(e.Causes) == 0 {
		leaf(e)
		return
	}
	for _, c := range e.Causes {
		collectLeafErrors(c, leaf)
	}
}

var schemaMsgPrinter = message.NewPrinter(language.English)

// Action returns the name of the action the schema belongs to.
func (s *CompiledSchema) Action() string {
	if s == nil {
		return ""
	}
	return s.action
}

// HasSchema reports whether the action has a schema. Data sent to an
// action without one is ignored by Check; a game may want to log it.
func (s *CompiledSchema) HasSchema() bool { return s != nil && s.has }

// Check validates the data of one incoming action; hasData reports whether
// the action carried a data field (ActionRequest.HasData). It returns nil
// when the data is acceptable and a *DataError otherwise. See
// CompiledSchema for the policy on absent data.
func (s *CompiledSchema) Check(data string, hasData bool) error {
	if s == nil || !s.has {
		return nil
	}
	trimmed := strings.Trim(data, " \t\r\n")
	if !hasData || trimmed == "" || trimmed == "null" {
		if s.absentOK {
			return nil
		}
		return &DataError{Action: s.action, Message: s.needs}
	}
	if s.fast != nil && s.fast.validJSON(trimmed) {
		return nil
	}
	return s.checkParsed(trimmed)
}

// checkParsed is Check's general path: it parses trimmed, then validates
// and explains.
func (s *CompiledSchema) checkParsed(trimmed string) error {
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(trimmed))
	if err != nil {
		// Say what to send as well as what was wrong: the model retries
		// from this message alone.
		return &DataError{Action: s.action, Message: "data is not valid JSON (" + jsonSyntaxProblem(err) + "); send " + s.shape, Err: err}
	}
	if loc, num, found := outOfRangeNumber(v); found {
		return &DataError{Action: s.action, Message: instanceName(v, loc) + " is out of range: " + truncateText(num, 40)}
	}
	if s.fast != nil && s.fast.valid(v) {
		return nil
	}
	err = s.full().Validate(v)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return &DataError{Action: s.action, Message: "data does not match the schema: " + err.Error(), Err: err}
	}
	return &DataError{Action: s.action, Message: s.explain(v, verr), Err: err}
}

// Numbers are compared as big.Rat by the validator, which panics on a
// number big.Rat refuses (an exponent beyond a million) and spends
// milliseconds on one just below. Data from a language model has no use
// for such numbers: they are rejected before validation.
const (
	maxNumberLen      = 100
	maxNumberExponent = 1000
)

// outOfRangeNumber finds a number in v that is too long or whose exponent
// is too large, returning its location and text.
func outOfRangeNumber(v any) (loc []string, num string, found bool) {
	switch x := v.(type) {
	case json.Number:
		if !numberInRange(string(x)) {
			return nil, string(x), true
		}
	case map[string]any:
		for k, e := range x {
			if loc, num, found := outOfRangeNumber(e); found {
				return append([]string{k}, loc...), num, true
			}
		}
	case []any:
		for i, e := range x {
			if loc, num, found := outOfRangeNumber(e); found {
				return append([]string{strconv.Itoa(i)}, loc...), num, true
			}
		}
	}
	return nil, "", false
}

func numberInRange(s string) bool {
	if len(s) > maxNumberLen {
		return false
	}
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return true
	}
	exp, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	return err == nil && exp >= -maxNumberExponent && exp <= maxNumberExponent
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func jsonSyntaxProblem(err error) string {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "it ends too early"
	case errors.As(err, &se):
		return se.Error()
	case strings.Contains(err.Error(), "after top-level value"):
		return "there is more text after the JSON value"
	default:
		return err.Error()
	}
}

// ---- messages for the language model ----

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
func (s *CompiledSchema) explain(v any, verr *jsonschema.ValidationError) string {
	var ps []dataProblem
	s.collect(v, verr, &ps)
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

func (s *CompiledSchema) collect(v any, e *jsonschema.ValidationError, ps *[]dataProblem) {
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf, *kind.Not:
		// The causes are per branch and contradict each other.
		*ps = append(*ps, s.describe(v, e))
		return
	}
	if len(e.Causes) == 0 {
		*ps = append(*ps, s.describe(v, e))
		return
	}
	for _, c := range e.Causes {
		s.collect(v, c, ps)
	}
}

// describe turns one error into a dataProblem.
func (s *CompiledSchema) describe(v any, e *jsonschema.ValidationError) dataProblem {
	node := s.nodeAt(e.SchemaURL)
	loc := e.InstanceLocation
	name := instanceName(v, loc)
	p := dataProblem{rank: problemRankOther, loc: strings.Join(loc, "\x00")}
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		got := typeWithArticle(k.Got)
		if k.Got == "number" && slices.Contains(k.Want, "integer") {
			if x, ok := instanceValueAt(v, loc).(json.Number); ok {
				got = string(x)
			}
		}
		if len(loc) == 0 && slices.Contains(k.Want, "object") {
			p.rank = problemRankRoot
			p.text = "data must be a JSON object, not " + got
			if s.shape != "a JSON object" {
				p.text += "; expected " + s.shape
			}
			return p
		}
		want := schemaHint(node, 0)
		if want == "" {
			want = joinOrList(mapStringSlice(k.Want, typeWithArticle))
		}
		p.text = fmt.Sprintf("%s must be %s, not %s", name, want, got)
	case *kind.Enum:
		p.text = fmt.Sprintf("%s must be %s", name, enumPhrase(k.Want))
	case *kind.Const:
		p.text = fmt.Sprintf("%s must be exactly %s", name, jsonText(k.Want))
	case *kind.Minimum:
		p.text = fmt.Sprintf("%s must be %s", name, stringOr(numberBounds(node), "at least "+ratText(k.Want)))
	case *kind.Maximum:
		p.text = fmt.Sprintf("%s must be %s", name, stringOr(numberBounds(node), "at most "+ratText(k.Want)))
	case *kind.ExclusiveMinimum:
		p.text = fmt.Sprintf("%s must be %s", name, stringOr(numberBounds(node), "greater than "+ratText(k.Want)))
	case *kind.ExclusiveMaximum:
		p.text = fmt.Sprintf("%s must be %s", name, stringOr(numberBounds(node), "less than "+ratText(k.Want)))
	case *kind.MultipleOf:
		p.text = fmt.Sprintf("%s must be a multiple of %s", name, ratText(k.Want))
	case *kind.MinLength:
		p.text = fmt.Sprintf("%s must be %s characters long", name, countBounds(intPtrOr(node.MinLength, k.Want), node.MaxLength))
	case *kind.MaxLength:
		p.text = fmt.Sprintf("%s must be %s characters long", name, countBounds(node.MinLength, intPtrOr(node.MaxLength, k.Want)))
	case *kind.Pattern:
		p.text = fmt.Sprintf("%s must match the pattern %s", name, k.Want)
	case *kind.Format:
		p.text = fmt.Sprintf("%s must be a valid %s", name, k.Want)
	case *kind.MinItems:
		lo, hi := intPtrOr(node.MinItems, k.Want), node.MaxItems
		p.text = fmt.Sprintf("%s must have %s %s", name, countBounds(lo, hi), countNoun("item", lo, hi))
	case *kind.MaxItems:
		lo, hi := node.MinItems, intPtrOr(node.MaxItems, k.Want)
		p.text = fmt.Sprintf("%s must have %s %s", name, countBounds(lo, hi), countNoun("item", lo, hi))
	case *kind.UniqueItems:
		p.text = fmt.Sprintf("%s must not contain the same item twice (%s and %s are equal)", name,
			instanceName(v, append(slices.Clip(loc), strconv.Itoa(k.Duplicates[0]))),
			instanceName(v, append(slices.Clip(loc), strconv.Itoa(k.Duplicates[1]))))
	case *kind.MinProperties:
		lo, hi := intPtrOr(node.MinProperties, k.Want), node.MaxProperties
		p.text = fmt.Sprintf("%s must have %s %s", name, countBounds(lo, hi), countNoun("propert", lo, hi))
	case *kind.MaxProperties:
		lo, hi := node.MinProperties, intPtrOr(node.MaxProperties, k.Want)
		p.text = fmt.Sprintf("%s must have %s %s", name, countBounds(lo, hi), countNoun("propert", lo, hi))
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
	case *kind.OneOf:
		if len(k.Subschemas) > 0 {
			p.text = name + " matches more than one of the allowed forms; it must match exactly one"
		} else {
			p.text = name + " " + anyOfPhrase(node, node.OneOf)
		}
	case *kind.Not:
		p.text = name + " has a value that is not allowed"
	default:
		p.text = name + ": " + e.ErrorKind.LocalizedString(schemaMsgPrinter)
	}
	return p
}

// nodeAt returns the compiled subschema at location url, or an empty
// schema when it cannot be found.
func (s *CompiledSchema) nodeAt(url string) *jsonschema.Schema {
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
	walk(s.full())
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
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// objectShape describes what an object schema wants: `a JSON object with
// "cell" (an integer from 1 to 9) and "mark" (one of "x", "o")`.
func objectShape(n *jsonschema.Schema) string {
	n = derefSchema(n)
	const maxListed = 8
	listed := 0
	item := func(name string) string {
		listed++
		if h := schemaHint(n.Properties[name], 0); h != "" {
			return strconv.Quote(name) + " (" + h + ")"
		}
		return strconv.Quote(name)
	}
	var req, opt []string
	for _, r := range n.Required {
		if listed < maxListed {
			req = append(req, item(r))
		}
	}
	for _, p := range sortedPropNames(n.Properties) {
		if !slices.Contains(n.Required, p) && listed < maxListed {
			opt = append(opt, item(p))
		}
	}
	s := "a JSON object"
	if len(req) > 0 {
		s += " with " + joinAndList(req)
	}
	if len(opt) > 0 {
		if len(req) > 0 {
			s += ", and optionally "
		} else {
			s += " with optional "
		}
		s += joinAndList(opt)
	}
	if listed < len(n.Properties) || listed < len(n.Required) {
		s += ", ..."
	}
	return s
}

// derefSchema follows a schema that is only a $ref.
func derefSchema(n *jsonschema.Schema) *jsonschema.Schema {
	for i := 0; i < 8 && n != nil && n.Ref != nil && n.Types == nil && len(n.Properties) == 0; i++ {
		n = n.Ref
	}
	if n == nil {
		return &jsonschema.Schema{}
	}
	return n
}

// schemaHint describes in a few words the values schema n allows, or "" when it
// cannot say: `one of 1, 5, 9`, `an integer from 1 to 9`, `a string`.
func schemaHint(n *jsonschema.Schema, depth int) string {
	if n == nil || depth > 3 {
		return ""
	}
	n = derefSchema(n)
	if n.Const != nil {
		return "exactly " + jsonText(*n.Const)
	}
	if n.Enum != nil {
		return enumPhrase(n.Enum.Values)
	}
	if n.Types == nil || n.Types.IsEmpty() {
		for _, branches := range [][]*jsonschema.Schema{n.AnyOf, n.OneOf} {
			if len(branches) == 0 {
				continue
			}
			hs := make([]string, 0, len(branches))
			for _, b := range branches {
				h := schemaHint(b, depth+1)
				if h == "" {
					return ""
				}
				hs = append(hs, h)
			}
			return joinOrList(hs)
		}
		return ""
	}
	types := n.Types.ToStrings()
	if len(types) > 1 {
		return joinOrList(mapStringSlice(types, typeWithArticle))
	}
	s := typeWithArticle(types[0])
	switch types[0] {
	case "integer", "number":
		if b := numberBounds(n); b != "" {
			s += " " + b
		}
	case "string":
		if n.MinLength != nil || n.MaxLength != nil {
			s += " of " + countBounds(n.MinLength, n.MaxLength) + " characters"
		}
		if n.Format != nil {
			s += " in " + n.Format.Name + " format"
		}
		if n.Pattern != nil {
			s += " matching " + n.Pattern.String()
		}
	case "array":
		if n.MinItems != nil || n.MaxItems != nil {
			s += " of " + countBounds(n.MinItems, n.MaxItems) + " " + countNoun("item", n.MinItems, n.MaxItems)
		}
		var items *jsonschema.Schema
		if c, ok := n.Items.(*jsonschema.Schema); ok {
			items = c
		} else if n.Items2020 != nil {
			items = n.Items2020
		}
		if h := schemaHint(items, depth+1); h != "" {
			s += ", each " + h
		}
	case "object":
		if len(n.Required) > 0 {
			q := mapStringSlice(n.Required, strconv.Quote)
			s += " with " + joinAndList(q)
		}
	}
	return s
}

// anyOfPhrase says what anyOf/oneOf allow when every branch can be named.
func anyOfPhrase(n *jsonschema.Schema, branches []*jsonschema.Schema) string {
	var hs []string
	for _, b := range branches {
		h := schemaHint(b, 1)
		if h == "" {
			return "does not match any of the allowed forms"
		}
		hs = append(hs, h)
	}
	if len(hs) == 0 {
		return "does not match any of the allowed forms"
	}
	return "must be " + joinOrList(hs)
}

// numberBounds says what numbers n allows: "from 1 to 9", "at most 3",
// "greater than 0 and at most 10"; "" when unbounded.
func numberBounds(n *jsonschema.Schema) string {
	if n.Minimum != nil && n.Maximum != nil {
		return "from " + ratText(n.Minimum) + " to " + ratText(n.Maximum)
	}
	var parts []string
	if n.Minimum != nil {
		parts = append(parts, "at least "+ratText(n.Minimum))
	}
	if n.ExclusiveMinimum != nil {
		parts = append(parts, "greater than "+ratText(n.ExclusiveMinimum))
	}
	if n.Maximum != nil {
		parts = append(parts, "at most "+ratText(n.Maximum))
	}
	if n.ExclusiveMaximum != nil {
		parts = append(parts, "less than "+ratText(n.ExclusiveMaximum))
	}
	return strings.Join(parts, " and ")
}

// countBounds says how many of something are allowed: "1 to 3",
// "at least 1", "at most 3", "exactly 2".
func countBounds(lo, hi *int) string {
	switch {
	case lo != nil && hi != nil && *lo == *hi:
		return "exactly " + strconv.Itoa(*lo)
	case lo != nil && hi != nil:
		return strconv.Itoa(*lo) + " to " + strconv.Itoa(*hi)
	case lo != nil:
		return "at least " + strconv.Itoa(*lo)
	case hi != nil:
		return "at most " + strconv.Itoa(*hi)
	}
	return "any number of"
}

// countNoun returns "item" or "items" ("property" or "properties" for
// stem "propert") to follow countBounds(lo, hi).
func countNoun(stem string, lo, hi *int) string {
	one := (hi != nil && *hi == 1) || (hi == nil && lo != nil && *lo == 1)
	switch {
	case stem == "propert" && one:
		return "property"
	case stem == "propert":
		return "properties"
	case one:
		return stem
	}
	return stem + "s"
}

func stringOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func intPtrOr(p *int, fallback int) *int {
	if p == nil {
		return &fallback
	}
	return p
}

func ratText(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// enumPhrase lists allowed values: `one of 1, 5, 9`, or `5` for one.
func enumPhrase(values []any) string {
	const maxShown = 20
	if len(values) == 1 {
		return jsonText(values[0])
	}
	shown := make([]string, 0, min(len(values), maxShown)+1)
	for i, v := range values {
		if i == maxShown {
			shown = append(shown, "...")
			break
		}
		shown = append(shown, jsonText(v))
	}
	return "one of " + strings.Join(shown, ", ")
}

// jsonText shows a JSON value the way it would be written in JSON.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const maxLen = 60
	if len(b) > maxLen {
		return string(b[:maxLen]) + "..."
	}
	return string(b)
}

// typeWithArticle names a JSON type with its typeWithArticle: "an integer", "a string".
func typeWithArticle(t string) string {
	switch t {
	case "integer", "object", "array":
		return "an " + t
	case "boolean":
		return "true or false"
	case "null":
		return "null"
	default:
		return "a " + t
	}
}

func propertyList(n *jsonschema.Schema, names []string) string {
	items := make([]string, len(names))
	for i, name := range names {
		items[i] = strconv.Quote(name)
		if h := schemaHint(n.Properties[name], 0); h != "" {
			items[i] += " (" + h + ")"
		}
	}
	if len(items) == 1 {
		return "property " + items[0]
	}
	return "properties " + joinAndList(items)
}

func quotedNames(one, many string, names []string) string {
	q := mapStringSlice(names, strconv.Quote)
	if len(q) == 1 {
		return one + " " + q[0]
	}
	return many + " " + strings.Join(q, ", ")
}

// allowedProperties lists the property names an object schema allows, when
// that list is closed and known.
func allowedProperties(n *jsonschema.Schema) string {
	if len(n.Properties) == 0 || len(n.PatternProperties) > 0 {
		return ""
	}
	return strings.Join(mapStringSlice(sortedPropNames(n.Properties), strconv.Quote), ", ")
}

func mapStringSlice(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

func joinAndList(items []string) string {
	return joinListWith(items, " and ")
}

func joinOrList(items []string) string {
	return joinListWith(items, " or ")
}

func joinListWith(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// instanceName names the value at loc within v for a message: data, "cell",
// "pos.x", "moves[2]".
func instanceName(v any, loc []string) string {
	if len(loc) == 0 {
		return "data"
	}
	var b strings.Builder
	cur := v
	for i, tok := range loc {
		switch c := cur.(type) {
		case []any:
			b.WriteString("[" + tok + "]")
			if idx, err := strconv.Atoi(tok); err == nil && idx >= 0 && idx < len(c) {
				cur = c[idx]
			} else {
				cur = nil
			}
		case map[string]any:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(tok)
			cur = c[tok]
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(tok)
			cur = nil
		}
	}
	if strings.HasPrefix(b.String(), "[") {
		return "data" + b.String()
	}
	return strconv.Quote(b.String())
}

// instanceValueAt returns the value at loc within v, or nil.
func instanceValueAt(v any, loc []string) any {
	for _, tok := range loc {
		switch c := v.(type) {
		case []any:
			idx, err := strconv.Atoi(tok)
			if err != nil || idx < 0 || idx >= len(c) {
				return nil
			}
			v = c[idx]
		case map[string]any:
			v = c[tok]
		default:
			return nil
		}
	}
	return v
}

// ---- fast path ----

// fastNode validates the simple schemas actions typically use (types,
// enum, const, bounds, lengths, pattern, required, properties,
// additionalProperties, items, item counts) without the general
// validator's allocations. It only ever proves data valid: when it cannot
// (the data is invalid, or a number is not a plain int64 and sits on a
// bound), Check runs the full validator, which decides and explains. A
// schema using any other keyword gets no fast path at all.
type fastNode struct {
	never    bool  // the false schema
	types    uint8 // bit set of fastType*; 0 allows every type
	enum     []any // primitive allowed values; nil when no enum
	hasEnum  bool  // enum or const present
	bounds   []fastBound
	minLen   int // -1 when absent
	maxLen   int // -1 when absent
	pattern  jsonschema.Regexp
	required []string
	props    map[string]*fastNode
	noExtra  bool      // additionalProperties: false
	extra    *fastNode // additionalProperties schema
	items    *fastNode
	minItems int // -1 when absent
	maxItems int // -1 when absent
}

const (
	fastTypeNull uint8 = 1 << iota
	fastTypeBoolean
	fastTypeNumber
	fastTypeInteger
	fastTypeString
	fastTypeArray
	fastTypeObject
)

// fastTypeBits maps a JSON schema type name to its fastNode type bit.
var fastTypeBits = map[string]uint8{
	"null": fastTypeNull, "boolean": fastTypeBoolean, "number": fastTypeNumber, "integer": fastTypeInteger,
	"string": fastTypeString, "array": fastTypeArray, "object": fastTypeObject,
}

// fastBound is one of minimum, maximum, exclusiveMinimum, exclusiveMaximum.
type fastBound struct {
	above, strict bool    // x > or >= (above), x < or <= (!above)
	isInt         bool    // the bound is an int64, exactly i
	i             int64   //
	f             float64 // the bound rounded to float64
}

// buildFast builds the fast validator of n, or returns nil when n uses a
// keyword the fast path does not handle.
func buildFast(n *jsonschema.Schema, depth int) *fastNode {
	if n == nil || depth > 16 {
		return nil
	}
	if n.Bool != nil {
		return &fastNode{never: !*n.Bool, minLen: -1, maxLen: -1, minItems: -1, maxItems: -1}
	}
	if n.Ref != nil || n.RecursiveRef != nil || n.DynamicRef != nil || n.Not != nil ||
		len(n.AllOf) > 0 || len(n.AnyOf) > 0 || len(n.OneOf) > 0 || n.If != nil || n.Then != nil || n.Else != nil ||
		n.Format != nil || n.PropertyNames != nil || len(n.PatternProperties) > 0 || len(n.Dependencies) > 0 ||
		len(n.DependentRequired) > 0 || len(n.DependentSchemas) > 0 || n.UnevaluatedProperties != nil ||
		n.Contains != nil || n.MinContains != nil || n.MaxContains != nil || n.AdditionalItems != nil ||
		len(n.PrefixItems) > 0 || n.UnevaluatedItems != nil || n.ContentEncoding != nil ||
		n.ContentMediaType != nil || n.ContentSchema != nil || n.MultipleOf != nil || n.MinProperties != nil ||
		n.MaxProperties != nil || n.UniqueItems || len(n.Extensions) > 0 {
		return nil
	}
	f := &fastNode{minLen: -1, maxLen: -1, minItems: -1, maxItems: -1, required: n.Required, pattern: n.Pattern}
	if n.Types != nil {
		for _, t := range n.Types.ToStrings() {
			bit, ok := fastTypeBits[t]
			if !ok {
				return nil
			}
			f.types |= bit
		}
	}
	if n.Enum != nil {
		f.hasEnum, f.enum = true, n.Enum.Values
	}
	if n.Const != nil {
		f.hasEnum = true
		f.enum = append(slices.Clip(f.enum), *n.Const)
		if n.Enum != nil {
			return nil // both: rare, leave it to the full validator
		}
	}
	for _, b := range []struct {
		r             *big.Rat
		above, strict bool
	}{{n.Minimum, true, false}, {n.ExclusiveMinimum, true, true}, {n.Maximum, false, false}, {n.ExclusiveMaximum, false, true}} {
		if b.r == nil {
			continue
		}
		fb := fastBound{above: b.above, strict: b.strict}
		fb.f, _ = b.r.Float64()
		if b.r.IsInt() && b.r.Num().IsInt64() {
			fb.isInt, fb.i = true, b.r.Num().Int64()
		}
		f.bounds = append(f.bounds, fb)
	}
	if n.MinLength != nil {
		f.minLen = *n.MinLength
	}
	if n.MaxLength != nil {
		f.maxLen = *n.MaxLength
	}
	if n.MinItems != nil {
		f.minItems = *n.MinItems
	}
	if n.MaxItems != nil {
		f.maxItems = *n.MaxItems
	}
	if len(n.Properties) > 0 {
		f.props = make(map[string]*fastNode, len(n.Properties))
		for name, c := range n.Properties {
			if f.props[name] = buildFast(c, depth+1); f.props[name] == nil {
				return nil
			}
		}
	}
	switch a := n.AdditionalProperties.(type) {
	case nil:
	case bool:
		f.noExtra = !a
	case *jsonschema.Schema:
		if f.extra = buildFast(a, depth+1); f.extra == nil {
			return nil
		}
	default:
		return nil
	}
	var items *jsonschema.Schema
	switch it := n.Items.(type) {
	case nil:
	case *jsonschema.Schema:
		items = it
	default:
		return nil // tuple form
	}
	if n.Items2020 != nil {
		if items != nil {
			return nil
		}
		items = n.Items2020
	}
	if items != nil {
		if f.items = buildFast(items, depth+1); f.items == nil {
			return nil
		}
	}
	return f
}

// valid reports whether v is certainly valid against the schema; false
// means "invalid or not sure".
func (f *fastNode) valid(v any) bool {
	if f.never {
		return false
	}
	switch x := v.(type) {
	case nil:
		return f.typeOK(fastTypeNull) && (!f.hasEnum || slices.Contains(f.enum, nil))
	case bool:
		return f.typeOK(fastTypeBoolean) && (!f.hasEnum || slices.Contains(f.enum, any(x)))
	case string:
		if !f.typeOK(fastTypeString) || (f.hasEnum && !slices.Contains(f.enum, any(x))) {
			return false
		}
		if f.minLen >= 0 || f.maxLen >= 0 {
			n := utf8.RuneCountInString(x)
			if (f.minLen >= 0 && n < f.minLen) || (f.maxLen >= 0 && n > f.maxLen) {
				return false
			}
		}
		return f.pattern == nil || f.pattern.MatchString(x)
	case json.Number:
		return f.numberValid(string(x))
	case map[string]any:
		if !f.typeOK(fastTypeObject) || f.hasEnum {
			return false
		}
		for _, r := range f.required {
			if _, ok := x[r]; !ok {
				return false
			}
		}
		for k, e := range x {
			if p, ok := f.props[k]; ok {
				if !p.valid(e) {
					return false
				}
			} else if f.noExtra || (f.extra != nil && !f.extra.valid(e)) {
				return false
			}
		}
		return true
	case []any:
		if !f.typeOK(fastTypeArray) || f.hasEnum ||
			(f.minItems >= 0 && len(x) < f.minItems) || (f.maxItems >= 0 && len(x) > f.maxItems) {
			return false
		}
		if f.items != nil {
			for _, e := range x {
				if !f.items.valid(e) {
					return false
				}
			}
		}
		return true
	}
	return false
}

func (f *fastNode) typeOK(t uint8) bool { return f.types == 0 || f.types&t != 0 }

// numberValid checks a JSON number. Only plain integers that fit an int64
// are compared exactly; other numbers pass a bound only when their float64
// value is strictly on the right side of it (rounding is monotonic, so
// that is proof), and need the full validator for integer-ness and enums.
func (f *fastNode) numberValid(s string) bool {
	i, err := strconv.ParseInt(s, 10, 64)
	isInt := err == nil
	if f.types != 0 && f.types&fastTypeNumber == 0 && (f.types&fastTypeInteger == 0 || !isInt) {
		return false
	}
	if f.hasEnum {
		if !isInt {
			return false
		}
		found := false
		for _, e := range f.enum {
			if n, ok := e.(json.Number); ok && string(n) == s {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if len(f.bounds) == 0 {
		return true
	}
	var x float64
	if !isInt {
		if x, err = strconv.ParseFloat(s, 64); err != nil {
			return false
		}
	}
	for _, b := range f.bounds {
		var c int // sign of x - bound, 2 when unknown
		switch {
		case isInt && b.isInt:
			c = cmp.Compare(i, b.i)
		default:
			xf := x
			if isInt {
				xf = float64(i)
			}
			switch {
			case xf > b.f:
				c = 1
			case xf < b.f:
				c = -1
			default:
				return false // too close to tell with floats
			}
		}
		if b.above && (c < 0 || (b.strict && c == 0)) {
			return false
		}
		if !b.above && (c > 0 || (b.strict && c == 0)) {
			return false
		}
	}
	return true
}
