package transport_test

import (
	"context"
	"fmt"

	"github.com/neurokit/neurokit/transport"
)

// Pipe connects two in-memory ends: what one writes the other reads, and
// a close on one side reaches the other as a *CloseError with its code.
func ExamplePipe() {
	ctx := context.Background()
	game, neuro := transport.Pipe()

	_ = game.Write(ctx, []byte(`{"command":"startup","game":"Example"}`))
	frame, _ := neuro.Read(ctx)
	fmt.Println(string(frame))

	_ = neuro.Close(transport.CloseGoingAway, "restarting")
	_, err := game.Read(ctx)
	code, reason, _ := transport.CloseCode(err)
	fmt.Println(code, reason)
	// Output:
	// {"command":"startup","game":"Example"}
	// 1001 restarting
}
