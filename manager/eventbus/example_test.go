package eventbus_test

import (
	"context"
	"fmt"

	EventBus "github.com/asaskevich/EventBus"

	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/manager/eventbus"
)

func Example() {
	bus := EventBus.New()
	m := manager.New("game")

	// Manager → bus: forward "score" events to the "game" topic.
	_ = m.Add(eventbus.NewForwarder("to-bus", bus, "game", "score"))
	_ = bus.Subscribe("game", func(ev manager.Event) { fmt.Println("bus saw", ev.Name, ev.Data) })
	_ = m.Raise(context.Background(), manager.NewEvent("score", 3))

	// Bus → manager: raise publications on "input" as "key" events.
	_, _ = m.RegisterHandler("key", func(ctx context.Context, ev manager.Event) error {
		fmt.Println("manager got", ev.Name, ev.Data)
		return nil
	})
	sub, _ := eventbus.Subscribe(context.Background(), bus, "input", m, eventbus.WithEvent("key"))
	defer sub.Close()
	bus.Publish("input", "space")
	bus.WaitAsync()
	// Output:
	// bus saw score 3
	// manager got key space
}
