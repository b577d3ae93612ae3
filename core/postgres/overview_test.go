package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
)

// TestOverview_RollupsMatchReferrals drives the random histories of the
// rollup test (every stage, moves and undos recorded in the history,
// reassignments, wins undone, deletions) and compares the funnel and the
// graph read from the rollups (migration 022) with the same figures read
// from the referrals and their history, over periods of every shape, with
// the clock the periods were read with and with the machine's (which
// reads the same periods another way).
func TestOverview_RollupsMatchReferrals(t *testing.T) {
	t.Parallel()
	forHistories(t, (*history).checkOverview, (*history).funnelStep)
}

// funnelStep adds to the random history what the funnel reads most: a
// referral lost or taken back into the pipeline, a move recorded, a move
// undone.
func (h *history) funnelStep() {
	id := h.referral()
	switch h.rnd.IntN(4) {
	case 0:
		h.exec(`UPDATE referrals SET status = 'lost', closed_at = created_at + interval '5 days'
			WHERE id = $1 AND receiver_id IS NOT NULL`, id)
	case 1:
		h.exec(`UPDATE referrals SET status = 'proposal', won_value_cents = NULL, won_currency = NULL,
			closed_at = NULL WHERE id = $1 AND status = 'lost'`, id)
	case 2:
		h.move(id)
	case 3:
		h.undoMove()
	}
}

func (h *history) checkOverview(round int) {
	ctx := context.Background()
	now := time.Date(2026, 6, 10, 15, 30, 0, 0, time.UTC)
	for _, p := range h.periods(now) {
		for _, clock := range []time.Time{now, time.Now()} {
			for _, size := range []int{3, core.GraphSize} {
				var (
					gotFunnel, wantFunnel map[core.Status]int
					gotGraph, wantGraph   core.Graph
				)
				h.b.tx(h.t, func(tx core.Tx) (err error) {
					if gotFunnel, err = tx.Funnel(ctx, h.b.ws.ID, p, clock); err != nil {
						return err
					}
					if wantFunnel, err = postgres.OracleFunnel(ctx, tx, h.b.ws.ID, p); err != nil {
						return err
					}
					if gotGraph, err = tx.Graph(ctx, h.b.ws.ID, p, size, clock); err != nil {
						return err
					}
					wantGraph, err = postgres.OracleGraph(ctx, tx, h.b.ws.ID, p, size)
					return err
				})
				if g, w := asJSON(h.t, gotFunnel), asJSON(h.t, wantFunnel); g != w {
					h.t.Fatalf("round %d, funnel over %s – %s (clock %s):\n rollups   %s\n referrals %s",
						round, p.From, p.To, clock, g, w)
				}
				if g, w := asJSON(h.t, gotGraph), asJSON(h.t, wantGraph); g != w {
					h.t.Fatalf("round %d, graph of %d over %s – %s (clock %s):\n rollups   %s\n referrals %s",
						round, size, p.From, p.To, clock, g, w)
				}
			}
		}
	}
}
