package main

import (
	"context"
	"fmt"

	"github.com/neurokit/neurokit/neuro"
)

// Phase c2 is the typed action round trip, the path a game takes with
// neuro.HandleTyped: the data is checked against the schema built from a
// Go struct, decoded once into that struct, and the handler gets the
// value. The lean server sends c's data (placeData) to an action of the
// same name length, so c2's frames have exactly c's size and c2 ÷ c is
// what typing adds to validation.
const typedActionName = "typed" // as long as placeAction.Name

// placeMove is c2's data type: the same three properties as placeAction's
// schema (an integer with a range, an enum string), with "say" optional
// here, as a game would declare a remark.
type placeMove struct {
	Cell int    `json:"cell" jsonschema:"minimum=1,maximum=9,description=the cell\\, 1 to 9 like a phone keypad"`
	Mark string `json:"mark" jsonschema:"enum=X,enum=O,description=your mark"`
	Say  string `json:"say,omitempty" jsonschema:"description=what you say as you play"`
}

// placeMoveWant is placeData decoded: the handler compares what it got
// with it, so a decoding that lost or changed a field fails the trip.
var placeMoveWant = placeMove{Cell: 5, Mark: "X", Say: "The centre is the strongest cell."}

// handleTypedPlace registers c2's action on c with neuro.HandleTyped. Its
// handler succeeds when it got placeMoveWant and fails, saying what it
// got, otherwise.
func handleTypedPlace(ctx context.Context, c *neuro.Component) error {
	return neuro.HandleTyped(ctx, c, typedActionName, "Place your mark in a cell of the grid.",
		func(_ context.Context, m placeMove) neuro.Result {
			if m != placeMoveWant {
				return neuro.Failure(fmt.Sprintf("decoded %+v, want %+v", m, placeMoveWant))
			}
			return neuro.Success("")
		})
}
