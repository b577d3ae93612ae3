package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/pgtest"
	"github.com/referbot/referbot/internal/testenv"
	"github.com/referbot/referbot/migrations"
)

// seedNow is where the seeded history ends in these tests.
var seedNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// seededStats is what seeding the "seeded" template loaded.
var seededStats postgres.SeedStats

// seeded is a small seeded database of the test's own, with a direct
// connection for checks: a clone of a template seeded once per test
// binary (the seed runs every trigger, seconds under the race detector).
func seeded(t *testing.T) (*postgres.DB, *pgx.Conn, postgres.SeedStats) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.NewDB(t, "seeded", func(ctx context.Context, url string) error {
		if err := migrations.MigrateURL(ctx, url); err != nil {
			return err
		}
		db, err := postgres.Open(ctx, url)
		if err != nil {
			return err
		}
		defer db.Close() // nobody may be connected to a template
		seededStats, err = db.Seed(ctx, postgres.SeedSpec{Workspaces: 3, Members: 60, Referrals: 1500, Years: 2,
			Seed: 7, Now: seedNow, ChunkRows: 2000}) // small: every workspace is split, its header loaded first
		return err
	})
	db := testenv.OpenDB(t, url)
	st := seededStats
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return db, conn, st
}

// TestSeed_RowsAreConsistentAsTheProductWritesThem checks, on a seeded
// database, the invariants the product keeps: each count query names rows
// that break one, and must find none.
func TestSeed_RowsAreConsistentAsTheProductWritesThem(t *testing.T) {
	t.Parallel()
	_, conn, st := seeded(t)
	if st.Rows["referrals"] != 1500 || st.Rows["members"] != 60 || st.Rows["workspaces"] != 3 {
		t.Fatalf("seeded %v, want 3 workspaces, 60 members, 1500 referrals", st.Rows)
	}
	for table, least := range map[string]int64{"referral_events": 1500, "outbox": 1, "thanks": 1, "feedback": 1,
		"partnerships": 1, "touchpoints": 1500, "profiles": 1, "job_runs": 3, "referral_codes": 3} {
		if st.Rows[table] < least {
			t.Errorf("%s: %d rows, want at least %d", table, st.Rows[table], least)
		}
	}
	broken := map[string]string{
		"a party outside the referral's workspace": `SELECT count(*) FROM referrals r WHERE NOT EXISTS
			(SELECT 1 FROM members m WHERE m.workspace_id = r.workspace_id AND m.id = r.referrer_id)
			OR (r.receiver_id IS NOT NULL AND NOT EXISTS
			(SELECT 1 FROM members m WHERE m.workspace_id = r.workspace_id AND m.id = r.receiver_id))`,
		"referrer and receiver the same member": `SELECT count(*) FROM referrals WHERE referrer_id = receiver_id`,
		"timestamps out of order": `SELECT count(*) FROM referrals WHERE accepted_at < created_at OR closed_at < accepted_at
			OR closed_at < created_at OR updated_at < created_at OR created_at > $1 OR updated_at > $1`,
		"a party who joined after the referral": `SELECT count(*) FROM referrals r JOIN members m
			ON m.workspace_id = r.workspace_id AND m.id IN (r.referrer_id, r.receiver_id) WHERE m.joined_at > r.created_at`,
		"won without its value, close or confirmation": `SELECT count(*) FROM referrals WHERE status = 'won'
			AND (won_value_cents IS NULL OR won_currency IS NULL OR closed_at IS NULL OR won_confirmation = 'none')`,
		"a value, confirmation or fee on a referral not won": `SELECT count(*) FROM referrals WHERE status <> 'won'
			AND (won_value_cents IS NOT NULL OR won_confirmation <> 'none' OR fee_status <> 'none')`,
		"a closed stage without closed_at": `SELECT count(*) FROM referrals
			WHERE (status IN ('won', 'lost', 'declined', 'expired')) <> (closed_at IS NOT NULL)`,
		"a worked stage without its receiver or acceptance": `SELECT count(*) FROM referrals
			WHERE status IN ('accepted', 'contacted', 'meeting', 'proposal', 'won') AND (receiver_id IS NULL OR accepted_at IS NULL)
			OR status = 'lost' AND accepted_at IS NULL`,
		"an unanswered offer or lead with an acceptance": `SELECT count(*) FROM referrals
			WHERE status IN ('offered', 'declined', 'open', 'expired') AND accepted_at IS NOT NULL`,
		"a lead with a receiver, or without its expiry": `SELECT count(*) FROM referrals
			WHERE status IN ('open', 'expired') AND (receiver_id IS NOT NULL OR expires_at IS NULL)`,
		"a lost or declined referral without its reason": `SELECT count(*) FROM referrals
			WHERE status = 'lost' AND lost_reason = '' OR status = 'declined' AND decline_reason = ''`,
		"a fee paid without its date": `SELECT count(*) FROM referrals
			WHERE (fee_status IN ('paid', 'received')) <> (fee_paid_at IS NOT NULL)`,
		"a code not below the workspace's next": `SELECT count(*) FROM referrals r
			LEFT JOIN referral_codes c ON c.workspace_id = r.workspace_id
			WHERE c.next_code IS NULL OR r.code >= c.next_code OR r.code < 1001`,
		"codes not counting up with time": `SELECT count(*) FROM referrals a JOIN referrals b
			ON b.workspace_id = a.workspace_id AND b.code = a.code + 1 WHERE b.created_at < a.created_at`,
		"a referral without events": `SELECT count(*) FROM referrals r WHERE NOT EXISTS
			(SELECT 1 FROM referral_events e WHERE e.workspace_id = r.workspace_id AND e.referral_id = r.id)`,
		"a history not ending at the referral's stage": `SELECT count(*) FROM referrals r JOIN LATERAL
			(SELECT to_status FROM referral_events e WHERE e.workspace_id = r.workspace_id AND e.referral_id = r.id
			ORDER BY e.id DESC LIMIT 1) last ON true WHERE last.to_status <> r.status`,
		"a history not starting with created": `SELECT count(*) FROM referrals r JOIN LATERAL
			(SELECT kind, at FROM referral_events e WHERE e.workspace_id = r.workspace_id AND e.referral_id = r.id
			ORDER BY e.id LIMIT 1) first ON true WHERE first.kind <> 'created' OR first.at <> r.created_at`,
		"events out of time order": `SELECT count(*) FROM (SELECT at < lag(at) OVER (PARTITION BY referral_id ORDER BY id) AS back
			FROM referral_events) e WHERE back`,
		"an event kind the product doesn't write": `SELECT count(*) FROM referral_events WHERE kind NOT IN
			('created', 'claimed', 'accepted', 'declined', 'expired', 'stage', 'thanked', 'feedback', 'won_confirmed',
			'won_disputed', 'fee_paid', 'fee_received')`,
		"a won stage event without its value": `SELECT count(*) FROM referral_events
			WHERE kind = 'stage' AND to_status = 'won' AND (value_cents IS NULL OR value_currency IS NULL)`,
		"thanks not from the receiver to the referrer": `SELECT count(*) FROM thanks t JOIN referrals r
			ON r.workspace_id = t.workspace_id AND r.id = t.referral_id
			WHERE t.from_id <> r.receiver_id OR t.to_id <> r.referrer_id OR t.at < r.created_at`,
		"a thank-you without its event": `SELECT count(*) FROM thanks t WHERE NOT EXISTS (SELECT 1 FROM referral_events e
			WHERE e.workspace_id = t.workspace_id AND e.referral_id = t.referral_id AND e.kind = 'thanked')`,
		"an undelivered or misdated notice": `SELECT count(*) FROM outbox WHERE status <> 'sent' OR sent_at < created_at
			OR ref IS NULL OR dedupe_key NOT LIKE 'ev:%' OR payload->>'kind' <> kind`,
		"a notice to a member who isn't a party": `SELECT count(*) FROM outbox o JOIN referrals r
			ON r.workspace_id = o.workspace_id AND r.id = (o.payload->'referral'->>'id')::bigint
			WHERE o.recipient_member_id IS NOT NULL AND o.recipient_member_id NOT IN (r.referrer_id, r.receiver_id)`,
		"a partnership whose last touch isn't its latest touchpoint": `SELECT count(*) FROM partnerships p
			WHERE p.last_touch IS DISTINCT FROM (SELECT max(at) FROM touchpoints t
			WHERE t.workspace_id = p.workspace_id AND t.partnership_id = p.id)
			OR p.next_due <> p.last_touch + make_interval(days => p.cadence_days)`,
		"a member last active before they joined": `SELECT count(*) FROM members WHERE last_active_at < joined_at`,
		"a workspace without an admin": `SELECT count(*) FROM workspaces w WHERE NOT EXISTS
			(SELECT 1 FROM members m WHERE m.workspace_id = w.id AND m.role = 'admin')`,
		"a sequence behind its table's ids": `SELECT count(*) FROM (VALUES
			((SELECT last_value FROM workspaces_id_seq) < (SELECT max(id) FROM workspaces)),
			((SELECT last_value FROM members_id_seq) < (SELECT max(id) FROM members)),
			((SELECT last_value FROM referrals_id_seq) < (SELECT max(id) FROM referrals)),
			((SELECT last_value FROM referral_events_id_seq) < (SELECT max(id) FROM referral_events)),
			((SELECT last_value FROM outbox_id_seq) < (SELECT max(id) FROM outbox))) v(behind) WHERE behind`,
	}
	ctx := context.Background()
	for what, sql := range broken {
		var n int
		args := []any{}
		if containsArg(sql) {
			args = append(args, seedNow)
		}
		if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Errorf("%s: %v", what, err)
		} else if n > 0 {
			t.Errorf("%d rows with %s", n, what)
		}
	}
	var stages int
	if err := conn.QueryRow(ctx, `SELECT count(DISTINCT status) FROM referrals`).Scan(&stages); err != nil {
		t.Fatal(err)
	}
	if stages != 10 {
		t.Errorf("the seed has referrals in %d stages, want all 10", stages)
	}
}

func containsArg(sql string) bool {
	for i := 0; i+1 < len(sql); i++ {
		if sql[i] == '$' && sql[i+1] == '1' {
			return true
		}
	}
	return false
}

// TestSeed_TheProductWorksOnASeededWorkspace reads a seeded workspace
// through core.Service, as a member would, and adds to it.
func TestSeed_TheProductWorksOnASeededWorkspace(t *testing.T) {
	t.Parallel()
	db, conn, st := seeded(t)
	ctx := context.Background()
	ws := st.WorkspaceIDs[0]
	var (
		platform, team, admin string
		count, won, thanks    int
	)
	if err := conn.QueryRow(ctx, `SELECT w.platform, w.external_id, m.user_id,
			(SELECT count(*) FROM referrals WHERE workspace_id = w.id),
			(SELECT count(*) FROM referrals WHERE workspace_id = w.id AND status = 'won'),
			(SELECT count(*) FROM thanks WHERE workspace_id = w.id)
		FROM workspaces w JOIN members m ON m.workspace_id = w.id AND m.role = 'admin'
		WHERE w.id = $1 ORDER BY m.id LIMIT 1`, ws).Scan(&platform, &team, &admin, &count, &won, &thanks); err != nil {
		t.Fatal(err)
	}
	svc := core.NewService(db, core.Options{Now: func() time.Time { return seedNow }})
	c, err := svc.Join(ctx, core.Identity{Platform: core.Platform(platform), TeamID: team, UserID: admin})
	if err != nil {
		t.Fatalf("join as the seeded admin: %v", err)
	}
	if c.Workspace.ID != ws || !c.Member.IsAdmin() {
		t.Fatalf("joined workspace %d as %+v, want the seeded admin of %d", c.Workspace.ID, c.Member, ws)
	}
	stats, err := svc.Stats(ctx, c, core.StatsRequest{Network: true})
	if err != nil {
		t.Fatalf("stats network: %v", err)
	}
	if stats.Given != count || stats.Won != won || stats.Thanks != thanks {
		t.Errorf("stats network: given %d, won %d, thanks %d; the tables hold %d, %d, %d",
			stats.Given, stats.Won, stats.Thanks, count, won, thanks)
	}
	if _, err := svc.Stats(ctx, c, core.StatsRequest{}); err != nil {
		t.Errorf("stats me: %v", err)
	}
	var mine int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM referrals WHERE workspace_id = $1 AND $2 IN (referrer_id, receiver_id)`,
		ws, c.Member.ID).Scan(&mine); err != nil {
		t.Fatal(err)
	}
	list, err := svc.List(ctx, c, core.ListMine)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(list) != min(mine, 50) {
		t.Errorf("list mine: %d referrals, want %d (of %d)", len(list), min(mine, 50), mine)
	}
	var code core.Code
	var events int
	if err := conn.QueryRow(ctx, `SELECT r.code, (SELECT count(*) FROM referral_events e WHERE e.referral_id = r.id)
		FROM referrals r WHERE r.workspace_id = $1 AND r.status = 'won' ORDER BY r.id LIMIT 1`, ws).Scan(&code, &events); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Show(ctx, c, code)
	if err != nil {
		t.Fatalf("show %s: %v", code, err)
	}
	if len(d.Events) != events || d.Referral.Status != core.StatusWon {
		t.Errorf("show %s: %s with %d events, want won with %d", code, d.Referral.Status, len(d.Events), events)
	}
	// The product carries on after the seed: the next code, the next ids.
	var to string
	if err := conn.QueryRow(ctx, `SELECT user_id FROM members WHERE workspace_id = $1 AND id <> $2 AND status = 'active'
		ORDER BY id LIMIT 1`, ws, c.Member.ID).Scan(&to); err != nil {
		t.Fatal(err)
	}
	r, err := svc.Refer(ctx, c, core.ReferInput{To: core.MemberRef{UserID: to}, ClientName: "After Seed Ltd", Need: "a website"})
	if err != nil {
		t.Fatalf("refer after the seed: %v", err)
	}
	if r.Code != core.FirstCode+core.Code(count) {
		t.Errorf("the first referral after the seed got %s, want R-%d", r.Code, int(core.FirstCode)+count)
	}
}

// BenchmarkSeed loads a thousandth of BNI's scale (11 workspaces, 340
// members, 10,000 referrals) into a fresh database per run, with the
// foreign-key checks on and off, and reports rows/s.
func BenchmarkSeed(b *testing.B) {
	for _, trusted := range []bool{false, true} {
		b.Run(fmt.Sprintf("trusted=%v", trusted), func(b *testing.B) {
			var rows int64
			var took time.Duration
			for b.Loop() {
				b.StopTimer()
				db, _ := testenv.DB(b)
				b.StartTimer()
				st, err := db.Seed(context.Background(), postgres.SeedSpec{Workspaces: 11, Members: 340, Referrals: 10000,
					Seed: 1, Now: seedNow, Trusted: trusted})
				if err != nil {
					b.Fatal(err)
				}
				rows, took = rows+st.Total(), took+st.Elapsed
			}
			b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
		})
	}
}

// TestSeed_ATrustedLoadRebuildsWhatTriggersKeep loads without triggers
// (--trusted) and checks that the stats rollups, each referral's
// amounts_private and client keys come out as the triggers would have
// kept them.
func TestSeed_ATrustedLoadRebuildsWhatTriggersKeep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, url := testenv.DB(t)
	loaded, err := db.Seed(ctx, postgres.SeedSpec{Workspaces: 2, Members: 40, Referrals: 800, Years: 2, Seed: 3, Now: seedNow,
		Trusted: true})
	if err != nil {
		t.Fatalf("seed --trusted: %v", err)
	}
	// What the triggers keep, against a fresh computation from the rows.
	if n := testenv.Count(t, url, `SELECT count(*) FROM referrals r WHERE r.amounts_private IS DISTINCT FROM
		EXISTS (SELECT 1 FROM members pm WHERE pm.workspace_id = r.workspace_id
			AND pm.id IN (r.referrer_id, r.receiver_id, r.co_owner_id) AND pm.amounts_private)`); n != 0 {
		t.Errorf("%d referrals' amounts_private disagree with their parties' setting", n)
	}
	if n := testenv.Count(t, url, `SELECT count(*) FROM stats_rollups`); n == 0 {
		t.Fatal("no stats rollups after a trusted load")
	}
	// client keys and their counts (migrations 023, 029), as the triggers
	// would have stored them
	if n := testenv.Count(t, url, `
		WITH now_keys AS (
			SELECT DISTINCT r.workspace_id, r.id AS referral_id, r.referrer_id, COALESCE(r.receiver_id, 0) AS receiver_id, u.key
			FROM referrals r CROSS JOIN LATERAL unnest(client_keys(r.client_name, r.client_contact)) AS u (key)
		), diff AS (
			(SELECT workspace_id, referral_id, key FROM now_keys EXCEPT SELECT * FROM referral_client_keys)
			UNION ALL (SELECT * FROM referral_client_keys EXCEPT SELECT workspace_id, referral_id, key FROM now_keys)
		), counts AS (
			(SELECT workspace_id, key, count(*) FROM now_keys GROUP BY 1, 2 EXCEPT SELECT * FROM client_key_counts)
			UNION ALL (SELECT * FROM client_key_counts EXCEPT SELECT workspace_id, key, count(*) FROM now_keys GROUP BY 1, 2)
		), pairs AS (
			(SELECT workspace_id, referrer_id, receiver_id, key, count(*) FROM now_keys GROUP BY 1, 2, 3, 4
				EXCEPT SELECT * FROM pair_client_key_counts)
			UNION ALL (SELECT * FROM pair_client_key_counts
				EXCEPT SELECT workspace_id, referrer_id, receiver_id, key, count(*) FROM now_keys GROUP BY 1, 2, 3, 4)
		)
		SELECT (SELECT count(*) FROM diff) + (SELECT count(*) FROM counts) + (SELECT count(*) FROM pairs)`); n != 0 {
		t.Errorf("%d client keys or counts differ from what the triggers keep", n)
	}
	// clients as in life: mostly new ones, a few referred again
	if n := testenv.Count(t, url, `SELECT count(*) FROM client_key_counts WHERE n > 1`); n == 0 ||
		n*10 > testenv.Count(t, url, `SELECT count(*) FROM client_key_counts`) {
		t.Errorf("%d of the seed's client keys repeat: want a few", n)
	}
	// the medians' counts (migration 043), rebuilt as the row triggers keep them
	for _, ws := range loaded.WorkspaceIDs {
		if n := testenv.Count(t, url, durationsDiffering, ws); n != 0 {
			t.Errorf("workspace %d: %d duration counts differ from the rows'", ws, n)
		}
	}
	if n := testenv.Count(t, url, `SELECT count(*) FROM duration_counts`); n == 0 {
		t.Error("no duration counts after a trusted load")
	}
	const sums = `SELECT subject, measure, bucket, role, status, currency, private, sum(n) AS n, sum(cents) AS cents
		FROM stats_rollups GROUP BY 1, 2, 3, 4, 5, 6, 7`
	before := testenv.Count(t, url, `SELECT count(*) FROM (`+sums+`) x`)
	if err := testenv.Exec(t, url, `SELECT stats_rollups_rebuild(id) FROM workspaces`); err != nil {
		t.Fatal(err)
	}
	if n := testenv.Count(t, url, `SELECT count(*) FROM (`+sums+`) x`); n != before {
		t.Errorf("rollups changed on a rebuild: %d groups, then %d", before, n)
	}
	// network_rollups (migration 042) holds the folded network rows again,
	// through a fold (inserts and updates) and a rebuild (deletes)
	const networkDiffering = `
		SELECT count(*) FROM network_rollups k
		FULL JOIN (SELECT * FROM stats_rollups WHERE subject = 0 AND shard = -1) s
			USING (workspace_id, measure, bucket, role, status, currency, private)
		WHERE (COALESCE(k.n, 0), COALESCE(k.n_amount, 0), COALESCE(k.cents, 0))
			<> (COALESCE(s.n, 0), COALESCE(s.n_amount, 0), COALESCE(s.cents, 0))`
	for range 2 { // the second fold updates rows the first inserted
		if err := testenv.Exec(t, url, `SELECT rollups_compact(id) FROM workspaces`); err != nil { // the retention job's fold
			t.Fatal(err)
		}
		if err := testenv.Exec(t, url, `UPDATE referrals SET estimate_cents = estimate_cents + 100
			WHERE id IN (SELECT id FROM referrals ORDER BY id LIMIT 50)`); err != nil {
			t.Fatal(err)
		}
	}
	if n := testenv.Count(t, url, `SELECT count(*) FROM network_rollups WHERE n <> 0`); n == 0 {
		t.Error("no network rollups after folding")
	}
	if n := testenv.Count(t, url, networkDiffering); n != 0 {
		t.Errorf("%d network_rollups keys differ from the folded network rows after folding", n)
	}
	if err := testenv.Exec(t, url, `SELECT stats_rollups_rebuild(id) FROM workspaces`); err != nil {
		t.Fatal(err)
	}
	if n := testenv.Count(t, url, networkDiffering); n != 0 {
		t.Errorf("%d network_rollups keys differ from the folded network rows after a rebuild", n)
	}
}
