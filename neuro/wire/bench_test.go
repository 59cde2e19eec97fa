package wire

import "testing"

// Frames of the hot path: every action round trip is one action frame
// from Neuro and one action/result frame from the game.
var (
	benchAction     = []byte(`{"command":"action","data":{"id":"0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01","name":"play"}}`)
	benchActionData = []byte(`{"command":"action","data":{"id":"0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01","name":"play","data":"{\"cell\": 5, \"mark\": \"X\"}"}}`)
	benchResult     = []byte(`{"command":"action/result","game":"Bench Game","data":{"id":"0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01","success":false,"message":"Cell 5 is taken; free cells are 1, 9."}}`)
	benchRegister   = []byte(`{"command":"actions/register","game":"Bench Game","data":{"actions":[` +
		`{"name":"play","description":"Place your mark.","schema":{"type":"object","properties":{"cell":{"type":"integer","minimum":1,"maximum":9}},"required":["cell"]}},` +
		`{"name":"pass","description":"Skip your turn."}]}}`)
)

func benchDecodeServer(b *testing.B, frame []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := DecodeServer(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeServerAction(b *testing.B)     { benchDecodeServer(b, benchAction) }
func BenchmarkDecodeServerActionData(b *testing.B) { benchDecodeServer(b, benchActionData) }

func benchDecodeGame(b *testing.B, frame []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, _, err := DecodeGame(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeGameResult(b *testing.B)   { benchDecodeGame(b, benchResult) }
func BenchmarkDecodeGameRegister(b *testing.B) { benchDecodeGame(b, benchRegister) }

var benchResultMsg = ActionResult{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Message: "Cell 5 is taken; free cells are 1, 9."}

// BenchmarkEncodeGameResult is the SDK's hot path: a reused encoder and
// buffer.
func BenchmarkEncodeGameResult(b *testing.B) {
	enc := NewGameEncoder("Bench Game")
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = enc.Append(buf[:0], benchResultMsg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeGameResultNewBuffer is the same with a fresh buffer per
// frame, as when the frame is handed to a connection that keeps it.
func BenchmarkEncodeGameResultNewBuffer(b *testing.B) {
	enc := NewGameEncoder("Bench Game")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := enc.Append(nil, benchResultMsg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeServerAction(b *testing.B) {
	m := ActionRequest{ID: "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", Name: "play", Data: `{"cell": 5}`, HasData: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeServer(m); err != nil {
			b.Fatal(err)
		}
	}
}
