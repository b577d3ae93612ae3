package postgres

import (
	"context"

	"github.com/referbot/referbot/core"
)

// PlanCacheMode is the plan_cache_mode of the transaction t (tests only).
func PlanCacheMode(ctx context.Context, t core.Tx) (mode string, err error) {
	err = t.(*tx).q.QueryRow(ctx, `SELECT current_setting('plan_cache_mode')`).Scan(&mode)
	return mode, err
}
