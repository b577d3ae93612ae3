package postgres

import (
	"context"
	"strings"

	"github.com/referbot/referbot/core"
)

// The funnel and graph as the dashboard read them before migration 022:
// from every referral of the period (and, for the funnel, the history of
// each lost one). Kept as the oracle TestOverview_RollupsMatchReferrals
// checks the rollup statements against.

// oracleFunnelSQL ($1 workspace, $2 and $3 the period) counts the period's
// referrals by the furthest stage reached, as core's funnelSteps say: a
// lost one by the furthest stage its history records, leaving out moves
// that were undone (found for every lost one at once).
const oracleFunnelSQL = `
WITH p AS (
	SELECT id, status FROM referrals
	WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3
), reached AS (
	SELECT e.referral_id, max(array_position(ARRAY['contacted', 'meeting', 'proposal'], e.to_status)) AS k
	FROM p JOIN referral_events e ON e.workspace_id = $1 AND e.referral_id = p.id
	WHERE p.status = 'lost' AND e.to_status IN ('contacted', 'meeting', 'proposal')
		AND NOT EXISTS (SELECT 1 FROM referral_events u WHERE u.workspace_id = $1 AND u.undoes = e.id)
	GROUP BY e.referral_id
)
SELECT CASE
		WHEN p.status IN ('offered', 'open', 'declined', 'expired') THEN 'offered'
		WHEN p.status = 'lost' THEN COALESCE((ARRAY['contacted', 'meeting', 'proposal'])[x.k], 'accepted')
		ELSE p.status END AS stage,
	count(*)
FROM p LEFT JOIN reached x ON x.referral_id = p.id
GROUP BY 1`

// oracleGraphSQL ($1 workspace, $2 and $3 the period, $4 the graph's size)
// is graphSQL's answer from the period's referrals.
var oracleGraphSQL = strings.ReplaceAll(`
WITH e AS (
	SELECT referrer_id AS f, receiver_id AS t, count(*) AS n, count(*) FILTER (WHERE status = 'won') AS w
	FROM referrals
	WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND receiver_id IS NOT NULL
	GROUP BY 1, 2
`+graphTopSQL, "{size}", "$4")

// OracleFunnel is Funnel read from the referrals and their history.
func OracleFunnel(ctx context.Context, t core.Tx, workspaceID int64, p core.Period) (map[core.Status]int, error) {
	from, to := bounds(p)
	rows, err := t.(*tx).q.Query(ctx, oracleFunnelSQL, workspaceID, from, to)
	return collectFunnel(rows, err)
}

// OracleGraph is Graph read from the referrals.
func OracleGraph(ctx context.Context, t core.Tx, workspaceID int64, p core.Period, size int) (core.Graph, error) {
	from, to := bounds(p)
	return scanGraph(t.(*tx).q.QueryRow(ctx, oracleGraphSQL, workspaceID, from, to, size))
}
