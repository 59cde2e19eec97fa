package server

import (
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"go.uber.org/zap"
)

// guard decides which HTTP requests the simulator answers, on both ports.
// Three attacks from a web page the developer happens to visit are kept
// out:
//
//   - CSRF: the HTTP API (POST /, GET /state) answers only requests
//     without an Origin header (curl, scripts, games) or from the
//     simulator's own origin, and POST needs a JSON body
//     (Content-Type application/json, which a page cannot send to
//     another site without a CORS preflight, which the simulator never
//     grants). Otherwise: 403 or 415, and no game receives anything.
//   - DNS rebinding: a page on a domain the attacker controls, whose name
//     was rebound to this machine, is same-origin with the simulator as
//     far as the browser knows; only the Host header gives it away. A
//     request that reached a loopback address must name a loopback host;
//     one that reached another address must name an IP address or
//     localhost (an IP cannot be rebound). WithAllowedHosts widens this.
//   - Cross-site websockets: browsers let any page open a websocket to
//     any address, and the websocket port answers every game. A page on
//     any site could connect as a game: flood the developer's log and
//     findings with made-up traffic, take the "latest game" the Go API and
//     POST / act on, and read the actions sent to it. Game websockets are
//     therefore accepted without an Origin (games are not browsers) or
//     from a loopback origin (a web or WebGL build of a game served
//     locally, on any port), not from other sites: the safest default
//     that still lets a local web build connect. WithAllowedOrigins adds
//     a hosted build's origin, or "*".
type guard struct {
	log       *zap.Logger
	anyHost   bool
	hosts     map[string]bool // extra Host names: lower case, no port
	anyOrigin bool
	origins   map[string]bool // extra websocket origins: lower case, no trailing slash
}

func newGuard(log *zap.Logger, hosts, origins []string) *guard {
	g := &guard{log: log, hosts: map[string]bool{}, origins: map[string]bool{}}
	for _, h := range hosts {
		h = strings.TrimSpace(strings.ToLower(h))
		switch h {
		case "":
		case "*":
			g.anyHost = true
		default:
			g.hosts[hostOnly(h)] = true
		}
	}
	for _, o := range origins {
		o = strings.TrimSuffix(strings.TrimSpace(strings.ToLower(o)), "/")
		switch o {
		case "":
		case "*":
			g.anyOrigin = true
		default:
			g.origins[o] = true
		}
	}
	return g
}

// hostOnly returns the host name of a Host header or URL host: lower
// case, without port, brackets or a final dot.
func hostOnly(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// isLoopbackHost reports whether a host name (from hostOnly) names this
// machine's loopback interface.
func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// hostAllowed reports whether r names a host the simulator answers to.
func (g *guard) hostAllowed(r *http.Request) bool {
	h := hostOnly(r.Host)
	switch {
	case g.anyHost || g.hosts[h] || isLoopbackHost(h):
		return true
	case h == "":
		return false
	}
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	tcp, ok := local.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() {
		return false // reached on loopback (or unknown): loopback names only
	}
	return net.ParseIP(h) != nil
}

// sameOrigin reports whether r has no Origin header or comes from the
// simulator's own origin (the scheme and the Host it was sent to).
func sameOrigin(r *http.Request) bool {
	vals := r.Header.Values("Origin")
	switch len(vals) {
	case 0:
		return true
	case 1:
	default:
		return false
	}
	u, err := url.Parse(vals[0])
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// websocketOrigin reports whether a page of r's origin may open a game
// websocket.
func (g *guard) websocketOrigin(r *http.Request) bool {
	vals := r.Header.Values("Origin")
	switch {
	case len(vals) == 0:
		return true
	case len(vals) > 1:
		return false
	case g.anyOrigin || g.origins[strings.TrimSuffix(strings.ToLower(vals[0]), "/")] || sameOrigin(r):
		return true
	}
	u, err := url.Parse(vals[0])
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return isLoopbackHost(hostOnly(u.Host))
}

// isJSON reports whether a Content-Type is application/json, with or
// without parameters such as charset.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// api wraps the HTTP API with the host, origin and content type checks.
func (g *guard) api(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case !g.checkHost(w, r):
		case !sameOrigin(r):
			g.refuse(w, r, http.StatusForbidden, "cross-origin requests are refused: the HTTP API answers requests without an Origin header or from its own origin")
		case r.Method == http.MethodPost && !isJSON(r.Header.Get("Content-Type")):
			g.refuse(w, r, http.StatusUnsupportedMediaType, "POST needs Content-Type: application/json")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// checkHost answers 403 and returns false when r's Host is not allowed.
func (g *guard) checkHost(w http.ResponseWriter, r *http.Request) bool {
	if g.hostAllowed(r) {
		return true
	}
	g.refuse(w, r, http.StatusForbidden, fmt.Sprintf("host %q is not allowed (DNS rebinding protection); "+
		"use localhost or 127.0.0.1, or allow the name (neuro-server -allow-host)", r.Host))
	return false
}

func (g *guard) refuse(w http.ResponseWriter, r *http.Request, code int, why string) {
	g.log.Info("request refused", zap.Int("status", code), zap.String("reason", why), zap.String("method", r.Method),
		zap.String("host", r.Host), zap.String("origin", r.Header.Get("Origin")), zap.String("remote", r.RemoteAddr))
	writeJSON(w, code, map[string]string{"error": why})
}
