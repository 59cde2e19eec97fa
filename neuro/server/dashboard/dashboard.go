package dashboard

import (
	"bytes"
	crand "crypto/rand"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"sync"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/neuro/server"
)

// PathPrefix is the path under which the dashboard serves everything but
// its page (which is GET /): static files and its JSON API.
const PathPrefix = "/dashboard/"

// The page (a template: it gets the token) and its files.
var (
	//go:embed index.html
	pageTemplate string
	//go:embed static
	staticFiles embed.FS
)

// Dashboard serves the simulator's browser page and the API behind it. It
// uses only the exported API of *server.Server. All methods are safe for
// concurrent use. Close ends the live-update streams and waits for them;
// the Dashboard does not own the Server.
type Dashboard struct {
	s     *server.Server
	cfg   config
	log   *zap.Logger
	op    *Operator
	token string
	page  []byte // index.html with the token
	files http.Handler

	rngMu sync.Mutex
	rng   *rand.Rand // data for the editor

	summaries summaryCache

	mu      sync.Mutex
	closed  bool
	streams int
	wg      sync.WaitGroup // open streams
	done    chan struct{}  // closed by Close
}

// New returns a Dashboard for s. It starts nothing; serve Handler.
func New(s *server.Server, opts ...Option) (*Dashboard, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	seed := cfg.seed
	if !cfg.seeded {
		seed = rand.Int64()
	}
	var tok [24]byte
	if _, err := crand.Read(tok[:]); err != nil {
		return nil, err
	}
	d := &Dashboard{
		s:     s,
		cfg:   cfg,
		log:   cfg.logger.Named("dashboard"),
		op:    cfg.operator,
		token: hex.EncodeToString(tok[:]),
		rng:   rand.New(rand.NewPCG(uint64(seed), 0xda5b)),
		done:  make(chan struct{}),
	}
	page, err := renderPage(d.token)
	if err != nil {
		return nil, err
	}
	d.page = page
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	d.files = http.StripPrefix(PathPrefix+"static/", http.FileServerFS(sub))
	return d, nil
}

func renderPage(token string) ([]byte, error) {
	t, err := template.New("page").Parse(pageTemplate)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, struct{ Token string }{token}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Token returns the per-run token that state-changing requests carry in
// the X-Dashboard-Token header. The page has it; scripts on this machine
// may read it here.
func (d *Dashboard) Token() string { return d.token }

// Handler returns the dashboard's routes: GET / (the page) and everything
// under PathPrefix. Other paths answer 404, so a caller mounts it next to
// the simulator's own HTTPHandler:
//
//	mux.Handle("GET /{$}", d.Handler())
//	mux.Handle(dashboard.PathPrefix, d.Handler())
//	mux.Handle("/", s.HTTPHandler())
func (d *Dashboard) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", d.guard(page, d.servePage))
	mux.HandleFunc("GET "+PathPrefix+"static/", d.guard(page, d.files.ServeHTTP))
	api := PathPrefix + "api/"
	mux.HandleFunc("GET "+api+"state", d.guard(read, d.handleState))
	mux.HandleFunc("GET "+api+"game", d.guard(read, d.handleGame))
	mux.HandleFunc("GET "+api+"history", d.guard(read, d.handleHistory))
	mux.HandleFunc("GET "+api+"export", d.guard(read, d.handleExport))
	mux.HandleFunc("GET "+api+"stream", d.guard(read, d.handleStream))
	mux.HandleFunc("POST "+api+"generate", d.guard(write, d.handleGenerate))
	mux.HandleFunc("POST "+api+"action", d.guard(write, d.handleAction))
	mux.HandleFunc("POST "+api+"send", d.guard(write, d.handleSend))
	mux.HandleFunc("POST "+api+"disconnect", d.guard(write, d.handleDisconnect))
	mux.HandleFunc("POST "+api+"operator", d.guard(write, d.handleOperator))
	mux.HandleFunc("POST "+api+"operator/answer", d.guard(write, d.handleAnswer))
	return mux
}

func (d *Dashboard) servePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(d.page)
}

// Close ends every live-update stream and waits for their handlers to
// return; new streams are refused with 503. Other requests keep working.
// It is idempotent and returns nil. Call it before shutting down the
// http.Server that serves Handler, whose Shutdown would otherwise wait
// for the streams until its context ends.
func (d *Dashboard) Close() error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.done)
	}
	d.mu.Unlock()
	d.wg.Wait()
	return nil
}

// enterStream counts one more stream, unless closed or full.
func (d *Dashboard) enterStream() (ok bool, why string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return false, "the dashboard is closing"
	case d.streams >= d.cfg.maxClients:
		return false, "too many dashboard tabs are open; close one"
	}
	d.streams++
	d.wg.Add(1)
	return true, ""
}

func (d *Dashboard) leaveStream() {
	d.mu.Lock()
	d.streams--
	d.mu.Unlock()
	d.wg.Done()
}
