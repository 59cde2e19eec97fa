package dashboard

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"go.uber.org/zap"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere:
// scripts, styles and connections come from the page's own origin only.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// tokenHeader carries the per-run token on state-changing requests.
const tokenHeader = "X-Dashboard-Token"

// access says what a route needs beyond the checks every request passes.
type access int

const (
	// page: any navigation may load it (it holds the token, which only
	// same-origin script can read).
	page access = iota
	// read: own-origin reads (no foreign Origin, no cross-site fetch).
	read
	// write: read, plus a JSON body and the token.
	write
)

// guard wraps h with the checks of level a: loopback (or allowed) Host,
// own Origin, for writes a JSON content type and the token; it sets the
// security headers, bounds the body and the read and write times.
func (d *Dashboard) guard(a access, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", contentSecurityPolicy)
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("Cross-Origin-Resource-Policy", "same-origin")
		hdr.Set("Cache-Control", "no-store")
		if code, why := d.refuse(a, r); code != 0 {
			d.log.Info("request refused", zap.String("path", r.URL.Path), zap.String("remote", r.RemoteAddr),
				zap.Int("status", code), zap.String("why", why))
			writeError(w, code, why)
			return
		}
		rc := http.NewResponseController(w)
		now := time.Now()
		// Not every ResponseWriter supports deadlines (recorders do not);
		// the listener's own timeouts then apply.
		_ = rc.SetReadDeadline(now.Add(d.cfg.requestTimeout))
		_ = rc.SetWriteDeadline(now.Add(d.cfg.requestTimeout))
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		h(w, r)
	}
}

// refuse returns the status and reason to refuse r with, or 0.
func (d *Dashboard) refuse(a access, r *http.Request) (int, string) {
	if !d.hostAllowed(r.Host) {
		return http.StatusMisdirectedRequest, "host " + quoteClip(r.Host) + " is not a loopback name; start the dashboard with the host allowed to use it"
	}
	if a == page {
		return 0, ""
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != ownOrigin(r) {
		return http.StatusForbidden, "cross-origin request from " + quoteClip(origin) + " refused"
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return http.StatusForbidden, "cross-site request refused"
	}
	if a != write {
		return 0, ""
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return http.StatusUnsupportedMediaType, "the body must be sent as Content-Type: application/json"
	}
	got := r.Header.Get(tokenHeader)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(d.token)) != 1 {
		return http.StatusForbidden, "missing or wrong " + tokenHeader + " (reload the page: the token changes on every run)"
	}
	return 0, ""
}

func ownOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// hostAllowed reports whether the Host header names this machine's
// loopback, or a host allowed by WithAllowedHosts. It defeats DNS
// rebinding: a foreign name resolving to 127.0.0.1 is refused.
func (d *Dashboard) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil && ip.Unmap().IsLoopback() {
		return true
	}
	for _, h := range d.cfg.hosts {
		if strings.EqualFold(strings.TrimSuffix(h, "."), host) {
			return true
		}
	}
	return false
}

func quoteClip(s string) string {
	const limit = 80
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}

// decodeBody reads a JSON object from a body already bounded by guard
// into v, refusing unknown fields and trailing data. It answers the error
// itself and returns false on failure.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "the body is larger than 1 MiB")
			return false
		}
		writeError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "the body is not the JSON object expected: "+err.Error())
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "the body holds more than one JSON value")
		return false
	}
	return true
}
