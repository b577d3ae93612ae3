package web

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/referbot/referbot/core"
)

// Figures in the words chat uses for them (bot/replies.go), so a page says
// exactly what `/refer stats` says; text_test.go holds the two together.

// amountLines are sums kept per currency, one line each ("USD 18,900"),
// a withheld total saying why ("USD withheld: fewer than 3 deals"); with
// none, a zero in the network's currency def.
func amountLines(as core.Amounts, def string, one func(core.Amount) string) []string {
	if len(as) == 0 {
		as = core.Amounts{{Currency: cmp.Or(def, core.DefaultCurrency)}}
	}
	lines := make([]string, len(as))
	for i, a := range as {
		lines[i] = one(a)
		if a.Withheld != "" {
			lines[i] = a.Currency + " withheld: " + a.Withheld
		}
	}
	return lines
}

// sum is one amount: "USD 18,900".
func sum(a core.Amount) string { return a.Money().String() }

// sumOf also says how many deals it covers: "USD 18,900 from 5 deals".
func sumOf(noun string) func(core.Amount) string {
	return func(a core.Amount) string { return sum(a) + " from " + plural(a.Count, noun) }
}

// signedSum is a difference with its sign: "+USD 6,000", "-EUR 3,000".
func signedSum(a core.Amount) string {
	if a.Cents < 0 {
		a.Cents = -a.Cents
		return "-" + sum(a)
	}
	return "+" + sum(a)
}

// sums joins amountLines as chat does: "USD 18,900 · EUR 4,000".
func sums(as core.Amounts, def string) string {
	return strings.Join(amountLines(as, def, sum), " · ")
}

func pct(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0") + "%"
}

func decimal1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// plural writes a count with its noun: "1 deal", "3 deals".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// privateAmounts stands for amounts a party keeps private, as in chat.
const privateAmounts = "private to the parties"

// money is a referral's amount, "" when there is none.
func money(m core.Money) string {
	if m.IsZero() {
		return ""
	}
	return m.String()
}

// referralValue is what a list shows of a referral's amounts: the won
// value once won, else the estimate; or that they are private.
func referralValue(r *core.Referral) string {
	switch {
	case r.AmountsHidden:
		return privateAmounts
	case r.Status == core.StatusWon && !r.WonValue.IsZero():
		return r.WonValue.String()
	case !r.Estimate.IsZero():
		return "est. " + r.Estimate.String()
	}
	return ""
}

// clientOr is the client's name, or "the client" for a viewer who may not
// see it, as chat writes it.
func clientOr(r *core.Referral) string {
	return cmp.Or(r.ClientName, "the client")
}
