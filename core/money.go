package core

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Money is an amount in minor units of its currency: cents for USD or
// EUR, yen for JPY (which has no cents), thousandths for KWD (see
// MinorDigits). Amounts are integers so sums and fees never drift. An
// amount typed without a currency ("5000") has none yet and counts
// hundredths until In gives it the workspace's currency.
type Money struct {
	Cents    int64  `json:"cents"`              // minor units of Currency
	Currency string `json:"currency,omitempty"` // ISO 4217 code, upper case
}

// IsZero reports whether no amount was given.
func (m Money) IsZero() bool { return m.Cents == 0 }

// String formats the amount for people, with the decimals its currency
// has: "USD 5,000", "EUR 1,250.50", "JPY 5,000".
func (m Money) String() string {
	cur := m.Currency
	if cur == "" {
		cur = DefaultCurrency
	}
	return cur + " " + FormatAmount(m.Cents, m.Currency)
}

// Plain writes the amount so that ParseMoney reads it back exactly, with
// no separators: "5000000EUR", "1250.50USD", "5000JPY", or "4800" for an
// amount without a currency. Button actions carry amounts this way.
// Number writes the amount as a plain decimal number without grouping or
// currency ("4800", "1250.5"), for spreadsheets.
func (m Money) Number() string { return formatMinor(m.Cents, MinorDigits(m.Currency), false) }

// Plain writes the amount so it parses back exactly.
func (m Money) Plain() string {
	d := MinorDigits(m.Currency)
	s := formatMinor(m.Cents, d, false)
	if d == 3 && strings.Contains(s, ".") {
		s += "0" // "1.500" would be refused as ambiguous; "1.5000" is not
	}
	return s + m.Currency
}

// In gives an amount typed without a currency the currency cur (the
// workspace's; DefaultCurrency if empty), turning its hundredths into
// cur's minor units. Zero amounts and amounts with a currency are returned
// as they are. A fraction of a currency that has none (half a yen) is
// refused.
func (m Money) In(cur string) (Money, error) {
	if m.Currency != "" || m.Cents == 0 {
		return m, nil
	}
	cur = strings.ToUpper(cmp.Or(cur, DefaultCurrency))
	switch MinorDigits(cur) {
	case 0:
		if m.Cents%100 != 0 {
			return Money{}, Errorf(EINVALID, "%s has no cents, so I can't record %s %s.", cur, FormatCents(m.Cents), cur).
				WithHint("Type a whole number of %s, e.g. %d.", cur, m.Cents/100)
		}
		m.Cents /= 100
	case 3:
		m.Cents *= 10
	}
	m.Currency = cur
	return m, nil
}

// FormatCents renders hundredths with thousands separators, dropping ".00".
func FormatCents(c int64) string { return formatMinor(c, 2, true) }

// FormatAmount renders minor units of currency with thousands separators
// and the currency's decimals, dropping them when they are all zero:
// FormatAmount(125050, "EUR") is "1,250.50", FormatAmount(5000, "JPY")
// is "5,000".
func FormatAmount(minor int64, currency string) string {
	return formatMinor(minor, MinorDigits(currency), true)
}

func formatMinor(c int64, digits int, group bool) string {
	neg := c < 0
	if neg {
		c = -c
	}
	unit := int64(1)
	for range digits {
		unit *= 10
	}
	whole := strconv.FormatInt(c/unit, 10)
	if group {
		whole = groupThousands(whole)
	}
	if neg {
		whole = "-" + whole
	}
	if frac := c % unit; frac != 0 {
		return fmt.Sprintf("%s.%0*d", whole, digits, frac)
	}
	return whole
}

// groupThousands puts a comma between each group of three digits.
func groupThousands(digits string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// DefaultCurrency is used when neither the referral nor the workspace names one.
const DefaultCurrency = "USD"

// MaxCents caps amounts, in minor units, at one trillion dollars or euros
// (a hundred trillion yen): anything larger is a typo.
const MaxCents = 100_000_000_000_000

// currencySymbols are the signs read as a currency, longest first: "$" is
// the US dollar and "¥" the yen.
var currencySymbols = []struct{ sym, code string }{
	{"US$", "USD"}, {"$", "USD"}, {"€", "EUR"}, {"£", "GBP"}, {"¥", "JPY"}, {"₹", "INR"}, {"₩", "KRW"},
}

const moneyHint = "Write amounts like 4800, 4,800, 4.8k, 1,000.50, €5,000 or 5000 EUR."

// ParseMoney reads an amount the one way every command and form does, or
// refuses it; it never guesses.
//
//   - Digits, optionally grouped by thousands with commas or spaces
//     ("4,800", "5 000"), with a dot before the decimals ("1,000.50",
//     "5.5"); a k or m multiplies by a thousand or a million ("4.8k").
//   - A currency as a sign ($ € £ ¥ ₹ ₩) or an ISO 4217 code, before or
//     after, with or without a space ("€5,000", "EUR 5000", "5000eur").
//     Without one the currency is left empty: the workspace's (see In).
//   - Anything that reads two ways is refused with both readings: a dot
//     before exactly three digits ("5.000": 5 or 5,000?), a decimal comma
//     ("4,80", "1 000,50", "1.000,50"), dots between thousands
//     ("12.345.678") and odd groups ("1,2,3", "1,00,000").
//   - Negative amounts, more decimals than the currency has (any for JPY),
//     unknown currency codes and amounts above MaxCents are refused.
//
// Errors are *Error with code EINVALID, a message and a hint.
func ParseMoney(s string) (Money, error) {
	orig := strings.Join(strings.Fields(s), " ")
	if orig == "" {
		return Money{}, Errorf(EINVALID, "Give an amount.").WithHint(moneyHint)
	}
	if len(orig) > 60 {
		return Money{}, badAmount(orig)
	}
	a, err := splitAmount(orig)
	if err != nil {
		return Money{}, err
	}
	r, alts, ok := readNumber(a.number)
	if !ok && len(alts) == 0 {
		return Money{}, badAmount(orig)
	}
	if a.neg {
		return Money{}, Errorf(EINVALID, "Amounts can't be negative (%q).", orig).
			WithHint("Type a positive amount without the minus sign, e.g. 5000.")
	}
	if !ok {
		return Money{}, ambiguous(orig, alts, a.suffix, a.cur)
	}
	return a.minorUnits(orig, r)
}

// badAmount is ParseMoney's answer to what it cannot read at all.
func badAmount(orig string) error {
	return Errorf(EINVALID, "%q is not an amount I understand.", clipRunes(orig, 30)).WithHint(moneyHint)
}

// amountParts is an amount as typed, taken apart: the number, the
// currency around it, a k or m after it, a minus before it.
type amountParts struct {
	number, cur, suffix string
	shift               int // 3 for k, 6 for m
	neg                 bool
}

// splitAmount takes the sign, the currency (a sign or a code, before or
// after) and a k or m off orig, leaving the number to read.
func splitAmount(orig string) (amountParts, error) {
	var a amountParts
	rest := orig
	cutSign := func() {
		for _, minus := range []string{"-", "−", "–"} {
			if r, ok := strings.CutPrefix(rest, minus); ok {
				rest, a.neg = strings.TrimSpace(r), true
			}
		}
	}
	cutSign()
	setCur := func(code string) error { return a.setCurrency(orig, code) }
	for _, cs := range currencySymbols {
		if r, ok := strings.CutPrefix(rest, cs.sym); ok {
			a.cur, rest = cs.code, strings.TrimSpace(r)
			break
		}
		if r, ok := strings.CutSuffix(rest, cs.sym); ok {
			a.cur, rest = cs.code, strings.TrimSpace(r)
			break
		}
	}
	cutSign()
	// A code before the number: "EUR 5000", "EUR5000".
	if n := letters(rest, true); n > 0 {
		if n != 3 {
			return a, badAmount(orig)
		}
		if err := setCur(rest[:n]); err != nil {
			return a, err
		}
		rest = strings.TrimSpace(rest[n:])
		cutSign()
	}
	// A code after it, maybe after a k or m: "5000 EUR", "5k EUR", "5keur".
	if n := letters(rest, false); n > 0 {
		word := rest[len(rest)-n:]
		rest = strings.TrimSpace(rest[:len(rest)-n])
		if n >= 3 {
			if err := setCur(word[n-3:]); err != nil {
				if n == 3 {
					return a, err
				}
				return a, badAmount(orig)
			}
			if word = word[:n-3]; word == "" {
				if m := letters(rest, false); m > 0 {
					word, rest = rest[len(rest)-m:], strings.TrimSpace(rest[:len(rest)-m])
				}
			}
		}
		a.suffix = strings.ToLower(word)
	}
	switch a.suffix {
	case "":
	case "k":
		a.shift = 3
	case "m":
		a.shift = 6
	default:
		return a, badAmount(orig)
	}
	if rest == "" {
		return a, badAmount(orig)
	}
	a.number = rest
	return a, nil
}

// setCurrency sets the amount's currency to an ISO 4217 code typed in
// orig, refusing an unknown code or a second currency.
func (a *amountParts) setCurrency(orig, code string) error {
	code = strings.ToUpper(code)
	if !IsCurrency(code) {
		return Errorf(EINVALID, "%q is not a currency code I know.", code).
			WithHint("Use an ISO 4217 code such as USD, EUR, GBP or JPY, or a sign: $, €, £, ¥.")
	}
	if a.cur != "" && a.cur != code {
		return Errorf(EINVALID, "%q names two currencies, %s and %s.", orig, a.cur, code).
			WithHint("Give one currency, e.g. 5000 %s.", code)
	}
	a.cur = code
	return nil
}

// minorUnits is the reading r of the amount in minor units of its
// currency, refused when it has more decimals than the currency or is
// larger than MaxCents.
func (a amountParts) minorUnits(orig string, r reading) (Money, error) {
	digits := MinorDigits(a.cur)
	n := new(big.Int)
	n.SetString(r.whole+r.frac, 10)
	if e := digits + a.shift - len(r.frac); e >= 0 {
		n.Mul(n, pow10(e))
	} else if _, rem := n.QuoRem(n, pow10(-e), new(big.Int)); rem.Sign() != 0 {
		cut := len(r.frac) + e // the decimals the currency can hold
		if digits == 0 {
			return Money{}, Errorf(EINVALID, "%s has no cents, so I can't record %q.", a.cur, orig).
				WithHint("Type a whole number of %s, e.g. %s.", a.cur, reading{whole: r.whole + r.frac[:cut]}.typed("", a.cur))
		}
		unit := "cents"
		if a.cur != "" {
			unit = a.cur + " has"
		}
		return Money{}, Errorf(EINVALID, "%q has more decimals than %s.", orig, unit).
			WithHint("Round it, e.g. %s.", reading{r.whole, r.frac[:cut]}.typed(a.suffix, a.cur))
	}
	if n.Cmp(big.NewInt(MaxCents)) > 0 {
		return Money{}, Errorf(EINVALID, "%q is larger than any deal I can record.", orig).
			WithHint("Check the number of zeros.")
	}
	return Money{Cents: n.Int64(), Currency: a.cur}, nil
}

func pow10(e int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil) }

// letters counts the ASCII letters at the start (or the end) of s.
func letters(s string, start bool) int {
	n := 0
	for n < len(s) {
		c := s[n]
		if !start {
			c = s[len(s)-1-n]
		}
		if c|0x20 < 'a' || c|0x20 > 'z' {
			break
		}
		n++
	}
	return n
}

// reading is one way to read a number: its whole digits and its decimals.
type reading struct{ whole, frac string }

// decimals are the reading's decimals as shown: none when all zeros, and
// no trailing zeros beyond cents ("4.80", "1.5k").
func (r reading) decimals(suffix string) string {
	f := r.frac
	for len(f) > 0 && f[len(f)-1] == '0' && (len(f) > 2 || suffix != "" || strings.Trim(f, "0") == "") {
		f = f[:len(f)-1]
	}
	if f == "" {
		return ""
	}
	return "." + f
}

// show writes the reading for people: "EUR 1,000.50", "5k".
func (r reading) show(suffix, cur string) string {
	w := strings.TrimLeft(r.whole, "0")
	if w == "" {
		w = "0"
	}
	s := groupThousands(w) + r.decimals(suffix) + suffix
	if cur != "" {
		s = cur + " " + s
	}
	return s
}

// typed writes the reading as it can be typed back: "1000.50 EUR", "5k".
func (r reading) typed(suffix, cur string) string {
	w := strings.TrimLeft(r.whole, "0")
	if w == "" {
		w = "0"
	}
	w += r.decimals(suffix) + suffix
	if cur != "" {
		w += " " + cur
	}
	return w
}

// readNumber reads digits with separators. ok means exactly one reading,
// r; otherwise alts are the readings it could not choose between (none
// when s is no number at all).
func readNumber(s string) (r reading, alts []reading, ok bool) {
	var groups []string
	var seps []byte
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == ',' || c == '.' || c == ' ':
			groups, seps = append(groups, s[start:i]), append(seps, c)
			start = i + 1
		default:
			return reading{}, nil, false
		}
	}
	groups = append(groups, s[start:])
	if len(groups) == 2 && seps[0] == '.' && groups[0] == "" {
		groups[0] = "0" // ".5"
	}
	for _, g := range groups {
		if g == "" {
			return reading{}, nil, false // "5..0", "5.", ",5"
		}
	}
	if len(seps) == 0 {
		return reading{whole: s}, nil, true
	}
	joined := strings.Join(groups, "")
	last := len(seps) - 1
	ints, frac := groups[:last+1], groups[last+1]
	intJoined := strings.Join(ints, "")
	switch {
	case seps[last] == '.' && !slices.Contains(seps[:last], '.'):
		// A decimal point, after thousands grouped by commas or spaces.
		if last == 0 {
			if w := groups[0]; len(frac) == 3 && len(w) <= 3 && w[0] != '0' {
				return reading{}, []reading{{w, frac}, {w + frac, ""}}, false // "5.000"
			}
			return reading{groups[0], frac}, nil, true
		}
		if grouped(ints, seps[:last]) {
			return reading{intJoined, frac}, nil, true
		}
		return reading{}, []reading{{intJoined, frac}}, false
	case seps[last] == ',' && last == 0 && len(frac) == 3 && groups[0][0] != '0':
		return reading{whole: joined}, nil, true // "4,800"
	case seps[last] == ',' && (last == 0 && len(frac) <= 3 ||
		last > 0 && !slices.Contains(seps[:last], ',') && grouped(ints, seps[:last])):
		// A decimal comma: "4,80", "1 000,50", "1.000,50".
		return reading{}, []reading{{intJoined, frac}, {joined, ""}}, false
	case grouped(groups, seps):
		if seps[0] != '.' {
			return reading{whole: joined}, nil, true // "1,000,000", "5 000"
		}
		return reading{}, []reading{{joined, ""}}, false // "12.345.678"
	}
	return reading{}, []reading{{joined, ""}}, false // "1,2,3", "1,00,000"
}

// grouped reports whether groups are thousands (1 to 3 digits, then 3 at
// a time) all separated by the same character.
func grouped(groups []string, seps []byte) bool {
	if len(groups[0]) > 3 || groups[0][0] == '0' {
		return false
	}
	for i, g := range groups[1:] {
		if len(g) != 3 || seps[i] != seps[0] {
			return false
		}
	}
	return true
}

// ambiguous refuses an amount that reads more than one way, with the
// readings and what to type instead.
func ambiguous(orig string, alts []reading, suffix, cur string) *Error {
	var shown, typed []string
	for _, a := range alts {
		shown, typed = append(shown, a.show(suffix, cur)), append(typed, a.typed(suffix, cur))
	}
	msg := fmt.Sprintf("I can't tell which amount %q is: %s?", orig, either(shown))
	if len(alts) == 1 {
		msg = fmt.Sprintf("I can't tell which amount %q is: %s, or something else?", orig, shown[0])
	}
	return Errorf(EINVALID, "%s", msg).WithHint("Type %s. I read a dot only as the decimal point (1,000.50) "+
		"and a comma or a space only between thousands (5,000 or 5 000).", either(typed))
}

// either joins choices as "a", "a or b", "a, b or c".
func either(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// clipRunes shortens s to n characters for quoting in a message.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
