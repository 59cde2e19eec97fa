package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Compiled checks the data Neuro sends with one action against the
// action's schema. Build it with Compile when the action is registered and
// call Check for every incoming action. It is immutable and safe for
// concurrent use; there is nothing to close. A nil *Compiled accepts
// everything, like the Compiled of an action without a schema.
type Compiled struct {
	action   string
	has      bool      // false: the action takes no data
	absentOK bool      // no data is valid
	shape    string    // "a JSON object with ..."
	example  string    // valid example data, "" when none could be derived
	needs    string    // Message for no data when !absentOK
	fast     *fastNode // nil when the schema is not simple

	// The general validator's schema: several KiB per action, and only
	// needed to reject data (or to accept data the fast path cannot
	// check). With a fast path it is dropped after compiling and compiled
	// again from src the first time it is needed.
	once   sync.Once
	sch    *jsonschema.Schema // read through full()
	src    []byte             // the normalized schema as JSON; nil once sch is kept
	recErr error              // why compiling again failed; never seen so far
}

// CompileError reports a schema that cannot be used: not encodable as
// JSON, not a valid JSON schema, or referring to something outside itself.
type CompileError struct {
	// Action is the name of the action the schema belongs to.
	Action string
	// Problem completes the sentence `the schema of action "x" ...`, for
	// example `is not a valid JSON schema: at /minimum: got string, want
	// number`.
	Problem string
	// Err is the underlying error, from encoding/json or the compiler; nil
	// for a number out of range, which this package refuses itself.
	Err error
}

// Error implements error.
func (e *CompileError) Error() string {
	return "schema: the schema of action " + strconv.Quote(e.Action) + " " + e.Problem
}

// Unwrap returns Err.
func (e *CompileError) Unwrap() error { return e.Err }

// jsonPointer writes a location as a JSON pointer: /properties/a~1b.
func jsonPointer(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		b.WriteString("/" + escapeJSONPointer(tok))
	}
	return b.String()
}

// schemaLocation is where each action's schema lives for the compiler. It
// is absolute so that compiling never consults the working directory.
const schemaLocation = "neurokit:///action-schema.json"

// noLoader refuses every schema that is not embedded in the action's own
// schema (or a standard metaschema, which the library embeds): compiling
// never touches the network or the filesystem.
type noLoader struct{}

// Load refuses url.
func (noLoader) Load(url string) (any, error) {
	return nil, errors.New("neurokit loads no schema from outside the action's schema")
}

// Compile compiles the schema doc of the action called action, with the
// latest JSON schema draft unless doc names another with "$schema", and
// with "format" asserted. A nil or empty doc gives a Compiled for an
// action without parameters (see Check for the data policy). Values in doc
// may be anything encoding/json can encode (nested maps of named types,
// typed slices, Go numbers). A doc that is not valid JSON schema, or that
// refers to anything outside itself (remote or file $ref, unknown
// $schema), returns a *CompileError naming the action.
//
// Compile does not enforce the Neuro rules on top of JSON schema (a root
// "type" of "object", discouraged keywords); see Warnings.
func Compile(action string, doc map[string]any) (*Compiled, error) {
	return compile(action, doc, true)
}

// compile is Compile; withFast false leaves the fast path out (tests and
// benchmarks compare against that).
func compile(action string, doc map[string]any, withFast bool) (*Compiled, error) {
	c := &Compiled{action: action}
	if len(doc) == 0 {
		return c, nil
	}
	fail := func(problem string, cause error) error {
		return &CompileError{Action: action, Problem: problem, Err: cause}
	}
	src, err := json.Marshal(doc)
	if err != nil {
		return nil, fail("cannot be encoded as JSON: "+err.Error(), err)
	}
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		return nil, fail("cannot be encoded as JSON: "+err.Error(), err)
	}
	if loc, num, found := outOfRangeNumber(parsed); found {
		// The validator would drop such a bound, or stall or panic on it.
		return nil, fail("has a number out of range at "+jsonPointer(loc)+": "+truncateText(num, 40)+
			" ("+numberLimits+")", nil)
	}
	sch, err := compileDoc(parsed)
	if err != nil {
		return nil, fail(compileProblem(err), err)
	}
	c.has = true
	if withFast {
		c.fast = buildFast(sch, 0)
	}
	c.absentOK = sch.Validate(map[string]any{}) == nil
	c.shape = objectShape(sch)
	c.example = exampleFor(sch)
	c.needs = "this action needs data: " + c.shape
	if c.example != "" {
		c.needs += "; for example " + c.example
	}
	if c.fast != nil {
		c.src = src // sch is dropped: full() compiles it again
		return c, nil
	}
	c.sch = sch
	return c, nil
}

func compileDoc(doc any) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	c.AssertFormat()
	if err := c.AddResource(schemaLocation, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaLocation)
}

// full returns the general validator's schema, compiling it again if it
// was dropped. The schema compiled once already, so it compiles again;
// should it not, the error is kept and Check reports it instead of
// panicking.
func (c *Compiled) full() (*jsonschema.Schema, error) {
	c.once.Do(func() {
		if c.sch != nil {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(c.src))
		if err == nil {
			c.sch, err = compileDoc(doc)
		}
		if err != nil {
			c.recErr = fmt.Errorf("schema: compiling the schema of action %q again: %w", c.action, err)
			return
		}
		c.src = nil
	})
	return c.sch, c.recErr
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
				leaves = append(leaves, "at "+at+": "+e.ErrorKind.LocalizedString(msgPrinter))
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
	return "cannot be compiled: " + strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), schemaLocation+"#", "")), " ")
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

var msgPrinter = message.NewPrinter(language.English)

// Action returns the name of the action the schema belongs to.
func (c *Compiled) Action() string {
	if c == nil {
		return ""
	}
	return c.action
}

// HasSchema reports whether the action has a schema. Data sent to an
// action without one is ignored by Check; a game may want to log it.
func (c *Compiled) HasSchema() bool { return c != nil && c.has }
