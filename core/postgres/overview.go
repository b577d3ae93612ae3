package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// The overview's funnel and graph read the rollups (migration 022) as the
// stats do (coverage.go): whole UTC months, or the all-time rows, plus the
// few referrals at the period's edges through the same facts functions
// the trigger adds, so the cost follows the months of the period, not the
// referrals of the history. Both statements share their parameters:
//
//	$1 workspace, $2 read the all-time rows, $3 and $4 the buckets read,
//	$5–$7 the edges (from, to, sign).

// overviewEdgesSQL starts both statements: the edges as rows.
const overviewEdgesSQL = `
WITH edges AS (
	SELECT * FROM unnest($5::timestamptz[], $6::timestamptz[], $7::int[]) AS x (lo, hi, sign)
)`

// funnelSQL counts the period's referrals by the furthest stage reached,
// as core's funnelSteps say: the network's cohort rows by stage (measure
// 1), but the lost ones, counted by the furthest stage their history
// reached (measure 3).
const funnelSQL = overviewEdgesSQL + `, facts AS (
	SELECT s.measure, s.status, s.n
	FROM stats_rollups s
	WHERE s.workspace_id = $1 AND s.subject = 0 AND s.measure IN (1, 3)
		AND s.bucket >= $3 AND s.bucket < $4 AND $2::boolean = (s.bucket = '-infinity')
	UNION ALL
	SELECT f.measure, f.status, f.n
	FROM edges x
	JOIN referrals r ON r.workspace_id = $1 AND r.created_at >= x.lo AND r.created_at < x.hi
	CROSS JOIN LATERAL stats_rollup_facts(r, x.sign) f
	WHERE f.subject = 0 AND f.measure IN (1, 3) AND f.bucket > '-infinity'
)
SELECT CASE WHEN status IN ('offered', 'open', 'declined', 'expired') THEN 'offered' ELSE status END AS stage,
	sum(n)::int
FROM facts
WHERE measure = 3 OR status <> 'lost'
GROUP BY 1
HAVING sum(n) <> 0`

// graphSQL ($8 the graph's size) returns how many members took part but
// are left out, the kept members and the edges between them, as JSON of
// core's types. It ranks the members from their own rows (referrer or
// receiver 0), then sums the pairs among the kept ones: for all time,
// through the primary key, their pairs alone.
const graphSQL = overviewEdgesSQL + `, edge_facts AS (
	SELECT p.*
	FROM edges x
	JOIN referrals r ON r.workspace_id = $1 AND r.created_at >= x.lo AND r.created_at < x.hi
	CROSS JOIN LATERAL pair_rollup_facts(r, x.sign) p
	WHERE p.bucket > '-infinity'
), sides AS (
	SELECT p.referrer_id, p.receiver_id, p.n
	FROM pair_rollups p
	WHERE p.workspace_id = $1 AND p.bucket >= $3 AND p.bucket < $4 AND $2::boolean = (p.bucket = '-infinity')
		AND (p.referrer_id = 0 OR p.receiver_id = 0)
	UNION ALL
	SELECT referrer_id, receiver_id, n FROM edge_facts WHERE referrer_id = 0 OR receiver_id = 0
), act AS (
	SELECT GREATEST(referrer_id, receiver_id) AS id,
		COALESCE(sum(n) FILTER (WHERE receiver_id = 0), 0)::int AS given,
		COALESCE(sum(n) FILTER (WHERE referrer_id = 0), 0)::int AS received
	FROM sides
	GROUP BY 1
	HAVING sum(n) <> 0
), top AS (
	SELECT a.id, a.given, a.received, m.display_name
	FROM act a JOIN members m ON m.workspace_id = $1 AND m.id = a.id
	ORDER BY a.given + a.received DESC, a.id
	LIMIT $8
), kept AS (
	SELECT COALESCE(array_agg(id), '{}') AS ids FROM top
), e AS (
	SELECT f, t, sum(n)::bigint AS n, sum(won)::bigint AS w
	FROM (
		SELECT p.referrer_id AS f, p.receiver_id AS t, p.n, p.won
		FROM pair_rollups p
		WHERE p.workspace_id = $1 AND p.bucket >= $3 AND p.bucket < $4 AND $2::boolean = (p.bucket = '-infinity')
			AND p.referrer_id = ANY ((SELECT ids FROM kept)::bigint[]) AND p.receiver_id = ANY ((SELECT ids FROM kept)::bigint[])
		UNION ALL
		SELECT referrer_id, receiver_id, n, won FROM edge_facts
		WHERE referrer_id = ANY ((SELECT ids FROM kept)::bigint[]) AND receiver_id = ANY ((SELECT ids FROM kept)::bigint[])
	) x
	GROUP BY 1, 2
	HAVING sum(n) <> 0
)
SELECT (SELECT count(*) FROM act) - (SELECT count(*) FROM top),
	(SELECT COALESCE(jsonb_agg(jsonb_build_object('MemberID', id, 'Name', display_name, 'Given', given,
		'Received', received) ORDER BY given + received DESC, id), '[]') FROM top),
	(SELECT COALESCE(jsonb_agg(jsonb_build_object('From', f, 'To', t, 'Count', n, 'Won', w) ORDER BY n DESC, f, t), '[]')
		FROM e)`

// overviewArgs are the parameters $1–$7: p read as coverPeriod plans it,
// with now as the clock the edges' cost is guessed with.
func overviewArgs(workspaceID int64, p core.Period, now time.Time) []any {
	if now.IsZero() {
		now = time.Now()
	}
	c := coverPeriod(p.From, p.To, now)
	return []any{workspaceID, c.all, c.lo, c.hi, c.edgeLo, c.edgeHi, c.edgeSign}
}

// Funnel counts the period's referrals by the furthest stage they reached.
func (t *tx) Funnel(ctx context.Context, workspaceID int64, p core.Period, now time.Time) (_ map[core.Status]int, err error) {
	defer wrap(&err, "funnel(%d)", workspaceID)
	rows, err := t.q.Query(ctx, funnelSQL, overviewArgs(workspaceID, p, now)...)
	return collectFunnel(rows, err)
}

func collectFunnel(rows pgx.Rows, err error) (map[core.Status]int, error) {
	if err != nil {
		return nil, err
	}
	out := map[core.Status]int{}
	var (
		stage core.Status
		n     int
	)
	_, err = pgx.ForEachRow(rows, []any{&stage, &n}, func() error {
		out[stage] = n
		return nil
	})
	return out, err
}

// Graph computes who referred whom in the period.
func (t *tx) Graph(ctx context.Context, workspaceID int64, p core.Period, size int, now time.Time) (_ core.Graph, err error) {
	defer wrap(&err, "graph(%d)", workspaceID)
	args := append(overviewArgs(workspaceID, p, now), size)
	return scanGraph(t.q.QueryRow(ctx, graphSQL, args...))
}

func scanGraph(row pgx.Row) (core.Graph, error) {
	var g core.Graph
	err := row.Scan(&g.Others, &g.Nodes, &g.Edges)
	return g, err
}
