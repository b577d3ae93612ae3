package core

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in minor units (cents) of a currency. Amounts are
// integers so sums and fees never drift.
type Money struct {
	Cents    int64  `json:"cents"`
	Currency string `json:"currency,omitempty"` // ISO 4217 code, upper case
}

// IsZero reports whether no amount was given.
func (m Money) IsZero() bool { return m.Cents == 0 }

// String formats the amount for people: "USD 5,000" or "EUR 1,250.50".
func (m Money) String() string {
	cur := m.Currency
	if cur == "" {
		cur = DefaultCurrency
	}
	return cur + " " + FormatCents(m.Cents)
}

// FormatCents renders cents with thousands separators, dropping ".00".
func FormatCents(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	whole := strconv.FormatInt(c/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac := c % 100; frac != 0 {
		fmt.Fprintf(&b, ".%02d", frac)
	}
	return b.String()
}

// DefaultCurrency is used when neither the referral nor the workspace names one.
const DefaultCurrency = "USD"

// MaxCents caps amounts at one trillion units: anything larger is a typo.
const MaxCents = 100_000_000_000_000

var currencySymbols = map[string]string{"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}

// ParseMoney reads amounts the way people type them: "5000", "5,000",
// "$5k", "2.5m", "1200.50 EUR", "EUR1200", "€900". An empty currency means
// "the workspace's currency".
func ParseMoney(s string) (Money, error) {
	orig := s
	s = strings.TrimSpace(s)
	bad := func() (Money, error) {
		return Money{}, Errorf(EINVALID, "%q is not an amount I understand.", orig).
			WithHint("Write amounts like 5000, 5k, 2.5m, $1,200 or 900 EUR.")
	}
	if s == "" {
		return bad()
	}
	var cur string
	for sym, code := range currencySymbols {
		if strings.HasPrefix(s, sym) {
			cur, s = code, strings.TrimSpace(strings.TrimPrefix(s, sym))
		} else if strings.HasSuffix(s, sym) {
			cur, s = code, strings.TrimSpace(strings.TrimSuffix(s, sym))
		}
	}
	// A three-letter code before or after the number.
	if cur == "" {
		if f := strings.Fields(s); len(f) == 2 {
			if isCurrencyCode(f[0]) {
				cur, s = strings.ToUpper(f[0]), f[1]
			} else if isCurrencyCode(f[1]) {
				cur, s = strings.ToUpper(f[1]), f[0]
			}
		} else if len(s) > 3 && isCurrencyCode(s[:3]) {
			cur, s = strings.ToUpper(s[:3]), s[3:]
		} else if len(s) > 3 && isCurrencyCode(s[len(s)-3:]) {
			cur, s = strings.ToUpper(s[len(s)-3:]), s[:len(s)-3]
		}
	}
	s = strings.ReplaceAll(s, ",", "")
	s = strings.ReplaceAll(s, "_", "")
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "k"), strings.HasSuffix(s, "K"):
		mult, s = 1_000, s[:len(s)-1]
	case strings.HasSuffix(s, "m"), strings.HasSuffix(s, "M"):
		mult, s = 1_000_000, s[:len(s)-1]
	}
	if s == "" || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		if strings.HasPrefix(s, "-") {
			return Money{}, Errorf(EINVALID, "Amounts can't be negative (%q).", orig).
				WithHint("Write the amount without a minus sign, e.g. 5000.")
		}
		return bad()
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if !allDigits(whole) || (hasFrac && (!allDigits(frac) || frac == "")) || len(whole) > 13 {
		return bad()
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return bad()
	}
	// Scale the fraction to the multiplier, keeping cents exact.
	cents := w * mult * 100
	if hasFrac {
		scale := mult * 100
		for i := 0; i < len(frac); i++ {
			scale /= 10
			if scale == 0 {
				if frac[i] != '0' {
					return bad() // more precision than a cent
				}
				continue
			}
			cents += int64(frac[i]-'0') * scale
		}
	}
	if cents > MaxCents {
		return Money{}, Errorf(EINVALID, "%q is larger than any deal I can record.", orig).
			WithHint("Check the number of zeros.")
	}
	return Money{Cents: cents, Currency: cur}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	// "k"/"m" suffixed numbers never reach here with three letters; guard
	// against words that merely look like codes.
	return true
}
