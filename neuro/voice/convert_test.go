package voice

import (
	"fmt"
	"math"
	"testing"
)

// sine returns frames of a sine of freq Hz at amplitude amp, interleaved
// over channels (every channel the same), as float32.
func sine(rate, channels, frames int, freq, amp float64) []float32 {
	out := make([]float32, frames*channels)
	for i := 0; i < frames; i++ {
		v := float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
		for c := 0; c < channels; c++ {
			out[i*channels+c] = v
		}
	}
	return out
}

func toInt16(in []float32) []int16 {
	out := make([]int16, len(in))
	for i, v := range in {
		out[i] = int16(math.Round(float64(v) * 32767))
	}
	return out
}

// snr compares got with the ideal sine at the output rate, skipping the
// first and last skip samples (the filter's edges), and returns dB.
func snr(got []float32, rate int, freq, amp float64, skip int) float64 {
	var sig, noise float64
	for i := skip; i < len(got)-skip; i++ {
		ref := amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))
		d := float64(got[i]) - ref
		sig += ref * ref
		noise += d * d
	}
	return 10 * math.Log10(sig/noise)
}

// convertChunks runs in through c in chunks of chunk frames.
func convertChunks(t *testing.T, c *Converter, in []float32, chunk int) []float32 {
	t.Helper()
	ch := c.In().Channels
	var out []float32
	for start := 0; start < len(in); start += chunk * ch {
		end := min(start+chunk*ch, len(in))
		var err error
		if out, err = c.Float32(out, in[start:end]); err != nil {
			t.Fatal(err)
		}
	}
	return c.Flush(out)
}

func TestResampleSNR(t *testing.T) {
	tests := []struct {
		in, out, channels int
		freq              float64
		int16             bool
	}{
		{44100, 48000, 2, 1000, true},
		{44100, 48000, 1, 5000, false},
		{44100, 48000, 2, 12000, false},
		{48000, 48000, 2, 1000, true},
		{22050, 48000, 1, 1000, false},
		{16000, 48000, 1, 3000, true},
		{8000, 48000, 1, 1000, false},
		{32000, 48000, 2, 440, false},
		{96000, 48000, 2, 1000, false},
		{48000, 44100, 1, 1000, false},
		{11025, 48000, 1, 2000, false},
		{47952, 48000, 1, 1000, false}, // 1000/999: many phases
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%d→%d/%dch/%gHz/int16=%v", tt.in, tt.out, tt.channels, tt.freq, tt.int16)
		t.Run(name, func(t *testing.T) {
			const amp = 0.5
			c, err := NewConverter(Format{Rate: tt.in, Channels: tt.channels}, tt.out)
			if err != nil {
				t.Fatal(err)
			}
			in := sine(tt.in, tt.channels, tt.in/2, tt.freq, amp) // 0.5 s
			var out []float32
			if tt.int16 {
				pcm := toInt16(in)
				chunk := tt.in / 100 * tt.channels // 10 ms chunks
				for s := 0; s < len(pcm); s += chunk {
					if out, err = c.Int16(out, pcm[s:min(s+chunk, len(pcm))]); err != nil {
						t.Fatal(err)
					}
				}
				out = c.Flush(out)
			} else {
				out = convertChunks(t, c, in, 333) // odd chunks: state must carry over
			}
			// One output per output instant within the input's span
			// [0, n/in): ceil(n·out/in) of them.
			n := int64(len(in) / tt.channels)
			wantLen := int((n*int64(tt.out) + int64(tt.in) - 1) / int64(tt.in))
			if len(out) != wantLen {
				t.Fatalf("got %d samples, want %d", len(out), wantLen)
			}
			got := snr(out, tt.out, tt.freq, amp, 200)
			t.Logf("SNR %.1f dB", got)
			if got < 60 {
				t.Fatalf("SNR %.1f dB, want ≥ 60", got)
			}
		})
	}
}

// A tone above the output's Nyquist must not fold back into the band.
func TestResampleRejectsAliases(t *testing.T) {
	c, err := NewConverter(Format{Rate: 96000, Channels: 1}, 48000)
	if err != nil {
		t.Fatal(err)
	}
	const amp = 0.5
	out := convertChunks(t, c, sine(96000, 1, 48000, 30000, amp), 960) // folds to 18 kHz if unfiltered
	var pow float64
	for _, v := range out[200 : len(out)-200] {
		pow += float64(v) * float64(v)
	}
	pow /= float64(len(out) - 400)
	db := 10 * math.Log10(pow/(amp*amp/2))
	t.Logf("30 kHz tone after 96→48 kHz: %.1f dB", db)
	if db > -60 {
		t.Fatalf("alias at %.1f dB, want ≤ -60", db)
	}
}

func TestConverterChunkingInvariant(t *testing.T) {
	in := sine(44100, 2, 8820, 700, 0.3)
	ref := func(chunk int) []float32 {
		c, _ := NewConverter(Format{Rate: 44100, Channels: 2}, 48000)
		return convertChunks(t, c, in, chunk)
	}
	whole := ref(len(in))
	for _, chunk := range []int{1, 7, 441, 1000} {
		got := ref(chunk)
		if len(got) != len(whole) {
			t.Fatalf("chunk %d: %d samples, whole: %d", chunk, len(got), len(whole))
		}
		for i := range got {
			if got[i] != whole[i] {
				t.Fatalf("chunk %d: sample %d = %v, whole: %v", chunk, i, got[i], whole[i])
			}
		}
	}
}

func TestConverterDownmix(t *testing.T) {
	c, err := NewConverter(Format{Rate: 48000, Channels: 2}, 48000)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Int16(nil, []int16{16384, -16384, 32767, 32767, -32768, 0})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 32767.0 / 32768, -0.5}
	for i := range want {
		if math.Abs(float64(out[i]-want[i])) > 1e-6 {
			t.Fatalf("downmix = %v, want %v", out, want)
		}
	}
	c3, _ := NewConverter(Format{Rate: 48000, Channels: 3}, 48000)
	out, _ = c3.Float32(nil, []float32{0.3, 0.6, 0.9})
	if len(out) != 1 || math.Abs(float64(out[0])-0.6) > 1e-6 {
		t.Fatalf("3-channel downmix = %v", out)
	}
}

func TestConverterErrors(t *testing.T) {
	for _, f := range []Format{{0, 1}, {999, 1}, {400000, 1}, {48000, 0}, {48000, 9}} {
		if _, err := NewConverter(f, 48000); err == nil {
			t.Errorf("NewConverter(%+v) accepted", f)
		}
	}
	if _, err := NewConverter(Format{48000, 1}, 500); err == nil {
		t.Error("output rate 500 accepted")
	}
	// 44057 and 48000 are coprime: 48000 phases is over the limit.
	if _, err := NewConverter(Format{44057, 1}, 48000); err == nil {
		t.Error("a ratio needing 48000 phases was accepted")
	}
	c, _ := NewConverter(Format{44100, 2}, 48000)
	if _, err := c.Int16(nil, []int16{1, 2, 3}); err == nil {
		t.Error("odd stereo int16 accepted")
	}
	if _, err := c.Float32(nil, []float32{1}); err == nil {
		t.Error("odd stereo float32 accepted")
	}
}

func TestConverterSteadyStateAllocs(t *testing.T) {
	c, _ := NewConverter(Format{Rate: 44100, Channels: 2}, 48000)
	in := toInt16(sine(44100, 2, 882, 440, 0.5)) // 20 ms
	dst := make([]float32, 0, 2048)
	for i := 0; i < 4; i++ { // warm up
		dst, _ = c.Int16(dst[:0], in)
	}
	allocs := testing.AllocsPerRun(100, func() { dst, _ = c.Int16(dst[:0], in) })
	if allocs != 0 {
		t.Fatalf("%.1f allocations per 20 ms chunk, want 0", allocs)
	}
}
