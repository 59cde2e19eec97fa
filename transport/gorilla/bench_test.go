package gorilla

import (
	"context"
	"net/http"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/neurokit/neurokit/transport"
)

// benchFrame is a typical Neuro frame, 120 bytes.
var benchFrame = []byte(`{"command":"context","game":"Tic Tac Toe","data":{"message":"Neuro played X in the top-left cell.","silent":false}}` + "     ")

// rawEchoServer echoes with plain gorilla: the same floor for both
// benchmarks, so they differ only by the client.
func rawEchoServer(b *testing.B) string {
	return rawServer(b, func(ws *websocket.Conn) {
		for {
			typ, p, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if err := ws.WriteMessage(typ, p); err != nil {
				return
			}
		}
	})
}

// BenchmarkEchoRoundTrip: one Write and one Read through this package's
// client against a raw gorilla echo server over loopback.
func BenchmarkEchoRoundTrip(b *testing.B) {
	if len(benchFrame) != 120 {
		b.Fatalf("frame is %d bytes", len(benchFrame))
	}
	url := rawEchoServer(b)
	c, err := Dial(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseNow()
	ctx, cancel := context.WithCancel(context.Background()) // a cancellable ctx, as the Neuro client uses
	defer cancel()
	b.ReportAllocs()
	b.SetBytes(int64(len(benchFrame)))
	b.ResetTimer()
	for range b.N {
		if err := c.Write(ctx, benchFrame); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Read(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	_ = c.Close(transport.CloseNormal, "")
}

// BenchmarkRawGorillaEcho is the floor: the same round trip with a plain
// *websocket.Conn.
func BenchmarkRawGorillaEcho(b *testing.B) {
	url := rawEchoServer(b)
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	b.ReportAllocs()
	b.SetBytes(int64(len(benchFrame)))
	b.ResetTimer()
	for range b.N {
		if err := ws.WriteMessage(websocket.TextMessage, benchFrame); err != nil {
			b.Fatal(err)
		}
		if _, _, err := ws.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
}

// BenchmarkEchoRoundTripBothSides: this package on both ends (Dial and
// Accept), as between a game and the simulator.
func BenchmarkEchoRoundTripBothSides(b *testing.B) {
	url := newServer(b, func(w http.ResponseWriter, r *http.Request) {
		c, err := Accept(w, r)
		if err != nil {
			return
		}
		defer c.CloseNow()
		echo(c)
	})
	c, err := Dial(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseNow()
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(len(benchFrame)))
	b.ResetTimer()
	for range b.N {
		if err := c.Write(ctx, benchFrame); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Read(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	_ = c.Close(transport.CloseNormal, "")
}
