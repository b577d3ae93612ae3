package migrations_test

import (
	"context"
	"testing"
)

// The /refer insert path's trigger functions plan their statements once
// per connection (037): a custom plan at every run cost more than the run.
func TestHotTriggerFunctions_KeepOneGenericPlan(t *testing.T) {
	t.Parallel()
	conn := connect(t)
	want := []string{"referrals_stats_rollup_inserted", "member_totals_add", "stats_rollups_totals_inserted",
		"stats_rollups_totals_updated", "stats_rollups_totals_deleted"}
	for _, fn := range want {
		var generic bool
		if err := conn.QueryRow(context.Background(), `
			SELECT COALESCE('plan_cache_mode=force_generic_plan' = ANY (proconfig), false)
			FROM pg_proc WHERE proname = $1`, fn).Scan(&generic); err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		if !generic {
			t.Errorf("%s: plan_cache_mode is not force_generic_plan", fn)
		}
	}
}
