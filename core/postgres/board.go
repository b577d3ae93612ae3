package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/referbot/referbot/core"
)

// boardTallySQL counts, per member, the referrals they gave in the period
// (measure 1) and the deals won from them in it whose value they
// confirmed, per currency (measure 2), from board_rollups (migration 029:
// whole UTC months, or the all-time rows) and the referrals at the
// period's edges, one by one ($2 all time, $3 and $4 the buckets read, $5
// to $7 the edges: see coverage). Its cost follows the members and months
// read, not the referrals.
var boardTallySQL = boardTallyOf(`b.bucket >= $3 AND b.bucket < $4 AND $2::boolean = (b.bucket = '-infinity')`, ``,
	`$5::timestamptz[], $6::timestamptz[], $7::int[]`)

// boardTallyMembersSQL is boardTallySQL for the members $3 alone, in the
// buckets $2 (the months the period reads, or the all-time one), the
// edges $4 to $6: each member's rows by primary key, not every member's.
var boardTallyMembersSQL = boardTallyOf(`b.bucket = ANY ($2::timestamptz[]) AND b.member_id = ANY ($3::bigint[])`,
	`AND f.member_id = ANY ($3::bigint[])`, `$4::timestamptz[], $5::timestamptz[], $6::int[]`)

// boardTallyOf is the tally's statement reading the rollup rows that
// rows selects, the edges given and the edges' facts that facts keeps.
func boardTallyOf(rows, facts, edges string) string {
	return strings.NewReplacer("{rows}", rows, "{facts}", facts, "{edges}", edges).Replace(`
WITH edges AS (
	SELECT * FROM unnest({edges}) AS e (lo, hi, sign)
), facts AS (
	SELECT b.member_id, b.measure, b.currency, b.n, b.cents
	FROM board_rollups b
	WHERE b.workspace_id = $1 AND {rows}
	UNION ALL
	-- each edge its own index range (OFFSET 0: joined flat, the planner
	-- read every referral of the workspace)
	SELECT f.member_id, f.measure, f.currency, f.n, f.cents
	FROM edges e
	CROSS JOIN LATERAL (SELECT * FROM referrals r
		WHERE r.workspace_id = $1 AND r.created_at >= e.lo AND r.created_at < e.hi OFFSET 0) r
	CROSS JOIN LATERAL board_rollup_facts(r::referrals, e.sign) f
	WHERE f.measure = 1 AND f.bucket > '-infinity' {facts}
	UNION ALL
	SELECT f.member_id, f.measure, f.currency, f.n, f.cents
	FROM edges e
	CROSS JOIN LATERAL (SELECT * FROM referrals r
		WHERE r.workspace_id = $1 AND r.status = 'won' AND r.won_confirmation = 'confirmed'
			AND r.closed_at >= e.lo AND r.closed_at < e.hi OFFSET 0) r
	CROSS JOIN LATERAL board_rollup_facts(r::referrals, e.sign) f
	WHERE f.measure = 2 AND f.bucket > '-infinity' {facts}
)
SELECT member_id, measure, currency, sum(n)::bigint, sum(cents)::bigint
FROM facts
GROUP BY 1, 2, 3
HAVING sum(n) <> 0`)
}

// boardKeyedCTE ($1 the workspace, $4 the referrers, null: all) reads,
// as keyed, the referrals of each referrer and receiver that share a
// client key, ever (pair_client_key_counts_repeated_idx, migration 029),
// with those keys: each pair's key either through the key's referrals
// (referral_client_keys_key_idx) or through the referrer's, whichever
// are fewer by the kept counts (client_key_counts, board_rollups' all
// time). Through the referrer alone, a busy referrer's 13,000 referrals
// were read for one repeat (0.7 s for the top 16 givers of a
// 691k-referral chapter; 70 ms through the keys, cold); through the key
// alone, a client name 180 referrers share was read whole for each
// (20 s at a chapter whose clients share 180 names).
const boardKeyedCTE = `
pk AS (
	SELECT p.referrer_id, p.receiver_id, p.key,
		(SELECT c.n FROM client_key_counts c WHERE c.workspace_id = $1 AND c.key = p.key)
			<= COALESCE((SELECT b.n FROM board_rollups b WHERE b.workspace_id = $1 AND b.bucket = '-infinity'
				AND b.member_id = p.referrer_id AND b.measure = 1 AND b.currency = ''), 0) AS by_key
	FROM pair_client_key_counts p
	WHERE p.workspace_id = $1 AND p.n > 1 AND ($4::bigint[] IS NULL OR p.referrer_id = ANY ($4::bigint[]))
), pairs AS (
	SELECT referrer_id, receiver_id, array_agg(key) AS keys FROM pk WHERE NOT by_key GROUP BY 1, 2
), keyed AS (
	SELECT k.key, r.id, r.referrer_id, pk.receiver_id, r.created_at, r.closed_at,
		r.status = 'won' AND r.won_confirmation = 'confirmed' AS confirmed,
		COALESCE(r.won_value_cents, 0) AS cents, COALESCE(r.won_currency, '') AS currency
	FROM pk
	JOIN referral_client_keys k ON k.workspace_id = $1 AND k.key = pk.key
	JOIN referrals r ON r.workspace_id = $1 AND r.id = k.referral_id AND r.referrer_id = pk.referrer_id
		AND COALESCE(r.receiver_id, 0) = pk.receiver_id
	WHERE pk.by_key
	UNION ALL
	SELECT k.key, r.id, r.referrer_id, p.receiver_id, r.created_at, r.closed_at,
		r.status = 'won' AND r.won_confirmation = 'confirmed' AS confirmed,
		COALESCE(r.won_value_cents, 0) AS cents, COALESCE(r.won_currency, '') AS currency
	FROM pairs p
	-- the referrer's referrals first (OFFSET 0: else the planner may
	-- read the keys' referrals, the other way round)
	CROSS JOIN LATERAL (SELECT * FROM referrals r WHERE r.workspace_id = $1 AND r.referrer_id = p.referrer_id
		AND COALESCE(r.receiver_id, 0) = p.receiver_id OFFSET 0) r
	JOIN referral_client_keys k ON k.workspace_id = r.workspace_id AND k.referral_id = r.id
		AND k.key = ANY (p.keys)
)`

// boardRepeatsKeyedCTE is boardKeyedCTE with the pairs read by key
// always read key first: the key's referrals, then each by its id, the
// pair's kept. Joined by the referrer's id as well, the planner took the
// referrer's whole history first and kept the pair's: it estimates a
// referrer's referrals in a workspace as under one (it multiplies the
// workspace's share by the referrer's, where the referrer names the
// workspace), so 2,436 referrals were read for each of 65 pairs' 15 at a
// 15,000-referral workspace planned custom (394,444 buffers, 330 ms;
// 7,010 and 17 ms key first). "+ 0" leaves the referrer's id out of any
// index, so the key's few referrals lead. Measured on five workspaces of
// the tenth of BNI and the full-size chapter, custom and generic plans:
// never more buffers, 2–56 times fewer where the planner guessed wrong
// (docs/scale.md). The won repeaters (board_top.go) keep the plain join:
// there the referrer's confirmed wins of the period are one range of
// referrals_won_pair_idx (migration 045), fewer than the key's referrals.
var boardRepeatsKeyedCTE = mustReplace(boardKeyedCTE,
	"r.referrer_id = pk.referrer_id", "r.referrer_id + 0 = pk.referrer_id")

// boardRepeatsSQL lists the keys a referral shares with another of its
// set (given in a period [$2[i], $3[i]); won in it, value confirmed) of
// the same referrer and receiver (see boardKeyedCTE), with the period's
// number i (from 1): the referrals keyed are read once for every period.
// A key leaves as its rank among the keys read: never as text.
var boardRepeatsSQL = `
WITH ` + boardRepeatsKeyedCTE + `, periods AS (
	SELECT * FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS p (lo, hi, i)
), sets AS (
	SELECT p.i, false AS won, k.* FROM periods p JOIN keyed k ON k.created_at >= p.lo AND k.created_at < p.hi
	UNION ALL
	SELECT p.i, true, k.* FROM periods p JOIN keyed k ON k.confirmed AND k.closed_at >= p.lo AND k.closed_at < p.hi
), shared AS (
	SELECT *, count(*) OVER (PARTITION BY i, won, referrer_id, receiver_id, key) AS sharing FROM sets
)
SELECT i, won, id, referrer_id, receiver_id, dense_rank() OVER (ORDER BY key), cents, currency
FROM shared
WHERE sharing > 1
ORDER BY i, won, created_at, id`

// planModeBySizeSQL plans the statements that follow it (a board's, a
// summary's: Stats), in this transaction, by the size of the workspace
// $1 (the referral codes it has handed out, about its referrals): generic
// plans below $2, custom ones from there on. A custom plan of the tally or the repeats costs 2–4 ms
// to make and is most of what a small workspace's leaderboard costs
// (measured on the tenth of BNI: the repeats of a 2,000-referral
// workspace 0.4–0.7 ms generic, 3.9–4.5 ms custom, in one 250-workspace
// transaction of the quarterly celebration each). A big workspace needs
// plans for its values: a generic plan of the repeats can't tell some
// referrers ($4) from all of them, 8 ms became 1.24 s at a
// 691,000-referral chapter (and 2.5 ms 10 ms at 63,000); the two costs
// cross near 17,000 referrals.
const planModeBySizeSQL = `
SELECT set_config('plan_cache_mode', CASE
	WHEN COALESCE((SELECT c.next_code FROM referral_codes c WHERE c.workspace_id = $1), 0) < $2
	THEN 'force_generic_plan' ELSE 'force_custom_plan' END, true)`

// boardGenericPlanSQL plans the statements that follow it, in this
// transaction, generically.
const boardGenericPlanSQL = `SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`

// GenericPlansBelow is planModeBySizeSQL's threshold, in codes (the
// first code is 1001): a workspace below it has its board and stats
// statements planned generically.
const GenericPlansBelow = 16000

// BoardTally counts what a leaderboard reads of each period of ps in one
// round trip, of every member or of those given; now is the clock ps were
// read with (it guesses the edges' cost, never the result).
func (t *tx) BoardTally(ctx context.Context, workspaceID int64, ps []core.Period, now time.Time, members []int64) (_ []*core.BoardTally, err error) {
	defer wrap(&err, "board tally(%d)", workspaceID)
	if len(ps) == 0 {
		return nil, nil
	}
	var b pgx.Batch
	keep := func(int64) bool { return true }
	if members != nil {
		only := make(map[int64]bool, len(members))
		for _, id := range members {
			only[id] = true
		}
		keep = func(id int64) bool { return only[id] }
	}
	out := make([]*core.BoardTally, len(ps))
	froms, tos := make([]pgtype.Timestamptz, len(ps)), make([]pgtype.Timestamptz, len(ps))
	for i, p := range ps {
		froms[i], tos[i] = bounds(p)
		cov := coverPeriod(p.From, p.To, now)
		// The whole tally planned by the workspace's size, the members'
		// one generically whatever the size (0.6–2 ms a run, where planning
		// it took 2–4 ms more): see planModeBySizeSQL.
		sql, args := boardTallySQL, []any{workspaceID, cov.all, cov.lo, cov.hi, cov.edgeLo, cov.edgeHi, cov.edgeSign}
		plan, planArgs := planModeBySizeSQL, []any{workspaceID, GenericPlansBelow}
		if months, ok := cov.buckets(); ok && members != nil {
			sql, args = boardTallyMembersSQL, []any{workspaceID, months, members, cov.edgeLo, cov.edgeHi, cov.edgeSign}
			plan, planArgs = boardGenericPlanSQL, nil
		}
		tally := &core.BoardTally{}
		out[i] = tally
		b.Queue(plan, planArgs...)
		b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
			var member int64
			var measure int16
			var currency string
			var n, cents int64
			_, err := pgx.ForEachRow(rows, []any{&member, &measure, &currency, &n, &cents}, func() error {
				if !keep(member) {
					return nil
				}
				if measure == 1 {
					tally.Given = append(tally.Given, core.BoardGiven{ReferrerID: member, Referrals: int(n)})
				} else {
					tally.Won = append(tally.Won, core.BoardWon{ReferrerID: member, Currency: currency, Deals: int(n), Cents: cents})
				}
				return nil
			})
			return err
		})
	}
	b.Queue(planModeBySizeSQL, workspaceID, GenericPlansBelow) // the repeats by size too
	b.Queue(boardRepeatsSQL, workspaceID, froms, tos, members).Query(func(rows pgx.Rows) error {
		var i int64
		var r core.BoardRepeat
		_, err := pgx.ForEachRow(rows, []any{&i, &r.Won, &r.ReferralID, &r.ReferrerID, &r.ReceiverID, &r.Key,
			&r.Value.Cents, &r.Value.Currency}, func() error {
			if i < 1 || int(i) > len(out) {
				return fmt.Errorf("a repeat of period %d of %d", i, len(out))
			}
			out[i-1].Repeats = append(out[i-1].Repeats, r)
			return nil
		})
		return err
	})
	if err := t.q.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	return out, nil
}
