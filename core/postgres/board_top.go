package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/referbot/referbot/core"
)

// quarterCover plans the reading of [from, to) from one bucket of
// board_deals (migration 036): all time, or one UTC quarter, with edges
// of at most edgeCost of recorded time (a time zone's hours, or a future
// that holds nothing yet). ok false: the period is not one bucket.
func quarterCover(from, to, wall time.Time) (bucket pgtype.Timestamptz, c coverage, ok bool) {
	if from.IsZero() {
		c = coverPeriod(from, to, wall)
		return ts(time.Time{}, pgtype.NegativeInfinity), c, c.all
	}
	if to.IsZero() {
		return bucket, c, false
	}
	cost := func(lo, hi time.Time) time.Duration {
		if lo.After(hi) {
			lo, hi = hi, lo
		}
		if hi.After(wall) {
			hi = wall
		}
		return max(hi.Sub(lo), 0)
	}
	lo := quarterStart(from)
	if next := lo.AddDate(0, 3, 0); cost(lo, from) > cost(from, next) {
		lo = next
	}
	hi := lo.AddDate(0, 3, 0)
	const edgeCost = 2 * 24 * time.Hour
	if cost(lo, from) > edgeCost || cost(hi, to) > edgeCost {
		return bucket, c, false
	}
	edge := func(lo, hi time.Time, sign int32) {
		if lo.Before(hi) {
			c.edgeLo = append(c.edgeLo, ts(lo, 0))
			c.edgeHi = append(c.edgeHi, ts(hi, 0))
			c.edgeSign = append(c.edgeSign, sign)
		}
	}
	edge(from, lo, 1)
	edge(lo, from, -1)
	edge(hi, to, 1)
	edge(to, hi, -1)
	c.lo, c.hi = ts(lo, 0), ts(hi, 0)
	return ts(lo, 0), c, true
}

// boardEdgeDealsSQL lists the referrers whose confirmed won deals the
// edges of a period change ($2 to $4 the edges, as in boardTallySQL):
// the kept counts of the bucket miss them, so core reads them whatever
// their rank.
const boardEdgeDealsSQL = `
SELECT DISTINCT r.referrer_id
FROM unnest($2::timestamptz[], $3::timestamptz[], $4::int[]) AS e (lo, hi, sign)
CROSS JOIN LATERAL (SELECT r.referrer_id FROM referrals r
	WHERE r.workspace_id = $1 AND r.status = 'won' AND r.won_confirmation = 'confirmed'
		AND r.closed_at >= e.lo AND r.closed_at < e.hi OFFSET 0) r`

// boardRankSQL hands out the members of a bucket by their confirmed won
// deals ($4 false) or deals gained over the quarter before ($4 true),
// most first, after the member ($5, $6) of the page before
// (board_deals_rank_idx, board_deals_gain_idx).
const boardRankSQL = `
SELECT member_id, CASE WHEN $4::boolean THEN deals - prev_deals ELSE deals END AS v
FROM board_deals
WHERE workspace_id = $1 AND bucket = $2
	AND CASE WHEN $4::boolean THEN deals - prev_deals ELSE deals END > 0
	AND ($5::bigint IS NULL OR CASE WHEN $4::boolean THEN deals - prev_deals ELSE deals END < $5
		OR CASE WHEN $4::boolean THEN deals - prev_deals ELSE deals END = $5 AND member_id > $6)
ORDER BY 2 DESC, member_id
LIMIT $3`

// boardWonRepeatersSQL lists the referrers with deals won in [$2, $3)
// that repeat a client with the same receiver: boardRepeatsSQL's won set,
// its referrers only ($4 null: of every referrer).
const boardWonRepeatersSQL = `
WITH ` + boardKeyedCTE + `
SELECT DISTINCT s.referrer_id
FROM (SELECT referrer_id, receiver_id, key FROM keyed
	WHERE confirmed AND closed_at >= $2 AND closed_at < $3
	GROUP BY 1, 2, 3
	HAVING count(*) > 1) s`

// BoardRanked reads a page of members best first by what a leaderboard
// ranks first (see core.BoardScan).
func (t *tx) BoardRanked(ctx context.Context, workspaceID int64, q core.BoardScan) (_ *core.BoardPage, err error) {
	defer wrap(&err, "board ranked(%d)", workspaceID)
	bucket, cov, ok := quarterCover(q.Period.From, q.Period.To, q.Now)
	if !ok {
		return &core.BoardPage{}, nil
	}
	var covers []coverage
	covers = append(covers, cov)
	var before core.Period
	if q.Gain {
		var has bool
		if before, has = q.Period.Before(); !has || bucket.InfinityModifier != pgtype.Finite {
			return &core.BoardPage{}, nil
		}
		prev, pc, ok := quarterCover(before.From, before.To, q.Now)
		if !ok || !prev.Time.AddDate(0, 3, 0).Equal(bucket.Time) {
			return &core.BoardPage{}, nil
		}
		covers = append(covers, pc)
	}
	page := &core.BoardPage{Ordered: true}
	var b pgx.Batch
	var after, afterMember *int64
	if q.After != nil {
		after, afterMember = &q.After.Value, &q.After.MemberID
	} else {
		for _, c := range covers {
			if len(c.edgeLo) == 0 {
				continue
			}
			b.Queue(boardEdgeDealsSQL, workspaceID, c.edgeLo, c.edgeHi, c.edgeSign).Query(func(rows pgx.Rows) error {
				ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
				page.Edge = append(page.Edge, ids...)
				return err
			})
		}
		if q.Gain {
			from, to := bounds(before)
			b.Queue(boardWonRepeatersSQL, workspaceID, from, to, []int64(nil)).Query(func(rows pgx.Rows) error {
				ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
				page.Edge = append(page.Edge, ids...)
				return err
			})
		}
	}
	b.Queue(boardRankSQL, workspaceID, bucket, q.Limit, q.Gain, after, afterMember).Query(func(rows pgx.Rows) error {
		var r core.BoardRank
		_, err := pgx.ForEachRow(rows, []any{&r.MemberID, &r.Value}, func() error {
			page.Ranks = append(page.Ranks, r)
			return nil
		})
		return err
	})
	if err := t.q.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	return page, nil
}

// boardFirstWinsSQL lists the first wins in [$2, $3) of active members
// who joined at most 90 days before them: the newcomers' first wins
// (member_first_wins_newcomer_idx, migration 036, whose 90 days are the
// literal below), whatever the members.
const boardFirstWinsSQL = `
SELECT f.member_id, m.display_name, f.code, f.closed_at, f.gave
FROM member_first_wins f
JOIN members m ON m.workspace_id = f.workspace_id AND m.id = f.member_id
WHERE f.workspace_id = $1 AND f.closed_at >= $2 AND f.closed_at < $3
	AND f.closed_at - f.joined_at <= interval '2160 hours'
	AND m.status = 'active' AND f.closed_at - m.joined_at <= interval '2160 hours'`

// newcomerDays90 fails to compile unless core.NewcomerDays is 90: the
// newcomers' first wins are read through an index of those won within
// 90 days of joining (migration 036); other days need an index of their
// own.
const newcomerDays90 = uint(90-core.NewcomerDays) + uint(core.NewcomerDays-90)

// NewcomersFirstWins lists the first wins in p of active members who
// joined at most core.NewcomerDays before them, named.
func (t *tx) NewcomersFirstWins(ctx context.Context, workspaceID int64, p core.Period) (_ []core.FirstWin, err error) {
	defer wrap(&err, "newcomers' first wins(%d)", workspaceID)
	from, to := bounds(p)
	rows, err := t.q.Query(ctx, boardFirstWinsSQL, workspaceID, from, to)
	return collect(rows, err, func(row pgx.Row) (*core.FirstWin, error) {
		var f core.FirstWin
		return &f, row.Scan(&f.MemberID, &f.Name, &f.Code, &f.At, &f.Gave)
	})
}
