package core_test

import (
	"context"
	"slices"
	"testing"

	"github.com/referbot/referbot/core"
)

// win has to accept and win r for value (in minor units, USD).
func (b *bundle) win(t testing.TB, owner core.Caller, r *core.Referral, value int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := b.svc.Accept(ctx, owner, r.Code); err != nil {
		t.Fatalf("accept %s: %v", r.Code, err)
	}
	if _, err := b.svc.Advance(ctx, owner, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: value, Currency: "USD"}, Confirm: true}); err != nil {
		t.Fatalf("win %s: %v", r.Code, err)
	}
}

func (b *bundle) private(t testing.TB, c core.Caller, on bool) {
	t.Helper()
	v := "public"
	if on {
		v = "private"
	}
	p, err := b.svc.SetProfile(context.Background(), c, "amounts", []string{v})
	if err != nil || p.AmountsPrivate != on {
		t.Fatalf("amounts %s: %+v, %v", v, p, err)
	}
}

func TestPrivateAmounts_OnlyThePartiesSeeAReferralsAmounts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ada := b.join(t, "T1", "ada") // the first member: an admin
	rita, remy, otto := b.join(t, "T1", "rita"), b.join(t, "T1", "remy"), b.join(t, "T1", "otto")
	if !ada.Member.IsAdmin() {
		t.Fatal("ada should be the admin")
	}
	b.private(t, remy, true) // the receiver keeps amounts private: the referral's are private
	r := b.refer(t, rita, remy, "Acme", 777_1234)
	if !r.AmountsPrivate {
		t.Fatal("a referral to a member who keeps amounts private should have private amounts")
	}
	b.win(t, remy, r, 777_2345)

	for _, c := range []struct {
		who     core.Caller
		amounts bool
		client  bool
	}{{rita, true, true}, {remy, true, true}, {ada, false, true}, {otto, false, false}} {
		d, err := b.svc.Show(ctx, c.who, r.Code)
		if err != nil {
			t.Fatal(err)
		}
		got := d.Referral
		if seen := got.Estimate.Cents == 777_1234 && got.WonValue.Cents == 777_2345; seen != c.amounts || got.AmountsHidden == c.amounts {
			t.Errorf("@%s sees estimate %v, won %v, hidden %v; want amounts seen %v", c.who.Member.DisplayName,
				got.Estimate, got.WonValue, got.AmountsHidden, c.amounts)
		}
		if (got.ClientName == "Acme") != c.client {
			t.Errorf("@%s sees client %q; want seen %v", c.who.Member.DisplayName, got.ClientName, c.client)
		}
	}
	all, err := b.svc.List(ctx, ada, core.ListAll)
	if err != nil || len(all) != 1 || !all[0].AmountsHidden || all[0].WonValue.Cents != 0 {
		t.Errorf("the admin's list shows %+v, %v; want the amounts hidden", all, err)
	}
	if pub := r.Public(); pub.Estimate.Cents != 0 || !pub.AmountsHidden {
		t.Errorf("the public view (channel posts) shows estimate %v", pub.Estimate)
	}

	// The referrer's setting counts as much as the receiver's; and a
	// member who makes their amounts public again shows them again.
	b.private(t, remy, false)
	if d, _ := b.svc.Show(ctx, otto, r.Code); d.Referral.WonValue.Cents != 777_2345 {
		t.Errorf("public again: otto sees won %v", d.Referral.WonValue)
	}
	b.private(t, rita, true)
	if d, _ := b.svc.Show(ctx, otto, r.Code); d.Referral.WonValue.Cents != 0 {
		t.Errorf("the referrer keeps amounts private: otto sees won %v", d.Referral.WonValue)
	}
}

func TestPrivateAmounts_StatsLeaveThemOutOfMembersFiguresAndWithholdSmallTotals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "ada")
	rita, remy, pia, otto := b.join(t, "T1", "rita"), b.join(t, "T1", "remy"), b.join(t, "T1", "pia"), b.join(t, "T1", "otto")
	b.private(t, remy, true)
	b.win(t, remy, b.refer(t, rita, remy, "Acme", 0), 777_2345)

	stats := func(who core.Caller, req core.StatsRequest) *core.Stats {
		t.Helper()
		st, err := b.svc.Stats(ctx, who, req)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// remy sees his own figures; otto sees remy's outcomes, not the amount.
	if got := stats(remy, core.StatsRequest{}).Revenue.Get("USD").Cents; got != 777_2345 {
		t.Errorf("remy's own revenue = %d", got)
	}
	st := stats(otto, core.StatsRequest{Who: &core.MemberRef{UserID: remy.Member.UserID}})
	if st.Won != 1 || len(st.Revenue) != 0 || st.PrivateLeftOut != 1 || len(st.AvgDeal) != 0 {
		t.Errorf("stats @remy for otto: won %d, revenue %+v, average %+v, left out %d; want the win without its amount",
			st.Won, st.Revenue, st.AvgDeal, st.PrivateLeftOut)
	}
	// rita, the other party, sees it in her figures of remy.
	if got := stats(rita, core.StatsRequest{Who: &core.MemberRef{UserID: remy.Member.UserID}}).Revenue.Get("USD").Cents; got != 777_2345 {
		t.Errorf("stats @remy for rita: revenue %d", got)
	}
	netWithheld := func(who core.Caller, want string) {
		t.Helper()
		st := stats(who, core.StatsRequest{Network: true})
		rev := st.Revenue.Get("USD")
		if rev.Withheld != want || want != "" && (rev.Cents != 0 || st.AvgDeal.Get("USD").Cents != 0) {
			t.Errorf("network revenue for @%s = %+v, average %+v; want withheld %q", who.Member.DisplayName, rev, st.AvgDeal, want)
		}
		for _, p := range st.ByPartner {
			if who.Member.ID == rita.Member.ID {
				break // a party of every deal: she may see them all
			}
			for _, a := range slices.Concat(p.GivenWonValue, p.ReceivedWonValue) {
				if a.Cents%10000 == 2345 || a.Cents == 777_2345 {
					t.Errorf("@%s's row shows a private amount to @%s: %+v", p.Name, who.Member.DisplayName, p)
				}
			}
		}
	}
	netWithheld(otto, core.WithheldFewDeals)
	netWithheld(rita, "") // a party: nothing in it is hidden from her

	// Two public deals more: three deals, but the public two can be
	// subtracted, so one private amount is still withheld.
	b.win(t, pia, b.refer(t, rita, pia, "Bolt", 0), 100_00)
	b.win(t, otto, b.refer(t, rita, otto, "Cask", 0), 200_00)
	netWithheld(otto, core.WithheldSubtract)
	// A second private deal (pia's now): three deals, two private — shown.
	b.private(t, pia, true)
	netWithheld(otto, "")
	if got := stats(otto, core.StatsRequest{Network: true}).Revenue.Get("USD"); got.Cents != 777_2345+100_00+200_00 || got.Private != 2 {
		t.Errorf("network revenue = %+v", got)
	}
	// ...but not to pia, who knows her own and would find remy's.
	netWithheld(pia, core.WithheldSubtract)
}

func TestPrivateAmounts_UnusualWonValueNeverQuotesAPrivateOne(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "ada")
	rita, remy, otto := b.join(t, "T1", "rita"), b.join(t, "T1", "remy"), b.join(t, "T1", "otto")
	b.private(t, remy, true)
	b.win(t, remy, b.refer(t, rita, remy, "Acme", 0), 777_23)
	r := b.refer(t, rita, otto, "Bolt", 0)
	if _, err := b.svc.Accept(ctx, otto, r.Code); err != nil {
		t.Fatal(err)
	}
	// 777.23 × 100 would be unusual, but 777.23 is private: nothing to compare with.
	if _, err := b.svc.Advance(ctx, otto, r.Code, core.StatusWon, core.AdvanceInput{Value: core.Money{Cents: 9_000_000, Currency: "USD"}}); err != nil {
		t.Errorf("won against a private amount: %v", err)
	}
}

func TestAmounts_VisibleWithholdsTotalsThatRevealAPrivateAmount(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a    core.Amount
		want string
	}{
		{core.Amount{Cents: 5, Count: 1}, ""},
		{core.Amount{Cents: 5, Count: 1, Private: 1}, core.WithheldFewDeals},
		{core.Amount{Cents: 5, Count: 2, Private: 2}, core.WithheldFewDeals},
		{core.Amount{Cents: 5, Count: 5, Private: 1}, core.WithheldSubtract},
		{core.Amount{Cents: 5, Count: 3, Private: 2}, ""},
		{core.Amount{Cents: 5, Count: 3, Private: 3}, ""},
	} {
		got := core.Amounts{c.a}.Visible()[0]
		if got.Withheld != c.want || c.want != "" && got.Cents != 0 || c.want == "" && got.Cents != 5 {
			t.Errorf("%+v: got %+v, want withheld %q", c.a, got, c.want)
		}
	}
}
