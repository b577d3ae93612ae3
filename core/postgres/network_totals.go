package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/referbot/referbot/core"
)

// networkTotalsSQL is the network summary's counts and revenue
// (statsSummarySQL's c and revenue, for the network and no viewer), and
// for a closing query its median days to close and thank-yous (as
// periodMedianDaysSQL and periodThanksSQL read them), for many workspaces
// at once: the same facts — whole months
// from stats_rollups, the edges' referrals one by one (coverPeriod) —
// read per query i. One statement planned once for a batch of
// workspaces, where statsSummarySQL is planned for each (2.4 ms of its
// 4.3 ms in a weekly digest at a tenth of BNI's scale).
//
// $1–$5 the queries (i, workspace, all-time rows, buckets from, to),
// $6–$10 their edges (i, workspace, from, to, sign), $11 the currency of
// amounts stored without one, $12–$14 the queries' closing flags and
// periods (from, to).
const networkTotalsSQL = `
WITH q AS MATERIALIZED (
	SELECT * FROM unnest($1::int[], $2::bigint[], $3::boolean[], $4::timestamptz[], $5::timestamptz[],
			$12::boolean[], $13::timestamptz[], $14::timestamptz[])
		AS q (i, ws, all_rows, lo, hi, closing, since, until)
), e AS MATERIALIZED (
	SELECT * FROM unnest($6::int[], $7::bigint[], $8::timestamptz[], $9::timestamptz[], $10::int[])
		AS e (i, ws, lo, hi, sign)
), facts AS (
	-- whole months (or all time) from the rollups: the folded rows as
	-- network_rollups keeps them together (migration 042), the writers'
	-- rows since the last fold through stats_rollups_unfolded_idx
	SELECT q.i, s.measure, s.role, s.status, s.currency, s.private AS hidden, s.n, s.cents
	FROM q JOIN network_rollups s ON s.workspace_id = q.ws AND s.measure IN (1, 2)
		AND s.bucket >= q.lo AND s.bucket < q.hi AND q.all_rows = (s.bucket = '-infinity')
	UNION ALL
	SELECT q.i, s.measure, s.role, s.status, s.currency, s.private AS hidden, s.n, s.cents
	FROM q JOIN stats_rollups s ON s.workspace_id = q.ws AND s.shard <> -1 AND s.subject = 0 AND s.measure IN (1, 2)
		AND s.bucket >= q.lo AND s.bucket < q.hi AND q.all_rows = (s.bucket = '-infinity')
	UNION ALL
	-- referrals created in an edge, one by one
	SELECT e.i, s.measure, s.role, s.status, s.currency, s.private, s.n, s.cents
	FROM e
	JOIN referrals r ON r.workspace_id = e.ws AND r.created_at >= e.lo AND r.created_at < e.hi
	CROSS JOIN LATERAL stats_rollup_facts(r, e.sign) s
	WHERE s.measure = 1 AND s.bucket > '-infinity' AND s.subject = 0
	UNION ALL
	-- deals won in an edge
	SELECT e.i, s.measure, s.role, s.status, s.currency, s.private, s.n, s.cents
	FROM e
	JOIN referrals r ON r.workspace_id = e.ws AND r.status = 'won' AND r.closed_at >= e.lo AND r.closed_at < e.hi
	CROSS JOIN LATERAL stats_rollup_facts(r, e.sign) s
	WHERE s.measure = 2 AND s.bucket > '-infinity' AND s.subject = 0
), counts AS (
	SELECT i, COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 1 <> 0), 0)::int AS given,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0), 0)::int AS received,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0
			AND status IN ('accepted', 'contacted', 'meeting', 'proposal', 'won', 'lost')), 0)::int AS taken_on,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0 AND status = 'won'), 0)::int AS won,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0 AND status = 'lost'), 0)::int AS lost,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0
			AND status NOT IN ('won', 'lost', 'declined', 'expired')), 0)::int AS in_progress,
		COALESCE(sum(n) FILTER (WHERE measure = 2 AND role & 6 <> 0), 0)::int AS deals
	FROM facts GROUP BY i
), revenue AS (
	SELECT i, jsonb_agg(jsonb_build_object('currency', cur, 'cents', cents, 'count', n, 'private', p)) AS amounts
	FROM (SELECT i, COALESCE(NULLIF(currency, ''), $11) AS cur, sum(cents)::bigint AS cents,
			sum(n)::bigint AS n, COALESCE(sum(n) FILTER (WHERE hidden), 0)::bigint AS p
		FROM facts WHERE measure = 2 AND role & 6 <> 0
		GROUP BY 1, 2 HAVING sum(n) <> 0) x
	GROUP BY i
), closing AS (
	-- the period's deals and thank-yous read, for the closing queries only
	SELECT q.i, d.median_days, t.thanks
	FROM q
	CROSS JOIN LATERAL (
		SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM r.closed_at - r.created_at) / 86400)::float8)
			AS median_days
		FROM referrals r
		WHERE r.workspace_id = q.ws AND r.status = 'won' AND r.closed_at >= q.since AND r.closed_at < q.until) d
	CROSS JOIN LATERAL (
		SELECT count(*)::int AS thanks FROM thanks th
		WHERE th.workspace_id = q.ws AND th.at >= q.since AND th.at < q.until AND th.retracted_at IS NULL) t
	WHERE q.closing
)
SELECT q.i, COALESCE(c.given, 0), COALESCE(c.received, 0), COALESCE(c.taken_on, 0), COALESCE(c.won, 0),
	COALESCE(c.lost, 0), COALESCE(c.in_progress, 0), COALESCE(c.deals, 0), COALESCE(r.amounts, '[]'),
	x.median_days, COALESCE(x.thanks, 0)
FROM q LEFT JOIN counts c ON c.i = q.i LEFT JOIN revenue r ON r.i = q.i LEFT JOIN closing x ON x.i = q.i`

// NetworkTotals reads the network totals of many workspaces' periods in
// one statement (see core.Tx and networkTotalsSQL).
func (t *tx) NetworkTotals(ctx context.Context, qs []core.TotalsQuery) (_ []core.Stats, err error) {
	defer wrap(&err, "network totals of %d", len(qs))
	if len(qs) == 0 {
		return nil, nil
	}
	var (
		qi       []int32
		qws      []int64
		qall     []bool
		qlo, qhi []pgtype.Timestamptz
		ei       []int32
		ews      []int64
		elo, ehi []pgtype.Timestamptz
		esign    []int32
		closing  []bool
		since    []time.Time
		until    []time.Time
	)
	for i, q := range qs {
		cov := coverPeriod(q.Period.From, q.Period.To, q.Now)
		qi, qws, qall = append(qi, int32(i)), append(qws, q.WorkspaceID), append(qall, cov.all)
		qlo, qhi = append(qlo, cov.lo), append(qhi, cov.hi)
		closing, since, until = append(closing, q.Closing), append(since, q.Period.From), append(until, q.Period.To)
		for k := range cov.edgeLo {
			ei, ews = append(ei, int32(i)), append(ews, q.WorkspaceID)
			elo, ehi, esign = append(elo, cov.edgeLo[k]), append(ehi, cov.edgeHi[k]), append(esign, cov.edgeSign[k])
		}
	}
	// Planned for its values, as Stats' statements are (the arrays' sizes
	// among them); once for all the workspaces.
	t.pipe.later(`SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`)
	rows, err := t.q.Query(ctx, networkTotalsSQL, qi, qws, qall, qlo, qhi, ei, ews, elo, ehi, esign, core.DefaultCurrency,
		closing, since, until)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]core.Stats, len(qs))
	seen := 0
	for rows.Next() {
		var (
			i          int32
			st         core.Stats
			medianDays *float64
		)
		if err := rows.Scan(&i, &st.Given, &st.Received, &st.TakenOn, &st.Won, &st.Lost, &st.InProgress,
			&st.Deals, &st.Revenue, &medianDays, &st.Thanks); err != nil {
			return nil, err
		}
		finishStats(&st, core.StatsQuery{}, medianDays, nil, nil)
		st.Period = qs[i].Period
		out[i] = st
		seen++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if seen != len(qs) {
		return nil, fmt.Errorf("%d answers for %d queries", seen, len(qs))
	}
	return out, nil
}
