package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
)

// TestTrend_RollupsMatchReferrals drives the random histories of the
// rollup test (private amounts coming and going, wins undone, deletions)
// and compares the trend read from the rollups, for UTC quarters, with
// the trend read from the referrals, seen by no one and by each member.
func TestTrend_RollupsMatchReferrals(t *testing.T) {
	t.Parallel()
	forHistories(t, (*history).checkTrend)
}

func (h *history) checkTrend(round int) {
	ctx := context.Background()
	last := core.QuarterOf(time.Date(2026, 6, 10, 15, 30, 0, 0, time.UTC))
	var quarters []core.Period
	for i := 7; i >= 0; i-- {
		quarters = append(quarters, core.QuarterOf(last.From.AddDate(0, -3*i, 0)))
	}
	viewers := []int64{0}
	for _, m := range h.members {
		viewers = append(viewers, m.ID)
	}
	for _, viewer := range viewers {
		q := core.TrendQuery{Quarters: quarters, Viewer: viewer}
		var got, want []core.TrendPoint
		h.b.tx(h.t, func(tx core.Tx) (err error) {
			if got, err = tx.Trend(ctx, h.b.ws.ID, q); err != nil {
				return err
			}
			want, err = postgres.OracleTrend(ctx, tx, h.b.ws.ID, q)
			return err
		})
		for _, pts := range [][]core.TrendPoint{got, want} {
			for i := range pts {
				pts[i].Revenue.Sort()
			}
		}
		if g, w := asJSON(h.t, got), asJSON(h.t, want); g != w {
			h.t.Fatalf("round %d, seen by %d:\n rollups  %s\n referrals %s", round, viewer, g, w)
		}
	}
}
