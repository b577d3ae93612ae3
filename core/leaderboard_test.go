package core_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// deal is one referral of the known data set: who gave which client to
// whom, when it was won (zero: never), for how much, and whether the
// referrer confirmed the value.
type deal struct {
	from, to        string
	client, contact string
	at              time.Time
	value           core.Money
	confirm         bool
}

// play makes each deal at its time: referred and accepted then, won an
// hour later, confirmed an hour after that.
func (b *bundle) play(t testing.TB, who map[string]core.Caller, deals []deal) []*core.Referral {
	t.Helper()
	ctx := context.Background()
	var out []*core.Referral
	for _, d := range deals {
		b.clock.t = d.at
		r, err := b.svc.Refer(ctx, who[d.from], core.ReferInput{To: ref(who[d.to]), ClientName: d.client,
			Contact: d.contact, Consent: d.contact != "", Need: "a website"})
		if err != nil {
			t.Fatalf("refer %s: %v", d.client, err)
		}
		out = append(out, r)
		if d.value.IsZero() {
			continue
		}
		if _, err := b.svc.Accept(ctx, who[d.to], r.Code); err != nil {
			t.Fatal(err)
		}
		b.clock.Add(time.Hour)
		if _, err := b.svc.Advance(ctx, who[d.to], r.Code, core.StatusWon, core.AdvanceInput{Value: d.value}); err != nil {
			t.Fatalf("won %s: %v", d.client, err)
		}
		if d.confirm {
			b.clock.Add(time.Hour)
			if _, err := b.svc.ConfirmWon(ctx, who[d.from], r.Code); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

// knownBoard is the data set: Q4 2025, then Q1 2026, in a USD network.
//
//   - alice sends bob the same client four times in Q1 ("Acme Inc.",
//     "ACME" with its e-mail, "Acme Bakery" under that e-mail, and once
//     more): three deals of USD 1,000, counted as one, worth USD 1,000.
//   - carol sends bob two different clients, won for USD 500 each.
//   - bob sends alice a USD 9,000 deal he never confirmed, and a USD 200
//     one he did; in Q4 he had two confirmed deals.
//   - dana, who joined in January, sends carol a EUR 700 deal: her first win.
//   - the organiser gives one referral nobody won.
func knownBoard(t *testing.T) (*bundle, map[string]core.Caller) {
	t.Helper()
	b := setup(t)
	b.clock.t = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	who := map[string]core.Caller{}
	for _, n := range []string{"organiser", "alice", "bob", "carol"} {
		who[n] = b.join(t, "T1", n)
	}
	usd := func(units int64) core.Money { return core.Money{Cents: units * 100, Currency: "USD"} }
	q4 := func(d int) time.Time { return time.Date(2025, 11, d, 10, 0, 0, 0, time.UTC) }
	q1 := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, time.UTC) }
	b.play(t, who, []deal{
		{"bob", "alice", "Stark", "", q4(3), usd(300), true},
		{"bob", "alice", "Wayne", "", q4(10), usd(300), true},
	})
	b.clock.t = q1(1, 5)
	who["dana"] = b.join(t, "T1", "dana")
	b.play(t, who, []deal{
		{"alice", "bob", "Acme Inc.", "", q1(1, 10), usd(1000), true},
		{"alice", "bob", "ACME", "orders@acme.example", q1(2, 10), usd(1000), true},
		{"alice", "bob", "Acme Bakery", "orders@acme.example", q1(2, 11), usd(1000), true},
		{"alice", "bob", "Acme", "ORDERS@acme.example", q1(2, 12), core.Money{}, false}, // the same, not won (yet)
		{"carol", "bob", "Initech", "", q1(1, 20), usd(500), true},
		{"carol", "bob", "Hooli", "", q1(2, 20), usd(500), true},
		{"bob", "alice", "Globex", "", q1(3, 1), usd(9000), false},
		{"bob", "alice", "Umbrella", "", q1(3, 2), usd(200), true},
		{"dana", "carol", "Vandelay", "", q1(3, 5), core.Money{Cents: 70000, Currency: "EUR"}, true},
		{"organiser", "alice", "Soylent", "", q1(3, 6), core.Money{}, false},
	})
	b.clock.t = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	return b, who
}

func giverNames(es []core.BoardEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func TestLeaderboard_RepeatsCountOnceUnconfirmedWinsNotAtAll(t *testing.T) {
	t.Parallel()
	b, who := knownBoard(t)
	lb, err := b.svc.Leaderboard(context.Background(), who["bob"], "2026-Q1")
	if err != nil {
		t.Fatal(err)
	}
	if lb.Period.Label != "Q1 2026" || lb.Previous == nil || lb.Previous.Label != "Q4 2025" || lb.Currency != "USD" {
		t.Fatalf("period %q, before %+v, currency %s", lb.Period.Label, lb.Previous, lb.Currency)
	}
	// carol's two deals beat alice's three of one client; then value in USD.
	if got, want := giverNames(lb.Givers), []string{"carol", "alice", "bob", "dana", "organiser"}; !slices.Equal(got, want) {
		t.Fatalf("top givers = %v, want %v", got, want)
	}
	usd := func(cents int64, n int) core.Amounts { return core.Amounts{{Currency: "USD", Cents: cents, Count: n}} }
	for _, c := range []struct {
		entry                       core.BoardEntry
		deals, won, given, referred int
		value                       core.Amounts
	}{
		{lb.Givers[0], 2, 2, 2, 2, usd(100000, 2)},                                          // carol
		{lb.Givers[1], 1, 3, 1, 4, usd(100000, 1)},                                          // alice: Acme counted once, at its average
		{lb.Givers[2], 1, 1, 2, 2, usd(20000, 1)},                                           // bob: the unconfirmed USD 9,000 doesn't count
		{lb.Givers[3], 1, 1, 1, 1, core.Amounts{{Currency: "EUR", Cents: 70000, Count: 1}}}, // dana
		{lb.Givers[4], 0, 0, 1, 1, nil},                                                     // the organiser
	} {
		e := c.entry
		if e.Deals != c.deals || e.Won != c.won || e.Given != c.given || e.Referred != c.referred || !slices.Equal(e.Value, c.value) {
			t.Errorf("%s: deals %d (won %d), given %d (referred %d), value %v; want %d (%d), %d (%d), %v",
				e.Name, e.Deals, e.Won, e.Given, e.Referred, e.Value, c.deals, c.won, c.given, c.referred, c.value)
		}
	}

	// Confirmed, bob's USD 9,000 puts him ahead of alice.
	if _, err := b.svc.ConfirmWon(context.Background(), who["bob"], 1000+9); err != nil {
		t.Fatal(err)
	}
	lb, err = b.svc.Leaderboard(context.Background(), who["bob"], "2026-01..2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := giverNames(lb.Givers), []string{"bob", "carol", "alice", "dana", "organiser"}; !slices.Equal(got, want) {
		t.Errorf("once confirmed: top givers = %v, want %v", got, want)
	}
}

func TestLeaderboard_MostImprovedAndNewcomersFirstWins(t *testing.T) {
	t.Parallel()
	b, who := knownBoard(t)
	lb, err := b.svc.Leaderboard(context.Background(), who["organiser"], "2026-Q1")
	if err != nil {
		t.Fatal(err)
	}
	// Against Q4: carol +2 deals, alice +1 deal worth USD 1,000, dana +1
	// deal (in EUR); the organiser gave one more referral but is fourth;
	// bob had two deals in Q4 and one now.
	var improved []string
	for _, im := range lb.Improved {
		improved = append(improved, im.Now.Name)
	}
	if want := []string{"carol", "alice", "dana"}; !slices.Equal(improved, want) {
		t.Errorf("most improved = %v, want %v", improved, want)
	}
	if len(lb.Improved) > 0 && lb.Improved[0].Before.Deals != 0 {
		t.Errorf("carol before = %+v", lb.Improved[0].Before)
	}
	// dana joined in January: her first win counts; carol's first win is
	// also in Q1, but she is no newcomer.
	if len(lb.FirstWins) != 1 || lb.FirstWins[0].Name != "dana" || !lb.FirstWins[0].Gave || lb.FirstWins[0].Code != 1000+11 {
		t.Errorf("first wins = %+v, want dana's R-1011", lb.FirstWins)
	}

	// All time has no period before; Q4 had bob and alice's first wins
	// (they joined in June, over 90 days before).
	all, err := b.svc.Leaderboard(context.Background(), who["organiser"], "all")
	if err != nil || all.Previous != nil || len(all.Improved) != 0 || giverNames(all.Givers)[0] != "bob" {
		t.Errorf("all time: %+v, %v", all, err)
	}
	q4, err := b.svc.Leaderboard(context.Background(), who["organiser"], "2025-Q4")
	if err != nil || len(q4.FirstWins) != 0 || !slices.Equal(giverNames(q4.Givers), []string{"bob"}) {
		t.Errorf("Q4: %+v, %v", q4, err)
	}
	_, err = b.svc.Leaderboard(context.Background(), who["organiser"], "fortnight")
	wantCode(t, err, core.EINVALID)
}

func TestQuarterly_TopGiversByTheLeaderboardsRules(t *testing.T) {
	t.Parallel()
	b, who := knownBoard(t)
	ctx := context.Background()
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	if res, err := b.svc.RunJob(ctx, core.JobQuarterly, b.workspace(t, who["organiser"]), at, at); err != nil || res.Notices != 1 {
		t.Fatalf("quarterly: %+v, %v", res, err)
	}
	ns := b.outbox(t, `kind = $1`, string(core.NoticeQuarterly))
	if len(ns) != 1 || ns[0].Report == nil || ns[0].Report.Leaderboard == nil {
		t.Fatalf("quarterly notices = %+v", ns)
	}
	lb, err := b.svc.Leaderboard(ctx, who["organiser"], "2026-Q1")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(ns[0].Report.Leaderboard)
	want, _ := json.Marshal(lb)
	if string(got) != string(want) {
		t.Errorf("the quarterly's leaderboard\n %s\nis not /refer leaderboard 2026-Q1's\n %s", got, want)
	}
	if g := ns[0].Report.Leaderboard.Givers; len(g) == 0 || g[0].Name != "carol" {
		t.Errorf("quarterly top giver = %v, want carol", giverNames(g))
	}
}

func TestLeaderboard_ContactOrNameMakesTheSameClient(t *testing.T) {
	t.Parallel()
	b := setup(t)
	who := map[string]core.Caller{"alice": b.join(t, "T1", "alice"), "bob": b.join(t, "T1", "bob"), "carol": b.join(t, "T1", "carol")}
	usd := core.Money{Cents: 10000, Currency: "USD"}
	at := b.clock.Now()
	b.play(t, who, []deal{
		{"alice", "bob", "The Acme Company", "", at, usd, true},
		{"alice", "bob", "acme", "+1 (555) 010-2000", at, usd, true},
		{"alice", "bob", "Jane at Road Runner", "+1 555 010 2000", at, usd, true}, // Acme's phone
		{"alice", "bob", "Acme", "", at, core.Money{}, false},
		{"alice", "carol", "Acme", "", at, usd, true}, // another partner: another pair
		{"alice", "bob", "???", "", at, usd, true},    // no client to tell: its own
	})
	lb, err := b.svc.Leaderboard(context.Background(), who["alice"], "")
	if err != nil {
		t.Fatal(err)
	}
	if e := lb.Givers[0]; e.Name != "alice" || e.Deals != 3 || e.Won != 5 || e.Given != 3 || e.Referred != 6 {
		t.Errorf("alice: %+v; want 3 deals of 5, 3 referrals of 6", e)
	}
}
