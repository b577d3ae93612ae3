package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/referbot/referbot/core"
)

// Stats reads its counts and sums from stats_rollups (migration 016: per
// workspace, subject and UTC month, kept current by a trigger in the
// transaction of every change), plus the few referrals at the period's
// edges (coverage), so a summary costs the months of the period, not the
// referrals of the workspace's history. docs/rollups.md has the design.
//
// The statements share their parameters:
//
//	$1 workspace, $2 member (0 = the network), $3 period from, $4 period to,
//	$5 the currency of amounts stored without one, $6 the viewer (0: no one,
//	as for a channel post), $7 read the all-time rows, $8 and $9 the
//	buckets read (coverage.lo, coverage.hi), $10–$12 the edges (from, to, sign), $13 and $14 the
//	span the rows read stand for, $15 and $16 the 12-month activity window,
//	and for the network's summary $17 and $18 the window's last whole
//	quarter (activeQuarter).
//
// A referral is the member's "received" one when they are its receiver or
// co-owner; for the network, when it has a receiver. Amounts are summed per
// currency, each in the currency stored on its referral.
//
// A referral whose amounts the viewer may not see (a party keeps them
// private and the viewer is no party) is left out of a member's amounts and
// of each member's row of the breakdown, and counted as private in a
// network total (core.Amounts.Visible decides whether it may be shown).
// The rollups keep private sums apart; the viewer's own private referrals,
// which they may see, are moved back from hidden to shown by a correction
// read from the viewer's referrals alone.

// statsFactsSQL is the WITH list every stats statement starts from: facts
// (subject, measure, role, status, currency, hidden, n, n_amount, cents),
// as the rollups keep them, for the subjects {subject} selects (over
// alias s), hidden when {hide} and the viewer is no party.
const statsFactsSQL = `
WITH edges AS (` + statsEdgesSQL + `
), facts AS (
	-- whole months (or all time) from the rollups
	SELECT s.subject, s.measure, s.role, s.status, s.currency, s.private AND {hide} AS hidden,
		s.n, s.n_amount, s.cents
	FROM stats_rollups s
	WHERE s.workspace_id = $1 AND {subject} AND s.measure < 3
		AND s.bucket >= $8 AND s.bucket < $9 AND $7::boolean = (s.bucket = '-infinity')
	UNION ALL` + statsEdgeFactsSQL + `
)`

const statsEdgesSQL = `
	SELECT * FROM unnest($10::timestamptz[], $11::timestamptz[], $12::int[]) AS e (lo, hi, sign)`

// statsEdgeFactsSQL is the facts not read from the rollups' rows: the
// referrals at the period's edges and the viewer's corrections. Each edge
// is its own index range (OFFSET 0): joined flat, a generic plan read
// every referral of the workspace and kept the edges' (13,571 for none at
// a 14,600-code workspace, 50–90 ms), as the board's did.
const statsEdgeFactsSQL = `
	-- referrals created in an edge, one by one
	SELECT s.subject, s.measure, s.role, s.status, s.currency,
		s.private AND {hide} AND NOT COALESCE($6 IN (r.referrer_id, r.receiver_id, r.co_owner_id), false),
		s.n, s.n_amount, s.cents
	FROM edges e
	CROSS JOIN LATERAL (SELECT * FROM referrals r
		WHERE r.workspace_id = $1 AND r.created_at >= e.lo AND r.created_at < e.hi OFFSET 0) r
	CROSS JOIN LATERAL stats_rollup_facts(r::referrals, e.sign) s
	WHERE s.measure = 1 AND s.bucket > '-infinity' AND {subject}
	UNION ALL
	-- deals won in an edge
	SELECT s.subject, s.measure, s.role, s.status, s.currency,
		s.private AND {hide} AND NOT COALESCE($6 IN (r.referrer_id, r.receiver_id, r.co_owner_id), false),
		s.n, s.n_amount, s.cents
	FROM edges e
	CROSS JOIN LATERAL (SELECT * FROM referrals r
		WHERE r.workspace_id = $1 AND r.status = 'won' AND r.closed_at >= e.lo AND r.closed_at < e.hi OFFSET 0) r
	CROSS JOIN LATERAL stats_rollup_facts(r::referrals, e.sign) s
	WHERE s.measure = 2 AND s.bucket > '-infinity' AND {subject}
	UNION ALL
	-- the viewer's own private referrals in the rows read: shown, not hidden
	SELECT s.subject, s.measure, s.role, s.status, s.currency, h.hidden,
		s.n * h.k, s.n_amount * h.k, s.cents * h.k
	FROM referrals r
	CROSS JOIN LATERAL stats_rollup_facts(r, 1) s
	CROSS JOIN (VALUES (true, -1), (false, 1)) AS h (hidden, k)
	WHERE $6 <> 0 AND {hide} AND r.workspace_id = $1 AND r.amounts_private
		AND $6 IN (r.referrer_id, r.receiver_id, r.co_owner_id)
		AND s.bucket > '-infinity' AND s.measure < 3 AND {subject}
		AND CASE s.measure WHEN 1 THEN r.created_at >= $13 AND r.created_at < $14
			ELSE r.closed_at >= $13 AND r.closed_at < $14 END`

// amountsOf aggregates the facts of one measure and role into the JSON
// of core.Amounts, one entry per currency; count names the column that
// counts (n_amount: referrals with an estimate; n: deals).
func amountsOf(measure, roleBits, count string) string {
	return `(SELECT COALESCE(jsonb_agg(jsonb_build_object('currency', cur, 'cents', cents, 'count', n, 'private', p)), '[]')
		FROM (SELECT COALESCE(NULLIF(currency, ''), $5) AS cur, sum(cents)::bigint AS cents,
				sum(` + count + `)::bigint AS n, COALESCE(sum(` + count + `) FILTER (WHERE hidden), 0)::bigint AS p
			FROM facts WHERE measure = ` + measure + ` AND role & ` + roleBits + ` <> 0 AND ({net} OR NOT hidden)
			GROUP BY 1 HAVING sum(` + count + `) <> 0) x)`
}

// statsSummarySQL computes every figure of core.Stats but the breakdown in
// one round trip. Counts and sums come from the facts; medians, the
// 12-month partners, thank-yous and satisfaction read only the period's
// (or window's) rows, through their indexes.
var statsSummarySQL = statsFactsSQL + `
SELECT c.given, c.received, c.taken_on, c.won, c.lost, c.in_progress,
	` + amountsOf("1", "1", "n_amount") + ` AS given_estimate,
	` + amountsOf("1", "6", "n_amount") + ` AS received_estimate,
	c.deals, w.median_days,
	` + amountsOf("2", "6", "n") + ` AS revenue,
	` + amountsOf("2", "1", "n") + ` AS generated,
	a.partners, t.thanks, t.median_latency, s.satisfaction, s.ratings,
	c.left_out + (
		-- private deals won in the period but created outside it
		SELECT count(*) FROM referrals r
		WHERE r.workspace_id = $1 AND r.status = 'won' AND r.amounts_private
			AND r.closed_at >= $3 AND r.closed_at < $4 AND NOT (r.created_at >= $3 AND r.created_at < $4)
			AND ({net} OR $2 IN (r.referrer_id, r.receiver_id, r.co_owner_id))
			AND {hide} AND NOT COALESCE($6 IN (r.referrer_id, r.receiver_id, r.co_owner_id), false)
	) AS left_out
FROM (
	SELECT COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 1 <> 0), 0) AS given,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0), 0) AS received,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0
			AND status IN ('accepted', 'contacted', 'meeting', 'proposal', 'won', 'lost')), 0) AS taken_on,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0 AND status = 'won'), 0) AS won,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0 AND status = 'lost'), 0) AS lost,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0
			AND status NOT IN ('won', 'lost', 'declined', 'expired')), 0) AS in_progress,
		COALESCE(sum(n) FILTER (WHERE measure = 2 AND role & 6 <> 0), 0) AS deals,
		-- referrals of the period whose amounts are hidden
		COALESCE(sum(CASE WHEN status = 'won' THEN n ELSE n_amount END) FILTER (WHERE measure = 1 AND hidden), 0) AS left_out
	FROM facts
) c, {median_days} w, (
	-- distinct partners (member) or members (network) active in the window
	{partners}
) a, (
	-- thank-yous sent in the period (to the member), hours after acceptance
	{thanks}
) t, (
	-- feedback given in the period on referrals (the member) received
	{satisfaction}
) s`

// networkBreakdownSQL is the network's per-member breakdown from the
// members' rollup rows. Each row is from its member's side: Given counts
// the referrals they gave, GivenWonValue the value of those won in the
// period, per currency. Rows are ranked by deals won from what they gave
// (amounts in different currencies can't be compared), then by referrals.
var networkBreakdownSQL = statsFactsSQL + `, per_currency AS (
	-- deals count whatever their amounts; a row's amounts leave out those
	-- the viewer may not see
	SELECT subject AS id, COALESCE(NULLIF(currency, ''), $5) AS cur,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 1 <> 0), 0) AS given,
		COALESCE(sum(n) FILTER (WHERE measure = 1 AND role & 6 <> 0), 0) AS received,
		COALESCE(sum(n) FILTER (WHERE measure = 2 AND role & 1 <> 0), 0) AS given_deals,
		COALESCE(sum(n) FILTER (WHERE measure = 2 AND role & 1 <> 0 AND NOT hidden), 0) AS given_shown,
		COALESCE(sum(cents) FILTER (WHERE measure = 2 AND role & 1 <> 0 AND NOT hidden), 0)::bigint AS given_won,
		COALESCE(sum(n) FILTER (WHERE measure = 2 AND role & 6 <> 0), 0) AS received_deals,
		COALESCE(sum(n) FILTER (WHERE measure = 2 AND role & 6 <> 0 AND NOT hidden), 0) AS received_shown,
		COALESCE(sum(cents) FILTER (WHERE measure = 2 AND role & 6 <> 0 AND NOT hidden), 0)::bigint AS received_won
	FROM facts
	GROUP BY 1, 2
)` + networkRowsTailSQL

// networkTotalsBreakdownSQL is networkBreakdownSQL for a period of whole
// UTC quarters (or all time) at most an edge away: the members' sums read
// from member_totals (migration 033), about a row per member, instead of
// every rollup row of every member; the edges and the viewer's corrections
// as there. (Its {subject} is the network's breakdown's: s.subject <> $2.)
var networkTotalsBreakdownSQL = networkTotalsPartsSQL + `, per_currency AS (` + totalsPerCurrencySQL + `
	GROUP BY 1, 2
)` + networkRowsTailSQL

// networkTotalsPartsSQL is the WITH list networkTotalsBreakdownSQL
// starts from: parts, the members' totals rows read and the edges' facts,
// in the totals' columns.
var networkTotalsPartsSQL = `
WITH edges AS (` + statsEdgesSQL + `
), facts (subject, measure, role, status, currency, hidden, n, n_amount, cents) AS (` + statsEdgeFactsSQL + `
), parts AS (
	SELECT t.member_id AS id, COALESCE(NULLIF(t.currency, ''), $5) AS cur, t.private AS hidden,
		t.given, t.received, t.given_deals, t.given_cents, t.received_deals, t.received_cents
	FROM member_totals t
	WHERE t.workspace_id = $1 AND t.bucket >= $8 AND t.bucket < $9 AND $7::boolean = (t.bucket = '-infinity')
	UNION ALL
	SELECT subject, COALESCE(NULLIF(currency, ''), $5), hidden,
		CASE WHEN measure = 1 AND role & 1 <> 0 THEN n ELSE 0 END,
		CASE WHEN measure = 1 AND role & 6 <> 0 THEN n ELSE 0 END,
		CASE WHEN measure = 2 AND role & 1 <> 0 THEN n ELSE 0 END,
		CASE WHEN measure = 2 AND role & 1 <> 0 THEN cents ELSE 0 END,
		CASE WHEN measure = 2 AND role & 6 <> 0 THEN n ELSE 0 END,
		CASE WHEN measure = 2 AND role & 6 <> 0 THEN cents ELSE 0 END
	FROM facts
)`

// totalsPerCurrencySQL sums parts per member and currency (its GROUP BY
// follows).
const totalsPerCurrencySQL = `
	SELECT id, cur, sum(given) AS given, sum(received) AS received, sum(given_deals) AS given_deals,
		COALESCE(sum(given_deals) FILTER (WHERE NOT hidden), 0) AS given_shown,
		COALESCE(sum(given_cents) FILTER (WHERE NOT hidden), 0)::bigint AS given_won,
		sum(received_deals) AS received_deals,
		COALESCE(sum(received_deals) FILTER (WHERE NOT hidden), 0) AS received_shown,
		COALESCE(sum(received_cents) FILTER (WHERE NOT hidden), 0)::bigint AS received_won
	FROM parts`

// networkRowsTailSQL ranks the network breakdown's per_currency into its
// rows, with each member's thank-yous of the period.
const networkRowsTailSQL = `, rows AS (` + breakdownRowsSQL + `
), thanked AS (
	SELECT to_id, count(*) AS n FROM thanks
	WHERE workspace_id = $1 AND retracted_at IS NULL AND at >= $3 AND at < $4
	GROUP BY to_id
)
SELECT m.id, m.display_name, x.given, x.received, x.given_won, x.received_won, '', COALESCE(th.n, 0)
FROM rows x
JOIN members m ON m.workspace_id = $1 AND m.id = x.id
LEFT JOIN thanked th ON th.to_id = x.id
WHERE x.given + x.received + x.given_deals + x.received_deals > 0
ORDER BY x.given_deals DESC, x.given + x.received DESC, x.received_deals DESC, lower(m.display_name), m.id`

// breakdownRowsSQL folds per_currency into one row per member.
const breakdownRowsSQL = `
	SELECT id, sum(given)::int AS given, sum(received)::int AS received,
		sum(given_deals)::int AS given_deals, sum(received_deals)::int AS received_deals,
		COALESCE(jsonb_agg(jsonb_build_object('currency', cur, 'cents', given_won, 'count', given_shown))
			FILTER (WHERE given_shown > 0), '[]') AS given_won,
		COALESCE(jsonb_agg(jsonb_build_object('currency', cur, 'cents', received_won, 'count', received_shown))
			FILTER (WHERE received_shown > 0), '[]') AS received_won
	FROM per_currency
	GROUP BY id`

// partnerBreakdownSQL breaks a member's figures down per partner, from
// the member's own referrals (found through the party indexes, so it
// costs the member's history, never the workspace's). Each row is from the
// partner's side: Given counts what the partner gave the member.
const partnerBreakdownSQL = `
WITH mine AS (
	-- each referral once: from the first of its sides the member is on
	-- (the giver's and receiver's ranges are index-only, migration 030)
	SELECT id, referrer_id, receiver_id, co_owner_id, created_at, status, closed_at, won_currency,
		won_value_cents, amounts_private
	FROM referrals WHERE workspace_id = $1 AND referrer_id = $2
	UNION ALL SELECT id, referrer_id, receiver_id, co_owner_id, created_at, status, closed_at, won_currency,
		won_value_cents, amounts_private
	FROM referrals WHERE workspace_id = $1 AND receiver_id = $2 AND referrer_id IS DISTINCT FROM $2
	UNION ALL SELECT id, referrer_id, receiver_id, co_owner_id, created_at, status, closed_at, won_currency,
		won_value_cents, amounts_private
	FROM referrals WHERE workspace_id = $1 AND co_owner_id = $2 AND referrer_id IS DISTINCT FROM $2
		AND receiver_id IS DISTINCT FROM $2
), r AS (
	SELECT referrer_id, receiver_id, co_owner_id,
		created_at >= $3 AND created_at < $4 AS in_cohort,
		status = 'won' AND closed_at >= $3 AND closed_at < $4 AS won,
		COALESCE(NULLIF(won_currency, ''), $5) AS cur, COALESCE(won_value_cents, 0) AS cents,
		amounts_private AND NOT COALESCE($6 IN (referrer_id, receiver_id, co_owner_id), false) AS hidden
	FROM mine
	WHERE (created_at >= $3 AND created_at < $4) OR (status = 'won' AND closed_at >= $3 AND closed_at < $4)
), sides AS (
	SELECT referrer_id AS id, in_cohort AS gave, false AS got, won AS gave_won, false AS got_won, cur, cents, hidden
	FROM r WHERE COALESCE(receiver_id = $2 OR co_owner_id = $2, false)
	UNION ALL
	SELECT receiver_id, false, in_cohort, false, won, cur, cents, hidden
	FROM r WHERE receiver_id IS NOT NULL AND referrer_id = $2
	UNION ALL
	SELECT co_owner_id, false, in_cohort, false, won, cur, cents, hidden
	FROM r WHERE co_owner_id IS NOT NULL AND referrer_id = $2
), per_currency AS (
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
), rows AS (` + breakdownRowsSQL + `
), thanked AS (
	-- the member's thank-yous of the period, per partner (thanks_from_idx,
	-- migration 027): theirs alone, not every thank-you each partner got
	SELECT th.to_id, count(*) AS n FROM thanks th
	WHERE th.workspace_id = $1 AND th.from_id = $2 AND th.retracted_at IS NULL AND th.at >= $3 AND th.at < $4
	GROUP BY th.to_id
)
SELECT m.id, m.display_name, x.given, x.received, x.given_won, x.received_won, COALESCE(pt.type, ''),
	COALESCE(th.n, 0) AS thanks
FROM rows x
JOIN members m ON m.workspace_id = $1 AND m.id = x.id
LEFT JOIN partnerships pt ON pt.workspace_id = $1
	AND pt.member_a = LEAST(x.id, $2) AND pt.member_b = GREATEST(x.id, $2)
LEFT JOIN thanked th ON th.to_id = x.id
WHERE x.given + x.received + x.given_deals + x.received_deals > 0
ORDER BY x.given_deals DESC, x.given + x.received DESC, x.received_deals DESC, lower(m.display_name), m.id`

// networkSatisfactionSQL is the period's feedback, every score on a
// referral of the workspace (a foreign key): the whole months' counts and
// sums from network_counts (migration 035), the edges' scores read (as
// the rollups' facts, statsFactsSQL). The average is avg(score)'s own
// arithmetic: the numeric sum over the numeric count, then float8.
const networkSatisfactionSQL = `SELECT (sum(x.scores)::bigint::numeric / NULLIF(sum(x.ratings), 0)::bigint::numeric)::float8
		AS satisfaction, COALESCE(sum(x.ratings), 0)::bigint AS ratings
	FROM (
		SELECT c.ratings, c.scores FROM network_counts c
		WHERE c.workspace_id = $1 AND c.bucket >= $8 AND c.bucket < $9 AND $7::boolean = (c.bucket = '-infinity')
		UNION ALL
		SELECT e.sign * count(*), e.sign * COALESCE(sum(f.score), 0)
		FROM edges e CROSS JOIN LATERAL (SELECT f.score FROM feedback f
			WHERE f.workspace_id = $1 AND f.at >= e.lo AND f.at < e.hi OFFSET 0) f
		GROUP BY e.lo, e.hi, e.sign
	) x`

// memberSatisfactionSQL is the feedback of the period on the referrals
// the member received or co-owns, found from their side (each feedback is
// on one referral, so IN counts it once, as a join would).
const memberSatisfactionSQL = `SELECT avg(f.score)::float8 AS satisfaction, count(*) AS ratings
	FROM feedback f
	WHERE f.workspace_id = $1 AND f.at >= $3 AND f.at < $4
		AND f.referral_id IN (
			SELECT r.id FROM referrals r WHERE r.workspace_id = $1 AND r.receiver_id = $2
			UNION ALL
			SELECT r.id FROM referrals r WHERE r.workspace_id = $1 AND r.co_owner_id = $2)`

// networkPartnersSQL counts the members active in the window. A member
// counted as a party in the window's last whole UTC quarter ($17, $18:
// member_totals, migration 033) is active: a positive count is a referral
// of theirs created then. Each other member is a probe of their party
// indexes. So it costs the quarter's totals rows and the members quiet
// in it, not the window's referrals.
//
// Each probe ends in OFFSET 0, which keeps PostgreSQL from turning the
// EXISTS into a hashed subplan: that would read the window's referrals
// three times over (44,000 each at the tenth's biggest workspace: 67 of
// the summary's 72 ms) to answer for the 159 members quiet in the quarter.
const networkPartnersSQL = `SELECT count(*) AS partners FROM members m
	WHERE m.workspace_id = $1 AND $2::bigint = 0 AND (
		m.id IN (SELECT t.member_id FROM member_totals t
			WHERE t.workspace_id = $1 AND t.bucket >= $17 AND t.bucket < $18
			GROUP BY t.member_id HAVING sum(t.given) + sum(t.received) > 0)
		OR EXISTS (SELECT 1 FROM referrals r WHERE r.workspace_id = $1 AND r.referrer_id = m.id
			AND r.created_at > $15 AND r.created_at <= $16 OFFSET 0)
		OR EXISTS (SELECT 1 FROM referrals r WHERE r.workspace_id = $1 AND r.receiver_id = m.id
			AND r.created_at > $15 AND r.created_at <= $16 OFFSET 0)
		OR EXISTS (SELECT 1 FROM referrals r WHERE r.workspace_id = $1 AND r.co_owner_id = m.id
			AND r.created_at > $15 AND r.created_at <= $16 OFFSET 0))`

// memberPartnersSQL counts the member's partners in the window, from the
// member's referrals: the other side, whom they gave to, who gave to them.
// Each side is a range of one party index (index-only for the giver's and
// the receiver's, migration 030), not a pass over the window's referrals.
const memberPartnersSQL = `SELECT count(DISTINCT p.id) AS partners FROM (
		SELECT x.id FROM referrals r CROSS JOIN LATERAL (VALUES (r.receiver_id), (r.co_owner_id)) AS x (id)
		WHERE r.workspace_id = $1 AND r.referrer_id = $2 AND r.created_at > $15 AND r.created_at <= $16
		UNION ALL
		SELECT r.referrer_id FROM referrals r
		WHERE r.workspace_id = $1 AND r.receiver_id = $2 AND r.created_at > $15 AND r.created_at <= $16
		UNION ALL
		SELECT r.referrer_id FROM referrals r
		WHERE r.workspace_id = $1 AND r.co_owner_id = $2 AND r.created_at > $15 AND r.created_at <= $16
	) p WHERE p.id IS NOT NULL AND p.id <> $2`

// periodMedianDaysSQL is the median time to close of the period's deals:
// it reads them (an index-only scan of the period), not the history, for a
// period; a median can't be summed per month.
const periodMedianDaysSQL = `(
	SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM closed_at - created_at) / 86400)::float8) AS median_days
	FROM referrals r
	WHERE r.workspace_id = $1 AND r.status = 'won' AND r.closed_at >= $3 AND r.closed_at < $4
		AND ({net} OR $2 IN (r.receiver_id, r.co_owner_id))
)`

// periodThanksSQL counts the period's thank-yous and their median latency
// (each thank-you carries its referral's accepted_at, migration 022).
const periodThanksSQL = `SELECT count(*) AS thanks,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM th.at - th.accepted_at) / 3600)::float8)
			FILTER (WHERE th.accepted_at IS NOT NULL) AS median_latency
	FROM thanks th
	WHERE th.workspace_id = $1 AND th.at >= $3 AND th.at < $4 AND ({net} OR th.to_id = $2)
		AND th.retracted_at IS NULL`

// middleByCounts is percentile_cont(0.5) of the values the statement
// whose FROM follows reads from an index ordered by value, whose entries
// duration_counts (migration 043) counts per whole unit of value (measure)
// over all time. The period's counts are those, less the entries of the
// coverage's edges (edges: a FROM joining the edges CTE, as statsFactsSQL
// reads them; "all time" ends at the caller's now). From them come the
// unit holding the middle entry (or two) and the entries below it; the
// index is read from that unit's first entry (value >= unit) past the
// entries to skip. The middle is lo + 0.5 * (hi - lo), the very float8
// arithmetic percentile_cont does, so the result is bit for bit its own.
// No entry: NULL, as percentile_cont of no rows. (The sums are cast to
// bigint: sum(bigint) is numeric, whose (total - 1) / 2 is not whole.)
func middleByCounts(measure, value, from, edges string) string {
	return `(SELECT CASE WHEN h.total % 2 = 1 THEN min(mid.v) ELSE min(mid.v) + 0.5::float8 * (max(mid.v) - min(mid.v)) END
		FROM (
			SELECT x.unit, x.total, (x.total - 1) / 2 - x.below AS skip
			FROM (
				SELECT c.unit, c.n, (sum(c.n) OVER (ORDER BY c.unit))::bigint - c.n AS below, (sum(c.n) OVER ())::bigint AS total
				FROM (
					SELECT u.unit, sum(u.n)::bigint AS n
					FROM (
						SELECT d.unit, d.n FROM duration_counts d WHERE d.workspace_id = $1 AND d.measure = ` + measure + `
						UNION ALL
						SELECT floor(` + value + `)::integer, e.sign ` + edges + `
					) u
					GROUP BY u.unit HAVING sum(u.n) <> 0
				) c
			) x
			WHERE (x.total - 1) / 2 >= x.below AND (x.total - 1) / 2 < x.below + x.n
		) h
		CROSS JOIN LATERAL (SELECT ` + value + ` AS v ` + from + ` AND ` + value + ` >= h.unit::float8
			ORDER BY 1 OFFSET h.skip LIMIT 2 - h.total % 2) mid
		GROUP BY h.total)`
}

// networkAllMedianDaysSQL is the network's all-time median time to close
// without a sort of the history: the middle of referrals_won_days_idx
// (migration 027), which holds the very value ordered by, found by its
// counts per day (043).
var networkAllMedianDaysSQL = `LATERAL (SELECT ` + middleByCounts("1",
	"(extract(epoch FROM r.closed_at - r.created_at) / 86400)::float8",
	"FROM referrals r WHERE r.workspace_id = $1 AND r.status = 'won' AND r.closed_at >= $3 AND r.closed_at < $4",
	`FROM edges e CROSS JOIN LATERAL (SELECT * FROM referrals r
		WHERE r.workspace_id = $1 AND r.status = 'won' AND r.closed_at >= e.lo AND r.closed_at < e.hi OFFSET 0) r`) +
	` AS median_days)`

// networkAllThanksSQL is periodThanksSQL for the network over all time:
// a count of the thank-yous, then the middle of thanks_latency_idx
// (migration 027), found by its counts per hour (043), instead of a sort
// of every latency.
var networkAllThanksSQL = `SELECT n.thanks, ` + middleByCounts("2",
	"(extract(epoch FROM th.at - th.accepted_at) / 3600)::float8",
	`FROM thanks th WHERE th.workspace_id = $1 AND th.at >= $3 AND th.at < $4
				AND th.retracted_at IS NULL AND th.accepted_at IS NOT NULL`,
	`FROM edges e CROSS JOIN LATERAL (SELECT * FROM thanks th WHERE th.workspace_id = $1 AND th.at >= e.lo AND th.at < e.hi
				AND th.retracted_at IS NULL AND th.accepted_at IS NOT NULL OFFSET 0) th`) + ` AS median_latency
	FROM (
		-- the whole months' counts from network_counts (migration 035), the
		-- edges' thank-yous read, as statsFactsSQL reads the referrals
		SELECT COALESCE(sum(x.thanks), 0)::bigint AS thanks
		FROM (
			SELECT c.thanks FROM network_counts c
			WHERE c.workspace_id = $1 AND c.bucket >= $8 AND c.bucket < $9 AND $7::boolean = (c.bucket = '-infinity')
			UNION ALL
			SELECT e.sign * count(*)
			FROM edges e CROSS JOIN LATERAL (SELECT * FROM thanks th WHERE th.workspace_id = $1 AND th.at >= e.lo AND th.at < e.hi
				AND th.retracted_at IS NULL OFFSET 0) th
			GROUP BY e.lo, e.hi, e.sign
		) x
		OFFSET 0) n -- counted once, not again wherever the median names them`

// The statements as run: the network's and a member's are planned apart
// ({net} is a constant), so neither gets the other's generic plan; the
// network over all time has its own, whose medians read the middle of an
// index instead of sorting the history.
var (
	networkSummarySQL = summaryOf(periodMedianDaysSQL, periodThanksSQL, strings.NewReplacer("{net}", "true",
		"{hide}", "true", "{subject}", "s.subject = 0", "{partners}", networkPartnersSQL,
		"{satisfaction}", networkSatisfactionSQL))
	networkAllSummarySQL = summaryOf(networkAllMedianDaysSQL, networkAllThanksSQL, strings.NewReplacer("{net}", "true",
		"{hide}", "true", "{subject}", "s.subject = 0", "{partners}", networkPartnersSQL,
		"{satisfaction}", networkSatisfactionSQL))
	memberSummarySQL = summaryOf(periodMedianDaysSQL, periodThanksSQL, strings.NewReplacer("{net}", "false",
		"{hide}", "($6::bigint <> $2::bigint)", "{subject}", "s.subject = $2", "{partners}", memberPartnersSQL,
		"{satisfaction}", memberSatisfactionSQL))
	networkRowsSQL = strings.NewReplacer("{hide}", "true",
		"{subject}", "s.subject <> $2").Replace(networkBreakdownSQL) // $2 = 0
	networkTotalsRowsSQL = strings.NewReplacer("{hide}", "true",
		"{subject}", "s.subject <> $2").Replace(networkTotalsBreakdownSQL)
)

// summaryOf is statsSummarySQL with its medians' statements, then the
// placeholders (theirs too) replaced.
func summaryOf(medianDays, thanks string, r *strings.Replacer) string {
	return r.Replace(strings.NewReplacer("{median_days}", medianDays, "{thanks}", thanks).Replace(statsSummarySQL))
}

// Stats computes the figures core.Stats documents in two statements whose
// cost follows the period's months and the member's own referrals.
func (t *tx) Stats(ctx context.Context, workspaceID int64, q core.StatsQuery) (_ *core.Stats, err error) {
	defer wrap(&err, "stats(%d, member %d)", workspaceID, q.MemberID)
	// A generic plan (pgx prepares statements; PostgreSQL switches to a
	// generic plan after five runs) can't see which rows a period or a
	// member selects: a big workspace's statements are planned for their
	// values each run, for this transaction. Below GenericPlansBelow codes
	// they are planned once per connection: a custom plan of a summary
	// costs 3–5 ms to make, most of what a small workspace's stats cost,
	// and a generic plan's worst there is bounded by its few referrals.
	// (JIT is off for every connection already: Open.)
	if _, err := t.q.Exec(ctx, planModeBySizeSQL, workspaceID, GenericPlansBelow); err != nil {
		return nil, err
	}
	args := statsArgs(workspaceID, q)
	summary := networkSummarySQL
	switch {
	case q.MemberID != 0:
		summary = memberSummarySQL
	case args[6] == true: // the all-time rows (coverPeriod)
		summary = networkAllSummarySQL
	}

	summaryArgs := args
	if q.MemberID == 0 {
		summaryArgs = append(args[:16:16], activeQuarter(args[14].(time.Time), args[15].(time.Time))...)
	}

	st := &core.Stats{Period: q.Period}
	var medianDays, latency, satisfaction *float64
	if err := t.q.QueryRow(ctx, summary, summaryArgs...).Scan(
		&st.Given, &st.Received, &st.TakenOn, &st.Won, &st.Lost, &st.InProgress,
		&st.GivenEstimate, &st.ReceivedEstimate, &st.Deals, &medianDays, &st.Revenue, &st.RevenueGenerated,
		&st.ActivePartners, &st.Thanks, &latency, &satisfaction, &st.SatisfactionN, &st.PrivateLeftOut,
	); err != nil {
		return nil, err
	}
	finishStats(st, q, medianDays, latency, satisfaction)

	if q.Top == core.NoBreakdown {
		return st, nil
	}
	// The breakdown: every row, or the top rows (stats_top.go), whose
	// statements take the top as one parameter more.
	member, network, whole := partnerBreakdownSQL, networkRowsSQL, networkTotalsRowsSQL
	memberArgs, networkArgs := args[:6], args[:14]
	if q.Top > 0 {
		member, network, whole = partnerTopRowsSQL, networkTopRowsSQL, networkTotalsTopRowsSQL
		memberArgs, networkArgs = append(args[:6:6], q.Top), append(args[:14:14], q.Top)
	}
	var rows pgx.Rows
	switch {
	case q.MemberID != 0:
		rows, err = t.q.Query(ctx, member, memberArgs...)
	case wholeQuarters(args[7].(pgtype.Timestamptz), args[8].(pgtype.Timestamptz)):
		rows, err = t.q.Query(ctx, whole, networkArgs...)
	default:
		rows, err = t.q.Query(ctx, network, networkArgs...)
	}
	if q.Top > 0 {
		st.ByPartner, st.MorePartners, err = topRows(rows, err, q.Top)
	} else {
		st.ByPartner, err = collect(rows, err, scanPartnerStats)
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// finishStats derives the figures computed from others: the conversion
// rate, the average deal, reciprocity (member only).
func finishStats(st *core.Stats, q core.StatsQuery, medianDays, latency, satisfaction *float64) {
	if st.Received > 0 {
		st.RCR, st.HasRCR = float64(st.Won)/float64(st.Received)*100, true
	}
	st.AvgDeal = st.Revenue.Average()
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
		st.Reciprocity = st.RevenueGenerated.Minus(st.Revenue)
	} else {
		st.RevenueGenerated = nil // member only
	}
	for _, as := range []core.Amounts{st.GivenEstimate, st.ReceivedEstimate, st.Revenue, st.RevenueGenerated} {
		as.Sort()
	}

}

func scanPartnerStats(row pgx.Row) (*core.PartnerStats, error) {
	var p core.PartnerStats
	if err := row.Scan(&p.MemberID, &p.Name, &p.Given, &p.Received, &p.GivenWonValue,
		&p.ReceivedWonValue, &p.Types, &p.Thanks); err != nil {
		return nil, err
	}
	p.GivenWonValue.Sort()
	p.ReceivedWonValue.Sort()
	return &p, nil
}

// wholeQuarters tells whether the rollup buckets read, [lo, hi), are
// whole UTC quarters (or all time), as member_totals keeps them.
func wholeQuarters(lo, hi pgtype.Timestamptz) bool {
	whole := func(t time.Time) bool { return t.Equal(quarterStart(t)) }
	loOK := lo.InfinityModifier == pgtype.NegativeInfinity || (lo.InfinityModifier == pgtype.Finite && whole(lo.Time))
	hiOK := hi.InfinityModifier == pgtype.Infinity || (hi.InfinityModifier == pgtype.Finite && whole(hi.Time))
	return loOK && hiOK
}

// activeQuarter is the last whole UTC quarter inside the 12-month window
// (from, to] the network's active members are counted in: its totals
// name most of them (networkPartnersSQL). It starts after from, as the
// window does, and ends by to.
func activeQuarter(from, to time.Time) []any {
	hi := quarterStart(to)
	lo := hi.AddDate(0, -3, 0)
	if !lo.After(from) {
		lo = hi // none: a window shorter than a quarter
	}
	return []any{lo, hi}
}

// statsArgs are the statements' parameters (see the top of the file).
func statsArgs(workspaceID int64, q core.StatsQuery) []any {
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	// The edges' cost is guessed with the clock the period was read with:
	// "all time" to the caller's now is the all-time rows, whatever the
	// machine's clock (a test's, a replay's).
	cov := coverPeriod(q.Period.From, q.Period.To, now)
	covLo, covHi := cov.covered()
	return []any{workspaceID, q.MemberID, ts(q.Period.From, pgtype.NegativeInfinity), ts(q.Period.To, pgtype.Infinity),
		core.DefaultCurrency, q.Viewer, cov.all, cov.lo, cov.hi, cov.edgeLo, cov.edgeHi, cov.edgeSign, covLo, covHi,
		now.AddDate(-1, 0, 0), now}
}
