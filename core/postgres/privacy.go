package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// Partnerships lists the member's partnerships, most recently touched first.
func (t *tx) Partnerships(ctx context.Context, workspaceID, memberID int64) (_ []core.Partnership, err error) {
	defer wrap(&err, "partnerships(%d, %d)", workspaceID, memberID)
	rows, err := t.q.Query(ctx, `
		SELECT id, workspace_id, member_a, member_b, type, trust, cadence_days, last_touch, next_due, created_at
		FROM partnerships WHERE workspace_id = $1 AND (member_a = $2 OR member_b = $2)
		ORDER BY last_touch DESC NULLS LAST, id`, workspaceID, memberID)
	return collectPartnerships(rows, err)
}

func collectPartnerships(rows pgx.Rows, err error) ([]core.Partnership, error) {
	return collect(rows, err, func(row pgx.Row) (*core.Partnership, error) {
		var p core.Partnership
		var last, next *time.Time
		if err := row.Scan(&p.ID, &p.WorkspaceID, &p.MemberA, &p.MemberB, &p.Type, &p.Trust, &p.CadenceDays,
			&last, &next, &p.CreatedAt); err != nil {
			return nil, err
		}
		p.LastTouch, p.NextDue = timeOf(last), timeOf(next)
		return &p, nil
	})
}

// ThanksOf lists the thank-yous a member gave or received, oldest first.
func (t *tx) ThanksOf(ctx context.Context, workspaceID, memberID int64) (_ []core.Thanks, err error) {
	defer wrap(&err, "thanks of(%d, %d)", workspaceID, memberID)
	rows, err := t.q.Query(ctx, `
		SELECT id, referral_id, from_id, to_id, message, at, retracted_at FROM thanks
		WHERE workspace_id = $1 AND (from_id = $2 OR to_id = $2) ORDER BY at, id`, workspaceID, memberID)
	return collect(rows, err, func(row pgx.Row) (*core.Thanks, error) {
		var th core.Thanks
		var retracted *time.Time
		err := row.Scan(&th.ID, &th.ReferralID, &th.FromID, &th.ToID, &th.Message, &th.At, &retracted)
		th.RetractedAt = timeOf(retracted)
		return &th, err
	})
}

// ForgetMember erases a member's personal data and keeps the anonymised
// rows, so the network's counts and the other parties' histories stand:
// the name and platform id go, as do the profile, the free text they
// wrote and the client contacts of leads nobody took, and nothing more is
// sent to them.
func (t *tx) ForgetMember(ctx context.Context, workspaceID, memberID int64) (err error) {
	defer wrap(&err, "forget member(%d, %d)", workspaceID, memberID)
	tag, err := t.q.Exec(ctx, `
		UPDATE members SET display_name = 'former member', user_id = 'forgotten-' || id, status = 'forgotten',
			buddy_id = NULL, muted = true, role = 'member'
		WHERE workspace_id = $1 AND id = $2`, workspaceID, memberID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return notFound()
	}
	for _, q := range []string{
		`UPDATE members SET buddy_id = NULL WHERE workspace_id = $1 AND buddy_id = $2`,
		`DELETE FROM profiles WHERE workspace_id = $1 AND member_id = $2`,
		`UPDATE thanks SET message = '' WHERE workspace_id = $1 AND from_id = $2`,
		`UPDATE feedback SET comment = '' WHERE workspace_id = $1 AND member_id = $2`,
		`UPDATE touchpoints SET note = '' WHERE workspace_id = $1 AND actor_id = $2`,
		`UPDATE referrals SET client_contact = NULL, consent = false
			WHERE workspace_id = $1 AND referrer_id = $2 AND receiver_id IS NULL`,
	} {
		if _, err := t.q.Exec(ctx, q, workspaceID, memberID); err != nil {
			return err
		}
	}
	return t.DropPendingNotices(ctx, workspaceID, memberID, "the recipient erased their data")
}

// DropPendingNotices fails every notice still waiting for the member.
func (t *tx) DropPendingNotices(ctx context.Context, workspaceID, memberID int64, reason string) (err error) {
	defer wrap(&err, "drop pending notices(%d, %d)", workspaceID, memberID)
	_, err = t.q.Exec(ctx, `
		UPDATE outbox SET status = 'failed', last_error = $3
		WHERE workspace_id = $1 AND recipient_member_id = $2 AND status = 'pending'`, workspaceID, memberID, reason)
	return err
}
