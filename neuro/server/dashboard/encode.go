package dashboard

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/neurokit/neurokit/neuro/server"
)

// appendEvent appends e as one JSON object on one line: the shape of the
// stream, the history and the export (one per line, JSON Lines):
//
//	{"seq":3,"time":"…","kind":"received","gameId":"#1","game":"Tic Tac Toe",
//	 "command":"startup","frame":"{\"command\":\"startup\",…}"}
//
// "frame" is the raw frame as a string (whatever the game sent, valid
// JSON or not); "error", "warning", "result" and "forceDone" appear when
// set. Hot kinds (frames) are written by hand; the rare structured ones
// through encoding/json.
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
	b = appendField(b, "warning", e.Warning)
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

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD;
// line separators and '<', '>', '&' are escaped like encoding/json does,
// so a line is safe in any context and never holds a raw newline.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
