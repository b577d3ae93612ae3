package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// The dashboard's sign-in links and sessions (core/signin.go), in
// dashboard_links and dashboard_secrets (migration 015).

func (t *tx) DashboardSecret(ctx context.Context, workspaceID int64, fresh []byte) (_ []byte, err error) {
	defer wrap(&err, "dashboard secret(%d)", workspaceID)
	// Two statements: under READ COMMITTED the SELECT sees a secret a
	// concurrent replica committed while this INSERT waited on it.
	if _, err := t.q.Exec(ctx, `
		INSERT INTO dashboard_secrets (workspace_id, secret)
		SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM workspaces WHERE id = $1)
		ON CONFLICT (workspace_id) DO NOTHING`, workspaceID, fresh); err != nil {
		return nil, err
	}
	var secret []byte
	err = t.q.QueryRow(ctx, `SELECT secret FROM dashboard_secrets WHERE workspace_id = $1`, workspaceID).Scan(&secret)
	return secret, err
}

func (t *tx) AddSignInLink(ctx context.Context, l core.SignInRecord) (err error) {
	defer wrap(&err, "add sign-in link(%d, %d)", l.WorkspaceID, l.MemberID)
	b := &pgx.Batch{}
	b.Queue(`
		DELETE FROM dashboard_links
		WHERE workspace_id = $1 AND member_id = $2
			AND (ended_at IS NOT NULL OR session_until <= $3 OR (used_at IS NULL AND expires_at <= $3))`,
		l.WorkspaceID, l.MemberID, l.IssuedAt)
	b.Queue(`
		INSERT INTO dashboard_links (workspace_id, id, member_id, issued_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, l.WorkspaceID, l.ID, l.MemberID, l.IssuedAt, l.ExpiresAt)
	return t.q.SendBatch(ctx, b).Close()
}

func (t *tx) UseSignInLink(ctx context.Context, workspaceID int64, id string, memberID int64, at, until time.Time) (_ bool, err error) {
	defer wrap(&err, "use sign-in link(%d)", workspaceID)
	tag, err := t.q.Exec(ctx, `
		UPDATE dashboard_links SET used_at = $4, session_until = $5
		WHERE workspace_id = $1 AND id = $2 AND member_id = $3
			AND used_at IS NULL AND ended_at IS NULL AND expires_at > $4`,
		workspaceID, id, memberID, at, until)
	return err == nil && tag.RowsAffected() == 1, err
}

func (t *tx) SignInLink(ctx context.Context, workspaceID int64, id string) (_ *core.SignInRecord, err error) {
	defer wrap(&err, "sign-in link(%d)", workspaceID)
	var (
		l                      core.SignInRecord
		usedAt, until, endedAt *time.Time
	)
	err = t.q.QueryRow(ctx, `
		SELECT workspace_id, id, member_id, issued_at, expires_at, used_at, session_until, ended_at
		FROM dashboard_links WHERE workspace_id = $1 AND id = $2`, workspaceID, id).
		Scan(&l.WorkspaceID, &l.ID, &l.MemberID, &l.IssuedAt, &l.ExpiresAt, &usedAt, &until, &endedAt)
	if err != nil {
		return nil, err
	}
	l.UsedAt, l.SessionUntil, l.EndedAt = timeOf(usedAt), timeOf(until), timeOf(endedAt)
	return &l, nil
}

func (t *tx) EndSignIns(ctx context.Context, workspaceID, memberID int64, id string, at time.Time) (err error) {
	defer wrap(&err, "end sign-ins(%d, %d)", workspaceID, memberID)
	_, err = t.q.Exec(ctx, `
		UPDATE dashboard_links SET ended_at = $4
		WHERE workspace_id = $1 AND member_id = $2 AND ($3 = '' OR id = $3) AND ended_at IS NULL`,
		workspaceID, memberID, id, at)
	return err
}
