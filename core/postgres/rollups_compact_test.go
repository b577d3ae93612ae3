package postgres_test

import (
	"context"
	"testing"

	"github.com/referbot/referbot/core"
)

// TestRollupsCompact_FoldsEveryShardAndKeepsEveryFigure drives the random
// histories (written through the pool's connections, each with its shard,
// and the history's own connection) and folds the rollups after each
// round through the retention job's entry point: no row is left in a
// writer's shard (of the rollups, nor of member_totals), none is added,
// none that sums to nothing is kept; and after the last round, whose
// writes go over rows folded twice already, the stats (the network's and
// a third of the members'), the trend, the funnel and the graph still
// equal the direct queries. (A figure a fold lost would stay lost: the
// direct queries are checked once, not after every round, which took two
// thirds of this test's time for nothing more; a fold treats every key
// alike, so a third of the members' keys find what all of them would.)
func TestRollupsCompact_FoldsEveryShardAndKeepsEveryFigure(t *testing.T) {
	t.Parallel()
	forHistories(t, func(h *history, round int) {
		count := func(table, where string) int {
			return h.b.count(h.t, `SELECT count(*) FROM `+table+` WHERE workspace_id = $1`+where, h.b.ws.ID)
		}
		before := count("stats_rollups", "") + count("pair_rollups", "")
		if _, err := h.b.db.Purge(context.Background(), core.Purge{WorkspaceID: h.b.ws.ID}); err != nil {
			h.t.Fatal(err)
		}
		if n := count("stats_rollups", " AND shard <> -1") + count("pair_rollups", " AND shard <> -1") +
			count("member_totals", " AND shard <> -1"); n != 0 {
			h.t.Errorf("round %d: %d rollup or total rows left in writers' shards", round, n)
		}
		// Keys whose writes cancelled out (an undo, a deletion) are gone.
		if n := count("stats_rollups", " AND n = 0 AND n_amount = 0 AND cents = 0") +
			count("pair_rollups", " AND n = 0 AND won = 0"); n != 0 {
			h.t.Errorf("round %d: %d folded rollup rows sum to nothing", round, n)
		}
		if after := count("stats_rollups", "") + count("pair_rollups", ""); after > before {
			h.t.Errorf("round %d: %d rollup rows after folding, %d before", round, after, before)
		}
		if round == historyRounds-1 {
			h.check(round, false)
			h.checkTrend(round)
			h.checkOverview(round)
		}
	}, (*history).funnelStep)
}
