package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// TestFlags_NeverConvertsFromRollupsMatchTheReferrals compares, on seeded
// workspaces and over periods of every shape (all time, whole and partial
// months, a few days), the never-converts flags read from board_rollups
// and the period's edges with the referrals of the period counted one by
// one, as before migration 029: the same members, counts, codes and order.
func TestFlags_NeverConvertsFromRollupsMatchTheReferrals(t *testing.T) {
	t.Parallel()
	db, conn, st := seeded(t)
	ctx := context.Background()
	periods := []core.Period{
		{},
		{From: seedNow.AddDate(0, 0, -90), To: seedNow},
		{From: seedNow.AddDate(0, 0, -30), To: seedNow.Add(time.Hour)},
		{From: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		{From: time.Date(2025, 3, 17, 9, 30, 0, 0, time.UTC), To: time.Date(2026, 2, 3, 18, 0, 0, 0, time.UTC)},
		{From: time.Date(2026, 5, 28, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)},
		{To: time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC)},
	}
	flagged := 0
	for _, ws := range st.WorkspaceIDs {
		for _, p := range periods {
			var got []string
			err := db.InTx(ctx, func(tx core.Tx) error {
				fs, err := tx.Flags(ctx, ws, core.FlagQuery{Period: p, TimeZone: "UTC", AllCodes: true, Now: seedNow})
				for _, f := range fs {
					if f.Kind == core.FlagNeverConverts {
						got = append(got, fmt.Sprint(f.Key, f.Count, f.Codes))
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			want := neverConvertsOneByOne(t, conn, ws, p)
			if !slices.Equal(got, want) {
				t.Errorf("workspace %d, %v: never-converts flags\n%q\nwant (from the referrals)\n%q", ws, p, got, want)
			}
			flagged += len(want)
		}
	}
	if flagged == 0 {
		t.Fatal("no never-converts flag in any period: the comparison tells nothing")
	}
}

// neverConvertsOneByOne is the never-converts flags of p counted from every
// referral of the period, as flagsSQL did before migration 029.
func neverConvertsOneByOne(t *testing.T, conn *pgx.Conn, ws int64, p core.Period) []string {
	t.Helper()
	from, to := any(p.From), any(p.To)
	if p.From.IsZero() {
		from = "-infinity"
	}
	if p.To.IsZero() {
		to = "infinity"
	}
	rows, err := conn.Query(context.Background(), `
		SELECT r.referrer_id, count(*), array_agg(r.code ORDER BY r.code)
		FROM referrals r
		WHERE r.workspace_id = $1 AND r.created_at >= $2::timestamptz AND r.created_at < $3::timestamptz AND r.receiver_id IS NOT NULL
		GROUP BY r.referrer_id
		HAVING count(*) >= $4 AND count(*) FILTER (WHERE r.status = 'won') = 0
		ORDER BY min(r.code), 'never-converts:' || r.referrer_id`, ws, from, to, core.NeverConvertsMin)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var id, n int64
	var codes []int64
	_, err = pgx.ForEachRow(rows, []any{&id, &n, &codes}, func() error {
		cs := make([]core.Code, len(codes))
		for i, c := range codes {
			cs[i] = core.Code(c)
		}
		out = append(out, fmt.Sprint(fmt.Sprintf("never-converts:%d", id), n, cs))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
