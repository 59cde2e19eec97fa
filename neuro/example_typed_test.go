package neuro_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"slices"
	"sync"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
)

// Order is the data of the "order" action of a small strategy game: a
// description, an enum, an integer range, a nested struct with a pattern,
// and an optional field with a pattern and a length limit.
type Order struct {
	Unit   string `json:"unit" jsonschema:"enum=archer,enum=knight,description=who to send"`
	Count  int    `json:"count" jsonschema:"minimum=1,maximum=5"`
	Target Square `json:"target" jsonschema:"description=where to send them"`
	Note   string `json:"note,omitempty" jsonschema:"maxLength=40,pattern=^[a-z ]*$"`
}

// Square is a square of the board.
type Square struct {
	Row int    `json:"row" jsonschema:"minimum=1,maximum=8"`
	Col string `json:"col" jsonschema:"pattern=^[a-h]$,description=the column\\, a to h"`
}

func ExampleSchemaOf() {
	s, err := neuro.SchemaOf[Order]()
	if err != nil {
		log.Fatal(err)
	}
	out, _ := json.MarshalIndent(s, "", "  ")
	fmt.Println(string(out))
	fmt.Println("warnings:", len(schema.Warnings(s)))

	// The descriptions went into the action's description.
	a, err := neuro.ActionOf[Order]("order", "Send troops to a square.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Description)
	// Output:
	// {
	//   "properties": {
	//     "count": {
	//       "maximum": 5,
	//       "minimum": 1,
	//       "type": "integer"
	//     },
	//     "note": {
	//       "maxLength": 40,
	//       "pattern": "^[a-z ]*$",
	//       "type": "string"
	//     },
	//     "target": {
	//       "properties": {
	//         "col": {
	//           "pattern": "^[a-h]$",
	//           "type": "string"
	//         },
	//         "row": {
	//           "maximum": 8,
	//           "minimum": 1,
	//           "type": "integer"
	//         }
	//       },
	//       "required": [
	//         "row",
	//         "col"
	//       ],
	//       "type": "object"
	//     },
	//     "unit": {
	//       "enum": [
	//         "archer",
	//         "knight"
	//       ],
	//       "type": "string"
	//     }
	//   },
	//   "required": [
	//     "unit",
	//     "count",
	//     "target"
	//   ],
	//   "type": "object"
	// }
	// warnings: 0
	// Send troops to a square.
	// About the data:
	// - "unit": who to send
	// - "target": where to send them
	// - "target.col": the column, a to h
}

// Call is the data of the coin toss's "call" action.
type Call struct {
	Side string `json:"side" jsonschema:"enum=heads,enum=tails,description=the side you bet on"`
}

// Example_typedGame is the README's minimal game with a typed action: the
// action's schema comes from Call, and the window returns a Call.
func Example_typedGame() {
	sim := server.New(server.WithSeed(1), server.WithForceDelay(10*time.Millisecond))
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		log.Fatal(err)
	}
	defer sim.Close()
	url := sim.URL() // a real game: neuro.EnvURL()

	ctx := context.Background()
	game := manager.New("coin-flip")
	n, err := neuro.NewComponent("Coin Flip")
	if err == nil {
		err = game.Add(n)
	}
	if err == nil {
		err = game.Raise(ctx, manager.NewEvent(events.Connect, url))
	}
	if err == nil {
		err = n.WaitConnected(ctx)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer n.Stop(ctx, 0, "game over")
	// A window: context, register, force, wait for one success, unregister.
	call, err := neuro.TypedWindow(ctx, n, neuro.WindowSpec{Context: "I am about to toss a coin.",
		Force: neuro.ForceActions{Query: "Call heads or tails."}},
		"call", "Call the coin toss.", func(_ context.Context, c Call) neuro.Result {
			return neuro.Success("You called " + c.Side + ".")
		})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Neuro called heads or tails:", call.Side == "heads" || call.Side == "tails")
	// Output: Neuro called heads or tails: true
}

// Move is the data of a tic-tac-toe "play" action.
type Move struct {
	Cell int `json:"cell" jsonschema:"minimum=1,maximum=9,description=the cell to play\\, numbered like a phone keypad"`
}

// Options that change every turn, the free cells here, stay out of the
// schema: it says 1 to 9 for good, and OneOf checks each use against the
// cells free at that moment, failing with a message that lists them.
func ExampleOneOf() {
	sim := server.New(server.WithSeed(1))
	if err := sim.Start("127.0.0.1:0", ""); err != nil {
		log.Fatal(err)
	}
	defer sim.Close()
	ctx := context.Background()
	game := manager.New("tic-tac-toe")
	n, err := neuro.NewComponent("Tic Tac Toe")
	if err == nil {
		err = game.Add(n)
	}
	if err == nil {
		err = n.Connect(ctx, sim.URL())
	}
	if err != nil {
		log.Fatal(err)
	}
	defer n.Stop(ctx, 0, "game over")

	var mu sync.Mutex // the handler runs in its own goroutine
	free := []int{1, 2, 3, 4, 5, 6, 7, 8, 9}
	freeCells := func() []int {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(free)
	}
	err = neuro.HandleTyped(ctx, n, "play", "Put your O in a free cell.",
		func(_ context.Context, m Move) neuro.Result {
			mu.Lock()
			defer mu.Unlock()
			free = slices.DeleteFunc(free, func(c int) bool { return c == m.Cell })
			return neuro.Success(fmt.Sprintf("You took cell %d.", m.Cell))
		},
		neuro.OneOf("cell", freeCells))
	if err != nil {
		log.Fatal(err)
	}
	// Neuro acts once the registration reached her.
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := sim.WatchFrom(0).WaitFor(wctx, server.IsReceived("Tic Tac Toe", wire.CmdRegister)); err != nil {
		log.Fatal(err)
	}
	for _, data := range []string{`{"cell": 5}`, `{"cell": 5}`} {
		r, err := sim.Act(ctx, "Tic Tac Toe", "play", data)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.Success, r.Message)
	}
	// Output:
	// true You took cell 5.
	// false "cell" must be one of 1, 2, 3, 4, 6, 7, 8, 9 right now, not 5
}
