package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The checks below hold a message the game is about to send to the rules
// of the protocol's fields. They say nothing about the keywords inside a
// schema (see neuro/schema). Every error they return wraps ErrInvalid and
// errors.As finds a *ValidationError in it.

var (
	// ErrInvalid is wrapped by every *ValidationError.
	ErrInvalid = errors.New("wire: invalid")
	// ErrNotRegistered is wrapped, besides ErrInvalid, by the error of
	// CheckForce for a force naming actions that are not registered.
	ErrNotRegistered = errors.New("wire: action not registered")
)

// ValidationError reports a message that breaks the Neuro API rules.
type ValidationError struct {
	// Subject names what is wrong: an action name, "result", "force", ...
	Subject string
	// Problem says what is wrong with it, in plain words.
	Problem string
	// Err is one more cause, wrapped besides ErrInvalid, or nil: for
	// example ErrNotRegistered, or a schema compiler's error.
	Err error
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("wire: invalid %s: %s", e.Subject, e.Problem)
}

// Unwrap returns ErrInvalid, and Err when it is set.
func (e *ValidationError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalid}
	}
	return []error{ErrInvalid, e.Err}
}

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
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
		case r == utf8.RuneError && !strings.HasPrefix(name[i:], "\uFFFD"):
			return fail(fmt.Sprintf("must use only lowercase letters, digits, '_' and '-' (found the invalid UTF-8 byte %#x)", name[i]))
		default:
			return fail(fmt.Sprintf("must use only lowercase letters, digits, '_' and '-' (found %q)", r))
		}
	}
	return nil
}

// CheckAction checks an action the game is about to register: a valid
// name, a description (Neuro reads it to choose), and a schema that, when
// present (nil and empty mean none), encodes as a JSON object whose "type"
// is "object". Every problem is reported (joined with errors.Join when
// there are several).
func CheckAction(a Action) error {
	var errs []error
	if err := ValidateActionName(a.Name); err != nil {
		errs = append(errs, err)
	}
	subject := "action " + strconv.Quote(a.Name)
	if strings.TrimSpace(a.Description) == "" {
		errs = append(errs, &ValidationError{Subject: subject, Problem: "the description must not be empty; Neuro reads it to choose"})
	}
	if problem := schemaProblem(a.Schema); problem != "" {
		errs = append(errs, &ValidationError{Subject: "schema of " + subject, Problem: problem})
	}
	return join(errs)
}

// schemaProblem returns what is wrong with the top level of s, "" if
// nothing is.
func schemaProblem(s Schema) string {
	if len(s) == 0 {
		return ""
	}
	// Marshal to see the type as it will be sent (a Go string type, a
	// json.Marshaler...).
	b, err := json.Marshal(s)
	if err != nil {
		return "cannot be encoded as JSON: " + err.Error()
	}
	var top map[string]json.RawMessage // exact keys, unlike a struct
	if err := json.Unmarshal(b, &top); err != nil {
		return "cannot be encoded as JSON: " + err.Error()
	}
	var t string
	switch typ := top["type"]; {
	case len(typ) == 0 || string(typ) == "null":
		return `"type" is missing; it must be "object"`
	case typ[0] != '"' || json.Unmarshal(typ, &t) != nil:
		return `"type" must be the string "object"`
	case t != "object":
		return fmt.Sprintf(`"type" must be "object", not %q`, t)
	}
	return ""
}

// CheckRegister checks an actions/register batch: at least one action,
// each valid (see CheckAction), no name twice. Every problem is reported
// (joined with errors.Join when there are several).
func CheckRegister(actions []Action) error {
	if len(actions) == 0 {
		return &ValidationError{Subject: "register", Problem: "at least one action is needed"}
	}
	var errs []error
	seen := make(map[string]bool, len(actions))
	for _, a := range actions {
		if err := CheckAction(a); err != nil {
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
	return join(errs)
}

func join(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	default:
		return errors.Join(errs...)
	}
}

// CheckResult checks an action/result: the id must be set, and a failure
// must carry a message saying how to succeed.
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

// CheckForce checks an actions/force: at least one action name, a
// non-empty query, a priority that is empty or one of the four defined,
// and every name registered according to registered (nil skips that
// check). Every problem is reported (joined with errors.Join when there
// are several). Names that are not registered give an error for which
// errors.Is reports true for both ErrInvalid and ErrNotRegistered.
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
			if !registered(n) && !slices.Contains(missing, strconv.Quote(n)) {
				missing = append(missing, strconv.Quote(n))
			}
		}
		if len(missing) > 0 {
			problem := "action " + missing[0] + " is not registered"
			if len(missing) > 1 {
				problem = "actions " + strings.Join(missing, ", ") + " are not registered"
			}
			errs = append(errs, &ValidationError{Subject: "force", Problem: problem, Err: ErrNotRegistered})
		}
	}
	return join(errs)
}

// CheckContext checks a context message: its text must not be empty.
func CheckContext(c ContextMessage) error {
	if strings.TrimSpace(c.Message) == "" {
		return &ValidationError{Subject: "context", Problem: "the message must not be empty"}
	}
	return nil
}
