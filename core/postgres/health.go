package postgres

import (
	"context"

	"github.com/referbot/referbot/core"
)

// healthSQL counts what the network-health report needs in one statement
// ($1 workspace, $2 at, $3 last 30 days, $4 the 30 before, $5 a year ago,
// $6 the activity window), as the network's figures count it: referrals
// given by created_at, deals by closed_at, each party once. It reads the
// windows' referrals and probes each member's party indexes, never the
// history.
const healthSQL = `
WITH quiet_giver AS MATERIALIZED (
	-- members who gave nothing in the year (one probe each), before
	-- anything is counted for them
	SELECT m.id, m.display_name
	FROM members m
	WHERE m.workspace_id = $1 AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.workspace_id = $1
		AND r.referrer_id = m.id AND r.created_at >= $5 AND r.created_at < $2)
), taker AS (
	-- with what the breakdown ranks them by
	SELECT m.id, m.display_name,
		(SELECT count(*) FROM referrals r WHERE r.workspace_id = $1 AND (r.receiver_id = m.id OR r.co_owner_id = m.id)
			AND r.created_at >= $5 AND r.created_at < $2) AS received,
		(SELECT count(*) FROM referrals r WHERE r.workspace_id = $1 AND r.referrer_id = m.id
			AND r.status = 'won' AND r.closed_at >= $5 AND r.closed_at < $2) AS given_deals,
		(SELECT count(*) FROM referrals r WHERE r.workspace_id = $1 AND (r.receiver_id = m.id OR r.co_owner_id = m.id)
			AND r.status = 'won' AND r.closed_at >= $5 AND r.closed_at < $2) AS received_deals
	FROM quiet_giver m
), active AS (
	SELECT p.id FROM referrals r CROSS JOIN LATERAL (VALUES (r.referrer_id), (r.receiver_id), (r.co_owner_id)) AS p (id)
	WHERE r.workspace_id = $1 AND r.created_at >= $6 AND r.created_at < $2 AND p.id IS NOT NULL
	UNION
	SELECT p.id FROM referrals r CROSS JOIN LATERAL (VALUES (r.referrer_id), (r.receiver_id), (r.co_owner_id)) AS p (id)
	WHERE r.workspace_id = $1 AND r.status = 'won' AND r.closed_at >= $6 AND r.closed_at < $2 AND p.id IS NOT NULL
)
SELECT (SELECT count(*) FROM referrals r WHERE r.workspace_id = $1 AND r.created_at >= $3 AND r.created_at < $2),
	(SELECT count(*) FROM referrals r WHERE r.workspace_id = $1 AND r.created_at >= $4 AND r.created_at < $3),
	(SELECT COALESCE(array_agg(display_name ORDER BY given_deals DESC, received DESC, received_deals DESC,
		lower(display_name), id), '{}') FROM taker WHERE received > 0),
	(SELECT COALESCE(array_agg(id), '{}') FROM active)`

// HealthCounts counts the network-health report's figures in one statement.
func (t *tx) HealthCounts(ctx context.Context, workspaceID int64, q core.HealthQuery) (_ core.HealthCounts, err error) {
	defer wrap(&err, "health counts(%d)", workspaceID)
	// The job runs this for every workspace of a pass in one transaction:
	// after five runs PostgreSQL would switch to a generic plan fitted to
	// the small ones, which took 67 s on a chapter of 691,000 referrals
	// against 2.7 s planned for its values (make bench-scale). Plan each
	// run for its workspace; sent with the statement (see pipe).
	t.pipe.later(`SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`)
	var c core.HealthCounts
	err = t.q.QueryRow(ctx, healthSQL, workspaceID, q.At, q.Last30, q.Previous30, q.Year, q.Recent).
		Scan(&c.Last30, &c.Previous30, &c.OnlyTake, &c.Active)
	if len(c.OnlyTake) == 0 {
		c.OnlyTake = nil // as the report had it: none is null
	}
	return c, err
}
