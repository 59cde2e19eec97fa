package neuro_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/server"
)

// TestSchemaOfGeneratedDataDecodes: the simulator's generator makes data
// from SchemaOf's schema the way Neuro would, and every draw decodes into
// the struct, within the tags' bounds.
func TestSchemaOfGeneratedDataDecodes(t *testing.T) {
	s, err := neuro.SchemaOf[Order]()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var withNote, withoutNote int
	for i := range 200 {
		data, err := server.GenerateData(context.Background(), s, rng)
		if err != nil {
			t.Fatalf("draw %d: GenerateData: %v", i, err)
		}
		o, err := neuro.Decode[Order](data)
		if err != nil {
			t.Fatalf("draw %d: Decode(%s): %v", i, data, err)
		}
		if (o.Unit != "archer" && o.Unit != "knight") || o.Count < 1 || o.Count > 5 ||
			o.Target.Row < 1 || o.Target.Row > 8 || len(o.Target.Col) != 1 || o.Target.Col < "a" || o.Target.Col > "h" ||
			len(o.Note) > 40 || strings.Trim(o.Note, "abcdefghijklmnopqrstuvwxyz ") != "" {
			t.Fatalf("draw %d: %s decoded to %+v, outside the tags' bounds", i, data, o)
		}
		if strings.Contains(data, `"note"`) {
			withNote++
		} else {
			withoutNote++
		}
	}
	if withNote == 0 || withoutNote == 0 {
		t.Errorf("the optional note was present %d times and absent %d times in 200 draws; want both", withNote, withoutNote)
	}
}

func TestSchemaOfRefusesWithTypeError(t *testing.T) {
	check := func(name string, err error) {
		t.Helper()
		var te *schema.TypeError
		if !errors.As(err, &te) {
			t.Errorf("%s: error %v, want a *schema.TypeError", name, err)
		}
	}
	_, err := neuro.SchemaOf[int]()
	check("SchemaOf[int]", err)
	_, err = neuro.SchemaOf[struct{ C chan int }]()
	check("SchemaOf[struct{C chan int}]", err)
	_, err = neuro.ActionOf[map[string]int]("a", "b")
	check("ActionOf[map]", err)
	_, err = neuro.Decode[[]int]("[1]")
	check("Decode[[]int]", err)
	s, err := neuro.SchemaOf[struct{}]()
	if err != nil || s != nil {
		t.Errorf("SchemaOf[struct{}] = %v, %v; want a nil schema (no data)", s, err)
	}
}

func accept[T any](context.Context, T) neuro.Result { return neuro.Success("") }

func TestTypedSpecRefuses(t *testing.T) {
	free := func() []int { return []int{1} }
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"nil handler", second(neuro.TypedSpec[Move]("play", "d", nil)), "has no handler"},
		{"bad type", second(neuro.TypedSpec("play", "d", accept[struct{ F func() }])), `"F" is of type func()`},
		{"nil rule", second(neuro.TypedSpec("play", "d", accept[Move], nil)), "rule 0 is nil"},
		{"unknown field", second(neuro.TypedSpec("play", "d", accept[Move], neuro.OneOf("cel", free))),
			`no property "cel"; the properties there are "cell"`},
		{"wrong type", second(neuro.TypedSpec("play", "d", accept[Move], neuro.OneOf("cell", func() []string { return nil }))),
			"compares string values, but the property is a int"},
		{"nil current", second(neuro.TypedSpec("play", "d", accept[Move], neuro.OneOf[int]("cell", nil))),
			"has no function for the current options"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}

func second[A, B any](_ A, b B) B { return b }

// hand is a card game's "play" action: cards from the hand, a target.
type hand struct {
	Cards  []string `json:"cards" jsonschema:"minItems=1,maxItems=3"`
	Target *string  `json:"target,omitempty"`
	Suit   suit     `json:"suit,omitempty"`
	Bet    uint8    `json:"bet,omitempty"`
}

type suit string

// Validate is hand's own rule across fields.
func (h hand) Validate() error {
	if h.Target != nil && len(h.Cards) > 1 {
		return errors.New(`a "target" takes a single card; send one card or no target`)
	}
	return nil
}

// TestTypedHandler runs a typed action's handler on data the component
// has already checked, as it does on every use: decoding, rules,
// Validate, then the handler, each failure with its message.
func TestTypedHandler(t *testing.T) {
	inHand := func() []string { return []string{"2h", "7s", "qd"} }
	suits := func() []string { return []string{"hearts"} }
	var got hand
	spec, err := neuro.TypedSpec("play", "Play cards.", func(_ context.Context, h hand) neuro.Result {
		got = h
		return neuro.Success("played")
	}, neuro.OneOf("cards", inHand), neuro.OneOf("suit", suits), neuro.OneOf("target", inHand))
	if err != nil {
		t.Fatal(err)
	}
	if spec.Action.Name != "play" || spec.Action.Description != "Play cards." || spec.Action.Schema["type"] != "object" {
		t.Fatalf("spec.Action = %+v", spec.Action)
	}
	for _, tc := range []struct {
		data, want string // want "" for success
	}{
		{`{"cards": ["2h", "qd"]}`, ""},
		{`{"cards": ["7s"], "target": "qd", "suit": "hearts", "bet": 3}`, ""},
		{`{"cards": ["2h", "kc"]}`, `each item of "cards" must be one of "2h", "7s", "qd" right now; "kc" (item 1) is not`},
		{`{"cards": ["2h"], "suit": "spades"}`, `"suit" must be "hearts" right now, not "spades"`},
		{`{"cards": ["2h"], "target": "ac"}`, `"target" must be one of "2h", "7s", "qd" right now, not "ac"`},
		{`{"cards": ["2h", "7s"], "target": "qd"}`, `a "target" takes a single card; send one card or no target`},
		{`{"cards": ["2h"], "Cards": ["kc"]}`, `unknown property "Cards"; property names are case-sensitive: write "cards"`},
		{`{"cards": ["2h"], "bet": 3.0}`, ""},
		{`{"cards": ["2h"], "bet": 3.5}`, `"bet" must be a whole number, not 3.5`}, // the component's check stops it first
	} {
		got = hand{}
		res := spec.Handler(context.Background(), events.Action{ID: "1", Name: "play", Data: tc.data})
		switch {
		case tc.want == "" && (!res.Success || res.Message != "played"):
			t.Errorf("%s: result %+v, want the handler's success", tc.data, res)
		case tc.want == "" && len(got.Cards) == 0:
			t.Errorf("%s: the handler got %+v", tc.data, got)
		case tc.want != "" && (res.Success || res.Message != tc.want):
			t.Errorf("%s: result %+v\nwant failure: %s", tc.data, res, tc.want)
		case tc.want != "" && len(got.Cards) != 0:
			t.Errorf("%s: the handler ran on failing data", tc.data)
		}
	}
	// The options are read at every use.
	empty, err := neuro.TypedSpec("play", "", accept[hand], neuro.OneOf("cards", func() []string { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	res := empty.Handler(context.Background(), events.Action{Data: `{"cards": ["2h"]}`})
	if want := `no value of "cards" is possible right now; send none or try another action`; res.Success || res.Message != want {
		t.Errorf("with no options: %+v, want failure %q", res, want)
	}
}

// TestAmongNarrowsTheSchema: Among writes its values into the registered
// schema, where the simulator (and Neuro) find them, and checks uses.
func TestAmongNarrowsTheSchema(t *testing.T) {
	spec, err := neuro.TypedSpec("play", "Play cards.", accept[hand],
		neuro.Among("cards", "2h", "7s"), neuro.Among("suit", suit("hearts")), neuro.Among("target", "qd"))
	if err != nil {
		t.Fatal(err)
	}
	props := spec.Action.Schema["properties"].(map[string]any)
	cards := props["cards"].(map[string]any)["items"].(map[string]any)
	if !reflect.DeepEqual(cards["enum"], []any{"2h", "7s"}) || !reflect.DeepEqual(props["suit"].(map[string]any)["enum"], []any{suit("hearts")}) {
		t.Errorf("schema = %v, want the Among values as enums", spec.Action.Schema)
	}
	if ws := schema.Warnings(spec.Action.Schema); len(ws) > 0 {
		t.Errorf("Warnings = %v", ws)
	}
	// The type's own schema is untouched.
	if plain, _ := neuro.SchemaOf[hand](); plain["properties"].(map[string]any)["suit"].(map[string]any)["enum"] != nil {
		t.Errorf("SchemaOf changed: %v", plain)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 50 {
		data, err := server.GenerateData(context.Background(), spec.Action.Schema, rng)
		if err != nil {
			t.Fatal(err)
		}
		// Only hand's own Validate may refuse generated data.
		if res := spec.Handler(context.Background(), events.Action{Data: data}); !res.Success && !strings.Contains(res.Message, `"target" takes`) {
			t.Fatalf("draw %d: %s failed: %s", i, data, res.Message)
		}
	}
	res := spec.Handler(context.Background(), events.Action{Data: `{"cards": ["qd"]}`})
	if want := `each item of "cards" must be one of "2h", "7s" right now; "qd" (item 0) is not`; res.Success || res.Message != want {
		t.Errorf("qd: %+v, want %q", res, want)
	}
	if _, err := neuro.TypedSpec("play", "", accept[hand], neuro.Among[string]("cards")); err == nil ||
		!strings.Contains(err.Error(), "needs at least one value") {
		t.Errorf("Among without values: %v", err)
	}
}

func TestTypedHandlerNoData(t *testing.T) {
	type opts struct {
		Fast bool `json:"fast,omitempty"`
	}
	var calls int
	spec, err := neuro.TypedSpec("go", "Go.", func(_ context.Context, o opts) neuro.Result {
		calls++
		if o.Fast {
			return neuro.Failure("unexpected")
		}
		return neuro.Success("")
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range []string{"", "null", " "} {
		if res := spec.Handler(context.Background(), events.Action{Data: data}); !res.Success {
			t.Errorf("data %q: %+v", data, res)
		}
	}
	if calls != 3 {
		t.Errorf("handler ran %d times, want 3", calls)
	}
}

func TestDecode(t *testing.T) {
	m, err := neuro.Decode[Move](`{"cell": 5}`)
	if err != nil || m.Cell != 5 {
		t.Errorf("Decode = %+v, %v", m, err)
	}
	m, err = neuro.Decode[Move](`{"cell": 12}`)
	var de *schema.DecodeError
	if !errors.As(err, &de) || de.Message != `"cell" must be from 1 to 9, not 12` || m != (Move{}) {
		t.Errorf("Decode out of range = %+v, %v", m, err)
	}
	if de != nil && de.Type != reflect.TypeFor[Move]() {
		t.Errorf("wire.DecodeError.Type = %v", de.Type)
	}
	if _, err := neuro.Decode[Move](``); err == nil || !strings.Contains(err.Error(), "this action needs data") {
		t.Errorf("Decode of no data = %v", err)
	}
}
