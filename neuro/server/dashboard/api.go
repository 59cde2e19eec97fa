package dashboard

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/neurokit/neurokit/neuro/server"
)

// gameSummary is a GameState without its long lists, which are counted
// instead: what the game list shows. Fields the simulator adds to
// GameState later pass through unchanged.
type gameSummary struct {
	server.GameState
	ActionCount  int `json:"actionCount"`
	ContextCount int `json:"contextCount"`
	WarningCount int `json:"warningCount"`
	ResultCount  int `json:"resultCount"`
}

func summarize(st server.GameState) gameSummary {
	sum := gameSummary{
		GameState:    st,
		ActionCount:  len(st.Actions),
		ContextCount: len(st.Context),
		WarningCount: len(st.Findings),
		ResultCount:  len(st.Results),
	}
	sum.Actions, sum.Context, sum.Findings, sum.Results = nil, nil, nil, nil
	return sum
}

// summaryCache shares one game summary among the streams: it is computed
// again only when an event happened since.
type summaryCache struct {
	mu   sync.Mutex
	seq  uint64
	data []byte
}

// summary returns the JSON of the games' summaries (without the operator,
// which changes apart), computing it only if an event happened since the
// last time.
func (d *Dashboard) summary() []byte {
	c := &d.summaries
	c.mu.Lock()
	defer c.mu.Unlock()
	seq := d.s.LastSeq()
	if c.data != nil && c.seq == seq {
		return c.data
	}
	games := d.s.Games()
	out := make([]gameSummary, len(games))
	for i, st := range games {
		out[i] = summarize(st)
	}
	data, err := json.Marshal(out)
	if err != nil {
		data = []byte("[]")
	}
	c.seq, c.data = seq, data
	return data
}

// stateJSON is the answer of GET api/state and the "state" stream event.
func (d *Dashboard) stateJSON() []byte {
	body := struct {
		Session  any             `json:"session"`
		Now      time.Time       `json:"now"`
		LastSeq  uint64          `json:"lastSeq"`
		Retries  int             `json:"retries"`
		Games    json.RawMessage `json:"games"`
		Operator *operatorView   `json:"operator"`
	}{
		Session: d.s.Session(),
		Now:     time.Now(),
		LastSeq: d.s.LastSeq(),
		Retries: d.cfg.retries,
		Games:   d.summary(),
	}
	if d.op != nil {
		v := d.op.view()
		body.Operator = &v
	}
	data, _ := json.Marshal(body)
	return data
}

func (d *Dashboard) handleState(w http.ResponseWriter, _ *http.Request) {
	writeRaw(w, http.StatusOK, d.stateJSON())
}

func (d *Dashboard) handleGame(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("id")
	if ref == "" {
		writeError(w, http.StatusBadRequest, "name the game: ?id=#1")
		return
	}
	st, err := d.s.Game(ref)
	if err != nil {
		writeServerError(w, err)
		return
	}
	advice := map[server.FindingKind]string{}
	for _, wn := range st.Findings {
		advice[wn.Kind] = Advice(wn.Kind)
	}
	writeJSON(w, http.StatusOK, map[string]any{"game": st, "advice": advice, "now": time.Now()})
}

// handleHistory answers the retained events after ?after= (default 0),
// at most ?limit= (default and most 20000), as
// {"events":[…],"last":N,"more":bool,"dropped":N}: "dropped" counts the
// events after "after" that the simulator no longer keeps.
func (d *Dashboard) handleHistory(w http.ResponseWriter, r *http.Request) {
	after, err1 := uintParam(r, "after", 0)
	limit, err2 := uintParam(r, "limit", maxHistoryPage)
	if err := errors.Join(err1, err2); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit = min(max(limit, 1), maxHistoryPage)
	events := d.s.History()
	var dropped uint64
	if len(events) > 0 && events[0].Seq > after+1 {
		dropped = events[0].Seq - after - 1
	}
	b := append(make([]byte, 0, 64*1024), `{"events":[`...)
	last, n := after, uint64(0)
	for _, e := range events {
		if e.Seq <= after {
			continue
		}
		if n == limit {
			break
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = appendEvent(b, e)
		last, n = e.Seq, n+1
	}
	more := len(events) > 0 && events[len(events)-1].Seq > last
	b = append(b, `],"last":`...)
	b = strconv.AppendUint(b, last, 10)
	b = append(b, `,"more":`...)
	b = strconv.AppendBool(b, more)
	b = append(b, `,"dropped":`...)
	b = strconv.AppendUint(b, dropped, 10)
	b = append(b, '}')
	writeRaw(w, http.StatusOK, b)
}

func uintParam(r *http.Request, name string, def uint64) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, errors.New("?" + name + "= must be a whole number")
	}
	return n, nil
}

// exportHeader is the first line of an export.
type exportHeader struct {
	Kind       string    `json:"kind"` // "session"
	Session    any       `json:"session"`
	ExportedAt time.Time `json:"exportedAt"`
	Format     string    `json:"format"`
	// Advice says what to do about each kind of warning, for the viewer.
	Advice map[server.FindingKind]string `json:"advice"`
}

// handleExport answers every retained event as JSON Lines: a header line
// ({"kind":"session",…}), then one event per line, oldest first.
func (d *Dashboard) handleExport(w http.ResponseWriter, r *http.Request) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(exportTimeout))
	now := time.Now()
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="neuro-session-`+now.Format("20060102-150405")+`.jsonl"`)
	head, _ := json.Marshal(exportHeader{Kind: "session", Session: d.s.Session(), ExportedAt: now, Format: "neurokit-dashboard/1", Advice: advice})
	w.WriteHeader(http.StatusOK)
	buf := append(head, '\n')
	for _, e := range d.s.History() {
		buf = appendEvent(buf, e)
		buf = append(buf, '\n')
		if len(buf) >= 32*1024 {
			if _, err := w.Write(buf); err != nil {
				return
			}
			buf = buf[:0]
		}
		if r.Context().Err() != nil {
			return
		}
	}
	_, _ = w.Write(buf)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "encoding the answer: "+err.Error())
		return
	}
	writeRaw(w, code, data)
}

func writeRaw(w http.ResponseWriter, code int, data []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(data)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// writeServerError maps the simulator's errors to statuses.
func writeServerError(w http.ResponseWriter, err error) {
	code := http.StatusBadGateway
	switch {
	case errors.Is(err, server.ErrUnknownGame), errors.Is(err, server.ErrUnknownAction):
		code = http.StatusNotFound
	case errors.Is(err, server.ErrGameNotConnected):
		code = http.StatusConflict
	case errors.Is(err, server.ErrServerClosed):
		code = http.StatusServiceUnavailable
	}
	writeError(w, code, err.Error())
}
