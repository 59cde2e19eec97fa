package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DiscouragedKeywords lists the JSON schema keywords the real Neuro server
// handles poorly (see the API specification). CheckAction reports each one
// found in an action's schema as a Warning, not an error: the schema stays
// usable, but Neuro may ignore the keyword.
var DiscouragedKeywords = []string{
	"$anchor", "$comment", "$defs", "$dynamicAnchor", "$dynamicRef", "$id",
	"$ref", "$schema", "$vocabulary", "additionalProperties", "allOf",
	"anyOf", "contentEncoding", "contentMediaType", "contentSchema",
	"dependentRequired", "dependentSchemas", "deprecated", "description",
	"else", "if", "maxProperties", "minProperties", "multipleOf", "not",
	"oneOf", "patternProperties", "readOnly", "then", "title",
	"unevaluatedItems", "unevaluatedProperties", "writeOnly",
}

// UncheckedKeywords lists the JSON schema keywords that the Neuro server may
// or may not enforce: the game must check them itself. CheckAction reports
// them as warnings too. neurokit's own data validation (CompiledSchema)
// does enforce them.
var UncheckedKeywords = []string{"uniqueItems"}

// ValidateActionName reports whether name follows the Neuro convention for
// action names: not empty, and only lowercase ASCII letters, digits, '_'
// and '-'. The error is a *ValidationError whose Subject is
// `action name "<name>"`.
func ValidateActionName(name string) error {
	fail := func(problem string) error {
		return &ValidationError{Subject: "action name " + strconv.Quote(name), Problem: problem}
	}
	if name == "" {
		return fail("must not be empty")
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
		default:
			return fail(fmt.Sprintf("must use only lowercase letters, digits, '_' and '-' (found %q)", r))
		}
	}
	return nil
}

// Warning is a discouraged keyword found in an action's schema. The schema
// is still sent; Neuro may ignore the keyword.
type Warning struct {
	// Action is the name of the action whose schema holds the keyword.
	Action string
	// Keyword is the keyword, for example "additionalProperties".
	Keyword string
	// Path is the JSON pointer of the keyword within the schema, for
	// example "/properties/pos/additionalProperties".
	Path string
}

// String returns the warning as one readable line.
func (w Warning) String() string {
	if slices.Contains(UncheckedKeywords, w.Keyword) {
		return fmt.Sprintf("action %q: schema keyword %q at %s may not be enforced by Neuro; the game must check it itself",
			w.Action, w.Keyword, w.Path)
	}
	return fmt.Sprintf("action %q: schema keyword %q at %s is poorly supported by Neuro and may be ignored",
		w.Action, w.Keyword, w.Path)
}

// CheckAction checks an action the game is about to register: its name
// must be valid and its schema, when present (nil and empty mean none),
// must be a JSON object schema with "type": "object". Discouraged and
// unchecked keywords anywhere in the schema (top level, properties, items,
// combinators, definitions) come back as warnings, in a stable order;
// names inside "properties" (a property called "description", say) and
// values of data keywords ("enum", "default", ...) are not keywords and are
// not reported. Errors are *ValidationError values wrapping ErrInvalid.
func CheckAction(a Action) ([]Warning, error) {
	if err := ValidateActionName(a.Name); err != nil {
		return nil, err
	}
	if len(a.Schema) == 0 {
		return nil, nil
	}
	fail := func(problem string) error {
		return &ValidationError{Subject: "schema of action " + strconv.Quote(a.Name), Problem: problem}
	}
	doc, err := normalizeSchema(a.Schema)
	if err != nil {
		return nil, fail("cannot be encoded as JSON: " + err.Error())
	}
	root, _ := doc.(map[string]any)
	switch t := root["type"].(type) {
	case nil:
		return nil, fail(`"type" is missing; it must be "object"`)
	case string:
		if t != "object" {
			return nil, fail(fmt.Sprintf(`"type" must be "object", not %q`, t))
		}
	default:
		return nil, fail(`"type" must be the string "object"`)
	}
	var ws []Warning
	walkSchema(root, "", func(keyword, path string) {
		ws = append(ws, Warning{Action: a.Name, Keyword: keyword, Path: path})
	})
	return ws, nil
}

// normalizeSchema turns a Schema built in Go (nested Schema values, typed
// slices, Go integers) into plain JSON values: map[string]any, []any,
// json.Number, string, bool and nil.
func normalizeSchema(s Schema) (any, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// Keywords whose value is one subschema, an array of subschemas, or an
// object mapping names to subschemas. Every other keyword's value is data.
var (
	subschemaKeywords = map[string]bool{
		"items": true, "additionalItems": true, "additionalProperties": true,
		"contains": true, "propertyNames": true, "not": true, "if": true,
		"then": true, "else": true, "unevaluatedItems": true,
		"unevaluatedProperties": true, "contentSchema": true,
	}
	subschemaListKeywords = map[string]bool{
		"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true,
		"items": true, // draft 2019-09 and earlier: items may be an array
	}
	subschemaMapKeywords = map[string]bool{
		"properties": true, "patternProperties": true, "$defs": true,
		"definitions": true, "dependentSchemas": true, "dependencies": true,
	}
)

func isWarnedKeyword(k string) bool {
	return slices.Contains(DiscouragedKeywords, k) || slices.Contains(UncheckedKeywords, k)
}

// walkSchema calls warn for every discouraged keyword in the schema s found
// at JSON pointer path, recursing into subschemas only.
func walkSchema(s any, path string, warn func(keyword, path string)) {
	obj, ok := s.(map[string]any)
	if !ok {
		return // a boolean schema, or not a schema at all
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		at := path + "/" + escapeJSONPointer(k)
		if isWarnedKeyword(k) {
			warn(k, at)
		}
		v := obj[k]
		switch {
		case subschemaMapKeywords[k]:
			if m, ok := v.(map[string]any); ok {
				names := make([]string, 0, len(m))
				for n := range m {
					names = append(names, n)
				}
				slices.Sort(names)
				for _, n := range names {
					walkSchema(m[n], at+"/"+escapeJSONPointer(n), warn)
				}
			}
		case subschemaListKeywords[k] && isJSONArray(v):
			for i, sub := range v.([]any) {
				walkSchema(sub, at+"/"+strconv.Itoa(i), warn)
			}
		case subschemaKeywords[k]:
			walkSchema(v, at, warn)
		}
	}
}

func isJSONArray(v any) bool {
	_, ok := v.([]any)
	return ok
}

func escapeJSONPointer(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// CheckRegister checks an actions/register message: at least one action,
// each valid (see CheckAction), no name twice in the batch. It returns the
// warnings of every action, and every problem found (joined with
// errors.Join when there are several; each wraps ErrInvalid).
func CheckRegister(actions []Action) ([]Warning, error) {
	if len(actions) == 0 {
		return nil, &ValidationError{Subject: "register", Problem: "at least one action is needed"}
	}
	var (
		ws   []Warning
		errs []error
		seen = make(map[string]bool, len(actions))
	)
	for _, a := range actions {
		w, err := CheckAction(a)
		ws = append(ws, w...)
		if err != nil {
			errs = append(errs, err)
		}
		if seen[a.Name] {
			errs = append(errs, &ValidationError{
				Subject: "register",
				Problem: fmt.Sprintf("action %q appears more than once", a.Name),
			})
		}
		seen[a.Name] = true
	}
	return ws, joinValidationErrors(errs)
}

func joinValidationErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	default:
		return errors.Join(errs...)
	}
}

// CheckResult checks an action/result message: the id must be set, and a
// failure must carry a message saying how to succeed.
func CheckResult(r ActionResult) error {
	if r.ID == "" {
		return &ValidationError{Subject: "result", Problem: "the action id must not be empty"}
	}
	if !r.Success && strings.TrimSpace(r.Message) == "" {
		return &ValidationError{
			Subject: "result for action id " + strconv.Quote(r.ID),
			Problem: "a failed result needs a message saying how to succeed",
		}
	}
	return nil
}

// CheckForce checks an actions/force message: at least one action name, a
// non-empty query, a priority that is empty or one of the four defined,
// and every name registered according to registered (nil skips that
// check). Every problem is reported (joined with errors.Join when there
// are several). Names that are not registered give an error for which
// errors.Is reports true for both ErrInvalid and ErrNotRegistered, and
// errors.As finds a *ValidationError.
func CheckForce(f ForceActions, registered func(name string) bool) error {
	var errs []error
	fail := func(problem string) {
		errs = append(errs, &ValidationError{Subject: "force", Problem: problem})
	}
	if len(f.ActionNames) == 0 {
		fail("at least one action name is needed")
	}
	if strings.TrimSpace(f.Query) == "" {
		fail("the query must not be empty")
	}
	switch f.Priority {
	case "", PriorityLow, PriorityMedium, PriorityHigh, PriorityCritical:
	default:
		fail(fmt.Sprintf(`priority %q is not one of "low", "medium", "high", "critical"`, string(f.Priority)))
	}
	if registered != nil {
		var missing []string
		for _, n := range f.ActionNames {
			if !registered(n) && !slices.Contains(missing, n) {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			quoted := make([]string, len(missing))
			for i, n := range missing {
				quoted[i] = strconv.Quote(n)
			}
			problem := "action " + quoted[0] + " is not registered"
			if len(missing) > 1 {
				problem = "actions " + strings.Join(quoted, ", ") + " are not registered"
			}
			errs = append(errs, &multiCauseError{
				ValidationError: &ValidationError{Subject: "force", Problem: problem},
				also:            ErrNotRegistered,
			})
		}
	}
	return joinValidationErrors(errs)
}

// multiCauseError is a *ValidationError (so it wraps ErrInvalid and
// errors.As finds it) that wraps one more error: ErrNotRegistered for a
// force naming unknown actions, the schema compiler's error for an invalid
// schema. Its text is the ValidationError's.
type multiCauseError struct {
	*ValidationError
	also error
}

// Unwrap returns the ValidationError and the second cause.
func (e *multiCauseError) Unwrap() []error { return []error{e.ValidationError, e.also} }

// CheckContext checks a context message: its text must not be empty.
func CheckContext(c ContextMessage) error {
	if strings.TrimSpace(c.Message) == "" {
		return &ValidationError{Subject: "context", Problem: "the message must not be empty"}
	}
	return nil
}

// ErrInvalid is wrapped by every *ValidationError.
var ErrInvalid = errors.New("wire: invalid")

// ErrNotRegistered is wrapped by the error of a force naming actions that
// are not registered.
var ErrNotRegistered = errors.New("wire: action not registered")

// ValidationError reports a message the game was about to send that breaks
// the Neuro API rules. It wraps ErrInvalid.
type ValidationError struct {
	// Subject names what is wrong: an action name, "result", "force", ...
	Subject string
	// Problem says what is wrong with it, in plain words.
	Problem string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("wire: invalid %s: %s", e.Subject, e.Problem)
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }
