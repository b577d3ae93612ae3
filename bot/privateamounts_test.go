package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func TestRender_HiddenAndWithheldAmountsSayWhyAndShowNoNumber(t *testing.T) {
	t.Parallel()
	r := core.Referral{Code: 1042, Need: "a website", Status: core.StatusWon, ReferrerName: "rita", ReceiverName: "remy",
		Estimate: core.Money{Cents: 777_1234, Currency: "USD"}, WonValue: core.Money{Cents: 777_2345, Currency: "USD"},
		Fee: core.FeeTerms{Kind: core.FeePercent, BasisPts: 1000}, FeeStatus: core.FeeOwed, AmountsPrivate: true}
	pub := r.Public()
	card := amountsText(Card(&pub, 0, "Referral R-1042"))
	if strings.Contains(card, "77,7") || strings.Contains(card, "7,77") || !strings.Contains(card, "private to the parties") {
		t.Errorf("the public card shows an amount or doesn't say it is private:\n%s", card)
	}
	list := amountsText(ListMessage(core.ListAll, []core.Referral{pub}, 0))
	if strings.Contains(list, "USD") {
		t.Errorf("the list shows an amount:\n%s", list)
	}

	st := &core.Stats{Period: core.Period{Label: "all time", To: time.Now()}, Currency: "USD", Deals: 1, Won: 1,
		Revenue: core.Amounts{{Currency: "USD", Cents: 777_2345, Count: 1, Private: 1}}, PrivateLeftOut: 1}
	st.AvgDeal = st.Revenue.Average()
	st.Visible()
	out := amountsText(StatsMessage(st))
	if strings.Contains(out, "77,72") || !strings.Contains(out, "USD withheld: fewer than 3 deals") {
		t.Errorf("network stats:\n%s", out)
	}
	q := amountsText(QuarterlyMessage(&core.Report{Period: core.QuarterOf(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)), Current: st}))
	if strings.Contains(q, "77,72") || !strings.Contains(q, "withheld") {
		t.Errorf("quarterly:\n%s", q)
	}
}

// amountsText is every text of a message, for a test to search.
func amountsText(m Message) string {
	var b strings.Builder
	b.WriteString(m.Title + "\n" + m.Text + "\n")
	for _, f := range m.Fields {
		b.WriteString(f.Name + ": " + f.Value + "\n")
	}
	b.WriteString(m.Footer)
	return b.String()
}
