package schema

import (
	"math/big"
	"strconv"
	"strings"
)

// wholeNumbers rewrites the whole numbers in data that are written with a
// fraction or an exponent (9.0, 5e0, 1.5e1) as plain integers (9, 5, 15),
// so that they decode into integer fields: JSON schema counts them as
// integers, encoding/json refuses them for an int. Numbers beyond 64 bits
// are left as they are (decoding then explains the range). It returns
// data itself, without allocating, when there is nothing to rewrite.
// data is JSON text; text inside strings is never touched.
func wholeNumbers(data string) string {
	var b strings.Builder
	last := 0
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		case c == '"':
			inString = true
			continue
		case c != '-' && (c < '0' || c > '9'):
			continue
		}
		j, plain := i, true
		for ; j < len(data) && strings.IndexByte("+-0123456789.eE", data[j]) >= 0; j++ {
			if d := data[j]; d == '.' || d == 'e' || d == 'E' {
				plain = false
			}
		}
		if !plain {
			if whole, ok := wholeText(data[i:j]); ok {
				if b.Len() == 0 {
					b.Grow(len(data))
				}
				b.WriteString(data[last:i])
				b.WriteString(whole)
				last = j
			}
		}
		i = j - 1
	}
	if last == 0 {
		return data
	}
	b.WriteString(data[last:])
	return b.String()
}

// maxWholeExponent bounds the exponents wholeText evaluates: a whole
// number of at most 64 bits needs no more, and big.Rat would spend long
// on a huge one.
const maxWholeExponent = 100

// wholeText returns num, a JSON number, as a plain integer when it is a
// whole number of at most 64 bits.
func wholeText(num string) (string, bool) {
	if len(num) > maxNumberLen {
		return "", false
	}
	i := strings.IndexAny(num, "eE")
	if i < 0 { // 9.0: whole when the fraction is all zeros; no allocation
		intPart, frac, _ := strings.Cut(num, ".")
		if strings.Trim(frac, "0") != "" {
			return "", false
		}
		if _, err := strconv.ParseUint(strings.TrimPrefix(intPart, "-"), 10, 64); err != nil {
			return "", false
		}
		return intPart, true
	}
	exp, err := strconv.Atoi(strings.TrimPrefix(num[i+1:], "+"))
	if err != nil || exp > maxWholeExponent || exp < -maxWholeExponent {
		return "", false
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok || !r.IsInt() || r.Num().BitLen() > 64 {
		return "", false
	}
	return r.Num().String(), true
}
