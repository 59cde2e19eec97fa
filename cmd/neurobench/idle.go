package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport/gorilla"
)

// idleResult is phase g.
type idleResult struct {
	Seconds float64 `json:"seconds"`
	// Goroutines of the connected component (its run loop, the
	// transport's reader and pinger) and of the simulator's side of it.
	GameGoroutines int `json:"game_goroutines"`
	SimGoroutines  int `json:"simulator_goroutines"`
	// CPU time of the whole process (getrusage: user + system) during
	// the window, and per second of an idle window measured before the
	// component connected (the runtime's own background).
	CPUMs                float64       `json:"cpu_ms"`
	CPUUsPerS            float64       `json:"cpu_us_per_s"`
	BaselineCPUUsPerS    float64       `json:"baseline_cpu_us_per_s"`
	CPUMeasured          bool          `json:"cpu_measured"`
	FromGame             frameSnapshot `json:"frames_from_game"`
	ToGame               frameSnapshot `json:"frames_to_game"`
	ExpectedPingsPerSide float64       `json:"expected_pings_per_side"`
	// BeyondKeepAlive counts the frames in the window other than pings
	// and pongs, both directions.
	BeyondKeepAlive int64 `json:"frames_beyond_keepalive"`
	// Goroutines created in the whole process during the window.
	GoroutinesCreated int64 `json:"goroutines_created"`
}

// idlePhase is g: one Component connected to the simulator, left alone
// for cfg.idle once its startup and registration went through. The
// simulator is served on a listener that counts every websocket frame in
// both directions, so the keep-alive (a ping every
// gorilla.DefaultPingInterval from each side, each answered by a pong) is
// told apart from anything else.
func idlePhase(ctx context.Context, cfg config) (res idleResult, err error) {
	ctx, cancel := context.WithTimeout(ctx, phaseTimeout+2*cfg.idle)
	defer cancel()
	ln, err := listen()
	if err != nil {
		return res, err
	}
	cl := &countingListener{Listener: ln}
	sim := server.New(server.WithReregisterOnConnect(false))
	var hs *httpServer
	asSide(ctx, sideSim, func(context.Context) { hs = serveHTTP(cl, sim.Handler()) })
	defer func() {
		_ = sim.Close()
		hs.close()
	}()

	// The runtime's own background, before anything connects, once the
	// earlier phases' memory went back to the system.
	debug.FreeOSMemory()
	baseline := max(cfg.idle/5, 100*time.Millisecond)
	cpu0, ok0 := cpuTime()
	if err := sleep(ctx, baseline); err != nil {
		return res, err
	}
	cpu1, ok1 := cpuTime()
	res.BaselineCPUUsPerS = us(cpu1-cpu0) / baseline.Seconds()

	g0 := countGoroutines()
	w, wReg := sim.Watch(), sim.Watch() // the ack and the register may come in either order
	var comp *neuro.Component
	asSide(ctx, sideGame, func(ctx context.Context) { comp, err = startGame(ctx, gameName, hs.url) })
	if err != nil {
		return res, err
	}
	defer func() {
		if serr := stopGame(comp); serr != nil && err == nil {
			err = serr
		}
	}()
	// The simulator acknowledges the startup and reads the register.
	if _, err := w.WaitFor(ctx, server.IsSent("", wire.CmdStartup)); err != nil {
		return res, fmt.Errorf("idle: waiting for the acknowledgement: %w", err)
	}
	if _, err := wReg.WaitFor(ctx, server.IsReceived("", wire.CmdRegister)); err != nil {
		return res, fmt.Errorf("idle: waiting for the game: %w", err)
	}
	// Let the start-up's last work (the component raising
	// StartupAcknowledged on a goroutine of its own) finish first.
	if err := sleep(ctx, min(cfg.idle/10, 500*time.Millisecond)); err != nil {
		return res, err
	}
	g1 := countGoroutines()
	res.GameGoroutines = g1.bySide[sideGame] - g0.bySide[sideGame]
	res.SimGoroutines = g1.bySide[sideSim] - g0.bySide[sideSim]

	from0, to0 := cl.fromPeer.snapshot(), cl.toPeer.snapshot()
	created0 := goroutinesCreated()
	cpu2, ok2 := cpuTime()
	start := time.Now()
	if err := sleep(ctx, cfg.idle); err != nil {
		return res, err
	}
	cpu3, ok3 := cpuTime()
	elapsed := time.Since(start)
	created1 := goroutinesCreated()
	from1, to1 := cl.fromPeer.snapshot(), cl.toPeer.snapshot()

	res.Seconds = elapsed.Seconds()
	res.CPUMeasured = ok0 && ok1 && ok2 && ok3
	res.CPUMs = float64(cpu3-cpu2) / float64(time.Millisecond)
	res.CPUUsPerS = us(cpu3-cpu2) / elapsed.Seconds()
	res.FromGame, res.ToGame = from1.sub(from0), to1.sub(to0)
	res.ExpectedPingsPerSide = elapsed.Seconds() / gorilla.DefaultPingInterval.Seconds()
	res.BeyondKeepAlive = res.FromGame.Data + res.FromGame.Close + res.ToGame.Data + res.ToGame.Close
	res.GoroutinesCreated = int64(created1 - created0)
	return res, nil
}

// sleep waits for d: the idle phase measures a quiet process, so waiting
// is the measurement itself.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// goroutinesCreated is the number of goroutines created since the
// process started.
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
