package postgres

import (
	"context"
	"fmt"
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
// sent to them. The outbox is scrubbed too (see forgetInOutbox).
func (t *tx) ForgetMember(ctx context.Context, workspaceID, memberID int64) (err error) {
	defer wrap(&err, "forget member(%d, %d)", workspaceID, memberID)
	// Who they were, to find them in the outbox's payloads below.
	var name, userID string
	if err := t.q.QueryRow(ctx, `
		SELECT display_name, user_id FROM members WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
		workspaceID, memberID).Scan(&name, &userID); err != nil {
		return err
	}
	if _, err := t.q.Exec(ctx, `
		UPDATE members SET display_name = $3, user_id = 'forgotten-' || id, status = 'forgotten',
			buddy_id = NULL, muted = true, role = 'member'
		WHERE workspace_id = $1 AND id = $2`, workspaceID, memberID, formerMember); err != nil {
		return err
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
	if err := t.DropPendingNotices(ctx, workspaceID, memberID, "the recipient erased their data"); err != nil {
		return err
	}
	return t.forgetInOutbox(ctx, workspaceID, memberID, name, userID)
}

// formerMember is what an erased member is called from then on.
const formerMember = "former member"

// forgetInOutbox takes an erased member out of the outbox, in which every
// notice is a snapshot taken when it was queued:
//   - what was sent to them goes (the platform has it; nothing here needs
//     it any more: they are no party of anything now, so no card of
//     theirs is edited again); what was not (failed, or in a sender's
//     hands this very moment) keeps only its kind and that it was for a
//     former member, so /refer undelivered still counts it but shows no
//     client, no note and no name;
//   - the thank-you text they wrote goes from the notices that carry it,
//     as it goes from the thanks table;
//   - everywhere else (notices to others, channel posts, whatever their
//     status) their name and platform id are replaced wherever they stand
//     as a whole value: the actor, a referral's party names, Pick choices,
//     digests' lists. Another member of the same name is renamed in old
//     notices too: a name is all a notice's actor has, and erring towards
//     erasure is the safe side.
//
// Referral snapshots in notices to others stay: they are those members'
// own view of referrals they are parties to, which the referrals table
// keeps anyway. This reads the workspace's outbox rows once (forget is
// rare, and retention keeps the outbox bounded).
func (t *tx) forgetInOutbox(ctx context.Context, workspaceID, memberID int64, name, userID string) error {
	if _, err := t.q.Exec(ctx, `
		DELETE FROM outbox WHERE workspace_id = $1 AND recipient_member_id = $2 AND status = 'sent'`,
		workspaceID, memberID); err != nil {
		return err
	}
	if _, err := t.q.Exec(ctx, `
		UPDATE outbox SET payload = jsonb_build_object('kind', kind,
			'to', jsonb_build_object('member_id', recipient_member_id, 'name', $3::text))
		WHERE workspace_id = $1 AND recipient_member_id = $2`, workspaceID, memberID, formerMember); err != nil {
		return err
	}
	if _, err := t.q.Exec(ctx, `
		UPDATE outbox SET payload = payload - 'text'
		WHERE workspace_id = $1 AND kind = ANY($2) AND payload->>'actor' = $3 AND payload ? 'text'`,
		workspaceID, []string{string(core.NoticeThanks), string(core.NoticeThanksDM)}, name); err != nil {
		return err
	}
	for _, r := range []struct{ old, new string }{
		{name, formerMember},
		{userID, fmt.Sprint("forgotten-", memberID)},
	} {
		if r.old == "" || r.old == r.new {
			continue
		}
		if _, err := t.q.Exec(ctx, `
			UPDATE outbox SET payload = jsonb_replace_string(payload, $2, $3)
			WHERE workspace_id = $1 AND strpos(payload::text, to_jsonb($2::text)::text) > 0`,
			workspaceID, r.old, r.new); err != nil {
			return err
		}
	}
	return nil
}

// DropPendingNotices fails every notice still waiting for the member.
func (t *tx) DropPendingNotices(ctx context.Context, workspaceID, memberID int64, reason string) (err error) {
	defer wrap(&err, "drop pending notices(%d, %d)", workspaceID, memberID)
	_, err = t.q.Exec(ctx, `
		UPDATE outbox SET status = 'failed', last_error = $3
		WHERE workspace_id = $1 AND recipient_member_id = $2 AND status = 'pending'`, workspaceID, memberID, reason)
	return err
}
