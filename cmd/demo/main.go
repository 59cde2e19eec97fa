package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/neurokit/neurokit/internal/tictactoe"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "demo:", err)
	}
	os.Exit(exitCode(err))
}

// Defaults of the flags.
const (
	defaultForceDelay = 300 * time.Millisecond
	shutdownTimeout   = 5 * time.Second
)

// Errors of run that choose the exit status.
var (
	errUsage       = errors.New("usage")       // exit 2
	errInterrupted = errors.New("interrupted") // exit 130
)

// exitCode maps run's error to the process's exit status.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errInterrupted):
		return 130
	default:
		return 1
	}
}

// run plays the demo until the match is over or ctx ends (a signal).
// getenv reads the environment (NEURO_SDK_WS_URL, NO_COLOR).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = usage(fs)
	var (
		url     = fs.String("url", "", "Neuro websocket `URL` (default: $"+neuro.URLEnv+", else an embedded simulator)")
		games   = fs.Int("games", 1, "number of games to play")
		seed    = fs.Int64("seed", 0, "seed for a repeatable match: the computer and the embedded simulator (default: random)")
		flaky   = fs.Float64("flaky", 0, "`probability` (0..1) that the embedded simulator sends invalid data (try 0.3)")
		delay   = fs.Duration("delay", defaultForceDelay, "how long the embedded simulator thinks before each move")
		wait    = fs.Duration("connect-wait", tictactoe.DefaultConnectWait, "how long to keep trying the first connection")
		quiet   = fs.Bool("quiet", false, "show only the boards and moves, not the messages exchanged")
		verbose = fs.Bool("v", false, "log everything (debug level) to stderr")
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	case *games < 1:
		return fmt.Errorf("%w: -games must be at least 1", errUsage)
	case *flaky < 0 || *flaky > 1:
		return fmt.Errorf("%w: -flaky must be between 0 and 1", errUsage)
	case *delay < 0:
		return fmt.Errorf("%w: -delay must not be negative", errUsage)
	case *wait <= 0:
		return fmt.Errorf("%w: -connect-wait must be positive", errUsage)
	}
	seeded := flagSet(fs, "seed")
	if !seeded {
		*seed = rand.Int64N(1_000_000)
	}
	level := zapcore.WarnLevel
	if *verbose {
		level = zapcore.DebugLevel
	}
	log := newLogger(stderr, level)
	defer func() { _ = log.Sync() }()

	target, source := *url, "-url"
	if target == "" {
		target, source = getenv(neuro.URLEnv), "$"+neuro.URLEnv
	}
	fmt.Fprintln(stdout, "neurokit demo · tic-tac-toe · Neuro (O) vs the computer (X)")
	embedded := target == ""
	if embedded {
		sim := server.New(
			server.WithSeed(*seed),
			server.WithForceDelay(*delay),
			server.WithErrorRate(*flaky),
			server.WithLogger(log.Named("simulator")),
		)
		if err := sim.Start("127.0.0.1:0", ""); err != nil {
			_ = sim.Close()
			return fmt.Errorf("starting the simulator: %w", err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
			defer cancel()
			if err := sim.Shutdown(sctx); err != nil {
				log.Warn("simulator shutdown was not clean", zap.Error(err))
			}
		}()
		target = sim.URL()
		fmt.Fprintf(stdout, "Neuro: the embedded simulator at %s (seed %d, thinks %s, flaky %g)\n", target, *seed, *delay, *flaky)
		if !seeded {
			replay := append([]string{"go", "run", "./cmd/demo"}, args...)
			fmt.Fprintf(stdout, "Replay this match: %s -seed %d\n", strings.Join(replay, " "), *seed)
		}
	} else {
		if *flaky > 0 {
			log.Warn("-flaky only applies to the embedded simulator; ignored", zap.String("url", target))
		}
		fmt.Fprintf(stdout, "Neuro: %s (from %s; computer seed %d)\n", target, source, *seed)
	}

	opts := []tictactoe.Option{
		tictactoe.WithGames(*games),
		tictactoe.WithSeed(*seed),
		tictactoe.WithConnectWait(*wait),
		tictactoe.WithLogger(log),
		tictactoe.WithQuiet(*quiet),
		tictactoe.WithColor(useColor(stdout, getenv)),
	}
	if embedded {
		// The simulator answers within its retries times its delay: no
		// need to give it the 20s a real Neuro gets before asking again.
		opts = append(opts, tictactoe.WithTurnTimeout(time.Duration(server.DefaultRetries+2)*(*delay)+5*time.Second))
	}
	score, err := tictactoe.Run(ctx, target, stdout, opts...)
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintf(stdout, "Interrupted; score so far: %s\n", score)
		return errInterrupted
	case err != nil:
		return err
	}
	fmt.Fprintln(stdout, "Thanks for watching!")
	return nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// useColor reports whether the transcript gets colours: only on a
// terminal, and never with NO_COLOR set.
func useColor(w io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newLogger returns a console logger writing to w from level up.
func newLogger(w io.Writer, level zapcore.Level) *zap.Logger {
	cfg := zap.NewDevelopmentEncoderConfig()
	cfg.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05.000")
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(cfg), zapcore.Lock(zapcore.AddSync(w)), level)
	return zap.New(core)
}
