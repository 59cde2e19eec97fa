package dashboard

import (
	"errors"
	"net/http"

	"github.com/neurokit/neurokit/neuro/server"
)

func (d *Dashboard) operatorOr404(w http.ResponseWriter) bool {
	if d.op == nil {
		writeError(w, http.StatusNotFound, "no operator: start the simulator with the operator policy (neuro-server -policy manual)")
		return false
	}
	return true
}

// handleOperator turns the operator on or off: {"enabled":bool}.
func (d *Dashboard) handleOperator(w http.ResponseWriter, r *http.Request) {
	if !d.operatorOr404(w) {
		return
	}
	var req struct {
		Enabled *bool `json:"enabled"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Enabled == nil {
		writeError(w, http.StatusBadRequest, `say {"enabled": true} or {"enabled": false}`)
		return
	}
	d.op.SetEnabled(*req.Enabled)
	writeJSON(w, http.StatusOK, d.op.view())
}

// handleAnswer answers a waiting force: {"id","name","data","hasData",
// "allowInvalid"}, or {"id","fallback":true} to let the fallback policy
// answer it.
func (d *Dashboard) handleAnswer(w http.ResponseWriter, r *http.Request) {
	if !d.operatorOr404(w) {
		return
	}
	var req struct {
		ID       string `json:"id"`
		Fallback bool   `json:"fallback"`
		actionData
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Fallback {
		if err := d.op.Fallback(req.ID); err != nil {
			writeError(w, http.StatusNotFound, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"answered": true})
		return
	}
	p, ok := d.op.prompt(req.ID)
	if !ok {
		writeError(w, http.StatusNotFound, "this force is no longer waiting (answered, timed out, or its game went away)")
		return
	}
	a, listed := findAction(p.Actions, req.Name)
	if !listed {
		writeError(w, http.StatusUnprocessableEntity, "the force does not offer action "+quoteClip(req.Name))
		return
	}
	if err := req.check(a, true); err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	c := server.Choice{Name: req.Name}
	if req.HasData && req.Data != "" {
		c.Data, c.HasData = req.Data, true
	}
	if err := d.op.Answer(req.ID, c); err != nil {
		code := http.StatusUnprocessableEntity
		if errors.Is(err, ErrNoSuchPrompt) {
			code = http.StatusNotFound
		}
		writeError(w, code, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"answered": true})
}
