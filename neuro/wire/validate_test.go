package wire

import (
	"errors"
	"slices"
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

func vtQuote(s string) string { return `"` + strings.ReplaceAll(s, "\n", `\n`) + `"` }

// checkInvalidErr fails the test unless err wraps ErrInvalid and its text
// contains want.
func checkInvalidErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %q does not wrap ErrInvalid", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestCheckAction(t *testing.T) {
	obj := func(kv ...any) Schema {
		s := Schema{"type": "object"}
		for i := 0; i < len(kv); i += 2 {
			s[kv[i].(string)] = kv[i+1]
		}
		return s
	}
	tests := []struct {
		name     string
		action   Action
		wantErr  string   // substring; "" for no error
		warnings []string // "keyword@path"
	}{
		{name: "no schema", action: Action{Name: "pass"}},
		{name: "empty schema", action: Action{Name: "pass", Schema: Schema{}}},
		{name: "bare object", action: Action{Name: "pass", Schema: obj()}},
		{name: "simple properties", action: Action{Name: "play", Schema: obj(
			"properties", map[string]any{"cell": map[string]any{"type": "integer", "enum": []int{1, 5, 9}}},
			"required", []string{"cell"},
		)}},
		{name: "bad name", action: Action{Name: "Play"}, wantErr: `action name "Play"`},
		{name: "type not object", action: Action{Name: "play", Schema: Schema{"type": "array"}},
			wantErr: `"type" must be "object", not "array"`},
		{name: "type not a string", action: Action{Name: "play", Schema: Schema{"type": []string{"object"}}},
			wantErr: `"type" must be the string "object"`},
		{name: "missing type", action: Action{Name: "play", Schema: Schema{"properties": map[string]any{}}},
			wantErr: `"type" is missing`},
		{name: "not JSON", action: Action{Name: "play", Schema: Schema{"type": "object", "x": func() {}}},
			wantErr: "cannot be encoded as JSON"},
		{name: "top-level discouraged", action: Action{Name: "play", Schema: obj(
			"title", "Play", "description", "Play a card", "additionalProperties", false,
		)}, warnings: []string{"additionalProperties@/additionalProperties", "description@/description", "title@/title"}},
		{name: "nested discouraged", action: Action{Name: "play", Schema: obj(
			"properties", map[string]any{
				"pos": Schema{"type": "object", "minProperties": 1, "properties": map[string]any{
					"x": map[string]any{"type": "integer", "multipleOf": 2},
				}},
				"cards": map[string]any{"type": "array", "uniqueItems": true,
					"items": map[string]any{"oneOf": []any{
						map[string]any{"type": "string", "$comment": "a name"},
						map[string]any{"type": "integer"},
					}}},
			},
			"$defs", map[string]any{"card": map[string]any{"type": "string", "deprecated": true}},
		)}, warnings: []string{
			"$defs@/$defs",
			"deprecated@/$defs/card/deprecated",
			"oneOf@/properties/cards/items/oneOf",
			"$comment@/properties/cards/items/oneOf/0/$comment",
			"uniqueItems@/properties/cards/uniqueItems",
			"minProperties@/properties/pos/minProperties",
			"multipleOf@/properties/pos/properties/x/multipleOf",
		}},
		{name: "property names are not keywords", action: Action{Name: "describe", Schema: obj(
			"properties", map[string]any{
				"description": map[string]any{"type": "string"},
				"title":       map[string]any{"type": "string"},
				"if":          map[string]any{"type": "boolean"},
				"a/b":         map[string]any{"type": "string", "readOnly": true},
			},
			"required", []string{"description", "title"},
		)}, warnings: []string{"readOnly@/properties/a~1b/readOnly"}},
		{name: "data keywords are not walked", action: Action{Name: "pick", Schema: obj(
			"properties", map[string]any{
				"opt": map[string]any{
					"enum":     []any{map[string]any{"description": "x"}},
					"default":  map[string]any{"title": "t"},
					"examples": []any{map[string]any{"not": 1}},
				},
			},
		)}},
		{name: "subschema keywords are walked", action: Action{Name: "pick", Schema: obj(
			"if", map[string]any{"properties": map[string]any{"a": map[string]any{"const": 1}}},
			"then", map[string]any{"required": []string{"b"}, "writeOnly": true},
			"else", true,
			"not", map[string]any{"anyOf": []any{map[string]any{"title": "x"}}},
			"prefixItems", []any{map[string]any{"$id": "x"}},
			"patternProperties", map[string]any{"^x": map[string]any{"unevaluatedProperties": false}},
		)}, warnings: []string{
			"else@/else",
			"if@/if",
			"not@/not",
			"anyOf@/not/anyOf",
			"title@/not/anyOf/0/title",
			"patternProperties@/patternProperties",
			"unevaluatedProperties@/patternProperties/^x/unevaluatedProperties",
			"$id@/prefixItems/0/$id",
			"then@/then",
			"writeOnly@/then/writeOnly",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, err := CheckAction(tt.action)
			if tt.wantErr != "" {
				checkInvalidErr(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("CheckAction: %v", err)
			}
			got := make([]string, len(ws))
			for i, w := range ws {
				if w.Action != tt.action.Name {
					t.Errorf("warning %v names action %q", w, w.Action)
				}
				got[i] = w.Keyword + "@" + w.Path
			}
			if !slices.Equal(got, tt.warnings) {
				t.Errorf("warnings:\n got %q\nwant %q", got, tt.warnings)
			}
		})
	}
}

func TestCheckActionEveryDiscouragedKeywordWarns(t *testing.T) {
	for _, kw := range append(slices.Clone(DiscouragedKeywords), UncheckedKeywords...) {
		ws, err := CheckAction(Action{Name: "a", Schema: Schema{"type": "object", kw: true}})
		want := []Warning{{Action: "a", Keyword: kw, Path: "/" + kw}}
		if err != nil || !slices.Equal(ws, want) {
			t.Errorf("keyword %q: got %v, %v; want %v, nil", kw, ws, err, want)
		}
	}
}

func TestCheckActionWarningString(t *testing.T) {
	tests := []struct {
		w    Warning
		want string
	}{
		{Warning{Action: "play", Keyword: "additionalProperties", Path: "/properties/pos/additionalProperties"},
			`action "play": schema keyword "additionalProperties" at /properties/pos/additionalProperties is poorly supported by Neuro and may be ignored`},
		{Warning{Action: "play", Keyword: "uniqueItems", Path: "/properties/cards/uniqueItems"},
			`action "play": schema keyword "uniqueItems" at /properties/cards/uniqueItems may not be enforced by Neuro; the game must check it itself`},
	}
	for _, tt := range tests {
		if got := tt.w.String(); got != tt.want {
			t.Errorf("String() = %q\nwant %q", got, tt.want)
		}
	}
}

func TestCheckRegister(t *testing.T) {
	ok := Action{Name: "play", Schema: Schema{"type": "object", "title": "x"}}
	tests := []struct {
		name      string
		actions   []Action
		wantErrs  []string
		wantWarns int
	}{
		{name: "one", actions: []Action{{Name: "pass"}}},
		{name: "several with warnings", actions: []Action{{Name: "pass"}, ok, {Name: "fold", Schema: Schema{"type": "object", "$comment": "c"}}}, wantWarns: 2},
		{name: "none", actions: nil, wantErrs: []string{"at least one action"}},
		{name: "empty slice", actions: []Action{}, wantErrs: []string{"at least one action"}},
		{name: "duplicate", actions: []Action{{Name: "pass"}, ok, {Name: "pass"}}, wantErrs: []string{`action "pass" appears more than once`}, wantWarns: 1},
		{name: "bad name and bad schema", actions: []Action{{Name: "Pass"}, {Name: "play", Schema: Schema{"type": "string"}}},
			wantErrs: []string{`action name "Pass"`, `schema of action "play"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, err := CheckRegister(tt.actions)
			if len(ws) != tt.wantWarns {
				t.Errorf("got %d warnings %v, want %d", len(ws), ws, tt.wantWarns)
			}
			if len(tt.wantErrs) == 0 {
				if err != nil {
					t.Fatalf("CheckRegister: %v", err)
				}
				return
			}
			for _, want := range tt.wantErrs {
				checkInvalidErr(t, err, want)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("errors.As(%T, *ValidationError) = false", err)
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
		{"failure without message", ActionResult{ID: "1"}, `result for action id "1": a failed result needs a message`},
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
