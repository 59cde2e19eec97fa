package voice

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// FuzzFrames feeds arbitrary bytes to every parser of the voice channel,
// both directions: upstream frames (ParseFrame), downstream PCM (DecodePCM
// and the client's buffer) and control messages (DecodeMessage and every
// data type). None may panic; what parses must re-encode to the same bytes.
func FuzzFrames(f *testing.F) {
	f.Add(AppendFrame(nil, 1, []float32{0.5, -1, 0}))
	f.Add(AppendFrame(nil, 0xFFFF, make([]float32, 960)))
	f.Add([]byte{})
	f.Add([]byte{1, 0})
	f.Add([]byte{2, 0, 1, 0, 0, 0, 0x80, 0x3f})
	f.Add([]byte{1, 1, 1, 0, 0, 0, 0})
	f.Add(AppendPCM(nil, []float32{float32(math.NaN()), float32(math.Inf(-1))}))
	f.Add([]byte(`{"command":"voice/ready","data":{"sample_rate":48000,"channels":1}}`))
	f.Add([]byte(`{"command":"voice/speakers/register","game":"G","data":{"speakers":[{"id":1,"name":"P"}]}}`))
	f.Add([]byte(`{"command":"voice/speaking","data":{"speaking":true}}`))
	f.Add([]byte(`{"command":"voice/cancelled","data":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Upstream.
		h, payload, err := ParseFrame(b)
		switch {
		case len(b) < HeaderSize:
			if !errors.Is(err, ErrFrameShort) {
				t.Fatalf("%d bytes: %v", len(b), err)
			}
		case err == nil:
			samples, derr := DecodePCM(nil, payload)
			if derr != nil {
				t.Fatalf("parsed payload does not decode: %v", derr)
			}
			if re := AppendFrame(nil, h.Speaker, samples); !bytes.Equal(re, b) {
				t.Fatalf("re-encoded frame differs:\n% x\n% x", re, b)
			}
		default:
			if h.Version != b[0] || h.Flags != b[1] || h.Speaker != uint16(b[2])|uint16(b[3])<<8 {
				t.Fatalf("header %+v does not match % x", h, b[:4])
			}
		}

		// Downstream PCM.
		samples, err := DecodePCM(nil, b)
		if (err == nil) != (len(b)%4 == 0) {
			t.Fatalf("DecodePCM(%d bytes) = %v", len(b), err)
		}
		if err == nil {
			if re := AppendPCM(nil, samples); !bytes.Equal(re, b) {
				t.Fatal("re-encoded PCM differs")
			}
			var q ring
			q.reset(100)
			lost := q.writePCM(b)
			if want := max(0, len(samples)-100); lost != want {
				t.Fatalf("ring lost %d of %d samples, want %d", lost, len(samples), want)
			}
			got := make([]float32, 200)
			n := q.read(got)
			tail := samples[len(samples)-n:]
			for i := range n {
				if math.Float32bits(got[i]) != math.Float32bits(tail[i]) {
					t.Fatalf("ring sample %d differs", i)
				}
			}
		}

		// Control messages.
		m, err := DecodeMessage(b)
		if err != nil {
			return
		}
		if m.Command == "" {
			t.Fatal("decoded a message without a command")
		}
		for _, v := range []any{&ReadyData{}, &UnavailableData{}, &SpeakingData{}, &RegisterData{}, &UnregisterData{}} {
			_ = DecodeData(m, v)
		}
	})
}
