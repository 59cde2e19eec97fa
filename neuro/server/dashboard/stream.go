package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"go.uber.org/zap"
)

// handleStream serves the live updates as server-sent events, from the
// event after the Last-Event-ID header of a reconnecting EventSource, or
// else after ?after=, or else from now:
//
//   - "events": {"events":[…],"skipped":N}, the events since the last
//     write, oldest first (see appendEvent); its id is the last event's
//     sequence number. "skipped" counts events left out: more than the
//     batch limit happened in one interval, or the simulator's history
//     dropped them before this stream read them.
//   - "state": the games' summaries, as GET api/state, at most once per
//     summary interval and only after something happened.
//   - "operator": the operator (enabled, waiting forces) when it changes.
//
// The stream never slows the simulator: it reads the simulator's bounded
// history at its own pace, writes at most once per flush interval, and is
// dropped when a write does not finish within the request timeout. At
// most WithMaxClients streams are open at once (503 beyond).
func (d *Dashboard) handleStream(w http.ResponseWriter, r *http.Request) {
	after, err := uintParam(r, "after", 0)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	// A reconnecting EventSource repeats its first URL: Last-Event-ID,
	// which it adds, says where it really is.
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		if n, err := strconv.ParseUint(id, 10, 64); err == nil {
			after = n
		}
	} else if !r.URL.Query().Has("after") {
		after = d.s.LastSeq()
	}
	// A position from a previous run of the simulator would wait for
	// events that were already numbered: start from now instead.
	after = min(after, d.s.LastSeq())
	ok, why := d.enterStream()
	if !ok {
		writeError(w, http.StatusServiceUnavailable, why)
		return
	}
	defer d.leaveStream()

	st := &stream{d: d, w: w, rc: http.NewResponseController(w), ctx: r.Context(), next: after + 1}
	// A stream reads nothing after its headers: no read deadline, or the
	// connection would be cancelled when it passed. Writes have theirs.
	_ = st.rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if err := st.run(); err != nil {
		d.log.Debug("stream ended", zap.String("remote", r.RemoteAddr), zap.Error(err))
	}
}

// stream is one client's live-update stream, run on its request's
// goroutine.
type stream struct {
	d   *Dashboard
	w   http.ResponseWriter
	rc  *http.ResponseController
	ctx context.Context

	next        uint64 // first event not sent yet
	buf         []byte
	summarySeq  uint64 // LastSeq when the last summary was sent
	summaryAt   time.Time
	lastWriteAt time.Time
}

func (st *stream) run() error {
	d := st.d
	var opChanged <-chan struct{}
	if d.op != nil {
		opChanged = d.op.changes()
	}
	ticker := time.NewTicker(d.cfg.flushInterval)
	defer ticker.Stop()

	st.buf = append(st.buf[:0], "retry: 2000\n\n"...)
	st.appendState()
	st.appendOperator()
	if err := st.flush(); err != nil {
		return err
	}
	for {
		opDirty := false
		select {
		case <-ticker.C:
		case <-opChanged:
			opChanged = d.op.changes()
			opDirty = true
		case <-st.ctx.Done():
			return st.ctx.Err()
		case <-d.done:
			return nil
		}
		st.buf = st.buf[:0]
		last := d.s.LastSeq()
		if last >= st.next {
			if err := st.appendEvents(last); err != nil {
				return err
			}
		}
		now := time.Now()
		if last != st.summarySeq && now.Sub(st.summaryAt) >= d.cfg.summaryInterval {
			st.appendState()
		}
		if opDirty {
			st.appendOperator()
		}
		if len(st.buf) == 0 {
			if now.Sub(st.lastWriteAt) < d.cfg.keepAlive {
				continue
			}
			st.buf = append(st.buf, ": keep-alive\n\n"...)
		}
		if err := st.flush(); err != nil {
			return err
		}
	}
}

// appendEvents adds one "events" message with the events from st.next to
// last, at most the batch limit of them (the newest).
func (st *stream) appendEvents(last uint64) error {
	var skipped uint64
	if limit := uint64(st.d.cfg.batchLimit); last-st.next+1 > limit {
		skipped = last - limit + 1 - st.next
		st.next = last - limit + 1
	}
	start := len(st.buf)
	st.buf = append(st.buf, "event: events\ndata: {\"events\":["...)
	watcher := st.d.s.WatchFrom(st.next)
	for n := 0; st.next <= last; n++ {
		e, err := watcher.Next(st.ctx)
		if err != nil {
			st.buf = st.buf[:start]
			return err
		}
		if e.Seq > st.next {
			skipped += e.Seq - st.next // gone from the simulator's history
		}
		if n > 0 {
			st.buf = append(st.buf, ',')
		}
		st.buf = appendEvent(st.buf, e)
		st.next = e.Seq + 1
	}
	st.buf = append(st.buf, `],"skipped":`...)
	st.buf = strconv.AppendUint(st.buf, skipped, 10)
	st.buf = append(st.buf, "}\nid: "...)
	st.buf = strconv.AppendUint(st.buf, st.next-1, 10)
	st.buf = append(st.buf, "\n\n"...)
	return nil
}

func (st *stream) appendState() {
	st.summarySeq = st.d.s.LastSeq()
	st.summaryAt = time.Now()
	st.buf = append(st.buf, "event: state\ndata: "...)
	st.buf = append(st.buf, st.d.stateJSON()...)
	st.buf = append(st.buf, "\n\n"...)
}

func (st *stream) appendOperator() {
	if st.d.op == nil {
		return
	}
	data, _ := json.Marshal(st.d.op.view())
	st.buf = append(st.buf, "event: operator\ndata: "...)
	st.buf = append(st.buf, data...)
	st.buf = append(st.buf, "\n\n"...)
}

// flush writes st.buf within the request timeout.
func (st *stream) flush() error {
	now := time.Now()
	_ = st.rc.SetWriteDeadline(now.Add(st.d.cfg.requestTimeout))
	if _, err := st.w.Write(st.buf); err != nil {
		return err
	}
	st.lastWriteAt = now
	return st.rc.Flush()
}
