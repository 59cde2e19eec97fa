package neurotest

import (
	"encoding/json"

	"github.com/neurokit/neurokit/neuro"
)

// ActTyped is Act with data encoded from v by encoding/json, so that a
// test reads like the game: s.ActTyped("play", Move{Cell: 5}). It fails
// the test when v cannot be encoded, and otherwise as Act does. To send
// data that does not match the action's type, use Act with the JSON text.
func (s *Server) ActTyped(name string, v any) neuro.ActionResult {
	s.t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		s.t.Fatalf("neurotest: ActTyped(%q): encoding %T: %v", name, v, err)
	}
	return s.Act(name, string(data))
}
