package web

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
)

// Figures in the words chat uses for them (bot.AmountLines and its Sum,
// SumOf, SignedSum; bot/replies.go), so a page says
// exactly what `/refer stats` says; text_test.go holds the two together.

// sums joins amounts as chat does: "USD 18,900 · EUR 4,000".
func sums(as core.Amounts, def string) string {
	return strings.Join(bot.AmountLines(as, def, bot.Sum), " · ")
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
		return bot.PrivateAmounts
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
