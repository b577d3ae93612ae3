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
	rows, err := t.q.Query(ctx, `
		-- across workspaces (workspaces): the list the scheduler walks
		SELECT `+workspaceCols+` FROM workspaces w ORDER BY w.id`)
	return collect(rows, err, func(row pgx.Row) (*core.Workspace, error) { return scanWorkspace(row, &t.db.settings) })
}

// ClaimJobRuns inserts the runs' rows in one statement, in workspace
// order (so two replicas claiming the same pass wait on each other row by
// row, never deadlock); a conflict means the period already ran for that
// workspace (or runs now on another replica, whose transaction holds the
// row and whose commit this insert waits for).
func (t *tx) ClaimJobRuns(ctx context.Context, job string, runs []core.JobClaim, at time.Time) (_ []int64, err error) {
	defer wrap(&err, "claim job runs(%s, %d workspaces)", job, len(runs))
	ids, periods := make([]int64, len(runs)), make([]string, len(runs))
	for i, r := range runs {
		ids[i], periods[i] = r.WorkspaceID, r.Period
	}
	rows, err := t.q.Query(ctx, `
		INSERT INTO job_runs (job, workspace_id, period, started_at, finished_at)
		SELECT $1, c.ws, c.period, $4, $4 FROM unnest($2::bigint[], $3::text[]) AS c(ws, period) ORDER BY c.ws
		ON CONFLICT DO NOTHING
		RETURNING workspace_id`, job, ids, periods, at)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
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

// PreviousJobRuns reads, per workspace, the job's latest run before at,
// backwards through job_runs_workspace_idx.
func (t *tx) PreviousJobRuns(ctx context.Context, job string, workspaceIDs []int64, at time.Time) (_ map[int64]time.Time, err error) {
	defer wrap(&err, "previous job runs(%s, %d workspaces)", job, len(workspaceIDs))
	rows, err := t.q.Query(ctx, `
		SELECT w.ws, j.started_at FROM unnest($2::bigint[]) AS w (ws)
		CROSS JOIN LATERAL (
			SELECT j.started_at FROM job_runs j
			WHERE j.workspace_id = w.ws AND j.job = $1 AND j.started_at < $3
			ORDER BY j.started_at DESC LIMIT 1
		) j`, job, workspaceIDs, at)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]time.Time, len(workspaceIDs))
	var ws int64
	var started time.Time
	_, err = pgx.ForEachRow(rows, []any{&ws, &started}, func() error { out[ws] = started; return nil })
	return out, err
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
