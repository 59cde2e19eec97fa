package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
)

// The game every phase uses: two actions, "play" without parameters and
// "place" with a realistic schema (three properties, an enum, integer
// bounds). Its handlers succeed at once, so a round trip measures the
// SDK, not the game.
const gameName = "Neurobench Tic Tac Toe"

var (
	playAction = neuro.Action{Name: "play", Description: "Play your move."}

	placeAction = neuro.Action{
		Name:        "place",
		Description: "Place your mark in a cell of the grid.",
		Schema: neuro.Schema{
			"type": "object",
			"properties": neuro.Schema{
				"cell": neuro.Schema{"type": "integer", "minimum": 1, "maximum": 9},
				"mark": neuro.Schema{"type": "string", "enum": []any{"X", "O"}},
				"say":  neuro.Schema{"type": "string"},
			},
			"required": []any{"cell", "mark", "say"},
		},
	}
	// placeData is valid for placeAction's schema.
	placeData = `{"cell":5,"mark":"X","say":"The centre is the strongest cell."}`
)

func succeed(context.Context, events.Action) neuro.Result { return neuro.Success("") }

// startGame returns a connected Component, in a manager of its own, that
// handles playAction and placeAction. The caller stops it with stopGame.
func startGame(ctx context.Context, name, url string) (*neuro.Component, error) {
	c, err := neuro.NewComponent(name)
	if err != nil {
		return nil, err
	}
	if err := manager.New("game").Add(c); err != nil {
		return nil, err
	}
	for _, a := range []neuro.Action{playAction, placeAction} {
		if err := c.HandleAction(ctx, a, succeed); err != nil {
			return nil, err
		}
	}
	if err := c.Connect(ctx, url); err != nil {
		_ = stopGame(c)
		return nil, fmt.Errorf("connect %s: %w", name, err)
	}
	return c, nil
}

// stopTimeout bounds a component's Stop.
const stopTimeout = 10 * time.Second

// stopGame stops c with a close handshake and waits for its goroutines.
func stopGame(c *neuro.Component) error {
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	return c.Stop(ctx, 0, "")
}

// actionID is the id of the i-th action of a phase: fixed width, so every
// frame of a phase has the size of the floor's frames.
func actionID(phase byte, i int) string {
	const digits = "00000000"
	s := strconv.Itoa(i)
	if len(s) < len(digits) {
		s = digits[len(s):] + s
	}
	return "5eedcafe-" + string(phase) + s
}

// floorFrames returns frames the size of what b exchanges: an action
// without data as the simulator sends it, and the game's successful
// result.
func floorFrames() (action, result []byte, err error) {
	id := actionID('b', 0)
	if action, err = wire.EncodeServer(wire.ActionRequest{ID: id, Name: playAction.Name}); err != nil {
		return nil, nil, err
	}
	if result, err = wire.EncodeGame(gameName, neuro.ActionResult{ID: id, Success: true}); err != nil {
		return nil, nil, err
	}
	return action, result, nil
}
