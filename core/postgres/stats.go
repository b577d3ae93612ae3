package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/referbot/referbot/core"
)

// The stats queries share their parameters:
//
//	$1 workspace, $2 member (0 = the network), $3 period from, $4 period to,
//	$5 currency ('' = every currency), $6 and $7 the 12-month activity window.
//
// A referral is the member's "received" one when they are its receiver or
// co-owner; for the network, when it has a receiver. Amounts in another
// currency are counted but not summed; an amount without a currency is in
// the workspace's own.

// statsSummarySQL computes every scalar figure in one round trip.
const statsSummarySQL = `
WITH cohort AS (
	-- referrals created in the period
	SELECT ($2::bigint = 0 OR referrer_id = $2) AS gave,
		CASE WHEN $2::bigint = 0 THEN receiver_id IS NOT NULL
			ELSE COALESCE(receiver_id = $2 OR co_owner_id = $2, false) END AS got,
		CASE WHEN $5::text = '' OR estimate_currency IN ('', $5) THEN estimate_cents ELSE 0 END AS estimate,
		status
	FROM referrals
	WHERE workspace_id = $1 AND created_at >= $3 AND created_at < $4
		AND ($2::bigint = 0 OR $2 IN (referrer_id, receiver_id, co_owner_id))
), won AS (
	-- deals won in the period
	SELECT $2::bigint = 0 OR COALESCE(receiver_id = $2 OR co_owner_id = $2, false) AS got,
		referrer_id = $2 AS gave,
		CASE WHEN $5::text = '' OR COALESCE(won_currency, '') IN ('', $5) THEN won_value_cents END AS value,
		(extract(epoch FROM closed_at - created_at) / 86400)::float8 AS days
	FROM referrals
	WHERE workspace_id = $1 AND status = 'won' AND closed_at >= $3 AND closed_at < $4
		AND ($2::bigint = 0 OR $2 IN (referrer_id, receiver_id, co_owner_id))
)
SELECT c.given, c.given_estimate, c.received, c.received_estimate, c.won, c.lost, c.in_progress,
	w.deals, w.revenue, w.priced_deals, w.median_days, w.generated,
	a.partners, t.thanks, t.median_latency, s.satisfaction, s.ratings
FROM (
	SELECT count(*) FILTER (WHERE gave) AS given,
		COALESCE(sum(estimate) FILTER (WHERE gave), 0)::bigint AS given_estimate,
		count(*) FILTER (WHERE got) AS received,
		COALESCE(sum(estimate) FILTER (WHERE got), 0)::bigint AS received_estimate,
		count(*) FILTER (WHERE got AND status = 'won') AS won,
		count(*) FILTER (WHERE got AND status = 'lost') AS lost,
		count(*) FILTER (WHERE got AND status NOT IN ('won', 'lost', 'declined', 'expired')) AS in_progress
	FROM cohort
) c, (
	SELECT count(*) FILTER (WHERE got) AS deals,
		COALESCE(sum(value) FILTER (WHERE got), 0)::bigint AS revenue,
		count(value) FILTER (WHERE got) AS priced_deals,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE got) AS median_days,
		COALESCE(sum(value) FILTER (WHERE gave), 0)::bigint AS generated
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
) t, (
	-- feedback given in the period on referrals (the member) received
	SELECT avg(f.score)::float8 AS satisfaction, count(*) AS ratings
	FROM feedback f JOIN referrals r ON r.workspace_id = f.workspace_id AND r.id = f.referral_id
	WHERE f.workspace_id = $1 AND f.at >= $3 AND f.at < $4
		AND ($2::bigint = 0 OR COALESCE(r.receiver_id = $2 OR r.co_owner_id = $2, false))
) s`

// statsByPartnerSQL breaks the figures down per partner of the member, or
// per member of the network. Each row is from its own member's side: Given
// counts the referrals that member gave (to the member, for member stats),
// GivenWonValue the value of those won in the period.
const statsByPartnerSQL = `
WITH r AS (
	SELECT referrer_id, receiver_id, co_owner_id,
		created_at >= $3 AND created_at < $4 AS in_cohort,
		CASE WHEN status = 'won' AND closed_at >= $3 AND closed_at < $4
			AND ($5::text = '' OR COALESCE(won_currency, '') IN ('', $5)) THEN won_value_cents ELSE 0 END AS won
	FROM referrals
	WHERE workspace_id = $1
		AND ((created_at >= $3 AND created_at < $4) OR (status = 'won' AND closed_at >= $3 AND closed_at < $4))
		AND ($2::bigint = 0 OR $2 IN (referrer_id, receiver_id, co_owner_id))
), sides AS (
	SELECT referrer_id AS id, in_cohort AS gave, false AS got, won AS gave_won, 0::bigint AS got_won
	FROM r WHERE $2::bigint = 0 OR COALESCE(receiver_id = $2 OR co_owner_id = $2, false)
	UNION ALL
	SELECT receiver_id, false, in_cohort, 0, won
	FROM r WHERE receiver_id IS NOT NULL AND ($2::bigint = 0 OR referrer_id = $2)
	UNION ALL
	SELECT co_owner_id, false, in_cohort, 0, won
	FROM r WHERE co_owner_id IS NOT NULL AND ($2::bigint = 0 OR referrer_id = $2)
), rows AS (
	SELECT s.id, count(*) FILTER (WHERE s.gave) AS given, count(*) FILTER (WHERE s.got) AS received,
		sum(s.gave_won)::bigint AS given_won, sum(s.got_won)::bigint AS received_won
	FROM sides s
	WHERE s.id <> $2
	GROUP BY s.id
)
SELECT m.id, m.display_name, x.given, x.received, x.given_won, x.received_won, COALESCE(pt.type, ''),
	(SELECT count(*) FROM thanks th WHERE th.workspace_id = $1 AND th.to_id = x.id
		AND th.at >= $3 AND th.at < $4 AND ($2::bigint = 0 OR th.from_id = $2)) AS thanks
FROM rows x
JOIN members m ON m.workspace_id = $1 AND m.id = x.id
LEFT JOIN partnerships pt ON $2::bigint <> 0 AND pt.workspace_id = $1
	AND pt.member_a = LEAST(x.id, $2) AND pt.member_b = GREATEST(x.id, $2)
WHERE x.given + x.received > 0 OR x.given_won + x.received_won > 0
ORDER BY x.given_won DESC, x.given + x.received DESC, x.received_won DESC, lower(m.display_name), m.id`

// Stats computes the figures core.Stats documents with two set-based
// statements, whatever the number of members.
func (t *tx) Stats(ctx context.Context, workspaceID int64, q core.StatsQuery) (_ *core.Stats, err error) {
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
	args := []any{workspaceID, q.MemberID, from, to, q.Currency, now.AddDate(-1, 0, 0), now}

	st := &core.Stats{Period: q.Period, Currency: q.Currency}
	var (
		priced              int64
		medianDays, latency *float64
		satisfaction        *float64
	)
	if err := t.q.QueryRow(ctx, statsSummarySQL, args...).Scan(
		&st.Given, &st.GivenEstimate, &st.Received, &st.ReceivedEstimate, &st.Won, &st.Lost, &st.InProgress,
		&st.Deals, &st.Revenue, &priced, &medianDays, &st.RevenueGenerated,
		&st.ActivePartners, &st.Thanks, &latency, &satisfaction, &st.SatisfactionN,
	); err != nil {
		return nil, err
	}
	if st.Received > 0 {
		st.RCR, st.HasRCR = float64(st.Won)/float64(st.Received)*100, true
	}
	if priced > 0 {
		st.AvgDeal = (st.Revenue + priced/2) / priced
	}
	if medianDays != nil {
		st.MedianDaysToClose, st.HasMedianDays = *medianDays, true
	}
	if latency != nil {
		st.MedianThanksLatencyHours, st.HasThanksLatency = *latency, true
	}
	if satisfaction != nil {
		st.Satisfaction = *satisfaction
	}
	if q.MemberID != 0 {
		st.Reciprocity = st.RevenueGenerated - st.Revenue
	} else {
		st.RevenueGenerated = 0 // member only
	}

	rows, err := t.q.Query(ctx, statsByPartnerSQL, args[:5]...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p core.PartnerStats
		if err := rows.Scan(&p.MemberID, &p.Name, &p.Given, &p.Received, &p.GivenWonValue,
			&p.ReceivedWonValue, &p.Types, &p.Thanks); err != nil {
			return nil, err
		}
		st.ByPartner = append(st.ByPartner, p)
	}
	return st, rows.Err()
}
