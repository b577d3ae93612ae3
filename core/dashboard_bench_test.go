package core_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// seedDashboard fills a workspace with members members and referrals
// referrals over the last three years, in set-based SQL: every stage with
// the events that took it there (lost ones after one to three stages),
// won values in two currencies (some private, some unconfirmed, some with
// a fee), tags, co-owners, thanks on half the wins, a partnership per pair
// that referred, and a few undelivered notices. Each member refers to 40
// partners. It returns the organiser (an admin) and a member.
func seedDashboard(b *testing.B, bb *bundle, members, referrals int) (admin, member core.Caller) {
	b.Helper()
	ctx := context.Background()
	admin = bb.join(b, "T1", "organiser")
	conn, err := pgx.Connect(ctx, bb.url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`INSERT INTO members (workspace_id, user_id, display_name, joined_at, amounts_private)
		 SELECT @ws, 'u-member' || g, 'member' || g, @now::timestamptz - interval '3 years' + (g % 900) * interval '1 day', g % 20 = 0
		 FROM generate_series(1, @members::int) g`,
		`WITH m AS (SELECT array_agg(id ORDER BY id) AS ids FROM members WHERE workspace_id = @ws AND user_id <> @admin),
		 g AS (
			SELECT g, (ARRAY['open','expired','offered','offered','declined','accepted','contacted','meeting','proposal',
				'won','won','won','won','won','lost','lost','lost','contacted','won','proposal'])[1 + g % 20] AS status,
				@now::timestamptz - (g % 1095) * interval '1 day' - (g % 24) * interval '1 hour' AS created
			FROM generate_series(1, @referrals::int) g
		 )
		 INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, co_owner_id, client_name, client_contact,
			consent, need, tags, estimate_cents, estimate_currency, status, fee_kind, fee_basis_points, fee_status,
			won_value_cents, won_currency, won_confirmation, created_at, updated_at, accepted_at, closed_at, expires_at)
		 SELECT @ws, 1000 + g, m.ids[1 + g % cardinality(m.ids)],
			CASE WHEN status NOT IN ('open', 'expired')
				THEN m.ids[1 + (g % cardinality(m.ids) + 1 + (g / cardinality(m.ids)) % 40) % cardinality(m.ids)] END,
			CASE WHEN g % 50 = 7 THEN m.ids[1 + (g % cardinality(m.ids) + 41) % cardinality(m.ids)] END,
			'client ' || g, 'client' || g || '@example.com', true, 'need ' || g,
			ARRAY[(ARRAY['web','tax','branding','seo','copy'])[1 + g % 5]], (g % 10) * 50000, 'USD', status,
			CASE WHEN g % 5 = 0 THEN 'percent' ELSE 'none' END, CASE WHEN g % 5 = 0 THEN 1000 ELSE 0 END,
			CASE WHEN g % 5 = 0 AND status = 'won' THEN (ARRAY['awaiting','owed','paid','received','owed'])[1 + g % 4] ELSE 'none' END,
			CASE WHEN status = 'won' THEN 100000 + g * 10 END, CASE WHEN status = 'won' THEN CASE WHEN g % 7 = 0 THEN 'EUR' ELSE 'USD' END END,
			CASE WHEN status <> 'won' THEN 'none' WHEN g % 3 = 0 THEN 'awaiting' ELSE 'confirmed' END,
			created, created + interval '2 days',
			CASE WHEN status NOT IN ('open', 'expired', 'offered', 'declined') THEN created + interval '1 hour' END,
			CASE WHEN status IN ('won', 'lost', 'declined', 'expired') THEN LEAST(created + (g % 60) * interval '1 day', @now) END,
			CASE WHEN status IN ('open', 'expired') THEN created + interval '7 days' END
		 FROM g, m`,
		`INSERT INTO referral_codes (workspace_id, next_code) VALUES (@ws, 1001 + @referrals::int)
			ON CONFLICT (workspace_id) DO UPDATE SET next_code = EXCLUDED.next_code`,
		// Each referral's history: the stages it went through, one hour apart.
		`WITH r AS (
			SELECT id, referrer_id, receiver_id, created_at, CASE status
				WHEN 'open' THEN ARRAY['open'] WHEN 'expired' THEN ARRAY['open','expired']
				WHEN 'offered' THEN ARRAY['offered'] WHEN 'declined' THEN ARRAY['offered','declined']
				WHEN 'lost' THEN (ARRAY['offered','accepted','contacted','meeting','proposal'])[1:2 + id % 4] || ARRAY['lost']
				ELSE (ARRAY['offered','accepted','contacted','meeting','proposal','won'])[1:array_position(
					ARRAY['offered','accepted','contacted','meeting','proposal','won'], status)] END AS path
			FROM referrals WHERE workspace_id = @ws
		 )
		 INSERT INTO referral_events (workspace_id, referral_id, kind, from_status, to_status, actor_id, at)
		 SELECT @ws, r.id, CASE r.path[s.i] WHEN 'offered' THEN 'created' WHEN 'open' THEN 'created'
				WHEN 'accepted' THEN 'accepted' WHEN 'declined' THEN 'declined' WHEN 'expired' THEN 'expired' ELSE 'stage' END,
			CASE WHEN s.i > 1 THEN r.path[s.i - 1] END, r.path[s.i],
			CASE WHEN s.i = 1 THEN r.referrer_id WHEN r.path[s.i] = 'expired' THEN NULL ELSE r.receiver_id END,
			r.created_at + (s.i - 1) * interval '1 hour'
		 FROM r CROSS JOIN LATERAL generate_series(1, cardinality(r.path)) AS s (i)`,
		`INSERT INTO thanks (workspace_id, referral_id, from_id, to_id, message, at)
		 SELECT @ws, id, receiver_id, referrer_id, 'thank you', closed_at + interval '1 day'
		 FROM referrals WHERE workspace_id = @ws AND status = 'won' AND id % 2 = 0`,
		`INSERT INTO partnerships (workspace_id, member_a, member_b, cadence_days, last_touch, next_due, created_at)
		 SELECT @ws, LEAST(referrer_id, receiver_id), GREATEST(referrer_id, receiver_id), 30,
			max(created_at), max(created_at) + interval '30 days', min(created_at)
		 FROM referrals WHERE workspace_id = @ws AND receiver_id IS NOT NULL
		 GROUP BY 2, 3`,
		`INSERT INTO outbox (workspace_id, recipient_member_id, kind, payload, status, attempts, last_error, created_at)
		 SELECT @ws, id, 'health', jsonb_build_object('kind', 'health'), 'failed', 5, 'channel_not_found', @now
		 FROM members WHERE workspace_id = @ws AND id % 50 = 0`,
		`VACUUM ANALYZE`, // as autovacuum would have by then: visibility maps set, index-only scans
	} {
		var args []any
		if q[:7] != "VACUUM " {
			args = []any{pgx.NamedArgs{"ws": admin.Workspace.ID, "now": bb.clock.Now(), "members": members,
				"referrals": referrals, "admin": admin.Member.UserID}}
		}
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
	member = bb.join(b, "T1", "member250")
	return admin, member
}

// BenchmarkDashboard_500Members50kReferrals times each dashboard page's
// read model (and its parts) over 500 members and 50,000 referrals, for
// this quarter and for all time. Pages are read by a member who is no
// admin, but the admin page.
func BenchmarkDashboard_500Members50kReferrals(b *testing.B) {
	bb := setup(b)
	admin, member := seedDashboard(b, bb, 500, 50000)
	ctx := context.Background()
	busy := member.Member.ID + 1 // another member, with a partner list of their own
	var code core.Code = 1000 + 25000
	ws := member.Workspace.ID
	inTx := func(fn func(tx core.Tx) error) error { return bb.db.InTx(ctx, fn) }
	for _, period := range []string{"this-quarter", "all"} {
		p, err := core.ParsePeriod(period, bb.clock.Now(), time.UTC)
		if err != nil {
			b.Fatal(err)
		}
		quarters := core.TrendQuery{Viewer: member.Member.ID}
		for i := 7; i >= 0; i-- {
			quarters.Quarters = append(quarters.Quarters, core.QuarterOf(p.To.AddDate(0, -3*i, 0)))
		}
		var firsts []time.Duration // the stream's time to its first page, each run
		for _, bc := range []struct {
			name string
			run  func() error
		}{
			{"Overview", func() error { _, err := bb.svc.Overview(ctx, member, period); return err }},
			{"MemberPage", func() error { _, err := bb.svc.MemberPage(ctx, member, busy, period); return err }},
			{"Referrals", func() error {
				_, err := bb.svc.Referrals(ctx, member, core.ReferralQuery{Period: period})
				return err
			}},
			{"Referrals-page20", func() error {
				_, err := bb.svc.Referrals(ctx, member, core.ReferralQuery{Period: period, Page: 20, PageSize: 10})
				return err
			}},
			{"Referrals-filtered", func() error {
				_, err := bb.svc.Referrals(ctx, member, core.ReferralQuery{Period: period, PartnerID: busy,
					Stages: []core.Status{core.StatusWon, core.StatusLost}, Tag: "web"})
				return err
			}},
			{"Referrals-CSV", func() error {
				// What /dashboard/referrals.csv reads: pages handed over as they
				// come; first-page-p50-ms is when the first rows can leave.
				sink := &firstPage{start: time.Now()}
				err := bb.svc.StreamReferrals(ctx, member, core.ReferralQuery{Period: period}, sink)
				firsts = append(firsts, sink.took)
				return err
			}},
			{"AdminPage", func() error { _, err := bb.svc.AdminPage(ctx, admin, period); return err }},
			{"Referral", func() error { _, err := bb.svc.Show(ctx, member, code); return err }},
			{"part-Stats-network", func() error {
				_, err := bb.svc.Stats(ctx, member, core.StatsRequest{Network: true, Period: period})
				return err
			}},
			{"part-Trend", func() error {
				return inTx(func(tx core.Tx) error { _, err := tx.Trend(ctx, ws, quarters); return err })
			}},
			{"part-Funnel", func() error {
				return inTx(func(tx core.Tx) error { _, err := tx.Funnel(ctx, ws, p, bb.clock.Now()); return err })
			}},
			{"part-Graph", func() error {
				return inTx(func(tx core.Tx) error { _, err := tx.Graph(ctx, ws, p, core.GraphSize, bb.clock.Now()); return err })
			}},
			{"part-Leaderboard", func() error { _, err := bb.svc.Leaderboard(ctx, member, period); return err }},
			{"part-Flags", func() error { _, err := bb.svc.Flags(ctx, admin, period); return err }},
			{"part-Fees", func() error { _, err := bb.svc.Fees(ctx, admin, core.FeesRequest{Period: period}); return err }},
		} {
			b.Run(period+"/"+bc.name, func(b *testing.B) {
				var took []time.Duration
				for b.Loop() {
					start := time.Now()
					if err := bc.run(); err != nil {
						b.Fatal(err)
					}
					took = append(took, time.Since(start))
				}
				b.ReportMetric(p50ms(took), "p50-ms")
				if len(firsts) > 0 {
					b.ReportMetric(p50ms(firsts), "first-page-p50-ms")
					firsts = nil
				}
			})
		}
	}
}

// p50ms is the median of ds in milliseconds.
func p50ms(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[len(ds)/2].Microseconds()) / 1000
}

// firstPage notes when a stream's first page arrived, and keeps none.
type firstPage struct {
	start time.Time
	took  time.Duration
}

func (f *firstPage) Begin(core.Period) error { return nil }

func (f *firstPage) Page([]core.Referral) error {
	if f.took == 0 {
		f.took = time.Since(f.start)
	}
	return nil
}
