package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/referbot/referbot/core"
)

// bounds are a period's ends as PostgreSQL compares them: a zero From is
// minus infinity, a zero To infinity.
func bounds(p core.Period) (from, to pgtype.Timestamptz) {
	from, to = pgtype.Timestamptz{Time: p.From, Valid: true}, pgtype.Timestamptz{Time: p.To, Valid: true}
	if p.From.IsZero() {
		from = pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	if p.To.IsZero() {
		to = pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}
	}
	return from, to
}

// Fees lists referrals with a money fee in q's statuses whose deal was
// won (or, with ByPaidAt, whose fee was paid) in q's period: a member's
// (as referrer, receiver or co-owner), or everyone's.
func (t *tx) Fees(ctx context.Context, workspaceID int64, q core.FeeQuery) (_ []core.Referral, err error) {
	defer wrap(&err, "fees(%d, member %d)", workspaceID, q.MemberID)
	statuses := make([]string, len(q.Statuses))
	for i, s := range q.Statuses {
		statuses[i] = string(s)
	}
	at := "r.closed_at"
	if q.ByPaidAt {
		at = "COALESCE(r.fee_paid_at, r.closed_at)"
	}
	from, to := bounds(q.Period)
	rows, err := t.q.Query(ctx, referralFrom+`
		WHERE r.workspace_id = $1 AND r.fee_status <> 'none' AND r.fee_status = ANY($2)
			AND ($3::bigint = 0 OR $3 IN (r.referrer_id, r.receiver_id, r.co_owner_id))
			AND `+at+` >= $4 AND `+at+` < $5
		ORDER BY `+at+` DESC, r.id DESC`,
		workspaceID, statuses, q.MemberID, from, to)
	return collectReferrals(rows, err)
}

// PeriodReferrals returns the referrals created in p and those won in p
// whose referrer confirmed the value, oldest first.
func (t *tx) PeriodReferrals(ctx context.Context, workspaceID int64, p core.Period) (_ []core.Referral, err error) {
	defer wrap(&err, "period referrals(%d)", workspaceID)
	from, to := bounds(p)
	rows, err := t.q.Query(ctx, referralFrom+`
		WHERE r.workspace_id = $1 AND (
			(r.created_at >= $2 AND r.created_at < $3)
			OR (r.status = 'won' AND r.won_confirmation = 'confirmed' AND r.closed_at >= $2 AND r.closed_at < $3))
		ORDER BY r.created_at, r.id`,
		workspaceID, from, to)
	return collectReferrals(rows, err)
}

// FirstWins returns, per member, the first won deal whose value its
// referrer confirmed among those the member referred, received or
// co-owned; Name is left for core to fill in.
func (t *tx) FirstWins(ctx context.Context, workspaceID int64) (_ []core.FirstWin, err error) {
	defer wrap(&err, "first wins(%d)", workspaceID)
	rows, err := t.q.Query(ctx, `
		SELECT DISTINCT ON (p.id) p.id, r.code, r.closed_at, p.gave
		FROM referrals r
		CROSS JOIN LATERAL (VALUES (r.referrer_id, true), (r.receiver_id, false), (r.co_owner_id, false)) AS p (id, gave)
		WHERE r.workspace_id = $1 AND r.status = 'won' AND r.won_confirmation = 'confirmed' AND p.id IS NOT NULL
		ORDER BY p.id, r.closed_at, r.id, p.gave DESC`, workspaceID)
	return collect(rows, err, func(row pgx.Row) (*core.FirstWin, error) {
		var f core.FirstWin
		return &f, row.Scan(&f.MemberID, &f.Code, &f.At, &f.Gave)
	})
}
