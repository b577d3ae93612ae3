package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/referbot/referbot/core"
)

// ReferralsAfter reads the next page of a stream of the referrals f
// selects (core.StreamReferrals): keyset pagination on (created_at, id),
// so each page is one probe of referrals_created_idx from where the last
// one stopped, however deep into the history it is (an OFFSET would read
// every row before it again).
func (t *tx) ReferralsAfter(ctx context.Context, workspaceID int64, f core.ReferralFilter, key core.ReferralKey) (_ []core.Referral, err error) {
	defer wrap(&err, "referrals after(%d, %d)", workspaceID, key.ID)
	where, args := referralConds(workspaceID, f)
	if !key.CreatedAt.IsZero() {
		// Spelled out rather than (created_at, id) < (…): the index has no
		// id, and this form gives it created_at <= $n as its bound.
		args = append(args, key.CreatedAt, key.ID)
		at, id := fmt.Sprintf("$%d", len(args)-1), fmt.Sprintf("$%d", len(args))
		where = append(where, "r.created_at <= "+at, "(r.created_at < "+at+" OR r.id < "+id+")")
	}
	q := referralFrom + " WHERE " + strings.Join(where, " AND ") + " ORDER BY r.created_at DESC, r.id DESC"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	rows, err := t.q.Query(ctx, q, args...)
	return collectReferrals(rows, err)
}

// referralConds are the conditions on referrals r that f selects, with
// their arguments ($1 the workspace).
func referralConds(workspaceID int64, f core.ReferralFilter) (where []string, args []any) {
	from, to := bounds(f.Period)
	args = []any{workspaceID, from, to}
	where = []string{"r.workspace_id = $1", "r.created_at >= $2", "r.created_at < $3"}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ss[i] = string(s)
		}
		where = append(where, "r.status = ANY("+arg(ss)+")")
	}
	if f.PartnerID != 0 {
		m := arg(f.PartnerID)
		where = append(where, "(r.referrer_id = "+m+" OR r.receiver_id = "+m+" OR r.co_owner_id = "+m+")")
	}
	if f.Tag != "" {
		where = append(where, "r.tags @> ARRAY["+arg(f.Tag)+"]::text[]")
	}
	return where, args
}
