package postgres

import (
	"context"
	"time"

	"github.com/referbot/referbot/core"
)

// eventArgs are the parameters $1 to $11 of an event's INSERT: what every
// event records, then the event an undo reverts and the won value a move
// to won or a correction recorded (NULL when none).
func eventArgs(workspaceID int64, e *core.Event) []any {
	var cents *int64
	var currency *string
	if !e.Value.IsZero() {
		cents, currency = &e.Value.Cents, nullText(e.Value.Currency)
	}
	return []any{workspaceID, e.ReferralID, e.Kind, nullText(string(e.From)), e.To, nullID(e.ActorID), e.Note,
		nullTime(e.At), nullID(e.Undoes), cents, currency}
}

// RetractThanks marks the standing thank-you withdrawn; the row stays.
func (t *tx) RetractThanks(ctx context.Context, workspaceID, referralID, fromID int64, at time.Time) (err error) {
	defer wrap(&err, "retract thanks(%d, %d, %d)", workspaceID, referralID, fromID)
	tag, err := t.q.Exec(ctx, `
		UPDATE thanks SET retracted_at = $4
		WHERE workspace_id = $1 AND referral_id = $2 AND from_id = $3 AND retracted_at IS NULL`,
		workspaceID, referralID, fromID, at)
	if err == nil && tag.RowsAffected() == 0 {
		err = notFound()
	}
	return err
}

// RemoveFeedback deletes a party's feedback on a referral.
func (t *tx) RemoveFeedback(ctx context.Context, workspaceID, referralID, memberID int64) (err error) {
	defer wrap(&err, "remove feedback(%d, %d, %d)", workspaceID, referralID, memberID)
	tag, err := t.q.Exec(ctx, `DELETE FROM feedback WHERE workspace_id = $1 AND referral_id = $2 AND member_id = $3`,
		workspaceID, referralID, memberID)
	if err == nil && tag.RowsAffected() == 0 {
		err = notFound()
	}
	return err
}
