package postgres

import (
	"context"

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
// returns how many members took part but are left out, the kept members
// and the edges between them, as JSON of core's types.
const oracleGraphSQL = `
WITH e AS (
	SELECT referrer_id AS f, receiver_id AS t, count(*) AS n, count(*) FILTER (WHERE status = 'won') AS w
	FROM referrals
	WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND receiver_id IS NOT NULL
	GROUP BY 1, 2
), act AS (
	SELECT id, sum(g)::int AS given, sum(rc)::int AS received
	FROM (SELECT f AS id, n AS g, 0 AS rc FROM e UNION ALL SELECT t, 0, n FROM e) x
	GROUP BY id
), top AS (
	SELECT a.id, a.given, a.received, m.display_name
	FROM act a JOIN members m ON m.workspace_id = $1 AND m.id = a.id
	ORDER BY a.given + a.received DESC, a.id
	LIMIT $4
)
SELECT (SELECT count(*) FROM act) - (SELECT count(*) FROM top),
	(SELECT COALESCE(jsonb_agg(jsonb_build_object('MemberID', id, 'Name', display_name, 'Given', given,
		'Received', received) ORDER BY given + received DESC, id), '[]') FROM top),
	(SELECT COALESCE(jsonb_agg(jsonb_build_object('From', f, 'To', t, 'Count', n, 'Won', w) ORDER BY n DESC, f, t), '[]')
		FROM e WHERE f IN (SELECT id FROM top) AND t IN (SELECT id FROM top))`

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
