package voice

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct {
		name, main, game, want, err string
	}{
		{name: "game path", main: "ws://localhost:8000/game/Chess", game: "Chess", want: "ws://localhost:8000/game/Chess/voice"},
		{name: "game path, trailing slash", main: "ws://localhost:8000/game/Chess/", game: "Chess", want: "ws://localhost:8000/game/Chess/voice"},
		{name: "encoded game path", main: "wss://neuro.example/api/game/My%20Game", game: "My Game", want: "wss://neuro.example/api/game/My%20Game/voice"},
		{name: "base ending in /game", main: "ws://h:8000/game", game: "My Game", want: "ws://h:8000/game/My%20Game/voice"},
		{name: "base ending in /game/", main: "ws://h:8000/game/", game: "Chess", want: "ws://h:8000/game/Chess/voice"},
		{name: "no path", main: "ws://localhost:8000", game: "Chess", want: "ws://localhost:8000/game/Chess/voice"},
		{name: "root path", main: "ws://localhost:8000/", game: "Chess", want: "ws://localhost:8000/game/Chess/voice"},
		{name: "other path", main: "ws://h/neuro/ws", game: "Chess", want: "ws://h/neuro/ws/game/Chess/voice"},
		{name: "name with slash and symbols", main: "ws://h", game: "A/B & C?#%", want: "ws://h/game/A%2FB%20&%20C%3F%23%25/voice"},
		{name: "unicode name", main: "ws://h/game", game: "Ñeuro ゲーム", want: "ws://h/game/%C3%91euro%20%E3%82%B2%E3%83%BC%E3%83%A0/voice"},
		{name: "query kept", main: "ws://h:8000/game/Chess?token=abc&x=1", game: "Chess", want: "ws://h:8000/game/Chess/voice?token=abc&x=1"},
		{name: "query kept, no path", main: "ws://h:8000?token=a%20b", game: "Chess", want: "ws://h:8000/game/Chess/voice?token=a%20b"},
		{name: "already a voice URL", main: "ws://h/game/Chess/voice?k=v", game: "Chess", want: "ws://h/game/Chess/voice?k=v"},
		{name: "upper-case scheme", main: "WSS://h/game/Chess", game: "Chess", want: "wss://h/game/Chess/voice"},
		{name: "game named game", main: "ws://h/game/game", game: "game", want: "ws://h/game/game/voice"},
		{name: "ipv6 host", main: "ws://[::1]:8000", game: "Chess", want: "ws://[::1]:8000/game/Chess/voice"},

		{name: "other game in path", main: "ws://h/game/Checkers", game: "Chess", err: `names game "Checkers", not "Chess"`},
		{name: "other game in voice path", main: "ws://h/game/Checkers/voice", game: "Chess", err: `names game "Checkers"`},
		{name: "empty game", main: "ws://h", game: "", err: "empty game name"},
		{name: "http scheme", main: "http://h/game/Chess", game: "Chess", err: "scheme must be ws or wss"},
		{name: "no scheme", main: "localhost:8000", game: "Chess", err: "scheme must be ws or wss"},
		{name: "no host", main: "ws:///game/Chess", game: "Chess", err: "no host"},
		{name: "fragment", main: "ws://h/game/Chess#x", game: "Chess", err: "fragment"},
		{name: "unparsable", main: "ws://h:port/", game: "Chess", err: "main URL"},
		{name: "bad escape in game segment", main: "ws://h/game/%zz", game: "Chess", err: "main URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := URL(tt.main, tt.game)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("URL(%q, %q) = %q, %v; want error containing %q", tt.main, tt.game, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("URL(%q, %q) = %q, %v; want %q", tt.main, tt.game, got, err, tt.want)
			}
		})
	}
}
