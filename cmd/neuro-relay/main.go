package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/neurokit/neurokit/neuro/relay"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "neuro-relay:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// Defaults of the flags.
const (
	urlEnv          = "NEURO_SDK_WS_URL"
	defaultUpstream = "ws://localhost:8000"
	defaultListen   = "127.0.0.1:8001"
	defaultHTTPAddr = "127.0.0.1:8002"
)

// errUsage marks a bad command line (exit 2).
var errUsage = errors.New("usage")

const about = `neuro-relay lets several games share one Neuro connection. Games connect
to -listen exactly as they would to Neuro; the relay holds one connection
to -upstream and presents itself there as one game (-name). Each game's
actions are registered upstream under a prefix derived from its name
("Tic-tac-toe" gives tic_tac_toe__play; a second game of the same name
gets tic_tac_toe-2__play; -prefix sets one), and Neuro's actions reach the
game under its own names. Context and force queries are tagged with the
game's name; forces go upstream one at a time, in a first-come queue with
one place per game. When Neuro drops, games stay connected and everything
is registered again on reconnect. GET /state on -http-addr shows the games,
their names upstream and the force queue.

Usage: neuro-relay [flags]
`

// run parses args, relays until ctx ends, then shuts down gracefully.
// The log goes to stdout. -h prints the help and returns nil.
func run(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("neuro-relay", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), about)
		fs.PrintDefaults()
	}
	upstreamDefault := defaultUpstream
	if v := getenv(urlEnv); v != "" {
		upstreamDefault = v
	}
	var (
		upstream     = fs.String("upstream", upstreamDefault, "Neuro websocket `URL` (from $"+urlEnv+" when set)")
		listen       = fs.String("listen", defaultListen, "`address` games connect to")
		httpAddr     = fs.String("http-addr", defaultHTTPAddr, "`address` of the status page, GET /state (empty: none)")
		name         = fs.String("name", relay.DefaultName, "game `name` the relay uses upstream")
		maxGames     = fs.Int("max-games", relay.DefaultMaxGames, "most games connected at once")
		forceTimeout = fs.Duration("force-timeout", relay.DefaultForceTimeout, "give up a force upstream after this long without an action, result or speech for it")
		prefixes     = prefixFlag{}
		statusHosts  = listFlag{}
		logLevel     = zapcore.InfoLevel
	)
	fs.Var(prefixes, "prefix", "`game=prefix`: the prefix of a game's actions upstream (repeatable)")
	fs.Var(&statusHosts, "status-host", "`host` name the status page answers besides loopback ones (repeatable)")
	fs.Var(&logLevel, "log-level", "log `level`: debug shows every routing decision, warn only problems (default info)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	case *maxGames < 1:
		return fmt.Errorf("%w: -max-games must be at least 1", errUsage)
	case *forceTimeout <= 0:
		return fmt.Errorf("%w: -force-timeout must be positive", errUsage)
	}

	log := newLogger(stdout, logLevel)
	defer func() { _ = log.Sync() }()
	r, err := relay.New(*upstream,
		relay.WithLogger(log),
		relay.WithName(*name),
		relay.WithMaxGames(*maxGames),
		relay.WithForceTimeout(*forceTimeout),
		relay.WithPrefixes(prefixes),
		relay.WithStatusHosts(statusHosts...),
	)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	games, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen for games: %w", err)
	}
	var status net.Listener
	if *httpAddr != "" {
		if status, err = net.Listen("tcp", *httpAddr); err != nil {
			_ = games.Close()
			return fmt.Errorf("listen for the status page: %w", err)
		}
	}
	fields := []zap.Field{zap.String("games", "ws://"+games.Addr().String()), zap.String("upstream", *upstream)}
	if status != nil {
		fields = append(fields, zap.String("status", "http://"+status.Addr().String()+"/state"))
	}
	log.Info("neuro-relay ready", fields...)
	err = r.Run(ctx, games, status)
	log.Info("stopped")
	return err
}

// prefixFlag collects -prefix game=prefix.
type prefixFlag map[string]string

func (p prefixFlag) String() string { return "" }

func (p prefixFlag) Set(v string) error {
	game, prefix, ok := strings.Cut(v, "=")
	if !ok || game == "" {
		return errors.New(`want "game name=prefix"`)
	}
	if err := relay.CheckPrefix(prefix); err != nil {
		return err
	}
	p[game] = prefix
	return nil
}

// listFlag collects a repeated string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// newLogger returns a console logger: one readable line per entry.
func newLogger(w io.Writer, level zapcore.Level) *zap.Logger {
	cfg := zap.NewDevelopmentEncoderConfig()
	cfg.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05.000")
	cfg.EncodeCaller = nil
	cfg.CallerKey = ""
	cfg.StacktraceKey = ""
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(cfg), zapcore.Lock(zapcore.AddSync(w)), level)
	return zap.New(core)
}
