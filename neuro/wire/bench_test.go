package wire

import "testing"

// Frames of the hot path: every action round trip is one action frame
// from Neuro and one action/result frame from the game.
var (
	benchAction     = []byte(`{"command":"action","data":{"id":"0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01","name":"play"}}`)
	benchActionData = []byte(`{"command":"action","data":{"id":"0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01","name":"play","data":"{\"cell\": 5, \"mark\": \"X\"}"}}`)
	benchResult     = []byte(`{"command":"action/result","game":"Bench Game","data":{"id":"0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01","success":false,"message":"Cell 5 is taken; free cells are 1, 9."}}`)
)

func benchDecodeServer(b *testing.B, frame []byte, decode func([]byte) (Message, error)) {
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := decode(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeServerAction(b *testing.B) { benchDecodeServer(b, benchAction, DecodeServer) }

func BenchmarkDecodeServerActionData(b *testing.B) {
	benchDecodeServer(b, benchActionData, DecodeServer)
}

func BenchmarkDecodeServerActionGeneral(b *testing.B) {
	benchDecodeServer(b, benchAction, decodeServerSlow)
}

func BenchmarkDecodeServerActionDataGeneral(b *testing.B) {
	benchDecodeServer(b, benchActionData, decodeServerSlow)
}

func benchDecodeGame(b *testing.B, frame []byte, decode func([]byte) (string, Message, error)) {
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, _, err := decode(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeGameResult(b *testing.B) { benchDecodeGame(b, benchResult, DecodeGame) }

func BenchmarkDecodeGameResultGeneral(b *testing.B) {
	benchDecodeGame(b, benchResult, decodeGameSlow)
}

func BenchmarkEncodeGameResult(b *testing.B) {
	gameJSON := appendJSONString(nil, "Bench Game")
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = appendResult(buf[:0], gameJSON, "0b8e6f52-1c4d-4a3e-9f1a-7d2c5e8b9a01", false, "Cell 5 is taken; free cells are 1, 9.")
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
