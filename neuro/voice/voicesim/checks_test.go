package voicesim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/neurokit/neurokit/neuro/voice"
)

type step struct {
	kind voice.FrameKind
	p    []byte
}

func txt(s string) step           { return step{voice.TextFrame, []byte(s)} }
func bin(b []byte) step           { return step{voice.BinaryFrame, b} }
func cmd(c, d string) step        { return step{voice.TextFrame, msg(c, "G", d)} }
func audio(id uint16, n int) step { return bin(frame(1, 0, id, n)) }

func TestChecks(t *testing.T) {
	register33 := make([]string, 33)
	for i := range register33 {
		register33[i] = fmt.Sprintf(`{"id":%d,"name":"p%d"}`, 100+i, i)
	}
	tests := []struct {
		name    string
		noStart bool
		steps   []step
		want    []WarningKind
	}{
		{name: "valid frames", steps: []step{audio(1, 960), audio(1, 480), audio(1, 4800)}},
		{name: "rename and stop/start", steps: []step{cmd(voice.CmdRegister, `{"speakers":[{"id":1,"name":"Renamed"}]}`), cmd(voice.CmdStop, ""), cmd(voice.CmdStart, ""), audio(1, 960)}},
		{name: "header version", steps: []step{bin(frame(2, 0, 1, 960))}, want: []WarningKind{WarnHeaderVersion}},
		{name: "header flags", steps: []step{bin(frame(1, 1, 1, 960))}, want: []WarningKind{WarnHeaderFlags}},
		{name: "version and flags", steps: []step{bin(frame(0, 0x80, 1, 960))}, want: []WarningKind{WarnHeaderVersion, WarnHeaderFlags}},
		{name: "misaligned payload", steps: []step{bin(append(frame(1, 0, 1, 960), 0, 0, 0))}, want: []WarningKind{WarnMisaligned}},
		{name: "short frame", steps: []step{bin([]byte{1, 0})}, want: []WarningKind{WarnShortFrame}},
		{name: "frame too short in time", steps: []step{audio(1, 479)}, want: []WarningKind{WarnFrameLength}},
		{name: "frame too long in time", steps: []step{audio(1, 4801)}, want: []WarningKind{WarnFrameLength}},
		{name: "empty frame", steps: []step{audio(1, 0)}, want: []WarningKind{WarnFrameLength}},
		{name: "never registered", steps: []step{audio(2, 960)}, want: []WarningKind{WarnUnknownSpeaker}},
		{name: "since unregistered", steps: []step{cmd(voice.CmdUnregister, `{"ids":[1]}`), audio(1, 960)}, want: []WarningKind{WarnUnregistered}},
		{name: "audio before start", noStart: true, steps: []step{audio(1, 960)}, want: []WarningKind{WarnNotStarted}},
		{name: "audio after stop", steps: []step{cmd(voice.CmdStop, ""), audio(1, 960)}, want: []WarningKind{WarnNotStarted}},
		{name: "33 speakers", steps: []step{cmd(voice.CmdRegister, `{"speakers":[`+strings.Join(register33, ",")+`]}`), audio(131, 960)},
			want: []WarningKind{WarnTooManySpeakers, WarnTooManySpeakers, WarnUnknownSpeaker}}, // 1 + 31 fit; 131 and 132 refused
		{name: "bad speaker entries", steps: []step{cmd(voice.CmdRegister, `{"speakers":[{"id":-1,"name":"a"},{"id":70000,"name":"b"},{"name":"c"},{"id":3},{"id":4,"name":""},{"id":5,"name":"x"},{"id":5,"name":"y"}]}`)},
			want: []WarningKind{WarnBadSpeaker, WarnBadSpeaker, WarnBadSpeaker, WarnBadSpeaker, WarnBadSpeaker, WarnBadSpeaker}},
		{name: "unregister unknown", steps: []step{cmd(voice.CmdUnregister, `{"ids":[9, 70000]}`)}, want: []WarningKind{WarnUnregisterUnknown, WarnBadSpeaker}},
		{name: "invalid JSON", steps: []step{txt(`{"command":`)}, want: []WarningKind{WarnMalformed}},
		{name: "no command", steps: []step{txt(`{"game":"G"}`)}, want: []WarningKind{WarnMalformed}},
		{name: "data not an object", steps: []step{txt(`{"command":"voice/start","game":"G","data":[1]}`)}, want: []WarningKind{WarnMalformed}},
		{name: "register without speakers", steps: []step{cmd(voice.CmdRegister, `{}`)}, want: []WarningKind{WarnMalformed}},
		{name: "register with wrong types", steps: []step{cmd(voice.CmdRegister, `{"speakers":[{"id":"one","name":"a"}]}`)}, want: []WarningKind{WarnMalformed}},
		{name: "unregister without ids", steps: []step{cmd(voice.CmdUnregister, `{"ids":"all"}`)}, want: []WarningKind{WarnMalformed}},
		{name: "unknown command", steps: []step{cmd("voice/bogus", "")}, want: []WarningKind{WarnUnknownCommand}},
		{name: "game name mismatch", steps: []step{txt(`{"command":"voice/stop","game":"Other"}`)}, want: []WarningKind{WarnGameName}},
		{name: "missing game name", steps: []step{txt(`{"command":"voice/stop"}`)}, want: []WarningKind{WarnGameName}},
		{name: "start twice", steps: []step{cmd(voice.CmdStart, "")}, want: []WarningKind{WarnStartTwice}},
	}
	h := newHarness(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			game := fmt.Sprintf("G%d", i)
			conn := h.dial(t, game)
			steps := tt.steps
			if !tt.noStart {
				steps = append([]step{cmd(voice.CmdStart, ""), cmd(voice.CmdRegister, `{"speakers":[{"id":1,"name":"P1"}]}`)}, steps...)
			} else {
				steps = append([]step{cmd(voice.CmdRegister, `{"speakers":[{"id":1,"name":"P1"}]}`)}, steps...)
			}
			for _, s := range steps {
				p := s.p
				if s.kind == voice.TextFrame { // the table says "G"; this socket is game
					p = []byte(strings.ReplaceAll(string(p), `"game":"G"`, fmt.Sprintf(`"game":%q`, game)))
				}
				send(t, conn, s.kind, p)
			}
			got := h.collect(t, conn, game)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("warnings %v, want %v", got, tt.want)
			}
			var gs GameState
			for _, g := range h.srv.State().Games {
				if g.Game == game {
					gs = g
				}
			}
			if gs.Warnings != len(tt.want)+1 { // + the marker
				t.Fatalf("state counts %d warnings, want %d", gs.Warnings, len(tt.want)+1)
			}
		})
	}
}
