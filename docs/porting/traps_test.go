package porting_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/neurotest"
)

// ---- exception groups and errors.Join ----

// handlerFailures returns every handler failure in err, the error of a
// Raise or of a Scope: the Go form of walking an ExceptionGroup.
// errors.As alone finds the first failure only.
func handlerFailures(err error) []*manager.HandlerError {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var all []*manager.HandlerError
		for _, e := range joined.Unwrap() {
			all = append(all, handlerFailures(e)...)
		}
		return all
	}
	var herr *manager.HandlerError
	if errors.As(err, &herr) {
		return []*manager.HandlerError{herr}
	}
	return nil
}

var (
	errDiskFull = errors.New("disk full")
	errOffline  = errors.New("cloud offline")
)

// failing is a component whose "save" handler fails with err.
type failing struct {
	manager.Base
	err error
}

func (f *failing) BindHandlers() error {
	_, err := f.RegisterHandler("save", func(context.Context, manager.Event) error { return f.err })
	return err
}

func TestHandlerFailures(t *testing.T) {
	game := manager.New("game")
	if err := game.AddAll(&failing{Base: manager.NewBase("disk"), err: errDiskFull},
		&failing{Base: manager.NewBase("cloud"), err: errOffline}); err != nil {
		t.Fatal(err)
	}
	err := game.Raise(ctxT(t), manager.NewEvent("save", nil))
	// except* DiskFull: errors.Is looks through the whole join.
	if !errors.Is(err, errDiskFull) || !errors.Is(err, errOffline) {
		t.Fatalf("Raise: %v, want both failures", err)
	}
	var names []string
	for _, f := range handlerFailures(err) {
		names = append(names, f.Component)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"cloud", "disk"}) {
		t.Errorf("failed components %v, want cloud and disk", names)
	}
}

// ---- trio nurseries and manager scopes ----

// goCancelOnError starts fn in scope and cancels the whole scope when fn
// fails: the rule of a trio nursery, which a Scope does not apply by
// itself (a failure there cancels nothing).
func goCancelOnError(scope *manager.Scope, fn func(ctx context.Context) error) {
	scope.Go(func(ctx context.Context) error {
		err := fn(ctx)
		if err != nil {
			scope.Cancel()
		}
		return err
	})
}

func TestGoCancelOnError(t *testing.T) {
	scope := manager.NewScope(ctxT(t))
	errLost := errors.New("lost the connection")
	goCancelOnError(scope, func(ctx context.Context) error {
		<-ctx.Done() // a long-running task: runs until the scope is cancelled
		return nil
	})
	goCancelOnError(scope, func(context.Context) error { return errLost })
	if err := scope.Wait(); !errors.Is(err, errLost) {
		t.Fatalf("Wait: %v, want the failure", err)
	}
	if scope.Context().Err() == nil {
		t.Error("the failure did not cancel the scope")
	}
}

// In a supervised manager Raise starts the handlers and returns;
// RaiseAndWait (raise_event_internal) waits for them.
func TestRaiseAndWaitInScope(t *testing.T) {
	scope := manager.NewScope(ctxT(t))
	defer scope.Close()
	game := manager.New("game", manager.WithScope(scope))
	release := make(chan struct{})
	if _, err := game.RegisterHandler("turn", func(context.Context, manager.Event) error {
		<-release
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := game.Raise(ctxT(t), manager.NewEvent("turn", nil)); err != nil {
		t.Fatal(err) // returned while the handler is blocked
	}
	close(release)
	if err := game.RaiseAndWait(ctxT(t), manager.NewEvent("turn", nil)); err != nil {
		t.Fatal(err)
	}
	if err := scope.Close(); err != nil {
		t.Fatal(err)
	}
}

// ---- silent context ----

// announce is the Go form of send_context(message): silent, as the Python
// default is. SendContext has no default: say true.
func announce(ctx context.Context, n *neuro.Component, message string) error {
	return n.SendContext(ctx, message, true)
}

func TestSilentContext(t *testing.T) {
	s := neurotest.NewServer(t)
	n, _ := newStopGame(t)
	ctx := ctxT(t)
	if err := n.Connect(ctx, s.URL()); err != nil {
		t.Fatal(err)
	}
	if err := announce(ctx, n, "The computer took cell 5."); err != nil {
		t.Fatal(err)
	}
	if c := s.WaitForContext("cell 5"); !c.Silent {
		t.Errorf("announce sent %+v, not silent", c)
	}
	// A window's context is not silent unless WindowSpec.Silent says so.
	if _, err := n.Window(ctx, neuro.WindowSpec{
		Context: "Your turn.",
		Actions: []neuro.ActionSpec{{Action: neuro.Action{Name: "pass", Description: "Pass your turn."}}},
		Force:   neuro.ForceActions{Query: "Pass."},
	}); err != nil {
		t.Fatal(err)
	}
	if c := s.WaitForContext("Your turn."); c.Silent {
		t.Errorf("the window sent %+v, silent", c)
	}
	s.RequireNoWarnings()
}

// ---- the result before carrying out the action ----

// Move is the data of the "play" action.
type Move struct {
	Cell int `json:"cell" jsonschema:"minimum=1,maximum=9"`
}

// handlePlay registers "play". Its handler only checks the move (OneOf:
// a free cell) and hands it to the game loop, so that the result is sent
// at once; the game loop carries the move out afterwards.
func handlePlay(ctx context.Context, n *neuro.Component, free func() []int, moves chan<- Move) error {
	return neuro.HandleTyped(ctx, n, "play", "Put your O in a free cell.",
		func(_ context.Context, m Move) neuro.Result {
			select {
			case moves <- m:
				return neuro.Success("")
			default:
				return neuro.Failure("Your last move is still being played; try again in a moment.")
			}
		},
		neuro.OneOf("cell", free))
}

func TestResultBeforeCarryingOut(t *testing.T) {
	s := neurotest.NewServer(t)
	n, _ := newStopGame(t)
	ctx := ctxT(t)
	moves := make(chan Move, 1) // the game loop's queue: one move at a time
	free := func() []int { return []int{1, 5, 9} }
	if err := handlePlay(ctx, n, free, moves); err != nil {
		t.Fatal(err)
	}
	if err := n.Connect(ctx, s.URL()); err != nil {
		t.Fatal(err)
	}
	s.WaitRegistered("play")
	// Neuro has her result while the move waits for the game loop.
	if r := s.ActTyped("play", Move{Cell: 5}); !r.Success {
		t.Fatalf("play 5: %+v", r)
	}
	if r := s.ActTyped("play", Move{Cell: 2}); r.Success || r.Message != `"cell" must be one of 1, 5, 9 right now, not 2` {
		t.Errorf("play 2: %+v, want a failure listing the free cells", r)
	}
	select {
	case m := <-moves: // the game loop carries it out now
		if m.Cell != 5 {
			t.Errorf("the game loop got %+v, want cell 5", m)
		}
	default:
		t.Fatal("the move did not reach the game loop")
	}
	s.RequireNoWarnings()
}

// An action's data reaches the handler only after it passed the schema.
func TestHandlerSeesValidatedData(t *testing.T) {
	s := neurotest.NewServer(t)
	n, _ := newStopGame(t)
	ctx := ctxT(t)
	moves := make(chan Move, 1)
	if err := handlePlay(ctx, n, func() []int { return []int{1} }, moves); err != nil {
		t.Fatal(err)
	}
	if err := n.Connect(ctx, s.URL()); err != nil {
		t.Fatal(err)
	}
	s.WaitRegistered("play")
	for _, data := range []string{`{"cell": 10}`, `{"cell": "one"}`, `not json`} {
		if r := s.Act("play", data); r.Success {
			t.Errorf("play %s succeeded", data)
		}
	}
	if len(moves) != 0 {
		t.Errorf("invalid data reached the game loop: %+v", <-moves)
	}
}
