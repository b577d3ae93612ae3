package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/fixture"
	"github.com/referbot/referbot/internal/testenv"
)

// currencyWorld is a USD network whose members win deals in USD, EUR and
// JPY, driven through the service as members would.
type currencyWorld struct {
	t               *testing.T
	ctx             context.Context
	db              *postgres.DB
	svc             *core.Service
	clk             *fixture.Clock
	org, alice, bob core.Caller
}

func newCurrencyWorld(t *testing.T) *currencyWorld {
	e := testenv.New(t, testenv.Options{At: time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC)})
	w := &currencyWorld{t: t, ctx: context.Background(), db: e.DB, svc: e.Svc, clk: e.Clock}
	w.org, w.alice, w.bob = w.join("org"), w.join("alice"), w.join("bob")
	return w
}

// join returns the member as a new request would see them, with the
// network's settings as they are now.
func (w *currencyWorld) join(name string) core.Caller {
	w.t.Helper()
	c, err := w.svc.Join(w.ctx, core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "U-" + name,
		UserName: name, Channel: "#referrals"})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *currencyWorld) at(t time.Time) {
	w.clk.Set(t)
}

// win refers a client from one member to another, who accepts and wins
// it a day later for value, typed as is (an empty currency takes the
// network's of the day).
func (w *currencyWorld) win(from, to core.Caller, client string, value core.Money) *core.Referral {
	w.t.Helper()
	from, to = w.join(from.Member.DisplayName), w.join(to.Member.DisplayName)
	r, err := w.svc.Refer(w.ctx, from, core.ReferInput{To: core.MemberRef{UserID: to.Member.UserID},
		ClientName: client, Need: "a new website"})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.svc.Accept(w.ctx, to, r.Code); err != nil {
		w.t.Fatal(err)
	}
	w.clk.Add(24 * time.Hour)
	if r, err = w.svc.Advance(w.ctx, to, r.Code, core.StatusWon, core.AdvanceInput{Value: value}); err != nil {
		w.t.Fatal(err)
	}
	// The referrer confirms the value, so it counts on the leaderboards.
	if _, err := w.svc.ConfirmWon(w.ctx, from, r.Code); err != nil {
		w.t.Fatal(err)
	}
	return r
}

// report runs a job at fire and renders the notice it queued under key.
func (w *currencyWorld) report(job string, fire time.Time, key string) (*core.Report, bot.Message) {
	w.t.Helper()
	ws := w.join("org").Workspace
	if res, err := w.svc.RunJob(w.ctx, job, ws, fire, fire); err != nil || res.Notices != 1 {
		w.t.Fatalf("%s at %s: %+v, %v; want one notice", job, fire, res, err)
	}
	ns, err := w.db.ClaimNotices(w.ctx, core.Slack, 100, fire.Add(time.Hour), time.Minute)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, n := range ns {
		if n.DedupeKey == key {
			return n.Report, bot.RenderNotice(n)
		}
	}
	w.t.Fatalf("%s at %s: no notice %q in the outbox", job, fire, key)
	return nil, bot.Message{}
}

func (w *currencyWorld) stats(c core.Caller, req core.StatsRequest) (*core.Stats, bot.Message) {
	w.t.Helper()
	st, err := w.svc.Stats(w.ctx, w.join(c.Member.DisplayName), req)
	if err != nil {
		w.t.Fatal(err)
	}
	return st, bot.StatsMessage(st)
}

func field(t *testing.T, m bot.Message, name string) string {
	t.Helper()
	for _, f := range m.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	t.Fatalf("%q has no field %q: %+v", m.Title, name, m.Fields)
	return ""
}

func wantAmounts(t *testing.T, what string, got core.Amounts, want ...core.Amount) {
	t.Helper()
	if !slices.Equal(got, core.Amounts(want)) {
		t.Errorf("%s = %+v\nwant %+v", what, got, want)
	}
}

func money(cents int64, cur string) string { return core.Money{Cents: cents, Currency: cur}.String() }

func TestReports_EveryCurrencySummedApartBeforeAndAfterTheNetworkCurrencyChanges(t *testing.T) {
	t.Parallel()
	w := newCurrencyWorld(t)
	// The week of 5 October 2026, in a USD network: two USD deals (one
	// typed without a currency), one EUR, one JPY (in yen, its minor unit).
	w.win(w.alice, w.bob, "Acme", core.Money{Cents: 480000, Currency: "USD"})
	if r := w.win(w.alice, w.bob, "Globex", core.Money{Cents: 1410000}); r.WonValue.Currency != "USD" {
		t.Fatalf("a value typed without currency in a USD network: %+v", r.WonValue)
	}
	w.win(w.bob, w.alice, "Initech", core.Money{Cents: 400000, Currency: "EUR"})
	w.win(w.alice, w.bob, "Umbrella", core.Money{Cents: 500000, Currency: "JPY"})

	usd := core.Amount{Currency: "USD", Cents: 1890000, Count: 2}
	eur := core.Amount{Currency: "EUR", Cents: 400000, Count: 1}
	jpy := core.Amount{Currency: "JPY", Cents: 500000, Count: 1}
	revenue := money(1890000, "USD") + " from 2 deals · " + money(400000, "EUR") + " from 1 deal · " +
		money(500000, "JPY") + " from 1 deal"
	// alice gave the USD and JPY deals and received the EUR one.
	reciprocity := "-" + money(400000, "EUR") + " · +" + money(500000, "JPY") + " · +" + money(1890000, "USD")

	check := func(when string) {
		t.Helper()
		net, m := w.stats(w.org, core.StatsRequest{Network: true})
		if net.Deals != 4 {
			t.Errorf("%s: network deals = %d, want 4", when, net.Deals)
		}
		wantAmounts(t, when+": network revenue", net.Revenue, usd, eur, jpy)
		wantAmounts(t, when+": network average deal", net.AvgDeal,
			core.Amount{Currency: "USD", Cents: 945000, Count: 2}, eur, jpy)
		if got := field(t, m, "Revenue from referrals"); got != revenue {
			t.Errorf("%s: network revenue reads %q\nwant %q", when, got, revenue)
		}
		if net.Revenue.Count() != net.Deals {
			t.Errorf("%s: deals per currency add up to %d, not %d", when, net.Revenue.Count(), net.Deals)
		}

		al, m := w.stats(w.alice, core.StatsRequest{})
		wantAmounts(t, when+": alice's revenue", al.Revenue, eur)
		wantAmounts(t, when+": alice's business generated", al.RevenueGenerated, usd, jpy)
		wantAmounts(t, when+": alice's reciprocity", al.Reciprocity,
			core.Amount{Currency: "EUR", Cents: -400000}, core.Amount{Currency: "JPY", Cents: 500000},
			core.Amount{Currency: "USD", Cents: 1890000})
		if got := field(t, m, "Reciprocity balance"); got != reciprocity+" (given − received won value)" {
			t.Errorf("%s: alice's reciprocity reads %q\nwant %q", when, got, reciprocity)
		}
		bob, _ := w.stats(w.bob, core.StatsRequest{})
		wantAmounts(t, when+": bob's reciprocity", bob.Reciprocity,
			core.Amount{Currency: "EUR", Cents: 400000}, core.Amount{Currency: "JPY", Cents: -500000},
			core.Amount{Currency: "USD", Cents: -1890000})
	}
	weekly := func(when string, fire time.Time) {
		t.Helper()
		rep, m := w.report(core.JobWeeklyDigest, fire, "weekly:"+core.JobPeriod(fire))
		wantAmounts(t, when+": weekly revenue", rep.Current.Revenue, usd, eur, jpy)
		if got, want := field(t, m, "Wins"), "4 ("+revenue+")"; got != want {
			t.Errorf("%s: weekly wins read %q\nwant %q", when, got, want)
		}
	}

	check("in a USD network")
	weekly("in a USD network", time.Date(2026, 10, 12, 9, 0, 0, 0, time.UTC))
	rep, m := w.report(core.JobQuarterly, time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC), "quarterly:Q4 2026")
	wantAmounts(t, "Q4 revenue", rep.Current.Revenue, usd, eur, jpy)
	wins := field(t, m, "Wins")
	for _, want := range []string{"4 deals won: ", money(1890000, "USD") + " from 2 deals, up from nothing",
		money(400000, "EUR") + " from 1 deal, up from nothing", money(500000, "JPY") + " from 1 deal, up from nothing",
		"(against Q3 2026)"} {
		if !strings.Contains(wins, want) {
			t.Errorf("Q4 wins %q lack %q", wins, want)
		}
	}
	deals := field(t, m, "Deals")
	if want := "average deal " + money(945000, "USD") + " · " + money(400000, "EUR") + " · " + money(500000, "JPY"); !strings.HasPrefix(deals, want) {
		t.Errorf("Q4 deals read %q, want %q…", deals, want)
	}
	if top := field(t, m, "Top givers"); !strings.Contains(top, "1. @alice — "+money(1890000, "USD")+" · "+money(500000, "JPY")+" from 3 confirmed deals, 3 referrals given") {
		t.Errorf("top givers: %q", top)
	}

	// The network moves to EUR: only new entries are in EUR. Nothing
	// earlier is relabelled or dropped.
	w.at(time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC))
	if _, err := w.svc.Configure(w.ctx, w.join("org"), "currency", []string{"EUR"}); err != nil {
		t.Fatal(err)
	}
	check("after the switch to EUR")
	weekly("after the switch to EUR", time.Date(2026, 10, 13, 9, 0, 0, 0, time.UTC))

	w.at(time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC))
	if r := w.win(w.bob, w.alice, "Hooli", core.Money{Cents: 100000}); r.WonValue.Currency != "EUR" {
		t.Fatalf("a value typed without currency in an EUR network: %+v", r.WonValue)
	}
	rep, m = w.report(core.JobQuarterly, time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC), "quarterly:Q1 2027")
	wantAmounts(t, "Q1 revenue", rep.Current.Revenue, core.Amount{Currency: "EUR", Cents: 100000, Count: 1})
	wantAmounts(t, "Q4 revenue, seen from Q1", rep.Previous.Revenue, usd, eur, jpy)
	wins = field(t, m, "Wins")
	for _, want := range []string{"1 deal won: " + money(100000, "EUR") + " from 1 deal, -75%",
		money(0, "USD") + " from 0 deals, -100%", money(0, "JPY") + " from 0 deals, -100%", "(against Q4 2026)"} {
		if !strings.Contains(wins, want) {
			t.Errorf("Q1 wins %q lack %q", wins, want)
		}
	}
	net, m := w.stats(w.org, core.StatsRequest{Network: true})
	wantAmounts(t, "network revenue, all time", net.Revenue, core.Amount{Currency: "EUR", Cents: 500000, Count: 2}, usd, jpy)
	if got, want := field(t, m, "Revenue from referrals"), money(500000, "EUR")+" from 2 deals · "+money(1890000, "USD")+
		" from 2 deals · "+money(500000, "JPY")+" from 1 deal"; got != want {
		t.Errorf("network revenue, all time, reads %q\nwant %q", got, want)
	}
}
