package tictactoe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// Truncation limits of the transcript, in runes.
const (
	maxTextRunes = 48 // context, query, close reason
	maxNoteRunes = 80 // result messages: they list the free cells
	maxDataRunes = 40 // action data
	maxIDRunes   = 14 // action ids
)

// TraceDialer returns a DialFunc that dials with d and writes every frame
// exchanged on its connections to w, one short line each: "→" for what
// the game sends, "←" for what Neuro sends. Connections made, lost and
// closed get a line too. Lines are written whole, from whichever goroutine
// reads or writes; the returned DialFunc is safe for concurrent use.
func TraceDialer(d transport.DialFunc, w interface{ Write([]byte) (int, error) }) transport.DialFunc {
	return newTranscript(w, false, false).dialer(d)
}

// dialer decorates d so that its connections are traced on t.
func (t *transcript) dialer(d transport.DialFunc) transport.DialFunc {
	tr := &tracer{t: t}
	return func(ctx context.Context, url string) (transport.Conn, error) {
		conn, err := d(ctx, url)
		if err != nil {
			return nil, err
		}
		tr.connected(url)
		return &tracedConn{Conn: conn, tr: tr}, nil
	}
}

// tracer keeps what the lines about the connection need across
// connections.
type tracer struct {
	t        *transcript
	dials    int       // successful dials; guarded by t.mu
	lostAt   time.Time // when the last connection was lost; guarded by t.mu
	speaking bool      // a speech_finished that is not final was shown; guarded by t.mu
}

func (tr *tracer) connected(url string) {
	t := tr.t
	t.mu.Lock()
	defer t.mu.Unlock()
	tr.dials++
	switch {
	case tr.dials == 1:
		t.printLocked(t.paint(styleBlue, "⇄ connected to "+url))
	case !tr.lostAt.IsZero():
		down := time.Since(tr.lostAt).Round(100 * time.Millisecond)
		t.printLocked(t.paint(styleBlue, fmt.Sprintf("⇄ reconnected to %s after %s", url, down)))
	default:
		t.printLocked(t.paint(styleBlue, "⇄ reconnected to "+url))
	}
	tr.lostAt = time.Time{}
	tr.speaking = false
}

// tracedConn is a transport.Conn that traces what goes through it.
type tracedConn struct {
	transport.Conn
	tr *tracer
}

// Read reads a frame and writes its line.
func (c *tracedConn) Read(ctx context.Context) ([]byte, error) {
	frame, err := c.Conn.Read(ctx)
	t := c.tr.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		var ce *transport.CloseError
		if errors.As(err, &ce) && c.tr.lostAt.IsZero() {
			c.tr.lostAt = time.Now()
			t.printLocked(t.paint(styleRed, "✗ connection lost: "+closeText(ce.Code, ce.Reason)+"; reconnecting…"))
		}
		return nil, err
	}
	if line, show := t.serverLine(c.tr, frame); show {
		t.wireLocked(t.paint(styleIn, "← ") + line)
	}
	return frame, nil
}

// Write writes frame and its line. The transcript's lock is held across
// the write, so that the line of a frame read in answer to this one comes
// after it.
func (c *tracedConn) Write(ctx context.Context, frame []byte) error {
	t := c.tr.t
	t.mu.Lock()
	defer t.mu.Unlock()
	err := c.Conn.Write(ctx, frame)
	line := t.paint(styleOut, "→ ") + t.describeGame(frame)
	if err != nil {
		line += t.paint(styleRed, " (not sent: "+shorten(err.Error(), maxTextRunes)+")")
	}
	t.wireLocked(line)
	return err
}

// Close closes the connection and writes its line.
func (c *tracedConn) Close(code int, reason string) error {
	err := c.Conn.Close(code, reason)
	t := c.tr.t
	t.mu.Lock()
	defer t.mu.Unlock()
	t.wireLocked(t.paint(styleOut, "→ ") + "close " + closeText(code, reason))
	return err
}

func closeText(code int, reason string) string {
	s := strconv.Itoa(code)
	if reason != "" {
		s += " " + strconv.Quote(shorten(reason, maxTextRunes))
	}
	return s
}

// describeGame summarises a game → Neuro frame in one line (without the
// arrow), for example `actions/force "Your move." [play]`.
func (t *transcript) describeGame(frame []byte) string {
	_, m, err := wire.DecodeGame(frame)
	if err != nil {
		return t.paint(styleRed, "malformed frame "+shorten(string(frame), maxDataRunes))
	}
	switch m := m.(type) {
	case wire.ContextMessage:
		s := "context " + quote(m.Message)
		if m.Silent {
			s += t.paint(styleDim, " (silent)")
		}
		return s
	case wire.RegisterActions:
		sigs := make([]string, len(m.Actions))
		for i, a := range m.Actions {
			sigs[i] = signature(a)
		}
		return "actions/register " + strings.Join(sigs, ", ")
	case wire.UnregisterActions:
		return "actions/unregister " + strings.Join(m.ActionNames, ", ")
	case neuro.ForceActions:
		s := "actions/force " + quote(m.Query) + " [" + strings.Join(m.ActionNames, ", ") + "]"
		if m.Priority != "" && m.Priority != neuro.PriorityLow {
			s += " " + string(m.Priority)
		}
		return s
	case neuro.ActionResult:
		s := "action/result " + actionID(m.ID)
		if m.Success {
			s += " " + t.paint(styleGreen, "✓")
		} else {
			s += " " + t.paint(styleRed, "✗")
		}
		if m.Message != "" {
			s += " " + strconv.Quote(shorten(m.Message, maxNoteRunes))
		}
		return s
	default: // startup, shutdown/ready, unknown commands
		return m.Command()
	}
}

// serverLine describes a Neuro → game frame read on tr's connection, and
// reports whether to show it: of the speech_finished messages of one
// utterance that are not final, only the first is shown (she is
// speaking); the final one always is. The caller holds t.mu.
func (t *transcript) serverLine(tr *tracer, frame []byte) (string, bool) {
	m, err := wire.DecodeServer(frame)
	if err != nil {
		return t.malformed(frame), true
	}
	if sf, ok := m.(wire.SpeechFinished); ok {
		was := tr.speaking
		tr.speaking = !sf.IsFinal
		if was && !sf.IsFinal {
			return "", false
		}
	}
	return t.describeMessage(m), true
}

func (t *transcript) malformed(frame []byte) string {
	return t.paint(styleRed, "malformed frame "+shorten(string(frame), maxDataRunes))
}

// describeServer summarises a Neuro → game frame in one line (without the
// arrow), for example `action play {"cell":5} #3`.
func (t *transcript) describeServer(frame []byte) string {
	m, err := wire.DecodeServer(frame)
	if err != nil {
		return t.malformed(frame)
	}
	return t.describeMessage(m)
}

// describeMessage summarises a decoded Neuro → game message.
func (t *transcript) describeMessage(m wire.Message) string {
	switch m := m.(type) {
	case wire.ActionRequest:
		data := t.paint(styleDim, "(no data)")
		if m.HasData || m.Data != "" {
			data = t.compactData(m.Data)
		}
		return "action " + m.Name + " " + data + " " + actionID(m.ID)
	case wire.StartupAck:
		s := "startup"
		if m.Session.DisplayName != "" {
			s += " " + m.Session.DisplayName
		}
		return s
	case wire.ShutdownGraceful:
		return fmt.Sprintf("shutdown/graceful wants_shutdown=%v", m.WantsShutdown)
	case wire.SpeechFinished:
		switch {
		case !m.IsFinal:
			return "speech_finished " + t.paint(styleDim, "(speaking…)")
		case m.Cancelled && m.Reason != "":
			return "speech_finished (final, cancelled: " + quote(m.Reason) + ")"
		case m.Cancelled:
			return "speech_finished (final, cancelled)"
		default:
			return "speech_finished (final)"
		}
	case wire.Unknown:
		s := m.Cmd
		if len(m.Data) > 0 {
			s += " " + t.compactData(string(m.Data))
		}
		return s
	default: // actions/reregister_all, shutdown/immediate
		return m.Command()
	}
}

// signature describes an action by its parameters: "play(cell ∈ 3,5,9)",
// "pass()", "say(text: string)". a comes from a decoded frame: its nested
// schemas are plain maps.
func signature(a neuro.Action) string {
	props, _ := a.Schema["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	params := make([]string, len(names))
	for i, name := range names {
		params[i] = name + paramType(props[name])
	}
	return a.Name + "(" + shorten(strings.Join(params, ", "), maxTextRunes) + ")"
}

// paramType describes one property schema: " ∈ 1,2,3" for an enum,
// ": string" for a type, "" otherwise.
func paramType(p any) string {
	s, _ := p.(map[string]any)
	if enum, ok := s["enum"]; ok {
		if raw, err := json.Marshal(enum); err == nil {
			return " ∈ " + strings.Trim(string(raw), "[]")
		}
	}
	if typ, ok := s["type"].(string); ok {
		return ": " + typ
	}
	return ""
}

// compactData returns JSON data without insignificant spaces, truncated;
// data that is not JSON is shown as is, marked "(malformed)".
func (t *transcript) compactData(data string) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(data)); err != nil {
		return shorten(data, maxDataRunes) + t.paint(styleRed, " (malformed)")
	}
	return shorten(buf.String(), maxDataRunes)
}

func actionID(id string) string { return "#" + shorten(id, maxIDRunes) }

// quote quotes s, Go style, after shortening it.
func quote(s string) string { return strconv.Quote(shorten(s, maxTextRunes)) }

// shorten folds s onto one line and cuts it to n runes, ending with "…"
// when it was longer.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
