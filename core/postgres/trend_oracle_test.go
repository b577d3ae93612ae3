package postgres

import (
	"context"

	"github.com/referbot/referbot/core"
)

// OracleTrend is Trend read from the referrals whatever the quarters, as
// before the rollups served it: the oracle TestTrend_RollupsMatchReferrals
// checks the rollup statement against.
func OracleTrend(ctx context.Context, t core.Tx, workspaceID int64, q core.TrendQuery) ([]core.TrendPoint, error) {
	return t.(*tx).trend(ctx, trendSQL, workspaceID, trendBounds(q), q.Viewer)
}
