package porting_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/neurokit/neurokit/neuro/neurotest"
	"github.com/neurokit/neurokit/neuro/server"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitFor bounds every wait of the tests; nothing waits this long when
// the code works.
const waitFor = 5 * time.Second

// ctxT returns a context that ends after waitFor, or with the test.
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return ctx
}

// received returns the commands the simulator received from its games so
// far, in order.
func received(s *neurotest.Server) []string {
	var cmds []string
	for _, ev := range s.Simulator().History() {
		if ev.Kind == server.EventReceived {
			cmds = append(cmds, ev.Command)
		}
	}
	return cmds
}

// count returns how many times cmd occurs in cmds.
func count(cmds []string, cmd string) int {
	n := 0
	for _, c := range cmds {
		if c == cmd {
			n++
		}
	}
	return n
}
