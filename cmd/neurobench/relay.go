package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/relay"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// Phase r: the relay (neuro/relay). r1 times an action round trip from a
// lean server to a game straight, and the same through a relay, side by
// side; r2 counts the relay's allocations per round trip
// (relay_micro.go); r3 puts many games through one relay to the
// simulator.

// relayGameName is the game of r1 and r2; its prefix upstream is "bench".
const relayGameName = "Bench"

// codecGame is the game of phase r: the protocol spoken directly over
// transport/gorilla with the codec, no SDK, so that r1 measures the
// relay and not a game framework. It answers every action with a
// successful result at once, and answers actions/reregister_all.
type codecGame struct {
	name    string
	conn    transport.Conn
	actions []neuro.Action
	done    chan struct{}
	acted   chan struct{} // closed at the first action
	once    sync.Once
	err     atomic.Pointer[error] // the first error of its loop
}

// dialCodecGame connects a codec game to url, sends startup and
// registers actions, then answers on a goroutine of its own until close.
func dialCodecGame(ctx context.Context, url, name string, actions ...neuro.Action) (*codecGame, error) {
	conn, err := gorilla.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	g := &codecGame{name: name, conn: conn, actions: actions, done: make(chan struct{}), acted: make(chan struct{})}
	for _, m := range []wire.Message{wire.Startup{}, wire.RegisterActions{Actions: actions}} {
		if err := g.send(ctx, m); err != nil {
			_ = conn.CloseNow()
			return nil, err
		}
	}
	go g.loop()
	return g, nil
}

func (g *codecGame) send(ctx context.Context, m wire.Message) error {
	frame, err := wire.EncodeGame(g.name, m)
	if err != nil {
		return err
	}
	return g.conn.Write(ctx, frame)
}

func (g *codecGame) fail(err error) { g.err.CompareAndSwap(nil, &err) }

func (g *codecGame) loop() {
	defer close(g.done)
	ctx := context.Background()
	for {
		frame, err := g.conn.Read(ctx)
		if err != nil {
			if _, _, ok := transport.CloseCode(err); !ok {
				g.fail(err)
			}
			return
		}
		m, err := wire.DecodeServer(frame)
		if err != nil {
			g.fail(err)
			continue
		}
		switch m := m.(type) {
		case wire.ActionRequest:
			g.once.Do(func() { close(g.acted) })
			if err := g.send(ctx, neuro.ActionResult{ID: m.ID, Success: true}); err != nil {
				g.fail(err)
				return
			}
		case wire.ReregisterAll:
			if err := g.send(ctx, wire.RegisterActions{Actions: g.actions}); err != nil {
				g.fail(err)
				return
			}
		}
	}
}

// close ends the connection cleanly and waits for the loop; it returns
// the loop's first error.
func (g *codecGame) close() error {
	_ = g.conn.Close(transport.CloseNormal, "")
	_ = g.conn.CloseNow()
	<-g.done
	if p := g.err.Load(); p != nil {
		return *p
	}
	return nil
}

// runningRelay is a relay serving games on a loopback listener.
type runningRelay struct {
	r   *relay.Relay
	url string
	ran chan error
}

func startRelay(upstream string, opts ...relay.Option) (*runningRelay, error) {
	r, err := relay.New(upstream, opts...)
	if err != nil {
		return nil, err
	}
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	rr := &runningRelay{r: r, url: "ws://" + ln.Addr().String(), ran: make(chan error, 1)}
	go func() { rr.ran <- r.Run(context.Background(), ln, nil) }()
	return rr, nil
}

func (rr *runningRelay) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	err := rr.r.Shutdown(ctx)
	return errors.Join(err, <-rr.ran)
}

// relayTripRig is r1's two paths, each a lean server's connection and a
// codec game: direct (the game dialled the server) and relayed (the game
// dialled a relay, which dialled the server). A round trip is timed from
// the write of an action frame until its result frame is read and
// matched, byte for byte.
type relayTripRig struct {
	direct, relayed relayPath
	rel             *runningRelay
}

type relayPath struct {
	ls             *leanServer
	srv            transport.Conn
	game           *codecGame
	action, result []byte
}

func newRelayTripRig(ctx context.Context) (_ *relayTripRig, err error) {
	rig := &relayTripRig{}
	defer func() {
		if err != nil {
			_ = rig.close()
		}
	}()
	id := actionID('r', 0)
	// Direct.
	d := &rig.direct
	if d.ls, err = startLean(); err != nil {
		return rig, err
	}
	if d.game, err = dialCodecGame(ctx, d.ls.url, relayGameName, playAction); err != nil {
		return rig, err
	}
	if d.srv, err = d.ls.conns.take(ctx); err != nil {
		return rig, err
	}
	if err = awaitRegistered(ctx, d.srv, playAction.Name); err != nil {
		return rig, err
	}
	if d.action, d.result, err = tripFrames(id, playAction.Name, relayGameName); err != nil {
		return rig, err
	}
	// Relayed.
	p := &rig.relayed
	if p.ls, err = startLean(); err != nil {
		return rig, err
	}
	if rig.rel, err = startRelay(p.ls.url); err != nil {
		return rig, err
	}
	if p.srv, err = p.ls.conns.take(ctx); err != nil {
		return rig, err
	}
	if p.game, err = dialCodecGame(ctx, rig.rel.url, relayGameName, playAction); err != nil {
		return rig, err
	}
	upName := relay.DerivePrefix(relayGameName) + relay.Separator + playAction.Name
	if err = awaitRegistered(ctx, p.srv, upName); err != nil {
		return rig, err
	}
	if p.action, p.result, err = tripFrames(id, upName, relay.DefaultName); err != nil {
		return rig, err
	}
	return rig, nil
}

// tripFrames is an action frame for name, and the result frame a game
// called game answers it with.
func tripFrames(id, name, game string) (action, result []byte, err error) {
	if action, err = wire.EncodeServer(wire.ActionRequest{ID: id, Name: name}); err != nil {
		return nil, nil, err
	}
	result, err = wire.EncodeGame(game, neuro.ActionResult{ID: id, Success: true})
	return action, result, err
}

func (p *relayPath) trip(ctx context.Context) tripFunc {
	return func(int) (time.Duration, error) {
		t0 := time.Now()
		if err := p.srv.Write(ctx, p.action); err != nil {
			return 0, err
		}
		got, err := p.srv.Read(ctx)
		if err != nil {
			return 0, err
		}
		d := time.Since(t0)
		if string(got) != string(p.result) {
			return 0, fmt.Errorf("%w: %s, want %s", errMismatch, got, p.result)
		}
		return d, nil
	}
}

func (rig *relayTripRig) close() error {
	var errs []error
	for _, p := range []*relayPath{&rig.direct, &rig.relayed} {
		if p.game != nil {
			errs = append(errs, p.game.close())
		}
	}
	if rig.rel != nil {
		errs = append(errs, rig.rel.close())
	}
	for _, p := range []*relayPath{&rig.direct, &rig.relayed} {
		if p.srv != nil {
			_ = p.srv.CloseNow()
		}
		if p.ls != nil {
			p.ls.close()
		}
	}
	return errors.Join(errs...)
}

// relayTrips is r1: direct and relayed round trips, interleaved.
func relayTrips(ctx context.Context, cfg config) (direct, relayed latency, err error) {
	ctx, cancel := context.WithTimeout(ctx, 2*phaseTimeout)
	defer cancel()
	rig, err := newRelayTripRig(ctx)
	if err != nil {
		return direct, relayed, fmt.Errorf("relay round trip: %w", err)
	}
	d := &seqPhase{name: "r1 direct", trip: rig.direct.trip(ctx)}
	r := &seqPhase{name: "r1 relayed", trip: rig.relayed.trip(ctx)}
	err = interleave(ctx, cfg.warmup, cfg.trips, cfg.rounds, d, r)
	if cerr := rig.close(); err == nil {
		err = cerr
	}
	return d.result(), r.result(), err
}

// dialGames connects n codec games to url, named name(i), at most
// dialParallel at once.
func dialGames(ctx context.Context, url string, n int, name func(int) string, actions ...neuro.Action) ([]*codecGame, error) {
	games := make([]*codecGame, n)
	err := forEach(n, dialParallel, func(i int) error {
		g, err := dialCodecGame(ctx, url, name(i), actions...)
		games[i] = g
		return err
	})
	return games, err
}
