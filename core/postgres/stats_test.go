package postgres_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func day(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

// statsWorld is a small network with known history; the figures the test
// expects are worked out by hand in the comments.
type statsWorld struct {
	*bundle
	ann, ben, cat, dan, eve *core.Member
	q1                      core.Period
	now                     time.Time
}

func newStatsWorld(t *testing.T) *statsWorld {
	b := setup(t)
	ctx := context.Background()
	w := &statsWorld{bundle: b,
		q1:  core.Period{From: day(2026, 1, 1, 0), To: day(2026, 4, 1, 0), Label: "Q1 2026"},
		now: day(2026, 4, 10, 12)}
	w.ann, w.ben, w.cat = b.member(t, b.ws, "ann"), b.member(t, b.ws, "ben"), b.member(t, b.ws, "cat")
	w.dan, w.eve = b.member(t, b.ws, "dan"), b.member(t, b.ws, "eve")
	usd := func(c int64) core.Money { return core.Money{Cents: c, Currency: "USD"} }
	eur := func(c int64) core.Money { return core.Money{Cents: c, Currency: "EUR"} }
	ref := func(from, to *core.Member, created time.Time, edit func(r *core.Referral)) *core.Referral {
		return b.referral(t, from, to, func(r *core.Referral) {
			r.CreatedAt, r.UpdatedAt = created, created
			if to != nil {
				r.Status, r.AcceptedAt = core.StatusAccepted, created.Add(24*time.Hour)
			}
			if edit != nil {
				edit(r)
			}
		})
	}
	won := func(at time.Time, v core.Money) func(*core.Referral) {
		return func(r *core.Referral) { r.Status, r.ClosedAt, r.WonValue = core.StatusWon, at, v }
	}
	// Before the 12-month window: ben → eve.
	ref(w.ben, w.eve, day(2025, 3, 1, 9), nil)
	// r0: created before Q1, won in Q1 after 31 days (2,000 USD).
	ref(w.ann, w.ben, day(2025, 12, 10, 9), func(r *core.Referral) {
		r.Estimate = usd(100000)
		won(day(2026, 1, 10, 9), usd(200000))(r)
	})
	// r1: ann → ben, est. 5,000, won 4,000 after 10 days; thanked 6 h after acceptance.
	r1 := ref(w.ann, w.ben, day(2026, 1, 5, 9), func(r *core.Referral) {
		r.Estimate = usd(500000)
		won(day(2026, 1, 15, 9), usd(400000))(r)
	})
	// r2: ben → ann, est. 2,000, lost.
	ref(w.ben, w.ann, day(2026, 1, 10, 9), func(r *core.Referral) {
		r.Estimate, r.Status, r.ClosedAt, r.LostReason = usd(200000), core.StatusLost, day(2026, 2, 1, 9), "budget"
	})
	// r3: cat → ann with dan co-owning, in EUR: est. 1,000, won 3,000 after 20 days; thanked after 30 h.
	r3 := ref(w.cat, w.ann, day(2026, 2, 1, 9), func(r *core.Referral) {
		r.CoOwnerID, r.Estimate = w.dan.ID, eur(100000)
		won(day(2026, 2, 21, 9), eur(300000))(r)
	})
	// r4: ann → cat, offered, no estimate.
	ref(w.ann, w.cat, day(2026, 2, 10, 9), func(r *core.Referral) { r.Status, r.AcceptedAt = core.StatusOffered, time.Time{} })
	// r5: dan's open lead, est. 500.
	ref(w.dan, nil, day(2026, 3, 1, 9), func(r *core.Referral) { r.Estimate = usd(50000) })
	// r6: cat → ben, declined.
	ref(w.cat, w.ben, day(2026, 3, 5, 9), func(r *core.Referral) {
		r.Status, r.AcceptedAt, r.ClosedAt, r.DeclineReason = core.StatusDeclined, time.Time{}, day(2026, 3, 6, 9), "booked"
	})
	// r7: after Q1, inside the 12-month window.
	ref(w.ann, w.ben, day(2026, 4, 2, 9), nil)

	b.tx(t, func(tx core.Tx) error {
		for _, th := range []*core.Thanks{
			{ReferralID: r1.ID, FromID: w.ben.ID, ToID: w.ann.ID, At: r1.AcceptedAt.Add(6 * time.Hour)},
			{ReferralID: r3.ID, FromID: w.ann.ID, ToID: w.cat.ID, At: r3.AcceptedAt.Add(30 * time.Hour)},
		} {
			if err := tx.AddThanks(ctx, b.ws.ID, th); err != nil {
				return err
			}
		}
		for _, f := range []*core.Feedback{
			{ReferralID: r1.ID, MemberID: w.ben.ID, Score: 5, At: day(2026, 1, 16, 9)},
			{ReferralID: r1.ID, MemberID: w.ann.ID, Score: 4, At: day(2026, 1, 16, 9)},
			{ReferralID: r3.ID, MemberID: w.ann.ID, Score: 3, At: day(2026, 2, 22, 9)},
			{ReferralID: r3.ID, MemberID: w.cat.ID, Score: 5, At: day(2026, 2, 22, 9)},
		} {
			if err := tx.SaveFeedback(ctx, b.ws.ID, f); err != nil {
				return err
			}
		}
		return tx.SavePartnership(ctx, &core.Partnership{WorkspaceID: b.ws.ID, MemberA: w.ann.ID, MemberB: w.ben.ID,
			Type: core.Strategic, Trust: 3, CadenceDays: 30, CreatedAt: day(2025, 12, 1, 9)})
	})

	// Another workspace's busy quarter, which must not show anywhere.
	other := b.workspace(t, core.Slack, "T2")
	xa, xb := b.member(t, other, "ann"), b.member(t, other, "xb")
	x := ref(xa, xb, day(2026, 1, 20, 9), won(day(2026, 2, 1, 9), usd(999900)))
	b.tx(t, func(tx core.Tx) error {
		if err := tx.AddThanks(ctx, other.ID, &core.Thanks{ReferralID: x.ID, FromID: xb.ID, ToID: xa.ID, At: day(2026, 2, 2, 9)}); err != nil {
			return err
		}
		return tx.SaveFeedback(ctx, other.ID, &core.Feedback{ReferralID: x.ID, MemberID: xb.ID, Score: 1, At: day(2026, 2, 2, 9)})
	})
	return w
}

func (w *statsWorld) stats(t *testing.T, m *core.Member, p core.Period) *core.Stats {
	t.Helper()
	q := core.StatsQuery{Period: p, Now: w.now}
	if m != nil {
		q.MemberID = m.ID
	}
	var st *core.Stats
	w.tx(t, func(tx core.Tx) (err error) {
		st, err = tx.Stats(context.Background(), w.ws.ID, q)
		return err
	})
	return st
}

// figures flattens the scalar figures for comparison, and the money
// figures as "USD 600000/2 EUR 300000/1" (cents/count per currency).
func figures(st *core.Stats) map[string]any {
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	return map[string]any{
		"Given":                    float64(st.Given),
		"GivenEstimate":            amounts(st.GivenEstimate),
		"Received":                 float64(st.Received),
		"ReceivedEstimate":         amounts(st.ReceivedEstimate),
		"TakenOn":                  float64(st.TakenOn),
		"Won":                      float64(st.Won),
		"Lost":                     float64(st.Lost),
		"InProgress":               float64(st.InProgress),
		"RCR":                      st.RCR,
		"HasRCR":                   b(st.HasRCR),
		"Revenue":                  amounts(st.Revenue),
		"RevenueGenerated":         amounts(st.RevenueGenerated),
		"Deals":                    float64(st.Deals),
		"AvgDeal":                  amounts(st.AvgDeal),
		"MedianDaysToClose":        st.MedianDaysToClose,
		"HasMedianDays":            b(st.HasMedianDays),
		"Reciprocity":              amounts(st.Reciprocity),
		"ActivePartners":           float64(st.ActivePartners),
		"Thanks":                   float64(st.Thanks),
		"MedianThanksLatencyHours": st.MedianThanksLatencyHours,
		"HasThanksLatency":         b(st.HasThanksLatency),
		"Satisfaction":             st.Satisfaction,
		"SatisfactionN":            float64(st.SatisfactionN),
	}
}

func amounts(as core.Amounts) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, fmt.Sprintf("%s %d/%d", a.Currency, a.Cents, a.Count))
	}
	return strings.Join(parts, " ")
}

func checkFigures(t *testing.T, who string, st *core.Stats, want map[string]any) {
	t.Helper()
	got := figures(st)
	for k, g := range got {
		w, ok := want[k]
		switch g := g.(type) {
		case float64:
			if !ok {
				w = 0.0 // unlisted figures are zero
			}
			if wf, _ := w.(float64); math.Abs(g-wf) > 1e-9 {
				t.Errorf("%s: %s = %v, want %v", who, k, g, w)
			}
		case string:
			if !ok {
				w = "" // unlisted amounts are none
			}
			if g != w {
				t.Errorf("%s: %s = %q, want %q", who, k, g, w)
			}
		}
	}
}

func checkRows(t *testing.T, who string, st *core.Stats, want ...string) {
	t.Helper()
	var got []string
	for _, p := range st.ByPartner {
		got = append(got, fmt.Sprintf("%s gave %d got %d gaveWon [%s] gotWon [%s] %q",
			p.Name, p.Given, p.Received, amounts(p.GivenWonValue), amounts(p.ReceivedWonValue), p.Types))
	}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("%s by partner:\n got  %q\n want %q", who, got, want)
	}
}

func TestStats_Network_HandComputed(t *testing.T) {
	t.Parallel()
	w := newStatsWorld(t)
	st := w.stats(t, nil, w.q1)
	checkFigures(t, "network Q1", st, map[string]any{
		// Created in Q1: r1..r6. Estimates: USD 5,000 + 2,000 + 500, and r3's EUR 1,000.
		"Given": 6.0, "GivenEstimate": "USD 750000/3 EUR 100000/1",
		// With a receiver: r1, r2, r3, r4, r6; of those won r1, r3, lost r2, open r4.
		// Taken on (accepted or beyond): r1, r2, r3 — not r4 (offered) nor r6 (declined).
		"Received": 5.0, "ReceivedEstimate": "USD 700000/2 EUR 100000/1", "TakenOn": 3.0,
		"Won": 2.0, "Lost": 1.0, "InProgress": 1.0, "RCR": 40.0, "HasRCR": 1.0,
		// Won in Q1: r0 (31 days), r1 (10), r3 (20, EUR: summed apart, not dropped).
		"Deals": 3.0, "Revenue": "USD 600000/2 EUR 300000/1", "AvgDeal": "USD 300000/2 EUR 300000/1",
		"MedianDaysToClose": 20.0, "HasMedianDays": 1.0,
		// Active in the 12 months to April 10: ann, ben, cat, dan (eve's only referral is older).
		"ActivePartners": 4.0,
		// Thank-yous 6 h and 30 h after acceptance.
		"Thanks": 2.0, "MedianThanksLatencyHours": 18.0, "HasThanksLatency": 1.0,
		"Satisfaction": 4.25, "SatisfactionN": 4.0,
	})
	// Ranked by deals won from what they gave: ann (r0, r1), cat (r3 in EUR).
	checkRows(t, "network Q1", st,
		`ann gave 2 got 2 gaveWon [USD 600000/2] gotWon [EUR 300000/1] ""`,
		`cat gave 2 got 1 gaveWon [EUR 300000/1] gotWon [] ""`,
		`ben gave 1 got 2 gaveWon [] gotWon [USD 600000/2] ""`,
		`dan gave 1 got 1 gaveWon [] gotWon [EUR 300000/1] ""`,
	)

	// All time (no lower bound): every referral. Its medians are read from
	// the middle of their indexes (migration 027): the middle deal of 10,
	// 20 and 31 days; halfway between the thank-yous of 6 and 30 h.
	ever := w.stats(t, nil, core.Period{To: w.now})
	if ever.Given != 9 || ever.Deals != 3 {
		t.Errorf("all time: given %d, deals %d; want 9, 3", ever.Given, ever.Deals)
	}
	if !ever.HasMedianDays || ever.MedianDaysToClose != 20 || !ever.HasThanksLatency || ever.MedianThanksLatencyHours != 18 {
		t.Errorf("all time: median %v days (%v), %v h (%v); want 20 days, 18 h",
			ever.MedianDaysToClose, ever.HasMedianDays, ever.MedianThanksLatencyHours, ever.HasThanksLatency)
	}
	// A network that never won nor thanked: no median (no middle to read).
	fresh := setup(t)
	var none *core.Stats
	fresh.tx(t, func(tx core.Tx) (err error) {
		none, err = tx.Stats(context.Background(), fresh.ws.ID, core.StatsQuery{Period: core.Period{To: w.now}, Now: w.now})
		return err
	})
	if none.HasMedianDays || none.HasThanksLatency {
		t.Errorf("nothing won yet: median days %v, thanks latency %v; want neither", none.HasMedianDays, none.HasThanksLatency)
	}
	// A period before anything happened.
	empty := w.stats(t, nil, core.Period{From: day(2025, 1, 1, 0), To: day(2025, 3, 1, 0)})
	checkFigures(t, "network early 2025", empty, map[string]any{"ActivePartners": 4.0})
	checkRows(t, "network early 2025", empty)
}

func TestStats_Member_HandComputed(t *testing.T) {
	t.Parallel()
	w := newStatsWorld(t)
	ann := w.stats(t, w.ann, w.q1)
	checkFigures(t, "ann Q1", ann, map[string]any{
		// Gave r1 (USD 5,000) and r4; received r2 (USD 2,000, lost) and r3 (EUR 1,000, won).
		"Given": 2.0, "GivenEstimate": "USD 500000/1", "Received": 2.0, "ReceivedEstimate": "EUR 100000/1 USD 200000/1",
		"TakenOn": 2.0, "Won": 1.0, "Lost": 1.0, "RCR": 50.0, "HasRCR": 1.0,
		// Won in Q1 as receiver: r3, in EUR. Generated for ben: r0 + r1 = USD 6,000.
		"Deals": 1.0, "Revenue": "EUR 300000/1", "AvgDeal": "EUR 300000/1", "MedianDaysToClose": 20.0, "HasMedianDays": 1.0,
		"RevenueGenerated": "USD 600000/2",
		// Each currency balances on its own: she gave USD 6,000 and got EUR 3,000.
		"Reciprocity": "EUR -300000/0 USD 600000/0",
		// Partners: ben and cat; dan co-owns r3 with her but is not her partner.
		"ActivePartners": 2.0, "Thanks": 1.0, "MedianThanksLatencyHours": 6.0, "HasThanksLatency": 1.0,
		// Feedback on r3, which she received: 3 and 5.
		"Satisfaction": 4.0, "SatisfactionN": 2.0,
	})
	checkRows(t, "ann Q1", ann,
		`cat gave 1 got 1 gaveWon [EUR 300000/1] gotWon [] ""`,
		`ben gave 1 got 1 gaveWon [] gotWon [USD 600000/2] "strategic"`,
	)

	dan := w.stats(t, w.dan, w.q1)
	checkFigures(t, "dan Q1", dan, map[string]any{
		// Gave the open lead r5; co-owns r3, which was won.
		"Given": 1.0, "GivenEstimate": "USD 50000/1", "Received": 1.0, "ReceivedEstimate": "EUR 100000/1",
		"TakenOn": 1.0, "Won": 1.0, "RCR": 100.0, "HasRCR": 1.0,
		"Deals": 1.0, "Revenue": "EUR 300000/1", "AvgDeal": "EUR 300000/1", "Reciprocity": "EUR -300000/0",
		"MedianDaysToClose": 20.0, "HasMedianDays": 1.0,
		"ActivePartners": 1.0, "Satisfaction": 4.0, "SatisfactionN": 2.0,
	})
	checkRows(t, "dan Q1", dan, `cat gave 1 got 0 gaveWon [EUR 300000/1] gotWon [] ""`)

	eve := w.stats(t, w.eve, w.q1)
	checkFigures(t, "eve Q1", eve, nil)
	checkRows(t, "eve Q1", eve)
}

func TestStats_AmountsStoredWithoutCurrencyStayInTheDefaultNotTheNetworksCurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	s := core.DefaultSettings()
	s.Currency = "EUR" // the network moved to EUR after these rows were written
	b.tx(t, func(tx core.Tx) error { return tx.SaveSettings(ctx, b.ws.ID, s) })
	ann, ben := b.member(t, b.ws, "ann"), b.member(t, b.ws, "ben")
	at := day(2026, 2, 1, 9)
	legacy := func(client string, estimate, won int64) *core.Referral {
		return b.referral(t, ann, ben, func(r *core.Referral) {
			r.ClientName, r.CreatedAt, r.UpdatedAt, r.AcceptedAt = client, at, at, at
			r.Status, r.ClosedAt = core.StatusWon, at.Add(24*time.Hour)
			r.Estimate, r.WonValue = core.Money{Cents: estimate}, core.Money{Cents: won}
		})
	}
	legacy("Acme", 100000, 200000) // won_currency NULL, estimate_currency ''
	r := legacy("Globex", 0, 50000)
	if err := b.exec(t, `UPDATE referrals SET won_currency = '' WHERE id = $1`, r.ID); err != nil {
		t.Fatal(err)
	}
	b.referral(t, ann, ben, func(r *core.Referral) { // written since the move: in EUR
		r.ClientName, r.CreatedAt, r.UpdatedAt, r.AcceptedAt = "Initech", at, at, at
		r.Status, r.ClosedAt = core.StatusWon, at.Add(24*time.Hour)
		r.Estimate, r.WonValue = core.Money{Cents: 10000, Currency: "EUR"}, core.Money{Cents: 30000, Currency: "EUR"}
	})

	w := &statsWorld{bundle: b, now: day(2026, 4, 1, 0)}
	st := w.stats(t, nil, core.Period{To: w.now})
	checkFigures(t, "network", st, map[string]any{
		"Given": 3.0, "Received": 3.0, "TakenOn": 3.0, "Won": 3.0, "RCR": 100.0, "HasRCR": 1.0,
		"GivenEstimate": "EUR 10000/1 USD 100000/1", "ReceivedEstimate": "EUR 10000/1 USD 100000/1",
		"Deals": 3.0, "Revenue": "USD 250000/2 EUR 30000/1", "AvgDeal": "USD 125000/2 EUR 30000/1",
		"MedianDaysToClose": 1.0, "HasMedianDays": 1.0, "ActivePartners": 2.0,
	})
	checkRows(t, "network", st,
		`ann gave 3 got 0 gaveWon [USD 250000/2 EUR 30000/1] gotWon [] ""`,
		`ben gave 0 got 3 gaveWon [] gotWon [USD 250000/2 EUR 30000/1] ""`)
}

// BenchmarkStats measures the figures of a network with 60 members and
// 6,000 referrals over two years, seeded set-based.
func BenchmarkStats(b *testing.B) {
	bb := setup(b)
	ctx := context.Background()
	ws := bb.ws.ID
	for _, sql := range []string{
		`INSERT INTO members (workspace_id, user_id, display_name)
		 SELECT $1, 'U' || i, 'member ' || i FROM generate_series(1, 60) i`,
		`WITH m AS (SELECT array_agg(id ORDER BY id) AS ids FROM members WHERE workspace_id = $1)
		 INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, need, estimate_cents,
			estimate_currency, status, won_value_cents, won_currency, created_at, updated_at, accepted_at, closed_at)
		 SELECT $1, 1000 + i, m.ids[1 + i % 60], m.ids[1 + (i * 7 + 1) % 60], 'work', (i % 50) * 10000, 'USD',
			s.status, CASE WHEN s.status = 'won' THEN (i % 40 + 1) * 25000 END, 'USD',
			c.at, c.at, c.at + interval '1 day',
			CASE WHEN s.status IN ('won', 'lost') THEN c.at + (i % 60 + 2) * interval '1 day' END
		 FROM generate_series(1, 6000) i, m,
			LATERAL (SELECT timestamptz '2024-07-01' + (i * interval '3 hours') AS at) c,
			LATERAL (SELECT (ARRAY['won', 'lost', 'accepted', 'meeting', 'proposal'])[1 + i % 5] AS status) s`,
		`INSERT INTO referral_codes (workspace_id, next_code) VALUES ($1, 7001) ON CONFLICT (workspace_id) DO UPDATE SET next_code = 7001`,
		`INSERT INTO thanks (workspace_id, referral_id, from_id, to_id, at)
		 SELECT workspace_id, id, receiver_id, referrer_id, accepted_at + interval '5 hours'
		 FROM referrals WHERE workspace_id = $1 AND status = 'won'`,
		`INSERT INTO feedback (workspace_id, referral_id, member_id, score, at)
		 SELECT workspace_id, id, receiver_id, 1 + id % 5, closed_at FROM referrals WHERE workspace_id = $1 AND status = 'won'`,
		`ANALYZE`,
	} {
		if err := bb.exec(b, sql, ws); err != nil && sql != `ANALYZE` {
			b.Fatalf("%v\n%s", err, sql)
		}
	}
	now := day(2026, 6, 30, 12)
	var member int64
	bb.tx(b, func(tx core.Tx) error {
		m, err := tx.MemberByName(ctx, ws, "member 7")
		member = m.ID
		return err
	})
	for _, c := range []struct {
		name   string
		member int64
		period core.Period
	}{
		{"network/quarter", 0, core.QuarterOf(day(2025, 5, 1, 0))},
		{"network/all", 0, core.Period{To: now}},
		{"member/quarter", member, core.QuarterOf(day(2025, 5, 1, 0))},
		{"member/all", member, core.Period{To: now}},
	} {
		b.Run(c.name, func(b *testing.B) {
			q := core.StatsQuery{MemberID: c.member, Period: c.period, Now: now}
			for b.Loop() {
				if err := bb.db.InTx(ctx, func(tx core.Tx) error {
					st, err := tx.Stats(ctx, ws, q)
					if err == nil && st.Given == 0 {
						err = fmt.Errorf("no referrals in %+v", q)
					}
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
