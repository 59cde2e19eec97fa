package manager_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	EventBus "github.com/asaskevich/EventBus"

	"github.com/neurokit/neurokit/manager"
)

// The same work for every benchmark: each handler adds to a counter.
var work atomic.Int64

func workHandler(context.Context, manager.Event) error {
	work.Add(1)
	return nil
}

func workSubscriber(manager.Event) { work.Add(1) }

func benchManager(b *testing.B, handlers int) *manager.Manager {
	b.Helper()
	m := manager.New("root")
	for i := range handlers {
		mustAdd(b, m, newComp(fmt.Sprintf("c%d", i), handles("work", workHandler)))
	}
	return m
}

func benchRaise(b *testing.B, m *manager.Manager, ev manager.Event) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := m.Raise(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRaise1(b *testing.B) {
	benchRaise(b, benchManager(b, 1), manager.NewEvent("work", 1))
}

func BenchmarkRaise10(b *testing.B) {
	benchRaise(b, benchManager(b, 10), manager.NewEvent("work", 1))
}

// BenchmarkRaiseNestedLevel1 raises at level 1 in a child; the root
// dispatches it (one handler in the root, none in the child).
func BenchmarkRaiseNestedLevel1(b *testing.B) {
	root := benchManager(b, 1)
	child := manager.New("child")
	mustAdd(b, root, child)
	benchRaise(b, child, manager.NewEvent("work", 1).WithLevel(1))
}

// BenchmarkRaiseIntoChild raises in the root; the only handler is in a
// child manager.
func BenchmarkRaiseIntoChild(b *testing.B) {
	root := manager.New("root")
	child := benchManager(b, 1)
	mustAdd(b, root, child)
	benchRaise(b, root, manager.NewEvent("work", 1))
}

func benchBus(b *testing.B, subscribers int) {
	bus := EventBus.New()
	for range subscribers {
		if err := bus.SubscribeAsync("work", workSubscriber, false); err != nil {
			b.Fatal(err)
		}
	}
	ev := manager.NewEvent("work", 1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		bus.Publish("work", ev)
		bus.WaitAsync()
	}
}

func BenchmarkEventBus1(b *testing.B)  { benchBus(b, 1) }
func BenchmarkEventBus10(b *testing.B) { benchBus(b, 10) }
