package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/referbot/referbot/core"
)

// The direct stats queries, as they were before the rollups (migration
// 016): they read every referral of the period, so their cost followed
// the history. Kept here as the oracle the rollup-based Stats is checked
// against (TestStats_RollupsMatchDirectQueries).
//
// The stats queries share their parameters:
//
//	$1 workspace, $2 member (0 = the network), $3 period from, $4 period to,
//	$5 the currency of amounts stored without one, $6 and $7 the 12-month
//	activity window, $8 the viewer (0: no one, as for a channel post).
//
// A referral is the member's "received" one when they are its receiver or
// co-owner; for the network, when it has a receiver. Amounts are summed per
// currency (GROUP BY currency), each in the currency stored on its referral.
//
// A referral whose amounts the viewer may not see (oracleHiddenSQL) is left out
// of a member's amounts and of each member's row of the breakdown, and is
// counted as private in a network total (core.Amounts.Visible decides
// whether that total may be shown).

// oracleAmountsJSON aggregates rows (cur, cents) of a query into the JSON of
// core.Amounts, one entry per currency; FROM and WHERE follow it.
const oracleAmountsJSON = `(SELECT COALESCE(jsonb_agg(jsonb_build_object('currency', cur, 'cents', cents, 'count', n, 'private', p)), '[]')
		FROM (SELECT cur, sum(cents)::bigint AS cents, count(*) AS n, count(*) FILTER (WHERE hidden) AS p `

// partiesPrivateSQL asks the parties of the referral r whether one keeps
// amounts private, as the stored column referrals.amounts_private should
// answer (amountsPrivateSQL reads that column).
const partiesPrivateSQL = `EXISTS (SELECT 1 FROM members pm WHERE pm.workspace_id = r.workspace_id
		AND pm.id IN (r.referrer_id, r.receiver_id, r.co_owner_id) AND pm.amounts_private)`

// oracleHiddenSQL is true when the viewer ($8 in the summary, $6 in the
// breakdown) may not see the amounts of the referral r: a party keeps
// them private and the viewer is no party.
const (
	oracleHiddenSQL = `(` + partiesPrivateSQL + ` AND NOT COALESCE($8::bigint IN (r.referrer_id, r.receiver_id, r.co_owner_id), false))`
	oracleHidden6   = `(` + partiesPrivateSQL + ` AND NOT COALESCE($6::bigint IN (r.referrer_id, r.receiver_id, r.co_owner_id), false))`
)

// oracleSummarySQL computes every figure of core.Stats but the breakdown in
// one round trip.
const oracleSummarySQL = `
WITH cohort AS (
	-- referrals created in the period
	SELECT ($2::bigint = 0 OR referrer_id = $2) AS gave,
		CASE WHEN $2::bigint = 0 THEN receiver_id IS NOT NULL
			ELSE COALESCE(receiver_id = $2 OR co_owner_id = $2, false) END AS got,
		COALESCE(NULLIF(estimate_currency, ''), $5) AS cur, estimate_cents AS cents,
		status, ` + oracleHiddenSQL + ` AS hidden
	FROM referrals r
	WHERE workspace_id = $1 AND created_at >= $3 AND created_at < $4
		AND ($2::bigint = 0 OR $2 IN (referrer_id, receiver_id, co_owner_id))
), won AS (
	-- deals won in the period
	SELECT $2::bigint = 0 OR COALESCE(receiver_id = $2 OR co_owner_id = $2, false) AS got, created_at,
		referrer_id = $2 AS gave,
		COALESCE(NULLIF(won_currency, ''), $5) AS cur, won_value_cents AS cents,
		(extract(epoch FROM closed_at - created_at) / 86400)::float8 AS days,
		` + oracleHiddenSQL + ` AS hidden
	FROM referrals r
	WHERE workspace_id = $1 AND status = 'won' AND closed_at >= $3 AND closed_at < $4
		AND ($2::bigint = 0 OR $2 IN (referrer_id, receiver_id, co_owner_id))
), shown_cohort AS (
	-- a member's figures leave out what the viewer may not see; the
	-- network's count it as private
	SELECT * FROM cohort WHERE $2::bigint = 0 OR NOT hidden
), shown_won AS (
	SELECT * FROM won WHERE $2::bigint = 0 OR NOT hidden
)
SELECT c.given, c.received, c.taken_on, c.won, c.lost, c.in_progress,
	` + oracleAmountsJSON + `FROM shown_cohort WHERE gave AND cents > 0 GROUP BY cur) x) AS given_estimate,
	` + oracleAmountsJSON + `FROM shown_cohort WHERE got AND cents > 0 GROUP BY cur) x) AS received_estimate,
	w.deals, w.median_days,
	` + oracleAmountsJSON + `FROM shown_won WHERE got GROUP BY cur) x) AS revenue,
	` + oracleAmountsJSON + `FROM shown_won WHERE gave GROUP BY cur) x) AS generated,
	a.partners, t.thanks, t.median_latency, s.satisfaction, s.ratings,
	(SELECT count(*) FROM cohort WHERE hidden AND (cents > 0 OR status = 'won'))
		+ (SELECT count(*) FROM won WHERE hidden AND NOT (created_at >= $3 AND created_at < $4)) AS left_out
FROM (
	SELECT count(*) FILTER (WHERE gave) AS given,
		count(*) FILTER (WHERE got) AS received,
		count(*) FILTER (WHERE got AND status IN ('accepted', 'contacted', 'meeting', 'proposal', 'won', 'lost')) AS taken_on,
		count(*) FILTER (WHERE got AND status = 'won') AS won,
		count(*) FILTER (WHERE got AND status = 'lost') AS lost,
		count(*) FILTER (WHERE got AND status NOT IN ('won', 'lost', 'declined', 'expired')) AS in_progress
	FROM cohort
) c, (
	SELECT count(*) FILTER (WHERE got) AS deals,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE got) AS median_days
	FROM won
) w, (
	-- distinct partners (member) or members (network) active in the window
	SELECT count(DISTINCT p.id) AS partners
	FROM referrals r
	CROSS JOIN LATERAL (VALUES (r.referrer_id), (r.receiver_id), (r.co_owner_id)) AS p (id)
	WHERE r.workspace_id = $1 AND r.created_at > $6 AND r.created_at <= $7
		AND ($2::bigint = 0 OR $2 IN (r.referrer_id, r.receiver_id, r.co_owner_id))
		AND p.id IS NOT NULL AND p.id <> $2
		-- a member's partners are the other side: whom they gave to, who gave to them
		AND ($2::bigint = 0 OR r.referrer_id = $2 OR p.id = r.referrer_id)
) a, (
	-- thank-yous sent in the period (to the member), hours after acceptance
	SELECT count(*) AS thanks,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM th.at - r.accepted_at) / 3600)::float8)
			FILTER (WHERE r.accepted_at IS NOT NULL) AS median_latency
	FROM thanks th JOIN referrals r ON r.workspace_id = th.workspace_id AND r.id = th.referral_id
	WHERE th.workspace_id = $1 AND th.at >= $3 AND th.at < $4 AND ($2::bigint = 0 OR th.to_id = $2)
		AND th.retracted_at IS NULL
) t, (
	-- feedback given in the period on referrals (the member) received
	SELECT avg(f.score)::float8 AS satisfaction, count(*) AS ratings
	FROM feedback f JOIN referrals r ON r.workspace_id = f.workspace_id AND r.id = f.referral_id
	WHERE f.workspace_id = $1 AND f.at >= $3 AND f.at < $4
		AND ($2::bigint = 0 OR COALESCE(r.receiver_id = $2 OR r.co_owner_id = $2, false))
) s`

// oracleByPartnerSQL ($1 to $5 as above, $6 the viewer) breaks the figures down per partner of the member, or
// per member of the network. Each row is from its own member's side: Given
// counts the referrals that member gave (to the member, for member stats),
// GivenWonValue the value of those won in the period, per currency. Rows
// are ranked by deals won from what they gave (amounts in different
// currencies can't be compared), then by referrals.
const oracleByPartnerSQL = `
WITH r AS (
	SELECT referrer_id, receiver_id, co_owner_id,
		created_at >= $3 AND created_at < $4 AS in_cohort,
		status = 'won' AND closed_at >= $3 AND closed_at < $4 AS won,
		COALESCE(NULLIF(won_currency, ''), $5) AS cur, COALESCE(won_value_cents, 0) AS cents,
		` + oracleHidden6 + ` AS hidden
	FROM referrals r
	WHERE workspace_id = $1
		AND ((created_at >= $3 AND created_at < $4) OR (status = 'won' AND closed_at >= $3 AND closed_at < $4))
		AND ($2::bigint = 0 OR $2 IN (referrer_id, receiver_id, co_owner_id))
), sides AS (
	SELECT referrer_id AS id, in_cohort AS gave, false AS got, won AS gave_won, false AS got_won, cur, cents, hidden
	FROM r WHERE $2::bigint = 0 OR COALESCE(receiver_id = $2 OR co_owner_id = $2, false)
	UNION ALL
	SELECT receiver_id, false, in_cohort, false, won, cur, cents, hidden
	FROM r WHERE receiver_id IS NOT NULL AND ($2::bigint = 0 OR referrer_id = $2)
	UNION ALL
	SELECT co_owner_id, false, in_cohort, false, won, cur, cents, hidden
	FROM r WHERE co_owner_id IS NOT NULL AND ($2::bigint = 0 OR referrer_id = $2)
), per_currency AS (
	-- deals count whatever their amounts; a row's amounts leave out those
	-- the viewer may not see
	SELECT id, cur, count(*) FILTER (WHERE gave) AS given, count(*) FILTER (WHERE got) AS received,
		count(*) FILTER (WHERE gave_won) AS given_deals,
		count(*) FILTER (WHERE gave_won AND NOT hidden) AS given_shown,
		COALESCE(sum(cents) FILTER (WHERE gave_won AND NOT hidden), 0)::bigint AS given_won,
		count(*) FILTER (WHERE got_won) AS received_deals,
		count(*) FILTER (WHERE got_won AND NOT hidden) AS received_shown,
		COALESCE(sum(cents) FILTER (WHERE got_won AND NOT hidden), 0)::bigint AS received_won
	FROM sides
	WHERE id <> $2
	GROUP BY id, cur
), rows AS (
	SELECT id, sum(given)::int AS given, sum(received)::int AS received,
		sum(given_deals)::int AS given_deals, sum(received_deals)::int AS received_deals,
		COALESCE(jsonb_agg(jsonb_build_object('currency', cur, 'cents', given_won, 'count', given_shown))
			FILTER (WHERE given_shown > 0), '[]') AS given_won,
		COALESCE(jsonb_agg(jsonb_build_object('currency', cur, 'cents', received_won, 'count', received_shown))
			FILTER (WHERE received_shown > 0), '[]') AS received_won
	FROM per_currency
	GROUP BY id
)
SELECT m.id, m.display_name, x.given, x.received, x.given_won, x.received_won, COALESCE(pt.type, ''),
	(SELECT count(*) FROM thanks th WHERE th.workspace_id = $1 AND th.to_id = x.id AND th.retracted_at IS NULL
		AND th.at >= $3 AND th.at < $4 AND ($2::bigint = 0 OR th.from_id = $2)) AS thanks
FROM rows x
JOIN members m ON m.workspace_id = $1 AND m.id = x.id
LEFT JOIN partnerships pt ON $2::bigint <> 0 AND pt.workspace_id = $1
	AND pt.member_a = LEAST(x.id, $2) AND pt.member_b = GREATEST(x.id, $2)
WHERE x.given + x.received + x.given_deals + x.received_deals > 0
ORDER BY x.given_deals DESC, x.given + x.received DESC, x.received_deals DESC, lower(m.display_name), m.id`

// oracleStats computes the figures core.Stats documents straight from the
// referrals.
func (t *tx) oracleStats(ctx context.Context, workspaceID int64, q core.StatsQuery) (_ *core.Stats, err error) {
	defer wrap(&err, "stats(%d, member %d)", workspaceID, q.MemberID)
	from := pgtype.Timestamptz{Time: q.Period.From, Valid: true}
	if q.Period.From.IsZero() {
		from = pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	to := pgtype.Timestamptz{Time: q.Period.To, Valid: true}
	if q.Period.To.IsZero() {
		to = pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}
	}
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	args := []any{workspaceID, q.MemberID, from, to, core.DefaultCurrency, now.AddDate(-1, 0, 0), now, q.Viewer}

	st := &core.Stats{Period: q.Period}
	var medianDays, latency, satisfaction *float64
	if err := t.q.QueryRow(ctx, oracleSummarySQL, args...).Scan(
		&st.Given, &st.Received, &st.TakenOn, &st.Won, &st.Lost, &st.InProgress,
		&st.GivenEstimate, &st.ReceivedEstimate, &st.Deals, &medianDays, &st.Revenue, &st.RevenueGenerated,
		&st.ActivePartners, &st.Thanks, &latency, &satisfaction, &st.SatisfactionN, &st.PrivateLeftOut,
	); err != nil {
		return nil, err
	}
	finishStats(st, q, medianDays, latency, satisfaction)

	rows, err := t.q.Query(ctx, oracleByPartnerSQL, args[0], args[1], args[2], args[3], args[4], q.Viewer)
	if st.ByPartner, err = collect(rows, err, scanPartnerStats); err != nil {
		return nil, err
	}
	return st, nil
}

// OracleStats is oracleStats for the external tests.
func OracleStats(ctx context.Context, t core.Tx, workspaceID int64, q core.StatsQuery) (*core.Stats, error) {
	return t.(*tx).oracleStats(ctx, workspaceID, q)
}
