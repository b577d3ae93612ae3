package postgres

import (
	"context"

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
