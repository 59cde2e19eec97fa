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

	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/server/dashboard"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "neuro-server:", err)
		os.Exit(1)
	}
}

// shutdownTimeout bounds the graceful shutdown after a signal.
const shutdownTimeout = 5 * time.Second

// run parses args, serves until ctx ends, then shuts down gracefully. The
// log goes to stdout. -h prints the usage and returns nil.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("neuro-server", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var (
		wsAddr    = fs.String("ws-addr", "127.0.0.1:8000", "websocket `address` games connect to")
		httpAddr  = fs.String("http-addr", "127.0.0.1:1337", "HTTP `address` for the dashboard (GET /), POST / and GET /state (empty: none)")
		seed      = fs.Int64("seed", 0, "seed for repeatable choices, data and timings (default: random)")
		behaviour = addBehaviourFlags(fs)
		allowHost = fs.String("allow-host", "", "comma-separated extra Host `names` to answer (e.g. devbox.local for LAN use), or * for any;\n"+
			"by default only loopback names (localhost, 127.0.0.1, [::1]), and IP addresses on a non-loopback listener")
		allowOrigin = fs.String("allow-origin", "", "comma-separated extra web `origins` whose pages may open a game websocket\n"+
			"(e.g. https://mygame.example), or * for any; by default only loopback origins and non-browser clients")
		readTimeout = fs.Duration("http-read-timeout", server.DefaultHTTPReadTimeout, "longest time an HTTP request (headers and body) may take to arrive")
		maxActions  = fs.Int("max-actions", server.DefaultMaxActions, "most actions one game may have registered")
		policy      = fs.String("policy", "random", "who answers forces: `random` (like the official mock) or manual (you, in the dashboard)")
		opTimeout   = fs.Duration("operator-timeout", 0, "how long a force waits for the dashboard's operator before the random policy answers (0: no limit)")
		voiceChat   = fs.Bool("voice", true, "offer voice chat on the websocket port's /game/<name>/voice; -voice=false answers voice/unavailable,\n"+
			"as a server without voice chat does")
		dashHosts hostList
		logLevel  = zapcore.InfoLevel
	)
	fs.Var(&dashHosts, "dashboard-host", "a `host` name the dashboard also answers to, besides loopback and -allow-host (repeatable; anyone who reaches it drives the simulator)")
	fs.Var(&logLevel, "log-level", "log `level`: debug adds every message in both directions, one line each (cut to 512 bytes);\n"+
		"info (the default) shows connections, findings, advice and the server's own messages")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case *readTimeout <= 0:
		return errors.New("-http-read-timeout must be positive")
	case *maxActions <= 0:
		return errors.New("-max-actions must be positive")
	case *policy != "random" && *policy != "manual":
		return fmt.Errorf("-policy must be random or manual, not %q", *policy)
	case *opTimeout < 0:
		return errors.New("-operator-timeout must not be negative")
	}
	behaviourOpts, err := behaviour.options()
	if err != nil {
		return err
	}

	log := newLogger(stdout, logLevel)
	defer func() { _ = log.Sync() }()
	opts := append(behaviourOpts,
		server.WithLogger(log),
		server.WithHTTPReadTimeout(*readTimeout),
		server.WithMaxActions(*maxActions),
		server.WithVoice(*voiceChat),
		server.WithAllowedHosts(splitList(*allowHost)...),
		server.WithAllowedOrigins(splitList(*allowOrigin)...),
	)
	policySeed := rand.Int64()
	if flagSet(fs, "seed") {
		opts = append(opts, server.WithSeed(*seed))
		policySeed = *seed // the random policy chooses as it would alone
	}
	// The operator is always there, so that the dashboard can switch it
	// on; -policy manual starts with it on.
	op := dashboard.NewOperator(server.NewRandomPolicy(policySeed),
		dashboard.OperatorEnabled(*policy == "manual"), dashboard.OperatorTimeout(*opTimeout))
	opts = append(opts, server.WithPolicy(op))
	s := server.New(opts...)
	if err := s.Start(*wsAddr, ""); err != nil {
		_ = s.Close()
		return err
	}
	fields := []zap.Field{zap.String("websocket", s.URL())}
	var side *httpSide
	if *httpAddr != "" {
		dopts := []dashboard.Option{dashboard.WithLogger(log), dashboard.WithOperator(op),
			dashboard.WithAllowedHosts(append(splitList(*allowHost), dashHosts...)...)}
		if flagSet(fs, "retries") && behaviour.retries >= 0 {
			dopts = append(dopts, dashboard.WithRetries(behaviour.retries))
		}
		d, err := dashboard.New(s, dopts...)
		if err == nil {
			side, err = startHTTP(*httpAddr, *readTimeout, s, d, log)
		}
		if err != nil {
			_ = s.Close()
			return err
		}
		fields = append(fields, zap.String("http", "http://"+side.ln.Addr().String()), zap.String("dashboard", side.dashboardURL()))
	}
	fields = append(fields, zap.String("profile", behaviour.profile))
	log.Info("neuro-server ready", fields...)
	if side != nil {
		log.Info("open the dashboard at " + side.dashboardURL())
	}

	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if side != nil {
		if err := side.shutdown(sctx); err != nil {
			log.Warn("http shutdown was not clean", zap.Error(err))
		}
	}
	if err := s.Shutdown(sctx); err != nil {
		log.Warn("shutdown was not clean", zap.Error(err))
	}
	log.Info("stopped")
	return nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// hostList is a repeatable flag; a value may also list hosts separated
// by commas.
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }

func (h *hostList) Set(v string) error {
	for _, host := range strings.Split(v, ",") {
		if host = strings.TrimSpace(host); host != "" {
			*h = append(*h, host)
		}
	}
	return nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
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
