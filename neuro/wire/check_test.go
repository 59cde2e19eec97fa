package wire

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateActionName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string // substring of the error; "" for valid
	}{
		{"play", ""},
		{"use_item", ""},
		{"join-friend-lobby", ""},
		{"move2", ""},
		{"_", ""},
		{"9lives", ""},
		{"", "must not be empty"},
		{"Play", "found 'P'"},
		{"useItem", "found 'I'"},
		{"use item", "found ' '"},
		{" play", "found ' '"},
		{"play\n", `found '\n'`},
		{"play.card", "found '.'"},
		{"play/card", "found '/'"},
		{"jouer_à_la_carte", "found 'à'"},
		{"ＰＬＡＹ", "found 'Ｐ'"},
		{"🎲", "found '🎲'"},
		{"bad\xff", "found the invalid UTF-8 byte 0xff"},
		{"bad\uFFFD", "found '\uFFFD'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateActionName(tt.name)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateActionName(%q) = %v, want nil", tt.name, err)
				}
				return
			}
			checkInvalidErr(t, err, tt.wantErr)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T is not a *ValidationError", err)
			}
			if want := "action name " + vtQuote(tt.name); ve.Subject != want {
				t.Errorf("Subject = %q, want %q", ve.Subject, want)
			}
		})
	}
}

func vtQuote(s string) string {
	return `"` + strings.NewReplacer("\n", `\n`, "\xff", `\xff`).Replace(s) + `"`
}

// checkInvalidErr fails the test unless err wraps ErrInvalid, errors.As
// finds a *ValidationError in it, and its text contains want.
func checkInvalidErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %q does not wrap ErrInvalid", err)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("errors.As(%T, *ValidationError) = false", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

type objectString string

func TestCheckAction(t *testing.T) {
	tests := []struct {
		name    string
		action  Action
		wantErr []string // substrings; none for no error
	}{
		{name: "no schema", action: Action{Name: "pass", Description: "Skip."}},
		{name: "empty schema", action: Action{Name: "pass", Description: "Skip.", Schema: Schema{}}},
		{name: "bare object", action: Action{Name: "pass", Description: "Skip.", Schema: Schema{"type": "object"}}},
		{name: "Go string type", action: Action{Name: "pass", Description: "Skip.", Schema: Schema{"type": objectString("object")}}},
		{name: "keywords are not checked here", action: Action{Name: "play", Description: "Play.", Schema: Schema{
			"type": "object", "additionalProperties": false, "$ref": "#/x", "properties": map[string]any{"cell": Schema{"type": "integer"}},
		}}},
		{name: "bad name", action: Action{Name: "Play", Description: "Play."}, wantErr: []string{`action name "Play"`}},
		{name: "no description", action: Action{Name: "play"}, wantErr: []string{`invalid action "play": the description must not be empty`}},
		{name: "blank description", action: Action{Name: "play", Description: " \n"}, wantErr: []string{"description must not be empty"}},
		{name: "type not object", action: Action{Name: "play", Description: "d", Schema: Schema{"type": "array"}},
			wantErr: []string{`schema of action "play": "type" must be "object", not "array"`}},
		{name: "type not a string", action: Action{Name: "play", Description: "d", Schema: Schema{"type": []string{"object"}}},
			wantErr: []string{`"type" must be the string "object"`}},
		{name: "missing type", action: Action{Name: "play", Description: "d", Schema: Schema{"properties": map[string]any{}}},
			wantErr: []string{`"type" is missing`}},
		{name: "type in another case", action: Action{Name: "play", Description: "d", Schema: Schema{"Type": "object"}},
			wantErr: []string{`"type" is missing`}},
		{name: "null type", action: Action{Name: "play", Description: "d", Schema: Schema{"type": nil}},
			wantErr: []string{`"type" is missing`}},
		{name: "not JSON", action: Action{Name: "play", Description: "d", Schema: Schema{"type": "object", "x": func() {}}},
			wantErr: []string{"cannot be encoded as JSON"}},
		{name: "everything wrong", action: Action{Name: "Play", Schema: Schema{"type": "string"}},
			wantErr: []string{`action name "Play"`, "description must not be empty", `"type" must be "object"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckAction(tt.action)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("CheckAction: %v", err)
				}
				return
			}
			for _, want := range tt.wantErr {
				checkInvalidErr(t, err, want)
			}
		})
	}
}

func TestCheckRegister(t *testing.T) {
	ok := Action{Name: "play", Description: "Play.", Schema: Schema{"type": "object"}}
	tests := []struct {
		name     string
		actions  []Action
		wantErrs []string
	}{
		{name: "one", actions: []Action{{Name: "pass", Description: "Skip."}}},
		{name: "several", actions: []Action{{Name: "pass", Description: "Skip."}, ok}},
		{name: "none", actions: nil, wantErrs: []string{"at least one action"}},
		{name: "empty slice", actions: []Action{}, wantErrs: []string{"at least one action"}},
		{name: "duplicate", actions: []Action{ok, {Name: "pass", Description: "x"}, ok}, wantErrs: []string{`action "play" appears more than once`}},
		{name: "bad name and bad schema", actions: []Action{{Name: "Pass", Description: "d"}, {Name: "play", Description: "d", Schema: Schema{"type": "string"}}},
			wantErrs: []string{`action name "Pass"`, `schema of action "play"`}},
		{name: "empty description", actions: []Action{ok, {Name: "fold"}}, wantErrs: []string{`invalid action "fold": the description`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRegister(tt.actions)
			if len(tt.wantErrs) == 0 {
				if err != nil {
					t.Fatalf("CheckRegister: %v", err)
				}
				return
			}
			for _, want := range tt.wantErrs {
				checkInvalidErr(t, err, want)
			}
		})
	}
}

func TestCheckResult(t *testing.T) {
	tests := []struct {
		name    string
		r       ActionResult
		wantErr string
	}{
		{"success without message", ActionResult{ID: "1", Success: true}, ""},
		{"success with message", ActionResult{ID: "1", Success: true, Message: "not now, but no retry"}, ""},
		{"failure with message", ActionResult{ID: "1", Message: "that cell is taken; free cells are 1, 5, 9"}, ""},
		{"failure without message", ActionResult{ID: "1"}, `wire: invalid result for action id "1": a failed result needs a message`},
		{"failure with blank message", ActionResult{ID: "1", Message: "  \n"}, "needs a message"},
		{"no id", ActionResult{Success: true}, "id must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckResult(tt.r)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckResult: %v", err)
				}
				return
			}
			checkInvalidErr(t, err, tt.wantErr)
		})
	}
}

func TestCheckForce(t *testing.T) {
	registered := func(name string) bool { return name == "play" || name == "pass" }
	tests := []struct {
		name          string
		f             ForceActions
		registered    func(string) bool
		wantErr       string
		notRegistered bool
	}{
		{name: "minimal", f: ForceActions{Query: "your turn", ActionNames: []string{"play"}}, registered: registered},
		{name: "full", f: ForceActions{State: "# board", Query: "your turn", EphemeralContext: true, Priority: PriorityCritical, ActionNames: []string{"play", "pass"}}, registered: registered},
		{name: "each priority", f: ForceActions{Query: "q", Priority: PriorityMedium, ActionNames: []string{"pass"}}, registered: registered},
		{name: "nil registered skips the check", f: ForceActions{Query: "q", ActionNames: []string{"anything"}}},
		{name: "no names", f: ForceActions{Query: "q"}, registered: registered, wantErr: "at least one action name"},
		{name: "empty query", f: ForceActions{ActionNames: []string{"play"}}, registered: registered, wantErr: "query must not be empty"},
		{name: "blank query", f: ForceActions{Query: " ", ActionNames: []string{"play"}}, registered: registered, wantErr: "query must not be empty"},
		{name: "bad priority", f: ForceActions{Query: "q", Priority: "urgent", ActionNames: []string{"play"}}, registered: registered, wantErr: `priority "urgent" is not one of`},
		{name: "uppercase priority", f: ForceActions{Query: "q", Priority: "High", ActionNames: []string{"play"}}, registered: registered, wantErr: `priority "High"`},
		{name: "one unregistered", f: ForceActions{Query: "q", ActionNames: []string{"play", "jump"}}, registered: registered,
			wantErr: `invalid force: action "jump" is not registered`, notRegistered: true},
		{name: "two unregistered", f: ForceActions{Query: "q", ActionNames: []string{"jump", "play", "duck", "jump"}}, registered: registered,
			wantErr: `actions "jump", "duck" are not registered`, notRegistered: true},
		{name: "unregistered and empty query", f: ForceActions{ActionNames: []string{"jump"}}, registered: registered,
			wantErr: "query must not be empty", notRegistered: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckForce(tt.f, tt.registered)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckForce: %v", err)
				}
				return
			}
			checkInvalidErr(t, err, tt.wantErr)
			if got := errors.Is(err, ErrNotRegistered); got != tt.notRegistered {
				t.Errorf("errors.Is(err, ErrNotRegistered) = %v, want %v", got, tt.notRegistered)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Subject != "force" {
				t.Errorf("errors.As: got %v, want a *ValidationError about the force", ve)
			}
		})
	}
}

func TestCheckForceNotRegisteredMessage(t *testing.T) {
	err := CheckForce(ForceActions{Query: "q", ActionNames: []string{"jump"}}, func(string) bool { return false })
	const want = `wire: invalid force: action "jump" is not registered`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if !errors.Is(err, ErrInvalid) || !errors.Is(err, ErrNotRegistered) {
		t.Errorf("%v: want both ErrInvalid and ErrNotRegistered", err)
	}
}

func TestCheckContext(t *testing.T) {
	for _, c := range []ContextMessage{{Message: "the enemy fled"}, {Message: "quiet", Silent: true}} {
		if err := CheckContext(c); err != nil {
			t.Errorf("CheckContext(%+v) = %v", c, err)
		}
	}
	for _, msg := range []string{"", " ", "\n\t"} {
		err := CheckContext(ContextMessage{Message: msg, Silent: true})
		checkInvalidErr(t, err, "wire: invalid context: the message must not be empty")
	}
}
