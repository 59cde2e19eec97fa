package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// leanServer is the measurement server of phases a2, b, c, c2 and d: a
// websocket endpoint built from gorilla.Accept (transport/gorilla, as the
// simulator uses) that hands each connection to the phase, which encodes
// actions with wire.EncodeServer and decodes answers with
// wire.DecodeGame, and does nothing else. The simulator's own path (event
// log, per-game records, a goroutine hop to wake Act) is measured apart,
// in b′.
type leanServer struct {
	*httpServer
	conns *handoff[transport.Conn]
}

func startLean() (*leanServer, error) {
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	ls := &leanServer{conns: newHandoff(func(c transport.Conn) { _ = c.CloseNow() })}
	ls.httpServer = serveHTTP(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := gorilla.Accept(w, r); err == nil {
			ls.conns.give(c)
		}
	}))
	return ls, nil
}

func (ls *leanServer) close() {
	ls.httpServer.close()
	ls.conns.drain()
}

// transportRig is a2: the floor's frames through transport/gorilla on
// both ends (Dial for the game, Accept for the server), no codec: what
// the transport adds to the floor.
type transportRig struct {
	ls             *leanServer
	srv, game      transport.Conn
	action, result []byte
	gameDone       chan struct{}
}

func newTransportRig(ctx context.Context) (_ *transportRig, err error) {
	t := &transportRig{}
	if t.action, t.result, err = floorFrames(); err != nil {
		return nil, err
	}
	if t.ls, err = startLean(); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	if t.game, err = gorilla.Dial(ctx, t.ls.url); err != nil {
		return t, fmt.Errorf("transport: dial: %w", err)
	}
	if t.srv, err = t.ls.conns.take(ctx); err != nil {
		return t, err
	}
	t.gameDone = make(chan struct{})
	go func() {
		defer close(t.gameDone)
		bg := context.Background()
		for {
			if _, err := t.game.Read(bg); err != nil {
				return
			}
			if err := t.game.Write(bg, t.result); err != nil {
				return
			}
		}
	}()
	return t, nil
}

func (t *transportRig) close() {
	if t.srv != nil {
		_ = t.srv.CloseNow()
	}
	if t.game != nil {
		_ = t.game.CloseNow()
	}
	if t.gameDone != nil {
		<-t.gameDone
	}
	t.ls.close()
}

func (t *transportRig) trip(ctx context.Context) tripFunc {
	return func(int) (time.Duration, error) {
		t0 := time.Now()
		if err := t.srv.Write(ctx, t.action); err != nil {
			return 0, err
		}
		p, err := t.srv.Read(ctx)
		if err != nil {
			return 0, err
		}
		if !bytes.Equal(p, t.result) {
			return 0, errMismatch
		}
		return time.Since(t0), nil
	}
}

// sdkResult is phases b, c, c2 and d.
type sdkResult struct {
	Seq       latency    `json:"sequential"`
	Validated latency    `json:"validated"`
	Typed     latency    `json:"typed"` // c2: validated, decoded into a struct, typed handler
	Pipe      throughput `json:"pipelined"`
	// DecodeP50Us is the median time the measurement server spent in
	// wire.DecodeGame per answer of b: part of b, not of the game.
	DecodeP50Us float64 `json:"server_decode_p50_us"`
}

// sdkRig is b, c, c2 and d, on one connection: a Component (transport
// gorilla.Dialer, the default) in a Manager answers the actions the lean
// server sends; c2's typed action is registered on it besides the game's
// two. Each round trip is timed from the write of the encoded
// action frame until the answer is decoded and its id matched. The
// component's goroutines carry the game's pprof label, so a -cpuprofile
// can be split by side (pprof -tagfocus neurobench_side=game).
type sdkRig struct {
	ls     *leanServer
	comp   *neuro.Component
	srv    transport.Conn
	decode []time.Duration // DecodeGame times of b's measured round trips

	mu      sync.Mutex
	pending map[string]struct{} // ids in flight in d
}

func newSDKRig(ctx context.Context) (_ *sdkRig, err error) {
	s := &sdkRig{pending: map[string]struct{}{}}
	if s.ls, err = startLean(); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	asSide(ctx, sideGame, func(ctx context.Context) {
		if s.comp, err = startGame(ctx, gameName, s.ls.url); err == nil {
			err = handleTypedPlace(ctx, s.comp)
		}
	})
	if err != nil {
		return s, err
	}
	if s.srv, err = s.ls.conns.take(ctx); err != nil {
		return s, err
	}
	return s, awaitRegistered(ctx, s.srv, playAction.Name, placeAction.Name, typedActionName)
}

// close stops the component (with a close handshake, which the server
// side's transport answers by itself), then closes the server's end.
func (s *sdkRig) close() {
	if s.comp != nil {
		_ = stopGame(s.comp)
	}
	if s.srv != nil {
		_ = s.srv.CloseNow()
	}
	s.ls.close()
}

// trip returns b's (or, with data, c's and c2's) round trip; phase names
// the ids.
func (s *sdkRig) trip(ctx context.Context, phase byte, name, data string, warmup int) tripFunc {
	return func(i int) (time.Duration, error) {
		id := actionID(phase, i)
		frame, err := wire.EncodeServer(wire.ActionRequest{ID: id, Name: name, Data: data, HasData: data != ""})
		if err != nil {
			return 0, err
		}
		t0 := time.Now()
		if err := s.srv.Write(ctx, frame); err != nil {
			return 0, err
		}
		p, err := s.srv.Read(ctx)
		if err != nil {
			return 0, err
		}
		t1 := time.Now()
		if err := checkResult(p, id); err != nil {
			return 0, err
		}
		t2 := time.Now()
		if data == "" && i >= warmup {
			s.decode = append(s.decode, t2.Sub(t1))
		}
		return t2.Sub(t0), nil
	}
}

func (s *sdkRig) decodeP50() float64 {
	slices.Sort(s.decode)
	return us(quantile(s.decode, 0.5))
}

// pipelined is d: actions without data, depth of them in flight.
func (s *sdkRig) pipelined(depth int) func(ctx context.Context, first, n int) error {
	return func(ctx context.Context, first, n int) error {
		send := func(i int) error {
			id := actionID('d', i)
			frame, err := wire.EncodeServer(wire.ActionRequest{ID: id, Name: playAction.Name})
			if err != nil {
				return err
			}
			s.mu.Lock()
			s.pending[id] = struct{}{}
			s.mu.Unlock()
			return s.srv.Write(ctx, frame)
		}
		recv := func() error {
			p, err := s.srv.Read(ctx)
			if err != nil {
				return err
			}
			r, err := decodeResult(p)
			if err != nil {
				return err
			}
			s.mu.Lock()
			_, ok := s.pending[r.ID]
			delete(s.pending, r.ID)
			s.mu.Unlock()
			if !ok || !r.Success {
				return fmt.Errorf("%w: %+v", errMismatch, r)
			}
			return nil
		}
		return pipelined(ctx, first, n, depth, send, recv, func() { _ = s.srv.CloseNow() })
	}
}

// awaitRegistered reads what the game sends until every name was
// registered.
func awaitRegistered(ctx context.Context, conn transport.Conn, names ...string) error {
	want := slices.Clone(names)
	for len(want) > 0 {
		p, err := conn.Read(ctx)
		if err != nil {
			return fmt.Errorf("waiting for actions/register: %w", err)
		}
		_, m, err := wire.DecodeGame(p)
		if err != nil {
			return err
		}
		if reg, ok := m.(wire.RegisterActions); ok {
			for _, a := range reg.Actions {
				want = slices.DeleteFunc(want, func(n string) bool { return n == a.Name })
			}
		}
	}
	return nil
}

func decodeResult(p []byte) (neuro.ActionResult, error) {
	_, m, err := wire.DecodeGame(p)
	if err != nil {
		return neuro.ActionResult{}, err
	}
	r, ok := m.(neuro.ActionResult)
	if !ok {
		return neuro.ActionResult{}, fmt.Errorf("%w: %s", errMismatch, m.Command())
	}
	return r, nil
}

// checkResult decodes an answer and matches it with the action id.
func checkResult(p []byte, id string) error {
	r, err := decodeResult(p)
	if err != nil {
		return err
	}
	if r.ID != id || !r.Success {
		return fmt.Errorf("%w: %+v, want a success for %s", errMismatch, r, id)
	}
	return nil
}
