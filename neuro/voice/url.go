package voice

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// URL derives the voice socket's URL from the game's main websocket URL, as
// the Neuro API specifies:
//
//   - a main URL whose path ends in /game/<name> gets /voice appended
//     (ws://host/game/Chess → ws://host/game/Chess/voice);
//   - a main URL whose path ends in /game, or has no game path at all, gets
//     /game/<url-encoded game name>/voice appended
//     (ws://host:8000 → ws://host:8000/game/My%20Game/voice);
//   - a URL that already ends in /game/<name>/voice is returned as it is.
//
// Query parameters are kept. A trailing slash on the path is ignored. The
// scheme must be ws or wss, game must not be empty, and a /game/<name> path
// must name the same game (after URL-decoding): the server pairs the voice
// socket with the main connection by name.
func URL(mainURL, game string) (string, error) {
	if game == "" {
		return "", errors.New("voice: empty game name")
	}
	u, err := url.Parse(mainURL)
	if err != nil {
		return "", fmt.Errorf("voice: main URL: %w", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "ws", "wss":
	default:
		return "", fmt.Errorf("voice: main URL %q: scheme must be ws or wss", mainURL)
	}
	if u.Host == "" {
		return "", fmt.Errorf("voice: main URL %q has no host", mainURL)
	}
	if u.Fragment != "" || strings.Contains(mainURL, "#") {
		return "", fmt.Errorf("voice: main URL %q has a fragment", mainURL)
	}
	if u.Opaque != "" {
		return "", fmt.Errorf("voice: main URL %q is not hierarchical", mainURL)
	}

	raw := strings.TrimRight(u.EscapedPath(), "/")
	segs := strings.Split(raw, "/") // segs[0] is "" (the path is absolute or empty)
	n := len(segs)
	named := func(seg string) error {
		name, err := url.PathUnescape(seg)
		if err != nil {
			return fmt.Errorf("voice: main URL %q: game segment: %w", mainURL, err)
		}
		if name != game {
			return fmt.Errorf("voice: main URL %q names game %q, not %q", mainURL, name, game)
		}
		return nil
	}
	var path string
	switch {
	case n >= 3 && segs[n-3] == "game" && segs[n-1] == "voice":
		if err := named(segs[n-2]); err != nil {
			return "", err
		}
		path = raw
	case n >= 2 && segs[n-2] == "game" && segs[n-1] != "":
		if err := named(segs[n-1]); err != nil {
			return "", err
		}
		path = raw + "/voice"
	case n >= 1 && segs[n-1] == "game":
		path = raw + "/" + url.PathEscape(game) + "/voice"
	default:
		path = raw + "/game/" + url.PathEscape(game) + "/voice"
	}
	decoded, err := url.PathUnescape(path)
	if err != nil {
		return "", fmt.Errorf("voice: main URL %q: path: %w", mainURL, err)
	}
	u.Path, u.RawPath = decoded, path
	return u.String(), nil
}
