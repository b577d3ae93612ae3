package postgres_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
)

// A leaderboard's statements are planned generically in a small
// workspace and for their values in a big one (by the referral codes it
// has handed out); what they count is the same either way.
func TestBoardTally_PlannedByTheWorkspacesSize(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	for range 3 {
		b.referral(t, alice, bob)
	}
	b.referral(t, bob, alice)
	tally := func(members []int64) (*core.BoardTally, string) {
		t.Helper()
		var out []*core.BoardTally
		var mode string
		b.tx(t, func(tx core.Tx) (err error) {
			if out, err = tx.BoardTally(ctx, b.ws.ID, []core.Period{{To: t0.Add(time.Hour)}}, t0.Add(time.Hour), members); err != nil {
				return err
			}
			mode, err = postgres.PlanCacheMode(ctx, tx)
			return err
		})
		return out[0], mode
	}
	small, mode := tally(nil)
	if mode != "force_generic_plan" {
		t.Errorf("a workspace of 4 referrals: plan_cache_mode %q, want force_generic_plan", mode)
	}
	if len(small.Given) != 2 {
		t.Fatalf("tally of a small workspace: %+v, want two givers", small)
	}
	smallMembers, _ := tally([]int64{alice.ID})
	if err := b.exec(t, `UPDATE referral_codes SET next_code = 20000 WHERE workspace_id = $1`, b.ws.ID); err != nil {
		t.Fatal(err)
	}
	big, mode := tally(nil)
	if mode != "force_custom_plan" {
		t.Errorf("a workspace of 19,000 codes: plan_cache_mode %q, want force_custom_plan", mode)
	}
	if !reflect.DeepEqual(big, small) {
		t.Errorf("planned for its values the tally is %+v, generically %+v", big, small)
	}
	if bigMembers, _ := tally([]int64{alice.ID}); !reflect.DeepEqual(bigMembers, smallMembers) {
		t.Errorf("alice's tally planned for its values %+v, generically %+v", bigMembers, smallMembers)
	}
}

// Several periods read at once are each period read alone: the repeats of
// each (one client referred twice from alice to bob in each quarter) go
// to their own period's tally.
func TestBoardTally_PeriodsAtOnceAreEachAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	q1 := core.Period{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	q2 := core.Period{From: q1.To, To: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}
	for i, at := range []time.Time{q1.From.AddDate(0, 0, 3), q1.From.AddDate(0, 1, 0), q2.From.AddDate(0, 0, 5),
		q2.From.AddDate(0, 2, 0), q2.From.AddDate(0, 2, 1)} {
		b.referral(t, alice, bob, func(r *core.Referral) {
			r.CreatedAt, r.UpdatedAt = at, at
			if i == 4 {
				r.ClientName = "Other Client"
			}
		})
	}
	now := q2.To.AddDate(0, 0, 10)
	read := func(ps ...core.Period) []*core.BoardTally {
		t.Helper()
		var out []*core.BoardTally
		b.tx(t, func(tx core.Tx) (err error) {
			out, err = tx.BoardTally(ctx, b.ws.ID, ps, now, nil)
			return err
		})
		if len(out) != len(ps) {
			t.Fatalf("%d tallies for %d periods", len(out), len(ps))
		}
		return out
	}
	both := read(q2, q1)
	alone2, alone1 := read(q2)[0], read(q1)[0]
	if len(alone1.Repeats) != 2 || len(alone2.Repeats) != 2 {
		t.Fatalf("repeats alone: q1 %+v, q2 %+v; want two in each", alone1.Repeats, alone2.Repeats)
	}
	if !reflect.DeepEqual(both[0], alone2) || !reflect.DeepEqual(both[1], alone1) {
		t.Errorf("read together: %+v and %+v; alone: %+v and %+v", both[0], both[1], alone2, alone1)
	}
}
