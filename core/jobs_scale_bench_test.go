package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// seedWorkspaces bulk-builds, in SQL, workspaces workspaces of members
// members each and referrals referrals spread over them and over the
// last two years, in every stage, with thanks for some, a partnership per
// pair of neighbouring members, a few newcomers with a mentor, and two
// delivered notices per referral in the outbox. The workspaces differ in
// time zone, quiet hours, stale-days and release-after. With analyze
// false the planner's statistics are left as they were before the bulk
// load (tables empty), and autovacuum is kept from refreshing them: the
// stale statistics under which the ignored-reminders count once ran
// 204 s.
func seedWorkspaces(b testing.TB, bb *bundle, workspaces, members, referrals int, analyze bool) {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, bb.url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	perWS := (referrals + workspaces - 1) / workspaces
	qs := []string{
		`INSERT INTO workspaces (platform, external_id, name, settings)
		 SELECT 'slack', 'TB' || w, 'bench ' || w, jsonb_build_object(
			'channel', '#referrals',
			'timezone', (ARRAY['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Tokyo', 'Australia/Sydney'])[1 + w % 5],
			'quiet_start', CASE WHEN w % 3 = 0 THEN 0 ELSE 20 END, 'quiet_end', CASE WHEN w % 3 = 0 THEN 0 ELSE 8 END,
			'cadence_days', 30, 'lead_expiry_days', 7, 'stale_days', 7 + w % 8, 'currency', 'USD',
			'fee', jsonb_build_object('kind', 'none'), 'undo_window_hours', 24,
			'release_after_days', (ARRAY[0, 21, 30])[1 + w % 3])
		 FROM generate_series(1, @workspaces::int) w`,
		`INSERT INTO members (workspace_id, user_id, display_name, role, joined_at, last_active_at)
		 SELECT w.id, 'u' || g, 'member ' || g, CASE WHEN g = 1 THEN 'admin' ELSE 'member' END,
			@now::timestamptz - ((g * 7) % 700 + 3) * interval '1 day',
			CASE WHEN g % 4 = 0 THEN NULL ELSE @now::timestamptz - (g % 30) * interval '1 day' END
		 FROM workspaces w, generate_series(1, @members::int) g WHERE w.external_id LIKE 'TB%'`,
		// Newcomers of the last fortnight, each with the organiser as mentor.
		`UPDATE members m SET buddy_id = o.id, joined_at = @now::timestamptz - (m.id % 14) * interval '1 day'
		 FROM members o WHERE o.workspace_id = m.workspace_id AND o.user_id = 'u1'
			AND m.user_id IN ('u2', 'u3', 'u4') AND m.workspace_id IN (SELECT id FROM workspaces WHERE external_id LIKE 'TB%')`,
		`WITH r AS (
			SELECT w.id AS ws, g,
				(ARRAY['open','offered','accepted','contacted','meeting','proposal','won','lost','declined','won'])[1 + g % 10] AS status,
				@now::timestamptz - ((g * 37) % 730) * interval '1 day' - (g % 24) * interval '1 hour' AS created
			FROM workspaces w, generate_series(1, @perws::int) g WHERE w.external_id LIKE 'TB%')
		 INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, client_name, need, status,
			won_value_cents, won_currency, created_at, updated_at, accepted_at, closed_at, expires_at)
		 SELECT r.ws, 1000 + r.g, rf.id, CASE WHEN r.status = 'open' THEN NULL ELSE rc.id END,
			'client ' || r.g, 'need ' || r.g, r.status,
			CASE WHEN r.status = 'won' THEN 100000 + r.g END, CASE WHEN r.status = 'won' THEN 'USD' END,
			r.created,
			CASE WHEN r.status IN ('accepted','contacted','meeting','proposal')
				THEN greatest(r.created + interval '1 day', @now::timestamptz - (r.g % 60) * interval '1 day')
				ELSE r.created + interval '2 days' END,
			CASE WHEN r.status NOT IN ('open', 'offered') THEN r.created + interval '1 day' END,
			CASE WHEN r.status IN ('won', 'lost', 'declined') THEN r.created + interval '2 days' END,
			CASE WHEN r.status = 'open' THEN r.created + interval '7 days' END
		 FROM r
		 JOIN members rf ON rf.workspace_id = r.ws AND rf.user_id = 'u' || (1 + r.g % @members::int)
		 JOIN members rc ON rc.workspace_id = r.ws AND rc.user_id = 'u' || (1 + (r.g * 7 + 3) % @members::int)
		 WHERE rf.id <> rc.id`,
		`INSERT INTO thanks (workspace_id, referral_id, from_id, to_id, at)
		 SELECT workspace_id, id, receiver_id, referrer_id, accepted_at + interval '2 hours'
		 FROM referrals WHERE accepted_at IS NOT NULL AND id % 2 = 0`,
		`WITH m AS (SELECT workspace_id, id, lead(id) OVER (PARTITION BY workspace_id ORDER BY id) AS nxt FROM members)
		 INSERT INTO partnerships (workspace_id, member_a, member_b, cadence_days, last_touch, next_due, created_at)
		 SELECT workspace_id, id, nxt, 30, @now::timestamptz - (id % 400) * interval '1 day',
			@now::timestamptz - (id % 400) * interval '1 day' + interval '30 days', @now::timestamptz - interval '2 years'
		 FROM m WHERE nxt IS NOT NULL`,
		`INSERT INTO outbox (workspace_id, recipient_member_id, kind, payload, dedupe_key, status, created_at, sent_at)
		 SELECT r.workspace_id, CASE WHEN k = 1 THEN r.receiver_id ELSE r.referrer_id END,
			CASE WHEN k = 1 THEN 'referral.card' ELSE 'thanks.dm' END, '{}', NULL, 'sent',
			r.created_at + k * interval '1 hour', r.created_at + k * interval '1 hour'
		 FROM referrals r, generate_series(1, 2) k`,
	}
	if analyze {
		qs = append(qs, `ANALYZE`)
	} else {
		// Statistics from before the load: the tables looked empty.
		qs = append([]string{`ANALYZE`}, qs...)
		for _, t := range []string{"members", "referrals", "thanks", "partnerships", "outbox", "job_runs"} {
			qs = append([]string{`ALTER TABLE ` + t + ` SET (autovacuum_enabled = false)`}, qs...)
		}
	}
	args := pgx.NamedArgs{"workspaces": workspaces, "members": members, "perws": perWS, "now": bb.clock.Now()}
	for _, q := range qs {
		if _, err := conn.Exec(ctx, q, args); err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
	}
}

// runEverywhere runs a job for every workspace in one pass, as the
// scheduler does, as if at at.
func runEverywhere(b testing.TB, bb *bundle, job string, at time.Time) int {
	b.Helper()
	ctx := context.Background()
	wss, err := bb.svc.Workspaces(ctx)
	if err != nil {
		b.Fatal(err)
	}
	due := make([]core.DueRun, len(wss))
	for i, ws := range wss {
		due[i] = core.DueRun{Workspace: ws, Fire: at}
	}
	res, err := bb.svc.RunJobs(ctx, job, due, at)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, r := range res {
		n += r.Notices
	}
	return n
}

// BenchmarkJobs_300Workspaces runs each scheduled job across 300
// workspaces (30,000 members, 100,000 referrals): the first run, which
// works off the backlog, and the steady state, the next day's run, which
// finds only what became due since. Once with fresh statistics and once
// with the statistics of the empty tables. Run with -benchtime=1x: one
// iteration is one steady-state pass over every workspace.
func BenchmarkJobs_300Workspaces(b *testing.B) {
	for _, stats := range []struct {
		name    string
		analyze bool
	}{{"analyzed", true}, {"stale-stats", false}} {
		b.Run(stats.name, func(b *testing.B) {
			bb := setup(b)
			seedWorkspaces(b, bb, 300, 100, 100000, stats.analyze)
			base := bb.clock.Now()
			for _, job := range core.Jobs {
				b.Run(job.Name, func(b *testing.B) {
					start := time.Now()
					first := runEverywhere(b, bb, job.Name, base)
					firstTook := time.Since(start)
					day := 0
					for b.Loop() {
						day++
						runEverywhere(b, bb, job.Name, base.AddDate(0, 0, day))
					}
					b.ReportMetric(float64(firstTook.Milliseconds()), "first-run-ms")
					b.ReportMetric(float64(first), "first-run-notices")
				})
			}
		})
	}
}
