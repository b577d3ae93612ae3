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
		var out *core.BoardTally
		var mode string
		b.tx(t, func(tx core.Tx) (err error) {
			if out, err = tx.BoardTally(ctx, b.ws.ID, core.Period{To: t0.Add(time.Hour)}, t0.Add(time.Hour), members); err != nil {
				return err
			}
			mode, err = postgres.PlanCacheMode(ctx, tx)
			return err
		})
		return out, mode
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
