package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/schema"
	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/transport"
)

// actionData is how the page sends an action's data: HasData false (or
// Data "") sends none; AllowInvalid skips the schema check (to see how the
// game copes).
type actionData struct {
	Name         string `json:"name"`
	Data         string `json:"data"`
	HasData      bool   `json:"hasData"`
	AllowInvalid bool   `json:"allowInvalid"`
}

// check validates the data against action a's schema, unless invalid data
// was asked for. An action the game did not register is refused too.
func (ad actionData) check(a neuro.Action, registered bool) error {
	if !registered {
		if ad.AllowInvalid {
			return nil
		}
		return fmt.Errorf("action %q is not registered (choose \"send invalid data\" to send it anyway)", ad.Name)
	}
	if ad.AllowInvalid {
		return nil
	}
	cs, err := schema.Compile(a.Name, a.Schema)
	if err != nil {
		return fmt.Errorf("the schema of %q does not compile: %w", a.Name, err)
	}
	return cs.Check(ad.Data, ad.HasData && ad.Data != "")
}

func findAction(actions []neuro.Action, name string) (neuro.Action, bool) {
	for _, a := range actions {
		if a.Name == name {
			return a, true
		}
	}
	return neuro.Action{}, false
}

// lookup finds the action name among those game registered (registered
// false when it is not there). It answers the error itself, and returns
// ok false, when there is no such game.
func (d *Dashboard) lookup(w http.ResponseWriter, game, name string) (a neuro.Action, registered, ok bool) {
	actions, err := d.s.Registry(game)
	if err != nil {
		writeServerError(w, err)
		return neuro.Action{}, false, false
	}
	a, registered = findAction(actions, name)
	return a, registered, true
}

func (d *Dashboard) callCtx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), d.cfg.requestTimeout)
}

// handleGenerate answers {"data":…,"hasData":bool}: schema-valid data for
// an action a game registered (server.GenerateData), for the editor.
func (d *Dashboard) handleGenerate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Game   string `json:"game"`
		Action string `json:"action"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	a, registered, ok := d.lookup(w, req.Game, req.Action)
	if !ok {
		return
	}
	if !registered {
		writeError(w, http.StatusNotFound, fmt.Sprintf("game %s has no action %q registered", req.Game, req.Action))
		return
	}
	data, hasData, err := d.generate(a)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "hasData": hasData})
}

func (d *Dashboard) generate(a neuro.Action) (string, bool, error) {
	if len(a.Schema) == 0 {
		return "", false, nil
	}
	d.rngMu.Lock()
	defer d.rngMu.Unlock()
	data, err := server.GenerateData(context.Background(), a.Schema, d.rng)
	return data, err == nil, err
}

// handleAction sends an action outside any force: {"game","name","data",
// "hasData","allowInvalid"}; it answers {"id":…} once the frame is
// written. The result shows in the stream.
func (d *Dashboard) handleAction(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Game string `json:"game"`
		actionData
	}
	if !decodeBody(w, r, &req) {
		return
	}
	a, registered, ok := d.lookup(w, req.Game, req.Name)
	if !ok {
		return
	}
	if err := req.check(a, registered); err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	ctx, cancel := d.callCtx(r)
	defer cancel()
	data := req.Data
	if !req.HasData {
		data = ""
	}
	id, err := d.s.SendAction(ctx, req.Game, req.Name, data)
	if err != nil {
		writeServerError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": id})
}

// handleSend sends one of the server's other messages to a game:
// {"game","kind"} with kind "reregister_all", "shutdown_graceful" (and
// "wantsShutdown"), "shutdown_immediate" or "speech_finished" (and
// "isFinal", "cancelled", "reason").
func (d *Dashboard) handleSend(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Game          string `json:"game"`
		Kind          string `json:"kind"`
		WantsShutdown bool   `json:"wantsShutdown"`
		IsFinal       bool   `json:"isFinal"`
		Cancelled     bool   `json:"cancelled"`
		Reason        string `json:"reason"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	ctx, cancel := d.callCtx(r)
	defer cancel()
	var err error
	switch req.Kind {
	case "reregister_all":
		err = d.s.ReregisterAll(ctx, req.Game)
	case "shutdown_graceful":
		err = d.s.ShutdownGraceful(ctx, req.Game, req.WantsShutdown)
	case "shutdown_immediate":
		err = d.s.ShutdownImmediate(ctx, req.Game)
	case "speech_finished":
		err = d.s.SendRaw(ctx, req.Game, speechFinished(req.IsFinal, req.Cancelled, req.Reason))
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown kind %q: use reregister_all, shutdown_graceful, shutdown_immediate or speech_finished", req.Kind))
		return
	}
	if err != nil {
		writeServerError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"sent": true})
}

// speechFinished builds the speech_finished frame; the simulator has no
// typed message for it yet.
func speechFinished(isFinal, cancelled bool, reason string) []byte {
	data := map[string]any{"isFinal": isFinal}
	if cancelled {
		data["cancelled"] = true
	}
	if reason != "" {
		data["reason"] = reason
	}
	frame, _ := json.Marshal(map[string]any{"command": "speech_finished", "data": data})
	return frame
}

// validCloseCode reports whether code may be sent in a close frame.
func validCloseCode(code int) error {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014, code >= 3000 && code <= 4999:
		return nil
	}
	return fmt.Errorf("close code %d cannot be sent: use 1000-1003, 1007-1014 or 3000-4999", code)
}

// handleDisconnect closes a game's connection: {"game","code","reason"}.
func (d *Dashboard) handleDisconnect(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Game   string `json:"game"`
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Code == 0 {
		req.Code = transport.CloseGoingAway
	}
	if err := validCloseCode(req.Code); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if len(req.Reason) > 123 {
		writeError(w, http.StatusBadRequest, "the close reason must fit in 123 bytes")
		return
	}
	if req.Game == "" {
		writeError(w, http.StatusBadRequest, "name the game to disconnect")
		return
	}
	st, err := d.s.Game(req.Game)
	if err == nil && !st.Connected {
		err = fmt.Errorf("%w: %s", server.ErrGameNotConnected, req.Game)
	}
	if err == nil {
		err = d.s.Disconnect(req.Game, req.Code, req.Reason)
	}
	if err != nil && !errors.Is(err, transport.ErrClosed) {
		writeServerError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"closed": true})
}
