package core_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/core"
)

func TestParseFee_FixedFeeKeepsTheCurrencyWritten(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]core.FeeTerms{
		"250":     {Kind: core.FeeFixed, FixedCents: 25000},
		"EUR 250": {Kind: core.FeeFixed, FixedCents: 25000, Currency: "EUR"},
		"€250":    {Kind: core.FeeFixed, FixedCents: 25000, Currency: "EUR"},
		"250 usd": {Kind: core.FeeFixed, FixedCents: 25000, Currency: "USD"},
		"10%":     {Kind: core.FeePercent, BasisPts: 1000},
	} {
		if got, err := core.ParseFee(in); err != nil || got != want {
			t.Errorf("ParseFee(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

func TestFeeTerms_OwedIsInTheFeesOrTheWonValuesCurrency(t *testing.T) {
	t.Parallel()
	eur := core.Money{Cents: 400000, Currency: "EUR"}
	for _, c := range []struct {
		name string
		fee  core.FeeTerms
		won  core.Money
		want core.Money
	}{
		{"a share, in the won value's currency", core.FeeTerms{Kind: core.FeePercent, BasisPts: 1000}, eur, core.Money{Cents: 40000, Currency: "EUR"}},
		{"a fixed fee, in its own", core.FeeTerms{Kind: core.FeeFixed, FixedCents: 25000, Currency: "USD"}, eur, core.Money{Cents: 25000, Currency: "USD"}},
		{"a fixed fee stored without currency", core.FeeTerms{Kind: core.FeeFixed, FixedCents: 25000}, eur, core.Money{Cents: 25000, Currency: "EUR"}},
		{"a share of a value stored without currency", core.FeeTerms{Kind: core.FeePercent, BasisPts: 500}, core.Money{Cents: 100000}, core.Money{Cents: 5000, Currency: "USD"}},
		{"no fee", core.FeeTerms{Kind: core.FeeReciprocal}, eur, core.Money{Cents: 0, Currency: "EUR"}},
	} {
		if got := c.fee.Owed(c.won); got != c.want {
			t.Errorf("%s: owed %+v, want %+v", c.name, got, c.want)
		}
	}
	if got := (core.FeeTerms{Kind: core.FeeFixed, FixedCents: 25000, Currency: "EUR"}).String(); got != "finder's fee "+(core.Money{Cents: 25000, Currency: "EUR"}).String() {
		t.Errorf("fixed fee reads %q", got)
	}
}

func TestConfigureFee_FixedFeeStaysInItsCurrencyWhenTheNetworksChanges(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, alice, bob := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice"), b.join(t, "T1", "bob")
	// Set without a currency in a USD network: USD 250.
	st, err := b.svc.Configure(ctx, org, "fee", []string{"250"})
	if want := (core.FeeTerms{Kind: core.FeeFixed, FixedCents: 25000, Currency: "USD"}); err != nil || st.Fee != want {
		t.Fatalf("fee 250: %+v, %v; want %+v", st.Fee, err, want)
	}
	// The network moves to EUR; the fee agreed stays USD 250.
	if st, err = b.svc.Configure(ctx, org, "currency", []string{"EUR"}); err != nil || st.Fee.Currency != "USD" || st.Currency != "EUR" {
		t.Fatalf("currency EUR: %+v, %v", st, err)
	}
	bob, alice = b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	r := b.refer(t, bob, alice, "Acme", 0)
	if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
		t.Fatal(err)
	}
	if r, err = b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 480000}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.ConfirmWon(ctx, bob, r.Code); err != nil {
		t.Fatal(err)
	}
	d, err := b.svc.Show(ctx, bob, r.Code) // as stored
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Referral.Fee.Owed(d.Referral.WonValue), (core.Money{Cents: 25000, Currency: "USD"}); d.Referral.FeeStatus != core.FeeOwed || got != want ||
		d.Referral.WonValue.Currency != "EUR" {
		t.Errorf("won EUR deal under a USD 250 fee: %s owed (%s), won %+v; want %+v", got, d.Referral.FeeStatus, d.Referral.WonValue, want)
	}

	// A share is owed in the deal's currency.
	if _, err := b.svc.Configure(ctx, org, "fee", []string{"10%"}); err != nil {
		t.Fatal(err)
	}
	bob = b.join(t, "T1", "bob")
	r = b.refer(t, bob, alice, "Globex", 0)
	if _, err := b.svc.Accept(ctx, alice, r.Code); err != nil {
		t.Fatal(err)
	}
	if r, err = b.svc.Advance(ctx, alice, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 500000, Currency: "JPY"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := r.Fee.Owed(r.WonValue), (core.Money{Cents: 50000, Currency: "JPY"}); got != want {
		t.Errorf("10%% of a JPY deal: %+v owed, want %+v", got, want)
	}
}
