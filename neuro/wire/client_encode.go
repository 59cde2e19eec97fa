package wire

import "unicode/utf8"

// appendResult appends the action/result frame of the game whose name is
// gameJSON (already a JSON string) to dst, byte for byte what EncodeGame
// produces for ActionResult{id, success, message}, without reflection.
// It is the hot path of every action round trip.
func appendResult(dst, gameJSON []byte, id string, success bool, message string) []byte {
	if dst == nil {
		// One allocation, large enough unless many characters need escaping.
		n := len(`{"command":"action/result","game":,"data":{"id":"","success":false,"message":""}}`)
		dst = make([]byte, 0, n+len(gameJSON)+len(id)+len(message)+(len(id)+len(message))/8+8)
	}
	dst = append(dst, `{"command":"action/result","game":`...)
	dst = append(dst, gameJSON...)
	dst = append(dst, `,"data":{"id":`...)
	dst = appendJSONString(dst, id)
	if success {
		dst = append(dst, `,"success":true`...)
	} else {
		dst = append(dst, `,"success":false`...)
	}
	if message != "" {
		dst = append(dst, `,"message":`...)
		dst = appendJSONString(dst, message)
	}
	return append(dst, "}}"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaped exactly as
// encoding/json does (HTML-safe, invalid UTF-8 replaced by U+FFFD, U+2028
// and U+2029 escaped).
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
