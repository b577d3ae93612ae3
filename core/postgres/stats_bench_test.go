package postgres_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
)

// benchWorkspace fills the bundle's workspace with 500 members and n
// referrals over three years (a tenth of the biggest workspace for
// n = 100,000), up to now, in SQL: every stage, two currencies, five members with
// private amounts, thank-yous on some deals, and one member (the first)
// who gave every 25th referral (4,000 of 100,000), as the issue's `list`
// caller. The rollup trigger is off during the load and the rollups are
// rebuilt once after it, as a bulk loader would. It returns the heavy
// member's id.
func benchWorkspace(tb testing.TB, b *bundle, n int) int64 {
	tb.Helper()
	for _, sql := range []string{
		`INSERT INTO members (workspace_id, user_id, display_name, amounts_private)
			SELECT $1, 'B' || g, 'member ' || g, g % 100 = 7 FROM generate_series(1, 500) g`,
		`ALTER TABLE referrals DISABLE TRIGGER referrals_stats_rollup_insert`,
		`WITH m AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM members WHERE workspace_id = $1),
		g AS (SELECT g, CASE WHEN g % 25 = 0 THEN 0 ELSE ((g::bigint * 7919) % m.n)::int END AS ref, m.ids, m.n,
				now() - ($2 - g) * interval '15 minutes' * (100000.0 / $2)::float8 AS at
			FROM m, generate_series(1, $2::int) g)
		INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, client_name, need,
			estimate_cents, estimate_currency, status, won_value_cents, won_currency,
			created_at, updated_at, accepted_at, closed_at, won_confirmation)
		SELECT $1, 100000 + g, ids[1 + ref], CASE WHEN g % 10 <> 4 THEN ids[1 + (ref + 1 + g % (n - 1)) % n] END,
			'client ' || g, 'a website', (g % 5) * 100000, CASE WHEN g % 7 = 0 THEN 'EUR' ELSE 'USD' END,
			(ARRAY['won', 'won', 'won', 'lost', 'open', 'offered', 'accepted', 'proposal', 'declined', 'contacted'])[1 + g % 10],
			CASE WHEN g % 10 < 3 THEN 100000 + (g % 13) * 50000 END,
			CASE WHEN g % 10 < 3 THEN CASE WHEN g % 7 = 0 THEN 'EUR' ELSE 'USD' END END,
			at, at, CASE WHEN g % 10 NOT IN (4, 5) THEN at + interval '1 day' END,
			CASE WHEN g % 10 IN (0, 1, 2, 3, 8) THEN at + (g % 60) * interval '1 day' END,
			CASE WHEN g % 10 < 3 THEN 'confirmed' ELSE 'none' END
		FROM g`,
		`ALTER TABLE referrals ENABLE TRIGGER referrals_stats_rollup_insert`,
		`SELECT stats_rollups_rebuild($1)`,
		`INSERT INTO thanks (workspace_id, referral_id, from_id, to_id, at)
			SELECT workspace_id, id, receiver_id, referrer_id, closed_at + interval '2 hours'
			FROM referrals WHERE workspace_id = $1 AND status = 'won' AND code % 3 = 0`,
		`VACUUM ANALYZE referrals`, // as autovacuum would: index-only scans
		`ANALYZE`,
	} {
		args := []any{b.ws.ID}
		switch {
		case sql[:6] == "ALTER " || sql[:7] == "VACUUM " || sql == "ANALYZE":
			args = nil
		case len(sql) > 4 && sql[:4] == "WITH":
			args = append(args, n)
		}
		if err := b.exec(tb, sql, args...); err != nil {
			tb.Fatal(err)
		}
	}
	return int64(b.count(tb, `SELECT min(id) FROM members WHERE workspace_id = $1 AND user_id LIKE 'B%'`, b.ws.ID))
}

// BenchmarkStatsAtScale compares the rollup-based Stats with the direct queries it
// replaced (the oracle), on an empty workspace and on one of 100,000
// referrals (or REFERBOT_BENCH_REFERRALS, e.g. 300000, to show what grows
// with history): the network over all time and over a quarter (what the
// quarterly report computes), a member, and the heavy member. Set
// REFERBOT_BENCH_DIRECT=0 to skip the (slow) direct queries.
func BenchmarkStatsAtScale(b *testing.B) {
	ctx := context.Background()
	now := time.Now()
	quarter, _ := core.QuarterOf(now).Before()
	all := core.Period{To: now.Add(time.Microsecond)}
	big := struct {
		name string
		n    int
	}{"100k", 100000}
	if v := os.Getenv("REFERBOT_BENCH_REFERRALS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("REFERBOT_BENCH_REFERRALS=%q: type a positive number of referrals, e.g. 300000", v)
		}
		big.name, big.n = strconv.Itoa(n/1000)+"k", n
	}
	direct := os.Getenv("REFERBOT_BENCH_DIRECT") != "0"
	for _, size := range []struct {
		name string
		n    int
	}{{"empty", 0}, big} {
		bb := setup(b)
		heavy := int64(0)
		if size.n > 0 {
			heavy = benchWorkspace(b, bb, size.n)
		} else {
			heavy = bb.member(b, bb.ws, "solo").ID
		}
		member := heavy + 17
		if size.n == 0 {
			member = heavy
		}
		for _, c := range []struct {
			name string
			q    core.StatsQuery
		}{
			{"network-all", core.StatsQuery{Period: all, Now: now, Viewer: member}},
			{"network-quarter", core.StatsQuery{Period: quarter, Now: now}},
			{"member-all", core.StatsQuery{MemberID: member, Period: all, Now: now, Viewer: member}},
			{"heavy-member-all", core.StatsQuery{MemberID: heavy, Period: all, Now: now, Viewer: member}},
		} {
			for _, impl := range []struct {
				name  string
				stats func(core.Tx) (*core.Stats, error)
			}{
				{"rollups", func(tx core.Tx) (*core.Stats, error) { return tx.Stats(ctx, bb.ws.ID, c.q) }},
				{"direct", func(tx core.Tx) (*core.Stats, error) { return postgres.OracleStats(ctx, tx, bb.ws.ID, c.q) }},
			} {
				if impl.name == "direct" && !direct {
					continue
				}
				b.Run(size.name+"/"+c.name+"/"+impl.name, func(b *testing.B) {
					var took []time.Duration
					for b.Loop() {
						start := time.Now()
						bb.tx(b, func(tx core.Tx) error { _, err := impl.stats(tx); return err })
						took = append(took, time.Since(start))
					}
					b.ReportMetric(p50ms(took), "p50-ms")
				})
			}
		}
		b.Run(size.name+"/who", func(b *testing.B) {
			for b.Loop() {
				bb.tx(b, func(tx core.Tx) error {
					_, err := tx.Candidates(ctx, bb.ws.ID, now.AddDate(0, 0, -30))
					return err
				})
			}
		})
		b.Run(size.name+"/list-heavy-member", func(b *testing.B) {
			for b.Loop() {
				bb.tx(b, func(tx core.Tx) error {
					_, err := tx.ListReferrals(ctx, bb.ws.ID, core.ListFilter{MemberID: heavy, Limit: 50})
					return err
				})
			}
		})
	}
}

// p50ms is the median of ds in milliseconds.
func p50ms(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[len(ds)/2].Microseconds()) / 1000
}
