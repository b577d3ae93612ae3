package postgres

import (
	"context"
	"time"

	"github.com/referbot/referbot/core"
)

// Partnership reads a pair's partnership, locked until the transaction ends.
func (t *tx) Partnership(ctx context.Context, workspaceID, a, b int64) (_ *core.Partnership, err error) {
	defer wrap(&err, "partnership(%d, %d, %d)", workspaceID, a, b)
	if a > b {
		a, b = b, a
	}
	var (
		p             core.Partnership
		last, nextDue *time.Time
	)
	err = t.q.QueryRow(ctx, `
		SELECT id, workspace_id, member_a, member_b, type, trust, cadence_days, last_touch, next_due, created_at
		FROM partnerships WHERE workspace_id = $1 AND member_a = $2 AND member_b = $3
		FOR UPDATE`, workspaceID, a, b).Scan(&p.ID, &p.WorkspaceID, &p.MemberA, &p.MemberB, &p.Type,
		&p.Trust, &p.CadenceDays, &last, &nextDue, &p.CreatedAt)
	if err != nil {
		return nil, err
	}
	p.LastTouch, p.NextDue = timeOf(last), timeOf(nextDue)
	return &p, nil
}

// SavePartnership inserts a new partnership (ID 0) or updates one. Two
// first touches between the same pair at once both succeed: the later
// insert becomes an update of the touch times and keeps the terms.
func (t *tx) SavePartnership(ctx context.Context, p *core.Partnership) (err error) {
	defer wrap(&err, "save partnership(%d, %d, %d)", p.WorkspaceID, p.MemberA, p.MemberB)
	if p.MemberA > p.MemberB {
		p.MemberA, p.MemberB = p.MemberB, p.MemberA
	}
	if p.ID == 0 {
		return t.q.QueryRow(ctx, `
			INSERT INTO partnerships AS p (workspace_id, member_a, member_b, type, trust, cadence_days,
				last_touch, next_due, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, now()))
			ON CONFLICT (workspace_id, member_a, member_b) DO UPDATE
				SET last_touch = excluded.last_touch, next_due = excluded.next_due
			RETURNING id, created_at`,
			p.WorkspaceID, p.MemberA, p.MemberB, orDefault(p.Type, core.Advocate), max(p.Trust, 1),
			p.CadenceDays, nullTime(p.LastTouch), nullTime(p.NextDue), nullTime(p.CreatedAt),
		).Scan(&p.ID, &p.CreatedAt)
	}
	tag, err := t.q.Exec(ctx, `
		UPDATE partnerships SET type = $3, trust = $4, cadence_days = $5, last_touch = $6, next_due = $7
		WHERE workspace_id = $1 AND id = $2`,
		p.WorkspaceID, p.ID, orDefault(p.Type, core.Advocate), max(p.Trust, 1), p.CadenceDays,
		nullTime(p.LastTouch), nullTime(p.NextDue))
	if err == nil && tag.RowsAffected() == 0 {
		err = notFound()
	}
	return err
}

func (t *tx) AddTouchpoint(ctx context.Context, workspaceID int64, tp *core.Touchpoint) (err error) {
	defer wrap(&err, "add touchpoint(%d, %d)", workspaceID, tp.PartnershipID)
	return t.q.QueryRow(ctx, `
		INSERT INTO touchpoints (workspace_id, partnership_id, actor_id, kind, note, at)
		VALUES ($1, $2, $3, $4, $5, COALESCE($6, now()))
		RETURNING id, at`,
		workspaceID, tp.PartnershipID, tp.ActorID, tp.Kind, tp.Note, nullTime(tp.At)).Scan(&tp.ID, &tp.At)
}

// SetCadence sets the cadence of all a member's partnerships in one
// statement and moves their next touchpoint from the last one.
func (t *tx) SetCadence(ctx context.Context, workspaceID, memberID int64, days int) (err error) {
	defer wrap(&err, "set cadence(%d, %d)", workspaceID, memberID)
	_, err = t.q.Exec(ctx, `
		UPDATE partnerships SET cadence_days = $3,
			next_due = COALESCE(last_touch, created_at) + make_interval(days => $3)
		WHERE workspace_id = $1 AND (member_a = $2 OR member_b = $2)`, workspaceID, memberID, days)
	return err
}
