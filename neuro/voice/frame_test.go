package voice

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"
)

func TestFrameRoundTrip(t *testing.T) {
	samples := []float32{0, 1, -1, 0.5, float32(math.Inf(1)), -0.25, math.SmallestNonzeroFloat32}
	frame := AppendFrame(nil, 0xBEEF, samples)
	want := []byte{1, 0, 0xEF, 0xBE}
	if !bytes.Equal(frame[:4], want) {
		t.Fatalf("header = % x, want % x", frame[:4], want)
	}
	if len(frame) != HeaderSize+4*len(samples) {
		t.Fatalf("len = %d", len(frame))
	}
	// 1.0 is 0x3f800000, little-endian.
	if !bytes.Equal(frame[8:12], []byte{0, 0, 0x80, 0x3f}) {
		t.Fatalf("sample 1 = % x", frame[8:12])
	}
	h, payload, err := ParseFrame(frame)
	if err != nil || h != (Header{Version: 1, Flags: 0, Speaker: 0xBEEF}) {
		t.Fatalf("ParseFrame = %+v, %v", h, err)
	}
	got, err := DecodePCM(nil, payload)
	if err != nil {
		t.Fatal(err)
	}
	for i := range samples {
		if math.Float32bits(got[i]) != math.Float32bits(samples[i]) {
			t.Fatalf("sample %d = %v, want %v", i, got[i], samples[i])
		}
	}
	// Appending reuses dst's room.
	buf := make([]byte, 0, 64)
	if out := AppendFrame(buf, 1, samples[:2]); &out[0] != &buf[:1][0] {
		t.Fatal("AppendFrame reallocated a buffer with room")
	}
}

func TestParseFrameErrors(t *testing.T) {
	tests := []struct {
		name  string
		frame []byte
		want  error
		hdr   Header
	}{
		{"empty", nil, ErrFrameShort, Header{}},
		{"three bytes", []byte{1, 0, 1}, ErrFrameShort, Header{}},
		{"version 2", []byte{2, 0, 1, 0}, ErrFrameVersion, Header{2, 0, 1}},
		{"version 0 and flags", []byte{0, 4, 1, 0}, ErrFrameVersion, Header{0, 4, 1}},
		{"flags", []byte{1, 0x80, 2, 1}, ErrFrameFlags, Header{1, 0x80, 0x0102}},
		{"misaligned", []byte{1, 0, 0, 0, 1, 2, 3}, ErrFrameMisaligned, Header{1, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, err := ParseFrame(tt.frame)
			if !errors.Is(err, tt.want) || h != tt.hdr {
				t.Fatalf("ParseFrame(% x) = %+v, %v; want %+v, %v", tt.frame, h, err, tt.hdr, tt.want)
			}
		})
	}
	// A header alone is a valid, empty frame: the length check is separate.
	if _, p, err := ParseFrame([]byte{1, 0, 0, 0}); err != nil || len(p) != 0 {
		t.Fatalf("header only: %v, %d", err, len(p))
	}
	if _, err := DecodePCM(nil, []byte{1, 2}); !errors.Is(err, ErrFrameMisaligned) {
		t.Fatalf("DecodePCM misaligned: %v", err)
	}
}

func TestCheckFrameLength(t *testing.T) {
	tests := []struct {
		rate, n int
		ok      bool
	}{
		{48000, 480, true}, {48000, 479, false}, {48000, 960, true}, {48000, 4800, true}, {48000, 4801, false},
		{44100, 441, true}, {44100, 440, false}, {44100, 4410, true}, {44100, 4411, false},
		{22050, 221, true}, {22050, 220, false}, {22050, 2205, true}, {22050, 2206, false},
		{48000, 0, false}, {0, 960, false}, {-1, 960, false},
	}
	for _, tt := range tests {
		err := CheckFrameLength(tt.rate, tt.n)
		if (err == nil) != tt.ok {
			t.Errorf("CheckFrameLength(%d, %d) = %v, want ok=%v", tt.rate, tt.n, err, tt.ok)
		}
		if err != nil && tt.rate > 0 && !errors.Is(err, ErrFrameDuration) {
			t.Errorf("CheckFrameLength(%d, %d) = %v, want ErrFrameDuration", tt.rate, tt.n, err)
		}
	}
	if got := FrameSamples(48000, RecommendedFrame); got != 960 {
		t.Errorf("FrameSamples(48000, 20ms) = %d", got)
	}
	if got := FrameDuration(44100, 441); got != 10*time.Millisecond {
		t.Errorf("FrameDuration(44100, 441) = %v", got)
	}
}

func TestMessageCodec(t *testing.T) {
	b, err := EncodeMessage(CmdRegister, "My Game", RegisterData{Speakers: []Speaker{{ID: 3, Name: "Vedal"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"command":"voice/speakers/register","game":"My Game","data":{"speakers":[{"id":3,"name":"Vedal"}]}}`
	if string(b) != want {
		t.Fatalf("encoded %s\nwant    %s", b, want)
	}
	if b, _ := EncodeMessage(CmdStart, "G", nil); string(b) != `{"command":"voice/start","game":"G"}` {
		t.Fatalf("start = %s", b)
	}
	m, err := DecodeMessage([]byte(`{"command":"voice/ready","data":{"sample_rate":44100,"channels":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	var d ReadyData
	if err := DecodeData(m, &d); err != nil || d != (ReadyData{44100, 1}) {
		t.Fatalf("ready = %+v, %v", d, err)
	}
	for _, bad := range []string{``, `[]`, `{"command":""}`, `{"data":{}}`, `{"command":5}`, `{"command":"x","data":[1]}`, `{"command":"x","data":"s"}`, `{`} {
		if _, err := DecodeMessage([]byte(bad)); err == nil {
			t.Errorf("DecodeMessage(%s) accepted", bad)
		}
	}
	if m, err := DecodeMessage([]byte(`{"command":"voice/cancelled","data":null}`)); err != nil || m.Data != nil {
		t.Errorf("null data: %+v, %v", m, err)
	}
	m, _ = DecodeMessage([]byte(`{"command":"voice/speakers/unregister","data":{"ids":[70000]}}`))
	if err := DecodeData(m, &UnregisterData{}); err == nil {
		t.Error("id 70000 decoded into a uint16")
	}
}
