package core_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/referbot/referbot/core"
)

func TestStats_ReportQueuedBeforeAmountsWerePerCurrencyStillReads(t *testing.T) {
	t.Parallel()
	// A quarterly report as the outbox kept it before: plain numbers in the
	// network's currency of the time.
	old := `{"Currency":"EUR","Deals":3,"Revenue":820000,"AvgDeal":273333,"GivenEstimate":0,
		"Reciprocity":-5000,"ByPartner":[{"Name":"alice","GivenWonValue":480000,"ReceivedWonValue":0}]}`
	var st core.Stats
	if err := json.Unmarshal([]byte(old), &st); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want core.Amounts
	}{
		{"revenue", st.Revenue, core.Amounts{{Currency: "EUR", Cents: 820000, Count: 3}}},
		{"average deal", st.AvgDeal, core.Amounts{{Currency: "EUR", Cents: 273333, Count: 3}}},
		{"given estimate", st.GivenEstimate, nil},
		{"reciprocity", st.Reciprocity, core.Amounts{{Currency: "EUR", Cents: -5000}}},
		{"alice's given won value", st.ByPartner[0].GivenWonValue, core.Amounts{{Currency: "EUR", Cents: 480000}}},
		{"alice's received won value", st.ByPartner[0].ReceivedWonValue, nil},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.name, c.got, c.want)
		}
	}

	// And today's reports round-trip.
	st = core.Stats{Currency: "USD", Deals: 2, Revenue: core.Amounts{{Currency: "USD", Cents: 100, Count: 1}, {Currency: "JPY", Cents: 5000, Count: 1}}}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back core.Stats
	if err := json.Unmarshal(b, &back); err != nil || !slices.Equal(back.Revenue, st.Revenue) {
		t.Errorf("round trip: %+v, %v; want %+v", back.Revenue, err, st.Revenue)
	}
}

func TestAmounts_AverageAndMinusKeepCurrenciesApart(t *testing.T) {
	t.Parallel()
	as := core.Amounts{{Currency: "USD", Cents: 1000, Count: 3}, {Currency: "EUR", Cents: 500, Count: 1}}
	if got, want := as.Average(), (core.Amounts{{Currency: "USD", Cents: 333, Count: 3}, {Currency: "EUR", Cents: 500, Count: 1}}); !slices.Equal(got, want) {
		t.Errorf("average = %+v, want %+v", got, want)
	}
	bs := core.Amounts{{Currency: "EUR", Cents: 500, Count: 1}, {Currency: "JPY", Cents: 7, Count: 1}}
	if got, want := as.Minus(bs), (core.Amounts{{Currency: "JPY", Cents: -7}, {Currency: "USD", Cents: 1000}}); !slices.Equal(got, want) {
		t.Errorf("minus = %+v, want %+v", got, want)
	}
	if as.Count() != 4 || as.Get("GBP") != (core.Amount{Currency: "GBP"}) {
		t.Errorf("count %d, GBP %+v", as.Count(), as.Get("GBP"))
	}
}
