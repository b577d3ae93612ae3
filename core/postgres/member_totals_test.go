package postgres_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/migrations"
)

// The referrals' insert trigger writes member_totals itself (037) and
// has the rollups' mirror triggers skip that one statement: each shard's
// totals stay what the rollups' own rows give, and a later write of the
// rollups in the same transaction (a stage change) is mirrored again.
func TestMemberTotals_WrittenOnceByTheInsertAndMirroredAfterItInOneTransaction(t *testing.T) {
	t.Parallel()
	h := newHistory(t, 7)
	ctx := context.Background()
	ann, ben, cat := h.members[0], h.members[1], h.members[2]
	tx, err := h.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	ws := h.b.ws.ID
	for _, st := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, client_name, need, status,
			estimate_cents, estimate_currency, created_at, updated_at)
		VALUES ($1, 1, $2, $3, 'Acme', 'a site', 'offered', 500000, 'EUR', '2025-03-04', '2025-03-04'),
			($1, 2, $2, $4, 'Bolt', 'books', 'offered', 0, '', '2025-05-06', '2025-05-06'),
			($1, 3, $3, $2, 'Core', 'a logo', 'offered', 100000, 'USD', '2025-05-07', '2025-05-07')`,
			[]any{ws, ann.ID, ben.ID, cat.ID}},
		{`UPDATE referrals SET status = 'won', won_value_cents = 700000, won_currency = 'EUR', closed_at = '2025-04-01'
		WHERE workspace_id = $1 AND code = 1`, []any{ws}},
		{`INSERT INTO referrals (workspace_id, code, referrer_id, receiver_id, client_name, need, status, created_at, updated_at)
		VALUES ($1, 4, $2, $3, 'Dune', 'tax', 'offered', '2025-06-01', '2025-06-01')`, []any{ws, cat.ID, ann.ID}},
	} {
		if _, err := tx.Exec(ctx, st.sql, st.args...); err != nil {
			t.Fatalf("%s: %v", st.sql, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// Per shard, not only summed over shards as the oracle of
	// TestStats_RollupsMatchDirectQueries compares.
	differing := h.b.count(t, `
		WITH fresh AS (
			SELECT f.member_id, f.bucket, f.currency, f.private, f.shard, sum(f.given) AS given,
				sum(f.received) AS received, sum(f.given_deals) AS given_deals, sum(f.given_cents) AS given_cents,
				sum(f.received_deals) AS received_deals, sum(f.received_cents) AS received_cents
			FROM stats_rollups s CROSS JOIN LATERAL member_total_facts(s, 1) f
			WHERE s.workspace_id = $1
			GROUP BY 1, 2, 3, 4, 5
		)
		SELECT count(*) FROM (SELECT * FROM member_totals WHERE workspace_id = $1) k
		FULL JOIN fresh f USING (member_id, bucket, currency, private, shard)
		WHERE (k.given, k.received, k.given_deals, k.given_cents, k.received_deals, k.received_cents)
			IS DISTINCT FROM (f.given, f.received, f.given_deals, f.given_cents, f.received_deals, f.received_cents)`,
		h.b.ws.ID)
	if differing != 0 {
		t.Fatalf("%d member_totals rows differ from the rollups' own", differing)
	}
	if won := h.b.count(t, `SELECT count(*) FROM member_totals WHERE workspace_id = $1 AND member_id = $2
		AND given_deals = 1 AND given_cents = 700000`, h.b.ws.ID, ann.ID); won == 0 {
		t.Fatal("the deal won after the insert, in the same transaction, is not in ann's totals")
	}
}

// TestMigrate037_GoesDownToTheMirrorAndUpAgain: 037's down section puts
// back 028's insert trigger and 033's mirror (member_totals kept through
// the rollups' triggers alone, plans chosen as before), and up again
// writes them from the insert.
func TestMigrate037_GoesDownToTheMirrorAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, url := connAtVersion(t, 37)
	state := func() string {
		var s string
		if err := conn.QueryRow(ctx, `SELECT string_agg(proname
				|| CASE WHEN prosrc LIKE '%totals_written%' THEN ' totals_written' ELSE '' END
				|| CASE WHEN 'plan_cache_mode=force_generic_plan' = ANY (proconfig) THEN ' generic' ELSE '' END,
				', ' ORDER BY proname)
			FROM pg_proc WHERE proname IN ('referrals_stats_rollup_inserted', 'stats_rollups_totals_inserted')`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	const up = "referrals_stats_rollup_inserted totals_written generic, stats_rollups_totals_inserted totals_written generic"
	if got := state(); got != up {
		t.Fatalf("at 037: %s, want %s", got, up)
	}
	if err := migrations.MigrateURLTo(ctx, url, 36); err != nil {
		t.Fatal(err)
	}
	if got, want := state(), "referrals_stats_rollup_inserted, stats_rollups_totals_inserted"; got != want {
		t.Fatalf("down to 036: %s, want %s", got, want)
	}
	if err := migrations.MigrateURLTo(ctx, url, 37); err != nil {
		t.Fatal(err)
	}
	if got := state(); got != up {
		t.Fatalf("up again: %s, want %s", got, up)
	}
}
