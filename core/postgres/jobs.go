package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// Workspaces lists every workspace, oldest first.
func (t *tx) Workspaces(ctx context.Context) (_ []core.Workspace, err error) {
	defer wrap(&err, "workspaces")
	rows, err := t.q.Query(ctx, `SELECT `+workspaceCols+` FROM workspaces w ORDER BY w.id`)
	return collect(rows, err, func(row pgx.Row) (*core.Workspace, error) { return scanWorkspace(row, &t.db.settings) })
}

// ClaimJobRun inserts the run's row; a conflict means the period already
// ran (or runs now on another replica, whose transaction holds the row).
func (t *tx) ClaimJobRun(ctx context.Context, job string, workspaceID int64, period string, at time.Time) (_ bool, err error) {
	defer wrap(&err, "claim job run(%s, %d, %s)", job, workspaceID, period)
	tag, err := t.q.Exec(ctx, `
		INSERT INTO job_runs (job, workspace_id, period, started_at, finished_at) VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT DO NOTHING`, job, workspaceID, period, at)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// LastJobRuns reads the latest recorded run of each job of the workspace.
func (t *tx) LastJobRuns(ctx context.Context, workspaceID int64) (_ map[string]time.Time, err error) {
	defer wrap(&err, "last job runs(%d)", workspaceID)
	rows, err := t.q.Query(ctx, `
		SELECT job, max(started_at) FROM job_runs WHERE workspace_id = $1 GROUP BY job`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var job string
		var at time.Time
		if err := rows.Scan(&job, &at); err != nil {
			return nil, err
		}
		out[job] = at
	}
	return out, rows.Err()
}

// ExpireLeads expires every open lead of the workspace due by at in one
// statement and returns them with their referrer's name.
func (t *tx) ExpireLeads(ctx context.Context, workspaceID int64, at time.Time) (_ []core.Referral, err error) {
	defer wrap(&err, "expire leads(%d)", workspaceID)
	rows, err := t.q.Query(ctx, `
		WITH expired AS (
			UPDATE referrals SET status = 'expired', closed_at = $2, updated_at = $2
			WHERE workspace_id = $1 AND status = 'open' AND expires_at <= $2
			RETURNING id
		)
		`+referralFrom+` JOIN expired x ON x.id = r.id ORDER BY r.id`, workspaceID, at)
	rs, err := collectReferrals(rows, err)
	// The statement's read saw the rows as they were before its update.
	for i := range rs {
		rs[i].Status, rs[i].ClosedAt, rs[i].UpdatedAt = core.StatusExpired, at, at
	}
	return rs, err
}

// DueThankNudges finds, in one query, the referrals whose owner should be
// nudged to thank the referrer.
func (t *tx) DueThankNudges(ctx context.Context, workspaceID int64, cutoff time.Time) (_ []core.Referral, err error) {
	defer wrap(&err, "due thank nudges(%d)", workspaceID)
	rows, err := t.q.Query(ctx, referralFrom+`
		JOIN members owner ON owner.id = r.receiver_id
		WHERE r.workspace_id = $1
			AND r.status IN ('accepted', 'contacted', 'meeting', 'proposal', 'won')
			AND r.accepted_at <= $2
			AND owner.status = 'active' AND NOT owner.muted
			AND NOT EXISTS (SELECT 1 FROM thanks th WHERE th.workspace_id = r.workspace_id AND th.referral_id = r.id
				AND th.retracted_at IS NULL)
			AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.workspace_id = r.workspace_id
				AND o.dedupe_key = 'nudge-thanks:' || r.id)
		ORDER BY r.id`, workspaceID, cutoff)
	return collectReferrals(rows, err)
}

// StaleReferrals finds working referrals untouched since cutoff whose
// owner hasn't been nudged for this quiet spell yet, in one query.
func (t *tx) StaleReferrals(ctx context.Context, workspaceID int64, cutoff time.Time) (_ []core.Referral, err error) {
	defer wrap(&err, "stale referrals(%d)", workspaceID)
	rows, err := t.q.Query(ctx, referralFrom+`
		WHERE r.workspace_id = $1 AND r.status IN ('accepted', 'contacted', 'meeting', 'proposal')
			AND r.updated_at <= $2
			AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.workspace_id = r.workspace_id
				AND o.dedupe_key = 'stale:' || r.id || ':' || floor(extract(epoch FROM r.updated_at))::bigint)
		ORDER BY r.referrer_id, r.id`, workspaceID, cutoff)
	return collectReferrals(rows, err)
}

// DuePartnerships finds partnerships past their cadence whose members
// haven't both been reminded for this due date, in one query.
func (t *tx) DuePartnerships(ctx context.Context, workspaceID int64, at time.Time) (_ []core.Partnership, err error) {
	defer wrap(&err, "due partnerships(%d)", workspaceID)
	rows, err := t.q.Query(ctx, `
		SELECT id, workspace_id, member_a, member_b, type, trust, cadence_days, last_touch, next_due, created_at
		FROM partnerships p WHERE workspace_id = $1 AND next_due <= $2
			AND NOT (
				EXISTS (SELECT 1 FROM outbox o WHERE o.workspace_id = p.workspace_id
					AND o.dedupe_key = 'touch:' || p.id || ':' || p.member_a || ':' || floor(extract(epoch FROM p.next_due))::bigint)
				AND EXISTS (SELECT 1 FROM outbox o WHERE o.workspace_id = p.workspace_id
					AND o.dedupe_key = 'touch:' || p.id || ':' || p.member_b || ':' || floor(extract(epoch FROM p.next_due))::bigint))
		ORDER BY next_due, id`, workspaceID, at)
	return collectPartnerships(rows, err)
}

// Reachable lists the members who may get reminders: active, not muted,
// not paused.
func (t *tx) Reachable(ctx context.Context, workspaceID int64) (_ []core.Member, err error) {
	defer wrap(&err, "reachable(%d)", workspaceID)
	return collectMembers(t.q.Query(ctx, `
		SELECT `+memberCols+` FROM members m
		LEFT JOIN profiles p ON p.workspace_id = m.workspace_id AND p.member_id = m.id
		WHERE m.workspace_id = $1 AND m.status = 'active' AND NOT m.muted
			AND COALESCE(p.availability, 'open') <> 'paused'
		ORDER BY m.id`, workspaceID))
}

// IgnoredReminders counts reminders sent since each member's last
// activity, in one grouped query.
func (t *tx) IgnoredReminders(ctx context.Context, workspaceID int64, kinds []core.NoticeKind, min int) (_ map[int64]core.Ignored, err error) {
	defer wrap(&err, "ignored reminders(%d)", workspaceID)
	ks := make([]string, len(kinds))
	for i, k := range kinds {
		ks[i] = string(k)
	}
	rows, err := t.q.Query(ctx, `
		SELECT o.recipient_member_id, count(*), COALESCE(m.last_active_at, m.joined_at)
		FROM members m JOIN outbox o ON o.recipient_member_id = m.id
			AND o.created_at > COALESCE(m.last_active_at, m.joined_at)
		WHERE m.workspace_id = $1 AND o.workspace_id = $1 AND o.kind = ANY($2)
		GROUP BY o.recipient_member_id, m.last_active_at, m.joined_at
		HAVING count(*) >= $3`, workspaceID, ks, min)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]core.Ignored{}
	for rows.Next() {
		var id int64
		var ig core.Ignored
		if err := rows.Scan(&id, &ig.Count, &ig.Since); err != nil {
			return nil, err
		}
		out[id] = ig
	}
	return out, rows.Err()
}

// Tags counts the tags of profiles and referrals in one pass.
func (t *tx) Tags(ctx context.Context, workspaceID int64, prefix string, limit int) (_ []string, err error) {
	defer wrap(&err, "tags(%d)", workspaceID)
	rows, err := t.q.Query(ctx, `
		SELECT tag FROM (
			SELECT unnest(tags) AS tag FROM profiles WHERE workspace_id = $1
			UNION ALL
			SELECT unnest(tags) FROM referrals WHERE workspace_id = $1
		) t
		WHERE starts_with(tag, $2)
		GROUP BY tag ORDER BY count(*) DESC, tag LIMIT $3`, workspaceID, prefix, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
