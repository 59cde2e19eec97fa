package manager_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/neurokit/neurokit/manager"
)

// Player is a component that handles "score" events.
type Player struct {
	manager.Base
	mu     sync.Mutex
	points int
}

// BindHandlers is called by Manager.Add.
func (p *Player) BindHandlers() error {
	_, err := p.RegisterHandler("score", func(ctx context.Context, ev manager.Event) error {
		n, err := manager.Payload[int](ev)
		if err != nil {
			return err
		}
		p.mu.Lock()
		p.points += n
		p.mu.Unlock()
		return nil
	})
	return err
}

// Referee announces a score by raising an event through its manager.
type Referee struct{ manager.Base }

func Example() {
	m := manager.New("game")
	player := &Player{Base: manager.NewBase("player")}
	referee := &Referee{Base: manager.NewBase("referee")}
	if err := m.AddAll(player, referee); err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	// Raise waits for every handler, so the score is counted afterwards.
	_ = referee.Raise(ctx, manager.NewEvent("score", 3))
	_ = referee.Raise(ctx, manager.NewEvent("score", 4))
	fmt.Println("components:", m.ComponentNames())
	fmt.Println("points:", player.points)

	err := referee.Raise(ctx, manager.NewEvent("score", "ten"))
	fmt.Println(err)
	// Output:
	// components: [player referee]
	// points: 7
	// manager: handler of component "player" for event "score": manager: payload type mismatch: event "score" carries string, want int
}

func Example_nested() {
	root := manager.New("root")
	level := manager.New("level")
	if err := root.Add(level); err != nil {
		fmt.Println(err)
		return
	}
	var mu sync.Mutex
	var seen []string
	record := func(where string) manager.Handler {
		return func(ctx context.Context, ev manager.Event) error {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, fmt.Sprintf("%s got %s", where, ev.Name))
			return nil
		}
	}
	_, _ = root.RegisterHandler("pause", record("root"))
	_, _ = level.RegisterHandler("pause", record("level"))

	enemy := &Referee{Base: manager.NewBase("enemy")}
	_ = level.Add(enemy)
	// Level 0 stays in the level manager.
	_ = enemy.Raise(context.Background(), manager.NewEvent("pause", nil))
	fmt.Println(seen)
	// Level 1 goes up to the root, which dispatches it everywhere below.
	seen = nil
	_ = enemy.Raise(context.Background(), manager.NewEvent("pause", nil).WithLevel(1))
	sort.Strings(seen)
	fmt.Println(seen)
	// Output:
	// [level got pause]
	// [level got pause root got pause]
}

func Example_supervised() {
	scope := manager.NewScope(context.Background())
	m := manager.New("game", manager.WithScope(scope))
	conn := &Referee{Base: manager.NewBase("connection")}
	_ = m.Add(conn)
	reading := make(chan string)
	_, _ = conn.RegisterHandler("connect", func(ctx context.Context, ev manager.Event) error {
		url, err := manager.Payload[string](ev)
		if err != nil {
			return err
		}
		reading <- url
		<-ctx.Done() // a read loop runs until the scope is shut down
		return ctx.Err()
	})

	// Raise starts the handler in the scope and returns at once.
	err := m.Raise(context.Background(), manager.NewEvent("connect", "ws://localhost:8000"))
	fmt.Println("raise returned:", err)
	fmt.Println("reading from", <-reading)
	// The owner shuts the scope down; cancellation is not an error.
	fmt.Println("close:", scope.Close())
	// Output:
	// raise returned: <nil>
	// reading from ws://localhost:8000
	// close: <nil>
}

// RaiseAndWait is the waiting form on demand: in a supervised manager it
// runs the handlers like a waiting manager would, so the caller sees what
// they did and the errors they returned.
func ExampleManager_RaiseAndWait() {
	scope := manager.NewScope(context.Background())
	m := manager.New("game", manager.WithScope(scope))
	player := &Player{Base: manager.NewBase("player")}
	_ = m.Add(player)
	fmt.Println("supervised:", m.HandlerScope() == scope)
	fmt.Println("score handled:", m.Handles("score"), "pause handled:", m.Handles("pause"))

	ctx := context.Background()
	err := m.RaiseAndWait(ctx, manager.NewEvent("score", 5))
	fmt.Println("points:", player.points, "error:", err) // the handler has returned
	err = m.RaiseAndWait(ctx, manager.NewEvent("score", "ten"))
	fmt.Println(err != nil, errors.Is(err, manager.ErrPayloadType))
	fmt.Println("scope:", scope.Close()) // the scope saw none of it
	// Output:
	// supervised: true
	// score handled: true pause handled: false
	// points: 5 error: <nil>
	// true true
	// scope: <nil>
}
