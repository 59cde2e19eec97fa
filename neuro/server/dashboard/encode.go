package dashboard

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/neurokit/neurokit/neuro/server"
)

// appendEvent appends e as one JSON object on one line: the shape of the
// stream, the history and the export (one per line, JSON Lines):
//
//	{"seq":3,"time":"…","kind":"received","gameId":"#1","game":"Tic Tac Toe",
//	 "command":"startup","frame":"{\"command\":\"startup\",…}"}
//
// "frame" is the raw frame as a string (whatever the game sent, valid
// JSON or not); "error", "finding", "result" and "forceDone" appear when
// set.
func appendEvent(b []byte, e server.Event) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"time":"`...)
	b = e.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","kind":`...)
	b = appendString(b, string(e.Kind))
	b = append(b, `,"gameId":`...)
	b = appendString(b, e.GameID)
	b = append(b, `,"game":`...)
	b = appendString(b, e.Game)
	if e.Command != "" {
		b = append(b, `,"command":`...)
		b = appendString(b, e.Command)
	}
	if e.Frame != nil {
		b = append(b, `,"frame":`...)
		b = appendString(b, string(e.Frame))
	}
	if e.Err != nil {
		b = append(b, `,"error":`...)
		b = appendString(b, e.Err.Error())
	}
	b = appendField(b, "finding", e.Finding)
	b = appendField(b, "result", e.Result)
	b = appendField(b, "forceDone", e.Force)
	return append(b, '}')
}

func appendField[T any](b []byte, name string, v *T) []byte {
	if v == nil {
		return b
	}
	j, err := json.Marshal(v)
	if err != nil {
		// Every field of these types marshals; keep the line valid anyway.
		j, _ = json.Marshal(map[string]string{"error": err.Error()})
	}
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `":`...)
	return append(b, j...)
}

// appendString appends s as a JSON string, as encoding/json writes it:
// invalid UTF-8 becomes U+FFFD; control characters, '<', '>', '&' and the
// line separators are escaped, so a line never holds a raw newline.
func appendString(b []byte, s string) []byte {
	j, err := json.Marshal(s)
	if err != nil { // a string always marshals
		return append(b, `""`...)
	}
	return append(b, j...)
}
