package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// The dashboard's read models, each in one statement (the referrals page:
// one batch of two), grouped in PostgreSQL whatever the number of
// referrals.

// trendSQL: $1 workspace, $2 the quarters' bounds (each quarter is
// [b[i], b[i+1])), $3 the currency of amounts stored without one, $4 the
// viewer. The cohort counts follow core.Stats for the network: received
// means a receiver was named or claimed it. Whether a deal's amounts are
// private is read as amountsPrivateSQL says, from the few members who
// keep theirs private, gathered once rather than looked up per deal.
const trendSQL = `
WITH private AS (
	SELECT COALESCE(array_agg(id), '{}') AS ids FROM members WHERE workspace_id = $1 AND amounts_private
), cohort AS (
	SELECT width_bucket(r.created_at, $2::timestamptz[]) AS i, count(*) AS given,
		count(*) FILTER (WHERE r.receiver_id IS NOT NULL) AS received,
		count(*) FILTER (WHERE r.receiver_id IS NOT NULL AND r.status = 'won') AS won
	FROM referrals r
	WHERE r.workspace_id = $1 AND r.created_at >= ($2::timestamptz[])[1]
		AND r.created_at < ($2::timestamptz[])[cardinality($2::timestamptz[])]
	GROUP BY 1
), deals AS (
	SELECT i, cur, sum(cents)::bigint AS cents, count(*) AS n, count(*) FILTER (WHERE hidden) AS p
	FROM (
		SELECT width_bucket(r.closed_at, $2::timestamptz[]) AS i, COALESCE(NULLIF(r.won_currency, ''), $3) AS cur,
			r.won_value_cents AS cents,
			COALESCE(r.referrer_id = ANY (pv.ids) OR r.receiver_id = ANY (pv.ids) OR r.co_owner_id = ANY (pv.ids), false)
				AND NOT COALESCE($4::bigint IN (r.referrer_id, r.receiver_id, r.co_owner_id), false) AS hidden
		FROM referrals r, private pv
		WHERE r.workspace_id = $1 AND r.status = 'won' AND r.closed_at >= ($2::timestamptz[])[1]
			AND r.closed_at < ($2::timestamptz[])[cardinality($2::timestamptz[])]
	) d
	GROUP BY i, cur
` + trendQuartersSQL

// trendQuartersSQL ends both trend statements: from their cohort (i,
// given, received, won) and deals (i, cur, cents, n, p), one row per
// quarter.
const trendQuartersSQL = `
), quarters AS (
	SELECT i, sum(n)::int AS deals,
		jsonb_agg(jsonb_build_object('currency', cur, 'cents', cents, 'count', n, 'private', p)) AS revenue
	FROM deals GROUP BY i
)
SELECT COALESCE(c.given, 0), COALESCE(c.received, 0), COALESCE(c.won, 0), COALESCE(q.deals, 0),
	COALESCE(q.revenue, '[]')
FROM generate_series(1, cardinality($2::timestamptz[]) - 1) AS g (i)
LEFT JOIN cohort c ON c.i = g.i
LEFT JOIN quarters q ON q.i = g.i
ORDER BY g.i`

// trendRollupsSQL is trendSQL read from the network's monthly rollups
// (migration 016) when every quarter starts and ends on a UTC month: the
// same counts and sums, from a few rows a month instead of every
// referral. The rollups count a deal private when a party keeps amounts
// private; the viewer's own private deals, which they may see, are found
// through their party indexes and taken out of the private count.
const trendRollupsSQL = `
WITH cohort AS (
	SELECT width_bucket(s.bucket, $2::timestamptz[]) AS i, sum(s.n) AS given,
		COALESCE(sum(s.n) FILTER (WHERE s.role & 2 <> 0), 0) AS received,
		COALESCE(sum(s.n) FILTER (WHERE s.role & 2 <> 0 AND s.status = 'won'), 0) AS won
	FROM stats_rollups s
	WHERE s.workspace_id = $1 AND s.subject = 0 AND s.measure = 1 AND s.bucket >= ($2::timestamptz[])[1]
		AND s.bucket < ($2::timestamptz[])[cardinality($2::timestamptz[])]
	GROUP BY 1
), mine AS (
	SELECT width_bucket(r.closed_at, $2::timestamptz[]) AS i, COALESCE(NULLIF(r.won_currency, ''), $3) AS cur,
		count(*) AS n
	FROM referrals r
	WHERE r.workspace_id = $1 AND (r.referrer_id = $4 OR r.receiver_id = $4 OR r.co_owner_id = $4)
		AND r.status = 'won' AND r.amounts_private AND r.closed_at >= ($2::timestamptz[])[1]
		AND r.closed_at < ($2::timestamptz[])[cardinality($2::timestamptz[])]
	GROUP BY 1, 2
), deals AS (
	SELECT d.i, d.cur, d.cents, d.n, d.p - COALESCE(m.n, 0) AS p
	FROM (
		SELECT width_bucket(s.bucket, $2::timestamptz[]) AS i, COALESCE(NULLIF(s.currency, ''), $3) AS cur,
			sum(s.cents)::bigint AS cents, sum(s.n) AS n, COALESCE(sum(s.n) FILTER (WHERE s.private), 0) AS p
		FROM stats_rollups s
		WHERE s.workspace_id = $1 AND s.subject = 0 AND s.measure = 2 AND s.bucket >= ($2::timestamptz[])[1]
			AND s.bucket < ($2::timestamptz[])[cardinality($2::timestamptz[])]
		GROUP BY 1, 2
		HAVING sum(s.n) <> 0
	) d
	LEFT JOIN mine m ON m.i = d.i AND m.cur = d.cur
` + trendQuartersSQL

// Trend computes the network's figures quarter by quarter in one grouped
// statement: from the rollups when the quarters are whole UTC months,
// else from the referrals.
func (t *tx) Trend(ctx context.Context, workspaceID int64, q core.TrendQuery) (_ []core.TrendPoint, err error) {
	defer wrap(&err, "trend(%d)", workspaceID)
	if len(q.Quarters) == 0 {
		return nil, nil
	}
	bounds := trendBounds(q)
	statement := trendRollupsSQL
	for _, b := range bounds {
		if !b.Equal(monthStart(b)) {
			statement = trendSQL
		}
	}
	return t.trend(ctx, statement, workspaceID, bounds, q.Viewer)
}

// trendBounds are the quarters' bounds: each quarter is [b[i], b[i+1]).
func trendBounds(q core.TrendQuery) []time.Time {
	bounds := make([]time.Time, 0, len(q.Quarters)+1)
	for _, p := range q.Quarters {
		bounds = append(bounds, p.From)
	}
	return append(bounds, q.Quarters[len(q.Quarters)-1].To)
}

// trend runs one of the trend statements.
func (t *tx) trend(ctx context.Context, statement string, workspaceID int64, bounds []time.Time, viewer int64) ([]core.TrendPoint, error) {
	rows, err := t.q.Query(ctx, statement, workspaceID, bounds, core.DefaultCurrency, viewer)
	return collect(rows, err, func(row pgx.Row) (*core.TrendPoint, error) {
		var p core.TrendPoint
		return &p, row.Scan(&p.Given, &p.Received, &p.Won, &p.Deals, &p.Revenue)
	})
}

// partnerViewsSQL ($1 workspace, $2 the member) lists the member's
// partnerships with active members and the referrals given each way.
const partnerViewsSQL = `
WITH mine AS (
	-- each referral the member is a party to, from the other side
	SELECT o.id, o.gave
	FROM referrals r
	CROSS JOIN LATERAL (VALUES (r.receiver_id, true), (r.co_owner_id, true), (r.referrer_id, false)) AS o (id, gave)
	WHERE r.workspace_id = $1 AND (r.referrer_id = $2 OR r.receiver_id = $2 OR r.co_owner_id = $2) AND o.id IS NOT NULL
		AND o.id <> $2 AND (o.gave = (r.referrer_id = $2))
), counts AS (
	SELECT id, count(*) FILTER (WHERE gave) AS given, count(*) FILTER (WHERE NOT gave) AS received
	FROM mine GROUP BY id
)
SELECT p.id, p.workspace_id, p.member_a, p.member_b, p.type, p.trust, p.cadence_days, p.last_touch,
	p.next_due, p.created_at, ` + memberCols + `, COALESCE(c.given, 0), COALESCE(c.received, 0)
FROM partnerships p
JOIN members m ON m.workspace_id = p.workspace_id
	AND m.id = CASE WHEN p.member_a = $2 THEN p.member_b ELSE p.member_a END
LEFT JOIN counts c ON c.id = m.id
WHERE p.workspace_id = $1 AND (p.member_a = $2 OR p.member_b = $2) AND m.status = 'active'
ORDER BY p.next_due NULLS LAST, lower(m.display_name), m.id`

// PartnerViews lists a member's partnerships with what passed each way.
func (t *tx) PartnerViews(ctx context.Context, workspaceID, memberID int64) (_ []core.PartnerView, err error) {
	defer wrap(&err, "partner views(%d, %d)", workspaceID, memberID)
	rows, err := t.q.Query(ctx, partnerViewsSQL, workspaceID, memberID)
	return collect(rows, err, func(row pgx.Row) (*core.PartnerView, error) {
		var (
			v             core.PartnerView
			p             = &v.Partnership
			last, nextDue *time.Time
		)
		dest := append([]any{&p.ID, &p.WorkspaceID, &p.MemberA, &p.MemberB, &p.Type, &p.Trust, &p.CadenceDays,
			&last, &nextDue, &p.CreatedAt}, memberDest(&v.Partner)...)
		if err := row.Scan(append(dest, &v.Given, &v.Received)...); err != nil {
			return nil, err
		}
		p.LastTouch, p.NextDue = timeOf(last), timeOf(nextDue)
		v.LastTouch, v.NextDue = p.LastTouch, p.NextDue
		return &v, nil
	})
}

// ThanksCounts counts a member's standing thank-yous given and received in p.
func (t *tx) ThanksCounts(ctx context.Context, workspaceID, memberID int64, p core.Period) (given, received int, err error) {
	defer wrap(&err, "thanks counts(%d, %d)", workspaceID, memberID)
	from, to := bounds(p)
	err = t.q.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE from_id = $2), count(*) FILTER (WHERE to_id = $2)
		FROM thanks
		WHERE workspace_id = $1 AND (from_id = $2 OR to_id = $2) AND retracted_at IS NULL AND at >= $3 AND at < $4`,
		workspaceID, memberID, from, to).Scan(&given, &received)
	return given, received, err
}

// ReferralPage reads one page of the referrals f selects and counts every
// match, in one round trip (a batch of the two statements).
func (t *tx) ReferralPage(ctx context.Context, workspaceID int64, f core.ReferralFilter) (_ []core.Referral, _ int, err error) {
	defer wrap(&err, "referral page(%d)", workspaceID)
	where, args := referralConds(workspaceID, f)
	cond := strings.Join(where, " AND ")
	page := referralFrom + " WHERE " + cond + " ORDER BY r.created_at DESC, r.id DESC"
	pageArgs := args
	if f.Limit > 0 {
		pageArgs = append(append([]any(nil), args...), f.Limit, f.Offset)
		page += fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)+1, len(args)+2)
	}
	var b pgx.Batch
	var total int
	b.Queue("SELECT count(*) FROM referrals r WHERE "+cond, args...).QueryRow(func(row pgx.Row) error {
		return row.Scan(&total)
	})
	var rs []core.Referral
	b.Queue(page, pageArgs...).Query(func(rows pgx.Rows) error {
		var err error
		rs, err = collectReferrals(rows, nil)
		return err
	})
	if err := t.q.SendBatch(ctx, &b).Close(); err != nil {
		return nil, 0, err
	}
	return rs, total, nil
}
