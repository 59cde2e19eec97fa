package wire_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/neurokit/neurokit/neuro/wire"
)

// A game's side of one action round trip: decode Neuro's frame, answer it.
func Example() {
	enc := wire.NewGameEncoder("Tic Tac Toe")

	frame := []byte(`{"command":"action","data":{"id":"a7","name":"play","data":"{\"cell\": 5}"}}`)
	m, err := wire.DecodeServer(frame)
	if err != nil {
		fmt.Println(err)
		return
	}
	switch m := m.(type) {
	case wire.ActionRequest:
		fmt.Printf("Neuro wants %s with %s\n", m.Name, m.Data)
		result := wire.ActionResult{ID: m.ID, Success: false, Message: "Cell 5 is taken; free cells are 1 and 9."}
		if err := wire.CheckResult(result); err != nil {
			fmt.Println(err)
			return
		}
		out, _ := enc.Append(nil, result)
		fmt.Println(string(out))
	case wire.Unknown:
		fmt.Println("a command this package does not know:", m.Cmd)
	}
	// Output:
	// Neuro wants play with {"cell": 5}
	// {"command":"action/result","game":"Tic Tac Toe","data":{"id":"a7","success":false,"message":"Cell 5 is taken; free cells are 1 and 9."}}
}

// A malformed action still names its id, so the game can answer it.
func ExampleDecodeServer_malformed() {
	_, err := wire.DecodeServer([]byte(`{"command":"action","data":{"id":"a8","name":"play","data":{"cell":5}}}`))
	var de *wire.DecodeError
	if errors.As(err, &de) && de.ID != "" {
		fmt.Println(err)
		out, _ := wire.EncodeGame("Tic Tac Toe", wire.ActionResult{ID: de.ID, Message: "malformed action: field " + de.Field})
		fmt.Println(string(out))
	}
	// Output:
	// wire: bad field "data.data" in "action" message: want a string
	// {"command":"action/result","game":"Tic Tac Toe","data":{"id":"a8","success":false,"message":"malformed action: field data.data"}}
}

// A server's side: what a game registered, and what to warn it about.
func ExampleDecodeGame() {
	frame := []byte(`{"command":"actions/register","game":"Tic Tac Toe","data":{"actions":[
		{"name":"play","description":"Place your mark.","schema":{"type":"object","properties":{"cell":{"type":"integer"}}}},
		{"name":"pass","description":"Skip your turn.","schema":null},
		{"name":"Undo","description":"","schema":"none"}]}}`)
	game, m, err := wire.DecodeGame(frame)
	if err != nil {
		fmt.Println(err)
		return
	}
	reg := m.(wire.RegisterActions)
	for _, a := range reg.Actions {
		fmt.Printf("%s registers %q\n", game, a.Name)
		if err := wire.CheckAction(a); err != nil {
			fmt.Println(" ", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		}
	}
	for _, n := range reg.SchemaNotes {
		if n.Null {
			fmt.Printf("  %q: \"schema\": null; omit it instead\n", reg.Actions[n.Index].Name)
		} else {
			fmt.Printf("  %q: the schema is not an object; registered without one\n", reg.Actions[n.Index].Name)
		}
	}
	// Output:
	// Tic Tac Toe registers "play"
	// Tic Tac Toe registers "pass"
	// Tic Tac Toe registers "Undo"
	//   wire: invalid action name "Undo": must use only lowercase letters, digits, '_' and '-' (found 'U')
	//   wire: invalid action "Undo": the description must not be empty; Neuro reads it to choose
	//   "pass": "schema": null; omit it instead
	//   "Undo": the schema is not an object; registered without one
}
