package server

import (
	"math"
	"strconv"
)

// Generating numbers (see GenerateData).

// bound reads the lower or upper numeric bound of s.
func bound(s map[string]any, inclusiveKw, exclusiveKw string) (v float64, exclusive, ok bool) {
	in, hasIn := s[inclusiveKw].(float64)
	switch ex := s[exclusiveKw].(type) {
	case float64:
		if !hasIn {
			return ex, true, true
		}
		if inclusiveKw == "minimum" {
			if ex >= in {
				return ex, true, true
			}
		} else if ex <= in {
			return ex, true, true
		}
		return in, false, true
	case bool: // draft 4: exclusiveMinimum: true qualifies minimum
		return in, ex && hasIn, hasIn
	}
	return in, false, hasIn
}

const numRange = 100

func (g *generator) genNumber(s map[string]any, path string, integer bool) (any, error) {
	lo, loEx, hasLo := bound(s, "minimum", "exclusiveMinimum")
	hi, hiEx, hasHi := bound(s, "maximum", "exclusiveMaximum")
	if hasLo && hasHi {
		// Keep a wide range within ±2^53, where integers are exact,
		// never moving a bound outward.
		const limit = 1 << 53
		lo, hi = max(lo, min(-limit, hi)), min(hi, max(limit, lo))
	}
	switch {
	case !hasLo && !hasHi:
		lo, hi = 0, numRange
	case !hasLo:
		lo = hi - numRange
	case !hasHi:
		hi = lo + numRange
	}
	inRange := func(v float64) bool {
		if v < lo || v > hi || (loEx && v == lo) || (hiEx && v == hi) {
			return false
		}
		return true
	}
	mult, _ := s["multipleOf"].(float64)
	if mult > 0 || integer {
		step := 1.0
		if mult > 0 {
			step = mult
			if inv := 1 / step; integer && step < 1 && inv == math.Trunc(inv) {
				step = 1 // every integer is a multiple of 1/n
			}
			if integer && step != math.Trunc(step) {
				// integers that are multiples of a fraction: use the
				// smallest integer multiple when it is small.
				found := false
				for k := 1.0; k <= 1000; k++ {
					if m := k * step; math.Abs(m-math.Round(m)) < 1e-9 {
						step, found = math.Round(m), true
						break
					}
				}
				if !found {
					return nil, g.fail(path, "no integer is a multiple of %v", mult)
				}
			}
		}
		kLo, kHi := math.Ceil(lo/step), math.Floor(hi/step)
		if loEx && kLo*step == lo {
			kLo++
		}
		if hiEx && kHi*step == hi {
			kHi--
		}
		if kLo > kHi {
			return nil, g.fail(path, "no multiple of %v in range", step)
		}
		if span := kHi - kLo; !(span < 1<<53) { // also +Inf
			// A step far finer than the range (multipleOf 1e-300): floats
			// cannot count its multiples; a short decimal in the range is
			// one for decimal steps (best effort for others).
			return g.drawInRange(path, lo, hi, inRange)
		}
		k := kLo + float64(g.r.Int64N(int64(kHi-kLo)+1))
		v := k * step
		if step != math.Trunc(step) { // tidy binary fractions: 0.1*3
			if p := math.Round(v/step) * step; inRange(p) {
				v = p
			}
			if r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64); err == nil && inRange(r) {
				v = r
			}
		}
		return v, nil
	}
	if lo > hi || (lo == hi && (loEx || hiEx)) {
		return nil, g.fail(path, "empty numeric range")
	}
	return g.drawInRange(path, lo, hi, inRange)
}

// drawInRange draws a number between lo and hi that inRange accepts,
// preferring two decimals.
func (g *generator) drawInRange(path string, lo, hi float64, inRange func(float64) bool) (any, error) {
	for range 100 {
		v := lo + g.r.Float64()*(hi-lo)
		if r := math.Round(v*100) / 100; inRange(r) {
			v = r
		}
		if inRange(v) {
			return v, nil
		}
	}
	if mid := lo + (hi-lo)/2; inRange(mid) {
		return mid, nil
	}
	return nil, g.fail(path, "empty numeric range")
}
