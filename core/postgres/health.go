package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// healthSQL counts what the network-health report needs for many
// workspaces in one statement ($1 the workspaces, $2 at, $3 last 30 days,
// $4 the 30 before, $5 a year ago, $6 the activity window, $7 members
// joined before then may have gone quiet), as the network's figures count
// it: referrals given by created_at, deals by closed_at, each party once.
// It reads the windows' referrals and probes each member's party indexes,
// never the history.
const healthSQL = `
WITH quiet_giver AS MATERIALIZED (
	-- members who gave nothing in the year (one probe each), before
	-- anything is counted for them
	SELECT m.workspace_id AS ws, m.id, m.display_name
	FROM members m
	WHERE m.workspace_id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM referrals r
		WHERE r.workspace_id = m.workspace_id AND r.referrer_id = m.id AND r.created_at >= $5 AND r.created_at < $2)
), taker AS MATERIALIZED (
	-- with what the breakdown ranks them by (counted once a member, not
	-- again for the filter below), each count one range of an index that
	-- holds what it filters on: a receiver's (or co-owner's, when not the
	-- receiver too) referrals by when they were made, never a bitmap of
	-- their whole history read from the heap
	SELECT m.ws, m.id, m.display_name,
		(SELECT count(*) FROM referrals r WHERE r.workspace_id = m.ws AND r.receiver_id = m.id
			AND r.created_at >= $5 AND r.created_at < $2)
		+ (SELECT count(*) FROM referrals r WHERE r.workspace_id = m.ws AND r.co_owner_id = m.id
			AND r.receiver_id IS DISTINCT FROM m.id AND r.created_at >= $5 AND r.created_at < $2) AS received,
		(SELECT count(*) FROM referrals r WHERE r.workspace_id = m.ws AND r.referrer_id = m.id
			AND r.status = 'won' AND r.closed_at >= $5 AND r.closed_at < $2) AS given_deals,
		(SELECT count(*) FROM referrals r WHERE r.workspace_id = m.ws AND r.receiver_id = m.id
			AND r.status = 'won' AND r.closed_at >= $5 AND r.closed_at < $2)
		+ (SELECT count(*) FROM referrals r WHERE r.workspace_id = m.ws AND r.co_owner_id = m.id
			AND r.receiver_id IS DISTINCT FROM m.id AND r.status = 'won' AND r.closed_at >= $5 AND r.closed_at < $2)
			AS received_deals
	FROM quiet_giver m
), only_take AS (
	SELECT ws, array_agg(display_name ORDER BY given_deals DESC, received DESC, received_deals DESC,
		lower(display_name), id) AS names
	FROM taker WHERE received > 0 GROUP BY ws
), won_party AS MATERIALIZED (
	-- the parties to deals won lately (referrals_won_close_idx): no index
	-- finds a member's won deals by when they closed
	SELECT DISTINCT r.workspace_id AS ws, p.id
	FROM referrals r CROSS JOIN LATERAL (VALUES (r.referrer_id), (r.receiver_id), (r.co_owner_id)) AS p (id)
	WHERE r.workspace_id = ANY($1::bigint[]) AND r.status = 'won' AND r.closed_at >= $6 AND r.closed_at < $2
		AND p.id IS NOT NULL
), gone_quiet AS (
	-- active members of long enough standing who took no part lately
	-- (gave, received, or were party to a deal won), in the members'
	-- order: a few probes each, most ending at the first
	SELECT m.workspace_id AS ws, array_agg(m.display_name ORDER BY lower(m.display_name), m.id) AS names
	FROM members m
	WHERE m.workspace_id = ANY($1::bigint[]) AND m.status = 'active' AND m.joined_at < $7
		AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.workspace_id = m.workspace_id AND r.referrer_id = m.id
			AND r.created_at >= $6 AND r.created_at < $2)
		AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.workspace_id = m.workspace_id AND r.receiver_id = m.id
			AND r.created_at >= $6 AND r.created_at < $2)
		AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.workspace_id = m.workspace_id AND r.co_owner_id = m.id
			AND r.created_at >= $6 AND r.created_at < $2)
		AND NOT EXISTS (SELECT 1 FROM won_party w WHERE w.ws = m.workspace_id AND w.id = m.id)
	GROUP BY m.workspace_id
)
SELECT w.id,
	(SELECT count(*) FROM referrals r WHERE r.workspace_id = w.id AND r.created_at >= $3 AND r.created_at < $2),
	(SELECT count(*) FROM referrals r WHERE r.workspace_id = w.id AND r.created_at >= $4 AND r.created_at < $3),
	COALESCE(o.names, '{}'), COALESCE(g.names, '{}')
FROM unnest($1::bigint[]) AS w (id)
LEFT JOIN only_take o ON o.ws = w.id
LEFT JOIN gone_quiet g ON g.ws = w.id`

// HealthCounts counts the network-health report's figures in one statement.
func (t *tx) HealthCounts(ctx context.Context, workspaceID int64, q core.HealthQuery) (core.HealthCounts, error) {
	cs, err := t.HealthCountsAcross(ctx, []int64{workspaceID}, q)
	return cs[workspaceID], err
}

// HealthCountsAcross counts the network-health report's figures of many
// workspaces in one statement.
func (t *tx) HealthCountsAcross(ctx context.Context, workspaceIDs []int64, q core.HealthQuery) (_ map[int64]core.HealthCounts, err error) {
	defer wrap(&err, "health counts(%d workspaces)", len(workspaceIDs))
	// A job runs this for batch after batch in one transaction: after five
	// runs PostgreSQL would switch to a generic plan fitted to the small
	// ones, which took 67 s on a chapter of 691,000 referrals against 2.7 s
	// planned for its values (make bench-scale). Plan each run for its
	// workspaces; sent with the statement (see pipe).
	t.pipe.later(`SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`)
	rows, err := t.q.Query(ctx, healthSQL, workspaceIDs, q.At, q.Last30, q.Previous30, q.Year, q.Recent, q.Joined)
	type wsCounts struct {
		ws int64
		core.HealthCounts
	}
	cs, err := collect(rows, err, func(row pgx.Row) (*wsCounts, error) {
		var c wsCounts
		if err := row.Scan(&c.ws, &c.Last30, &c.Previous30, &c.OnlyTake, &c.GoneQuiet); err != nil {
			return nil, err
		}
		// as the report had them: none is null
		c.OnlyTake = nilIfEmpty(c.OnlyTake)
		c.GoneQuiet = nilIfEmpty(c.GoneQuiet)
		return &c, nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]core.HealthCounts, len(cs))
	for _, c := range cs {
		out[c.ws] = c.HealthCounts
	}
	return out, nil
}

// UnansweredAcross names, in each workspace, the receivers of referrals
// offered before cutoff and not answered yet, most recently offered first
// (referrals_offered_idx).
func (t *tx) UnansweredAcross(ctx context.Context, workspaceIDs []int64, cutoff time.Time) (_ map[int64][]string, err error) {
	defer wrap(&err, "unanswered(%d workspaces)", len(workspaceIDs))
	rows, err := t.q.Query(ctx, `
		SELECT r.workspace_id, m.display_name
		FROM referrals r JOIN members m ON m.workspace_id = r.workspace_id AND m.id = r.receiver_id
		WHERE r.workspace_id = ANY($1::bigint[]) AND r.status = 'offered' AND r.created_at < $2
		GROUP BY r.workspace_id, m.id, m.display_name
		ORDER BY r.workspace_id, max(r.created_at) DESC, max(r.id) DESC`, workspaceIDs, cutoff)
	if err != nil {
		return nil, err
	}
	out := map[int64][]string{}
	var ws int64
	var name string
	_, err = pgx.ForEachRow(rows, []any{&ws, &name}, func() error {
		out[ws] = append(out[ws], name)
		return nil
	})
	return out, err
}

// nilIfEmpty makes an empty list nil.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
