// # Typed actions
//
// A game may declare an action's data as a Go struct and get values of it
// instead of JSON text. The schema is built from the struct's fields and
// tags (SchemaOf, with github.com/invopop/jsonschema; the tags are
// documented in package neuro/schema, "Schemas from Go types"), once per
// type, and reduced to what Neuro handles well; descriptions of fields go
// into the action's description (ActionOf):
//
//	type Move struct {
//		Cell int    `json:"cell" jsonschema:"minimum=1,maximum=9,description=the cell\\, like a phone keypad"`
//		Say  string `json:"say,omitempty" jsonschema:"maxLength=40"`
//	}
//	err := neuro.HandleTyped(ctx, n, "play", "Put your O in a free cell.",
//		func(ctx context.Context, m Move) neuro.Result { ... },
//		neuro.OneOf("cell", board.FreeCells))
//
// HandleTyped and HandleTemporaryTyped register like HandleAction and
// HandleTemporaryAction; TypedSpec makes the ActionSpec for Window and
// HandleTemporaryGroup; TypedWindow opens a window with one typed action
// and returns its value; Decode turns WindowResult.Data or a raw
// handler's events.Action.Data into a value. The data of each use is
// checked against the schema when it arrives (as for every action) and
// decoded once with encoding/json (2.0 is read as 2 for an int field, as
// JSON schema counts it an integer); whatever still does not fit the Go
// type (a number beyond an int64, a key that differs from a property only
// in case) is answered with a failed result saying what to send, as the
// schema's own failures are.
//
// Options that change every turn (the free cells, the cards in hand) stay
// out of the schema of an action registered for good, which never
// changes: the Rule OneOf checks each use against the options of the
// moment and fails with a message that lists them (see ExampleOneOf). An
// action registered anew with each set of options, as a window's is, may
// show them in its schema instead: Among writes them as an "enum" and
// checks uses against them. A data type implementing Validator checks
// rules across its fields. Rules and Validate run after decoding and
// before the handler.
package neuro
