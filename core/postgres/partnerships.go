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
	// Only the rows that change are written: a busy member has thousands
	// of partnerships (4,803 in make bench-scale's biggest chapter, 1.4 s
	// to rewrite), and setting the cadence they have changes none.
	_, err = t.q.Exec(ctx, `
		UPDATE partnerships SET cadence_days = $3,
			next_due = COALESCE(last_touch, created_at) + make_interval(days => $3)
		WHERE workspace_id = $1 AND (member_a = $2 OR member_b = $2)
			AND (cadence_days IS DISTINCT FROM $3
				OR next_due IS DISTINCT FROM COALESCE(last_touch, created_at) + make_interval(days => $3))`,
		workspaceID, memberID, days)
	return err
}

// Touch moves the pair's partnership on and adds the touchpoint in one
// statement, sent with the transaction's next one (see pipe). A known
// pair (nearly every touch) is updated in place: no insert attempted and
// given up, no cadence looked up. A new pair's cadence is the shorter of
// the members' own (or defaultCadence); a cadence that is not positive is
// 30 days. Two first touches of a pair at once both succeed: the later
// insert becomes an update, as SavePartnership's.
func (t *tx) Touch(ctx context.Context, workspaceID, a, b int64, defaultCadence int, tp core.Touchpoint) error {
	if a > b {
		a, b = b, a
	}
	t.pipe.later(`
		WITH known AS (
			UPDATE partnerships AS p SET
				cadence_days = CASE WHEN p.cadence_days > 0 THEN p.cadence_days ELSE 30 END,
				last_touch = $5,
				next_due = $5::timestamptz + make_interval(days => CASE WHEN p.cadence_days > 0 THEN p.cadence_days ELSE 30 END)
			WHERE p.workspace_id = $1 AND p.member_a = $2 AND p.member_b = $3
			RETURNING p.id
		), cadence AS (
			SELECT COALESCE(min(w.days) FILTER (WHERE w.days > 0), 30) AS days
			FROM (SELECT COALESCE(NULLIF(m.cadence_days, 0), $4::int) AS days
				FROM members m WHERE m.workspace_id = $1 AND m.id IN ($2, $3)) w
		), added AS (
			INSERT INTO partnerships AS p (workspace_id, member_a, member_b, type, trust, cadence_days,
				last_touch, next_due, created_at)
			SELECT $1, $2, $3, 'advocate', 1, c.days, $5, $5::timestamptz + make_interval(days => c.days), $5
			FROM cadence c
			WHERE NOT EXISTS (SELECT 1 FROM known)
			ON CONFLICT (workspace_id, member_a, member_b) DO UPDATE SET
				cadence_days = CASE WHEN p.cadence_days > 0 THEN p.cadence_days ELSE 30 END,
				last_touch = excluded.last_touch,
				next_due = excluded.last_touch + make_interval(days => CASE WHEN p.cadence_days > 0 THEN p.cadence_days ELSE 30 END)
			RETURNING p.id
		)
		INSERT INTO touchpoints (workspace_id, partnership_id, actor_id, kind, note, at)
		SELECT $1, p.id, $6, $7, $8, $5 FROM (SELECT id FROM known UNION ALL SELECT id FROM added) p`,
		workspaceID, a, b, defaultCadence, tp.At, tp.ActorID, tp.Kind, tp.Note)
	return nil
}
