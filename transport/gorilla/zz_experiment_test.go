package gorilla

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func BenchmarkXRawWriteDeadline(b *testing.B) {
	url := rawEchoServer(b)
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	b.ReportAllocs()
	for range b.N {
		ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if err := ws.WriteMessage(websocket.TextMessage, benchFrame); err != nil {
			b.Fatal(err)
		}
		if _, _, err := ws.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkXRawReaderGoroutine(b *testing.B) {
	url := rawEchoServer(b)
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		b.Fatal(err)
	}
	ch := make(chan []byte, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			_, p, err := ws.ReadMessage()
			if err != nil {
				return
			}
			ch <- p
		}
	}()
	b.ReportAllocs()
	for range b.N {
		if err := ws.WriteMessage(websocket.TextMessage, benchFrame); err != nil {
			b.Fatal(err)
		}
		<-ch
	}
	b.StopTimer()
	ws.Close()
	<-done
}
