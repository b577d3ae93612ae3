package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// seedLarge fills a workspace with members members and referrals
// referrals in every stage, spread over the last two years, plus a
// partnership per member, with set-based SQL.
func seedLarge(b *testing.B, bb *bundle, members, referrals int) core.Workspace {
	b.Helper()
	ctx := context.Background()
	org := bb.join(b, "T1", "organiser")
	conn, err := pgx.Connect(ctx, bb.url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	now := bb.clock.Now()
	for _, q := range []string{
		`INSERT INTO members (workspace_id, user_id, display_name, joined_at)
		 SELECT @ws, 'u' || g, 'member' || g, @now::timestamptz - (g % 700) * interval '1 day'
		 FROM generate_series(1, @members::int) g`,
		`WITH m AS (SELECT array_agg(id ORDER BY id) AS ids FROM members WHERE workspace_id = @ws)
		 INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, client_name, need, status,
			won_value_cents, won_currency, created_at, updated_at, accepted_at, closed_at, expires_at)
		 SELECT @ws, 100000 + g, m.ids[1 + g % cardinality(m.ids)],
			CASE WHEN g % 10 = 0 THEN NULL ELSE m.ids[1 + (g * 7 + 3) % cardinality(m.ids)] END,
			'client ' || g, 'need ' || g,
			(ARRAY['open','offered','accepted','contacted','meeting','proposal','won','lost','declined','won'])[1 + g % 10],
			CASE WHEN g % 10 IN (6, 9) THEN 100000 + g END, CASE WHEN g % 10 IN (6, 9) THEN 'USD' END,
			@now::timestamptz - (g % 730) * interval '1 day', @now::timestamptz - (g % 40) * interval '1 day',
			CASE WHEN g % 10 NOT IN (0, 1) THEN @now::timestamptz - (g % 730) * interval '1 day' + interval '1 day' END,
			CASE WHEN g % 10 IN (6, 7, 8, 9) THEN @now::timestamptz - (g % 700) * interval '1 day' END,
			CASE WHEN g % 10 = 0 THEN @now::timestamptz + ((g % 20) - 10) * interval '1 day' END
		 FROM generate_series(1, @referrals::int) g, m
		 WHERE m.ids[1 + g % cardinality(m.ids)] <> m.ids[1 + (g * 7 + 3) % cardinality(m.ids)] OR g % 10 = 0`,
		`WITH m AS (SELECT id, lead(id) OVER (ORDER BY id) AS nxt FROM members WHERE workspace_id = @ws)
		 INSERT INTO partnerships (workspace_id, member_a, member_b, cadence_days, last_touch, next_due, created_at)
		 SELECT @ws, id, nxt, 30, @now::timestamptz - (id % 60) * interval '1 day',
			@now::timestamptz - (id % 60) * interval '1 day' + interval '30 days', @now::timestamptz - interval '1 year'
		 FROM m WHERE nxt IS NOT NULL`,
		`ANALYZE`,
	} {
		args := pgx.NamedArgs{"ws": org.Workspace.ID, "now": now, "members": members, "referrals": referrals}
		if _, err := conn.Exec(ctx, q, args); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
	return bb.workspace(b, org)
}

// BenchmarkJobs_10kMembers100kReferrals times one run of each job over a
// workspace of 10,000 members and 100,000 referrals. Each job computes
// what is due with a fixed number of set-based queries, whatever the
// number of members.
func BenchmarkJobs_10kMembers100kReferrals(b *testing.B) {
	bb := setup(b)
	ws := seedLarge(b, bb, 10000, 100000)
	ctx := context.Background()
	base := bb.clock.Now()
	for _, job := range core.Jobs {
		b.Run(job.Name, func(b *testing.B) {
			// The first run works off the whole backlog (thousands of
			// notices); later runs find only what became due since.
			fire := base.Add(time.Minute)
			start := time.Now()
			res, err := bb.svc.RunJob(ctx, job.Name, ws, fire, fire)
			if err != nil {
				b.Fatal(err)
			}
			first := time.Since(start)
			i := 0
			for b.Loop() {
				i++
				fire := base.Add(time.Duration(i+1) * time.Minute)
				if _, err := bb.svc.RunJob(ctx, job.Name, ws, fire, fire); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(first.Milliseconds()), "first-run-ms")
			b.ReportMetric(float64(res.Notices), "first-run-notices")
		})
	}
}
