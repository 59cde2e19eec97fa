package porting_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/neurokit/neurokit/neuro"
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

// newComponent returns a Neuro component for "My Game", stopped when the
// test ends.
func newComponent(t *testing.T, opts ...neuro.Option) *neuro.Component {
	t.Helper()
	n, err := neuro.NewComponent("My Game", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Stop(context.Background(), 0, ""); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return n
}

// testLog is a logger for the code under test: it keeps what it logged
// at info level and above, and lets the test wait for a message.
type testLog struct {
	*zap.Logger
	logs     *observer.ObservedLogs
	messages chan string
}

func newTestLog(t *testing.T) *testLog {
	core, logs := observer.New(zapcore.InfoLevel)
	l := &testLog{logs: logs, messages: make(chan string, 256)}
	l.Logger = zap.New(core, zap.Hooks(func(e zapcore.Entry) error {
		select {
		case l.messages <- e.Message:
		default:
			t.Errorf("too many log entries; dropped %q", e.Message)
		}
		return nil
	}))
	return l
}

// wait waits until message is logged.
func (l *testLog) wait(t *testing.T, message string) {
	t.Helper()
	ctx := ctxT(t)
	for {
		select {
		case m := <-l.messages:
			if m == message {
				return
			}
		case <-ctx.Done():
			t.Fatalf("%q was not logged", message)
		}
	}
}
