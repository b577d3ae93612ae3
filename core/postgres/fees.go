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

// feeWhere selects the fees of q ($1 workspace, $2 statuses, $3 member,
// $4 and $5 the period) of r through referrals_fee_amounts_idx (migration
// 026), and orders them newest first.
func feeWhere(q core.FeeQuery) (where, order string, args []any) {
	statuses := make([]string, len(q.Statuses))
	for i, s := range q.Statuses {
		statuses[i] = string(s)
	}
	at := "r.closed_at"
	if q.ByPaidAt {
		at = "COALESCE(r.fee_paid_at, r.closed_at)"
	}
	from, to := bounds(q.Period)
	return `
		WHERE r.workspace_id = $1 AND r.fee_status <> 'none' AND r.fee_status = ANY($2)
			AND ($3::bigint = 0 OR $3 IN (r.referrer_id, r.receiver_id, r.co_owner_id))
			AND ` + at + ` >= $4 AND ` + at + ` < $5`,
		`
		ORDER BY ` + at + ` DESC, r.id DESC`, []any{statuses, q.MemberID, from, to}
}

// Fees lists referrals with a money fee in q's statuses whose deal was
// won (or, with ByPaidAt, whose fee was paid) in q's period: a member's
// (as referrer, receiver or co-owner), or everyone's. With a Limit, the
// newest are picked from the index alone, then read in full.
func (t *tx) Fees(ctx context.Context, workspaceID int64, q core.FeeQuery) (_ []core.Referral, err error) {
	defer wrap(&err, "fees(%d, member %d)", workspaceID, q.MemberID)
	where, order, args := feeWhere(q)
	args = append([]any{workspaceID}, args...)
	if q.Limit > 0 {
		where = `
		WHERE r.workspace_id = $1 AND r.id IN (SELECT r.id FROM referrals r` + where + order + ` LIMIT $6)`
		args = append(args, q.Limit)
	}
	rows, err := t.q.Query(ctx, referralFrom+where+order, args...)
	return collectReferrals(rows, err)
}

// FeeAmounts reads the fees Fees lists with only the columns their sums
// need, from referrals_fee_amounts_idx alone: an admin's totals count
// every fee of all time, and the page lists the newest.
func (t *tx) FeeAmounts(ctx context.Context, workspaceID int64, q core.FeeQuery) (_ []core.Referral, err error) {
	defer wrap(&err, "fee amounts(%d, member %d)", workspaceID, q.MemberID)
	where, _, args := feeWhere(q) // sums need no order
	rows, err := t.q.Query(ctx, `
	SELECT r.referrer_id, COALESCE(r.receiver_id, 0), COALESCE(r.co_owner_id, 0), rf.display_name, COALESCE(rc.display_name, ''),
		r.fee_kind, r.fee_basis_points, r.fee_fixed_cents, r.fee_currency, r.fee_status,
		COALESCE(r.won_value_cents, 0), COALESCE(r.won_currency, ''), r.amounts_private
	FROM referrals r
	JOIN members rf ON rf.workspace_id = r.workspace_id AND rf.id = r.referrer_id
	LEFT JOIN members rc ON rc.workspace_id = r.workspace_id AND rc.id = r.receiver_id`+where,
		append([]any{workspaceID}, args...)...)
	return collect(rows, err, func(row pgx.Row) (*core.Referral, error) {
		var r core.Referral
		return &r, row.Scan(&r.ReferrerID, &r.ReceiverID, &r.CoOwnerID, &r.ReferrerName, &r.ReceiverName,
			&r.Fee.Kind, &r.Fee.BasisPts, &r.Fee.FixedCents, &r.Fee.Currency, &r.FeeStatus,
			&r.WonValue.Cents, &r.WonValue.Currency, &r.AmountsPrivate)
	})
}

// firstWinsSQL ($1 workspace, $2 the members) reads each member's first
// confirmed won deal as member_first_wins keeps it (migration 029): one
// row a member, not three index probes.
const firstWinsSQL = `
SELECT f.member_id, f.code, f.closed_at, f.gave
FROM member_first_wins f
WHERE f.workspace_id = $1 AND f.member_id = ANY ($2::bigint[]) AND f.closed_at IS NOT NULL`

// FirstWins returns, for each of the members with one, the first won deal
// whose value its referrer confirmed among those the member referred,
// received or co-owned; Name is left for core to fill in.
func (t *tx) FirstWins(ctx context.Context, workspaceID int64, memberIDs []int64) (_ []core.FirstWin, err error) {
	defer wrap(&err, "first wins(%d)", workspaceID)
	if len(memberIDs) == 0 {
		return nil, nil
	}
	rows, err := t.q.Query(ctx, firstWinsSQL, workspaceID, memberIDs)
	return collect(rows, err, func(row pgx.Row) (*core.FirstWin, error) {
		var f core.FirstWin
		return &f, row.Scan(&f.MemberID, &f.Code, &f.At, &f.Gave)
	})
}
