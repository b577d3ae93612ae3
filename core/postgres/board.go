package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// boardGivenSQL ($1 workspace, $2 and $3 the period) counts the
// referrals each member gave in the period (referrals_referrer_created_idx,
// index only).
const boardGivenSQL = `
SELECT r.referrer_id, count(*)
FROM referrals r
WHERE r.workspace_id = $1 AND r.created_at >= $2 AND r.created_at < $3
GROUP BY r.referrer_id`

// boardWonSQL sums each member's deals won in the period whose value
// they confirmed, per currency (referrals_confirmed_won_idx).
const boardWonSQL = `
SELECT r.referrer_id, COALESCE(r.won_currency, ''), count(*), COALESCE(sum(r.won_value_cents), 0)
FROM referrals r
WHERE r.workspace_id = $1 AND r.status = 'won' AND r.won_confirmation = 'confirmed'
	AND r.closed_at >= $2 AND r.closed_at < $3
GROUP BY 1, 2`

// boardRepeatsSQL lists the keys a referral shares with another of its
// set (given in the period; won in it, value confirmed) of the same
// referrer and receiver. It starts from the keys a referrer gave the same
// receiver more than once, ever (pair_client_key_counts_repeated_idx,
// migration 029), so it reads the referrals of repeated clients of a pair
// only, whatever the history and however many people refer the same
// client. A key leaves as its rank among the keys read: never as text.
const boardRepeatsSQL = `
WITH keyed AS (
	SELECT p.key, r.id, r.referrer_id, p.receiver_id, r.created_at, r.closed_at,
		r.status = 'won' AND r.won_confirmation = 'confirmed' AS confirmed,
		COALESCE(r.won_value_cents, 0) AS cents, COALESCE(r.won_currency, '') AS currency
	FROM pair_client_key_counts p
	JOIN referral_client_keys k ON k.workspace_id = p.workspace_id AND k.key = p.key
	JOIN referrals r ON r.workspace_id = k.workspace_id AND r.id = k.referral_id
		AND r.referrer_id = p.referrer_id AND COALESCE(r.receiver_id, 0) = p.receiver_id
	WHERE p.workspace_id = $1 AND p.n > 1
), sets AS (
	SELECT false AS won, * FROM keyed WHERE created_at >= $2 AND created_at < $3
	UNION ALL
	SELECT true, * FROM keyed WHERE confirmed AND closed_at >= $2 AND closed_at < $3
), shared AS (
	SELECT *, count(*) OVER (PARTITION BY won, referrer_id, receiver_id, key) AS sharing FROM sets
)
SELECT won, id, referrer_id, receiver_id, dense_rank() OVER (ORDER BY key), cents, currency
FROM shared
WHERE sharing > 1
ORDER BY won, created_at, id`

// BoardTally counts what a leaderboard reads of p in one round trip.
func (t *tx) BoardTally(ctx context.Context, workspaceID int64, p core.Period) (_ *core.BoardTally, err error) {
	defer wrap(&err, "board tally(%d)", workspaceID)
	from, to := bounds(p)
	var b pgx.Batch
	var out core.BoardTally
	b.Queue(boardGivenSQL, workspaceID, from, to).Query(func(rows pgx.Rows) error {
		var g core.BoardGiven
		_, err := pgx.ForEachRow(rows, []any{&g.ReferrerID, &g.Referrals}, func() error {
			out.Given = append(out.Given, g)
			return nil
		})
		return err
	})
	b.Queue(boardWonSQL, workspaceID, from, to).Query(func(rows pgx.Rows) error {
		var w core.BoardWon
		_, err := pgx.ForEachRow(rows, []any{&w.ReferrerID, &w.Currency, &w.Deals, &w.Cents}, func() error {
			out.Won = append(out.Won, w)
			return nil
		})
		return err
	})
	b.Queue(boardRepeatsSQL, workspaceID, from, to).Query(func(rows pgx.Rows) error {
		var r core.BoardRepeat
		_, err := pgx.ForEachRow(rows, []any{&r.Won, &r.ReferralID, &r.ReferrerID, &r.ReceiverID, &r.Key,
			&r.Value.Cents, &r.Value.Currency}, func() error {
			out.Repeats = append(out.Repeats, r)
			return nil
		})
		return err
	})
	if err := t.q.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	return &out, nil
}
