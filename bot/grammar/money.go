package grammar

import (
	"errors"
	"strings"

	"github.com/referbot/referbot/core"
)

// knownCurrencies are three-letter codes recognised in lower case after an
// amount ("900 eur"); upper-case codes are always recognised.
var knownCurrencies = map[string]bool{
	"usd": true, "eur": true, "gbp": true, "chf": true, "cad": true, "aud": true, "nzd": true,
	"jpy": true, "sek": true, "nok": true, "dkk": true, "pln": true, "czk": true, "huf": true,
	"inr": true, "brl": true, "mxn": true, "zar": true, "sgd": true, "hkd": true, "cny": true,
	"ils": true, "try": true, "aed": true, "ron": true,
}

func isCurrencyWord(s string) bool {
	if len(s) != 3 {
		return false
	}
	if knownCurrencies[strings.ToLower(s)] {
		return true
	}
	return strings.ToUpper(s) == s && core.IsCurrency(s) // "CEO" is not one
}

// moneyAt reads an amount at ts[i] with the tokens that belong to it: a
// currency before or after ("EUR 4800", "4800 EUR", "$ 4800") and groups
// of three digits after a space ("5 000", "1 000 000", also "1 000,50",
// which core then refuses rather than it being cut short to 1). It
// returns how many tokens the amount took.
func moneyAt(ts []token, i int, strip string) (core.Money, int, error) {
	words := []string{strings.TrimPrefix(trimPunct(ts[i].text), strip)}
	j := i + 1
	if isCurrencySign(words[0]) && j < len(ts) && strings.IndexAny(trimPunct(ts[j].text), "0123456789") == 0 {
		words = append(words, trimPunct(ts[j].text))
		j++
	}
	if shortGroupEnd(words[len(words)-1]) {
		for j < len(ts) && isThousands(trimPunct(ts[j].text)) {
			w := trimPunct(ts[j].text)
			words = append(words, w)
			j++
			if len(w) > 3 {
				break // "000,50": decimals end the number
			}
		}
	}
	amount := strings.Join(words, " ")
	if j < len(ts) {
		next := trimPunct(ts[j].text)
		if isCurrencyWord(next) {
			if m, err := core.ParseMoney(amount + " " + next); err == nil {
				return m, j + 1 - i, nil
			}
		}
		if len(next) == 3 && strings.ToUpper(next) == next && letterCount(next) == 3 && !core.IsCurrency(next) {
			// "4800 EUO": a currency mistyped, not a note to keep.
			if _, err := core.ParseMoney(amount); err == nil {
				_, err = core.ParseMoney(amount + " " + next)
				return core.Money{}, j + 1 - i, err
			}
		}
	}
	m, err := core.ParseMoney(amount)
	return m, j - i, err
}

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			n++
		}
	}
	return n
}

// isCurrencySign reports a currency standing before its amount, apart:
// "EUR 4800", "$ 4800".
func isCurrencySign(s string) bool {
	switch s {
	case "$", "US$", "€", "£", "¥", "₹", "₩":
		return true
	}
	return isCurrencyWord(s)
}

// shortGroupEnd reports whether s ends in one to three digits that are
// not already part of a grouped or decimal number: "5", "€12", "EUR250",
// not "4,800", "4.5" or "4800".
func shortGroupEnd(s string) bool {
	n := 0
	for n < len(s) && isDigit(s[len(s)-1-n]) {
		n++
	}
	if n == 0 || n > 3 {
		return false
	}
	if n < len(s) {
		switch s[len(s)-1-n] {
		case ',', '.', ' ':
			return false
		}
	}
	return true
}

// isThousands reports a token that continues a number written with a
// space between thousands: three digits, maybe with decimals ("000",
// "000.50", "000,50").
func isThousands(s string) bool {
	if len(s) < 3 || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) {
		return false
	}
	if len(s) == 3 {
		return true
	}
	if s[3] != ',' && s[3] != '.' || len(s) == 4 {
		return false
	}
	for i := 4; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// amountErr explains an amount that was not read: for something that
// looks like a number, core's own reason (ambiguous, with its readings;
// negative; too precise); for a word, refusal (what the grammar says of
// that place).
func amountErr(err error, tok string, refusal error) error {
	var e *core.Error
	if strings.ContainsAny(tok, "0123456789") && errors.As(err, &e) {
		return e
	}
	return refusal
}

// amountToEnd reads an amount that takes every argument from p.ts[j] on
// (a profile's minimum budget). Text that is not one, or is followed by
// more, is refused with refusal.
func (p *parser) amountToEnd(j int, refusal error) (*core.Money, error) {
	m, n, err := moneyAt(p.ts, j, "")
	if err != nil {
		return nil, amountErr(err, p.ts[j].text, refusal)
	}
	if j+n != len(p.ts) {
		return nil, refusal
	}
	return &m, nil
}
