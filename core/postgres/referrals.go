package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// amountsPrivateSQL is true when a party of the referral r keeps amounts
// private. It is the referral's own column, kept current in the same
// transaction by triggers (migration 016) whenever its parties or their
// setting change — the same answer as asking the parties, without a
// probe of members for every referral read (50,000 of them for an
// all-time CSV). The oracle tests still ask the parties.
const amountsPrivateSQL = `r.amounts_private`

// referralFrom reads a referral r with its parties' names. Whether it was
// thanked is a scalar subquery, one index probe per referral: as EXISTS,
// stale statistics made it a hashed subplan over every thanks row. Members
// are joined on (workspace_id, id), never id alone.
const referralFrom = `
	SELECT r.id, r.workspace_id, r.code, r.referrer_id, r.receiver_id, r.co_owner_id, r.client_name,
		r.client_contact, r.consent, r.need, r.tags, r.estimate_cents, r.estimate_currency, r.temperature,
		r.status, r.fee_kind, r.fee_basis_points, r.fee_fixed_cents, r.fee_status, r.won_value_cents,
		r.won_currency, r.lost_reason, r.decline_reason, r.expires_at, r.created_at, r.updated_at,
		r.accepted_at, r.closed_at, r.fee_currency, r.won_confirmation, r.fee_paid_at,
		rf.display_name, COALESCE(rc.display_name, ''), COALESCE(co.display_name, ''),
		(SELECT th.id FROM thanks th WHERE th.workspace_id = r.workspace_id AND th.referral_id = r.id
			AND th.retracted_at IS NULL LIMIT 1) IS NOT NULL, ` + amountsPrivateSQL + `
	FROM referrals r
	JOIN members rf ON rf.workspace_id = r.workspace_id AND rf.id = r.referrer_id
	LEFT JOIN members rc ON rc.workspace_id = r.workspace_id AND rc.id = r.receiver_id
	LEFT JOIN members co ON co.workspace_id = r.workspace_id AND co.id = r.co_owner_id`

func scanReferral(row pgx.Row) (*core.Referral, error) {
	var (
		r                           core.Referral
		receiver, coOwner, wonCents *int64
		contact, wonCurrency        *string
		expires, accepted, closed   *time.Time
		feePaid                     *time.Time
	)
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.Code, &r.ReferrerID, &receiver, &coOwner, &r.ClientName,
		&contact, &r.Consent, &r.Need, &r.Tags, &r.Estimate.Cents, &r.Estimate.Currency, &r.Temperature,
		&r.Status, &r.Fee.Kind, &r.Fee.BasisPts, &r.Fee.FixedCents, &r.FeeStatus, &wonCents,
		&wonCurrency, &r.LostReason, &r.DeclineReason, &expires, &r.CreatedAt, &r.UpdatedAt,
		&accepted, &closed, &r.Fee.Currency, &r.WonConfirmation, &feePaid,
		&r.ReferrerName, &r.ReceiverName, &r.CoOwnerName, &r.Thanked, &r.AmountsPrivate)
	if err != nil {
		return nil, err
	}
	r.ReceiverID, r.CoOwnerID = int64Of(receiver), int64Of(coOwner)
	r.ClientContact = strOf(contact)
	r.WonValue = core.Money{Cents: int64Of(wonCents), Currency: strOf(wonCurrency)}
	r.ExpiresAt, r.AcceptedAt, r.ClosedAt = timeOf(expires), timeOf(accepted), timeOf(closed)
	r.FeePaidAt = timeOf(feePaid)
	if len(r.Tags) == 0 {
		r.Tags = nil
	}
	return &r, nil
}

func collectReferrals(rows pgx.Rows, err error) ([]core.Referral, error) {
	return collect(rows, err, scanReferral)
}

// wonValue is NULL until a value is recorded.
func wonValue(m core.Money) (*int64, *string) {
	if m.Cents == 0 && m.Currency == "" {
		return nil, nil
	}
	return &m.Cents, nullText(m.Currency)
}

// InsertReferral inserts r under a code of its workspace taken from the
// process's block of codes (see codes): no lock that other referrals of
// the workspace wait for. A rollback gives the code back. It reads back
// whether r's amounts are private (the column the BEFORE trigger of
// migration 016 sets from the parties' setting). first, if not nil, is
// r's first event, appended by the same statement: a referral and its
// history cost one round trip.
func (t *tx) InsertReferral(ctx context.Context, r *core.Referral, first *core.Event) (err error) {
	defer wrap(&err, "insert referral(%d)", r.WorkspaceID)
	code, err := t.db.codes.take(ctx, r.WorkspaceID)
	if err != nil {
		return err
	}
	t.undo = append(t.undo, func() { t.db.codes.giveBack(r.WorkspaceID, code) })
	wonCents, wonCur := wonValue(r.WonValue)
	args := []any{r.WorkspaceID, r.ReferrerID, nullID(r.ReceiverID), nullID(r.CoOwnerID), r.ClientName,
		nullText(r.ClientContact), r.Consent, r.Need, texts(r.Tags), r.Estimate.Cents, r.Estimate.Currency,
		orDefault(r.Temperature, core.Warm), r.Status, orDefault(r.Fee.Kind, core.FeeNone), r.Fee.BasisPts,
		r.Fee.FixedCents, orDefault(r.FeeStatus, core.FeeNotDue), wonCents, wonCur, r.LostReason,
		r.DeclineReason, nullTime(r.ExpiresAt), nullTime(r.CreatedAt), nullTime(r.UpdatedAt),
		nullTime(r.AcceptedAt), nullTime(r.ClosedAt), r.Fee.Currency,
		orDefault(r.WonConfirmation, core.NotWon), nullTime(r.FeePaidAt), code}
	if first == nil {
		return t.q.QueryRow(ctx, insertReferralSQL+`
			RETURNING id, code, created_at, updated_at, amounts_private`, args...).
			Scan(&r.ID, &r.Code, &r.CreatedAt, &r.UpdatedAt, &r.AmountsPrivate)
	}
	// The event's columns after workspace and referral, as AppendEvent's.
	args = append(args, eventArgs(r.WorkspaceID, first)[2:]...)
	err = t.q.QueryRow(ctx, `
		WITH r AS (`+insertReferralSQL+`
			RETURNING id, code, created_at, updated_at, amounts_private
		), e AS (
			INSERT INTO referral_events (workspace_id, referral_id, kind, from_status, to_status, actor_id, note, at,
				undoes, value_cents, value_currency)
			SELECT $1, r.id, $31, $32, $33, $34, $35, COALESCE($36, now()), $37, $38, $39 FROM r
			RETURNING id, at
		)
		SELECT r.id, r.code, r.created_at, r.updated_at, r.amounts_private, e.id, e.at FROM r, e`, args...).
		Scan(&r.ID, &r.Code, &r.CreatedAt, &r.UpdatedAt, &r.AmountsPrivate, &first.ID, &first.At)
	first.ReferralID = r.ID
	return err
}

// insertReferralSQL inserts a referral from InsertReferral's arguments
// ($1–$30); the caller adds what it returns.
const insertReferralSQL = `
		INSERT INTO referrals AS r (workspace_id, code, referrer_id, receiver_id, co_owner_id, client_name,
			client_contact, consent, need, tags, estimate_cents, estimate_currency, temperature, status,
			fee_kind, fee_basis_points, fee_fixed_cents, fee_status, won_value_cents, won_currency,
			lost_reason, decline_reason, expires_at, created_at, updated_at, accepted_at, closed_at, fee_currency,
			won_confirmation, fee_paid_at)
		VALUES ($1, $30, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
			$20, $21, $22, COALESCE($23, now()), COALESCE($24, $23, now()), $25, $26, $27, $28, $29)`

// Referral reads one referral by code. With forUpdate it first locks the
// row, then reads it with a fresh snapshot, so the names joined in are those
// of whoever changed it last (the winner of a claim, for instance).
func (t *tx) Referral(ctx context.Context, workspaceID int64, code core.Code, forUpdate bool) (_ *core.Referral, err error) {
	defer wrap(&err, "referral(%d, %s)", workspaceID, code)
	if forUpdate {
		var id int64
		if err := t.q.QueryRow(ctx, `SELECT id FROM referrals WHERE workspace_id = $1 AND code = $2 FOR UPDATE`,
			workspaceID, code).Scan(&id); err != nil {
			return nil, err
		}
	}
	return scanReferral(t.q.QueryRow(ctx, referralFrom+` WHERE r.workspace_id = $1 AND r.code = $2`, workspaceID, code))
}

func (t *tx) UpdateReferral(ctx context.Context, r *core.Referral) (err error) {
	defer wrap(&err, "update referral(%d, %s)", r.WorkspaceID, r.Code)
	wonCents, wonCur := wonValue(r.WonValue)
	// The parties may have changed: read back whether amounts are private.
	err = t.q.QueryRow(ctx, `
		UPDATE referrals r SET referrer_id = $3, receiver_id = $4, co_owner_id = $5, client_name = $6,
			client_contact = $7, consent = $8, need = $9, tags = $10, estimate_cents = $11,
			estimate_currency = $12, temperature = $13, status = $14, fee_kind = $15, fee_basis_points = $16,
			fee_fixed_cents = $17, fee_status = $18, won_value_cents = $19, won_currency = $20,
			lost_reason = $21, decline_reason = $22, expires_at = $23, updated_at = COALESCE($24, now()),
			accepted_at = $25, closed_at = $26, fee_currency = $27, won_confirmation = $28, fee_paid_at = $29
		WHERE workspace_id = $1 AND id = $2
		RETURNING `+amountsPrivateSQL,
		r.WorkspaceID, r.ID, r.ReferrerID, nullID(r.ReceiverID), nullID(r.CoOwnerID), r.ClientName,
		nullText(r.ClientContact), r.Consent, r.Need, texts(r.Tags), r.Estimate.Cents, r.Estimate.Currency,
		orDefault(r.Temperature, core.Warm), r.Status, orDefault(r.Fee.Kind, core.FeeNone), r.Fee.BasisPts,
		r.Fee.FixedCents, orDefault(r.FeeStatus, core.FeeNotDue), wonCents, wonCur, r.LostReason,
		r.DeclineReason, nullTime(r.ExpiresAt), nullTime(r.UpdatedAt), nullTime(r.AcceptedAt),
		nullTime(r.ClosedAt), r.Fee.Currency, orDefault(r.WonConfirmation, core.NotWon), nullTime(r.FeePaidAt)).Scan(&r.AmountsPrivate)
	if errors.Is(err, pgx.ErrNoRows) {
		err = notFound()
	}
	return err
}

func (t *tx) MaxWonValue(ctx context.Context, workspaceID int64, currency string) (_ int64, err error) {
	defer wrap(&err, "max won value(%d, %s)", workspaceID, currency)
	// The top of referrals_won_value_idx (migration 025): one probe, where
	// max() over the won deals read a chapter's history (7–12 s at 691,000
	// referrals). amounts_private is kept current by its triggers (016).
	var most int64
	err = t.q.QueryRow(ctx, `
		SELECT COALESCE((SELECT won_value_cents FROM referrals
			WHERE workspace_id = $1 AND status = 'won' AND NOT amounts_private AND won_currency = $2
			ORDER BY won_value_cents DESC NULLS LAST LIMIT 1), 0)`, workspaceID, currency).Scan(&most)
	return most, err
}

// ListReferrals returns referrals newest first. The WHERE clause is built
// from the filter so that each shape of query uses its own index.
func (t *tx) ListReferrals(ctx context.Context, workspaceID int64, f core.ListFilter) (_ []core.Referral, err error) {
	defer wrap(&err, "list referrals(%d)", workspaceID)
	args := []any{workspaceID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := []string{"r.workspace_id = $1"}
	var who []string // the member's sides, each read through its own index
	if f.MemberID != 0 {
		m := arg(f.MemberID)
		if f.Given || !f.Received {
			who = append(who, "r.referrer_id = "+m)
		}
		if f.Received || !f.Given {
			who = append(who, "r.receiver_id = "+m, "r.co_owner_id = "+m)
		}
	}
	if f.OpenLeads {
		where = append(where, "r.status = 'open'", "r.receiver_id IS NULL")
	}
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ss[i] = string(s)
		}
		where = append(where, "r.status = ANY("+arg(ss)+")")
	}
	const newest = " ORDER BY r.created_at DESC, r.id DESC"
	var sql string
	switch {
	case f.Limit > 0:
		// Pick the page's ids first, newest first down each side's index,
		// and only then read and join those rows: a member with thousands
		// of referrals costs a page, not their history.
		limit := " LIMIT " + arg(f.Limit)
		// A generic plan (after five runs of the prepared statement) guesses
		// one referral per member and sorts all of the member's instead of
		// walking the index newest first: 130 ms against 2.5 ms for a
		// receiver of 11,500 referrals (make bench-scale). Plan each run
		// for its values; sent with the statement (see pipe).
		t.pipe.later(`SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`)
		sides := who
		if len(sides) == 0 {
			sides = []string{"true"}
		}
		picks := make([]string, len(sides))
		for i, side := range sides {
			picks[i] = "(SELECT r.id, r.created_at FROM referrals r WHERE " + strings.Join(where, " AND ") +
				" AND " + side + newest + limit + ")"
		}
		sql = referralFrom + " JOIN (SELECT id FROM (" + strings.Join(picks, " UNION ") + ") u" +
			" ORDER BY created_at DESC, id DESC" + limit + ") page ON page.id = r.id" +
			" WHERE r.workspace_id = $1" + newest
	default:
		if len(who) > 0 {
			where = append(where, "("+strings.Join(who, " OR ")+")")
		}
		sql = referralFrom + " WHERE " + strings.Join(where, " AND ") + newest
	}
	rows, err := t.q.Query(ctx, sql, args...)
	return collectReferrals(rows, err)
}

func (t *tx) AppendEvent(ctx context.Context, workspaceID int64, e *core.Event) (err error) {
	defer wrap(&err, "append event(%d, %d, %s)", workspaceID, e.ReferralID, e.Kind)
	return t.q.QueryRow(ctx, `
		INSERT INTO referral_events (workspace_id, referral_id, kind, from_status, to_status, actor_id, note, at,
			undoes, value_cents, value_currency)
		VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, now()), $9, $10, $11)
		RETURNING id, at`,
		eventArgs(workspaceID, e)...).Scan(&e.ID, &e.At)
}

// AppendEvents appends many events in one round trip (a batch).
func (t *tx) AppendEvents(ctx context.Context, workspaceID int64, es []*core.Event) (err error) {
	defer wrap(&err, "append %d events(%d)", len(es), workspaceID)
	if len(es) == 0 {
		return nil
	}
	var b pgx.Batch
	for _, e := range es {
		b.Queue(`
			INSERT INTO referral_events (workspace_id, referral_id, kind, from_status, to_status, actor_id, note, at,
				undoes, value_cents, value_currency)
			VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, now()), $9, $10, $11)
			RETURNING id, at`,
			eventArgs(workspaceID, e)...)
	}
	br := t.q.SendBatch(ctx, &b)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}()
	for _, e := range es {
		if err := br.QueryRow().Scan(&e.ID, &e.At); err != nil {
			return err
		}
	}
	return nil
}

// Events returns a referral's history in the order it was written. The
// referral is read too, so that one from another workspace is ENOTFOUND
// rather than an empty history.
func (t *tx) Events(ctx context.Context, workspaceID, referralID int64) (_ []core.Event, err error) {
	defer wrap(&err, "events(%d, %d)", workspaceID, referralID)
	rows, err := t.q.Query(ctx, `
		SELECT e.id, e.kind, COALESCE(e.from_status, ''), e.to_status, COALESCE(e.actor_id, 0),
			COALESCE(m.display_name, ''), COALESCE(e.note, ''), e.at,
			COALESCE(e.undoes, 0), COALESCE(e.value_cents, 0), COALESCE(e.value_currency, '')
		FROM referrals r
		LEFT JOIN referral_events e ON e.workspace_id = r.workspace_id AND e.referral_id = r.id
		LEFT JOIN members m ON m.workspace_id = e.workspace_id AND m.id = e.actor_id
		WHERE r.workspace_id = $1 AND r.id = $2
		ORDER BY e.id`, workspaceID, referralID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := false
	var out []core.Event
	for rows.Next() {
		found = true
		var (
			id   *int64
			kind *string
			to   *string
			at   *time.Time
			e    = core.Event{ReferralID: referralID}
		)
		if err := rows.Scan(&id, &kind, &e.From, &to, &e.ActorID, &e.ActorName, &e.Note, &at,
			&e.Undoes, &e.Value.Cents, &e.Value.Currency); err != nil {
			return nil, err
		}
		if id == nil {
			continue // the referral has no events yet
		}
		e.ID, e.Kind, e.To, e.At = *id, core.EventKind(*kind), core.Status(*to), *at
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, notFound()
	}
	return out, nil
}

// AddInterest records a raised hand. The referral and the member must both
// be in the workspace (ENOTFOUND otherwise); a second hand is ECONFLICT.
func (t *tx) AddInterest(ctx context.Context, workspaceID, referralID, memberID int64) (err error) {
	defer wrap(&err, "add interest(%d, %d, %d)", workspaceID, referralID, memberID)
	tag, err := t.q.Exec(ctx, `
		INSERT INTO referral_interest (workspace_id, referral_id, member_id)
		SELECT r.workspace_id, r.id, m.id
		FROM referrals r JOIN members m ON m.workspace_id = r.workspace_id
		WHERE r.workspace_id = $1 AND r.id = $2 AND m.id = $3`, workspaceID, referralID, memberID)
	if err == nil && tag.RowsAffected() == 0 {
		err = notFound()
	}
	return err
}

func (t *tx) Interested(ctx context.Context, workspaceID, referralID int64) (_ []core.Member, err error) {
	defer wrap(&err, "interested(%d, %d)", workspaceID, referralID)
	var exists bool
	if err := t.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM referrals WHERE workspace_id = $1 AND id = $2)`,
		workspaceID, referralID).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		return nil, notFound()
	}
	return collectMembers(t.q.Query(ctx, `
		SELECT `+memberCols+`
		FROM referral_interest i JOIN members m ON m.workspace_id = i.workspace_id AND m.id = i.member_id
		WHERE i.workspace_id = $1 AND i.referral_id = $2 AND m.status = 'active'
		ORDER BY i.at, m.id`, workspaceID, referralID))
}

func (t *tx) AddThanks(ctx context.Context, workspaceID int64, th *core.Thanks) (err error) {
	defer wrap(&err, "add thanks(%d, %d)", workspaceID, th.ReferralID)
	// A withdrawn thank-you (see RetractThanks) may be given again; a
	// standing one is a conflict, as the unique key says.
	err = t.q.QueryRow(ctx, `
		INSERT INTO thanks (workspace_id, referral_id, from_id, to_id, message, at)
		VALUES ($1, $2, $3, $4, $5, COALESCE($6, now()))
		ON CONFLICT (workspace_id, referral_id, from_id) DO UPDATE
			SET to_id = excluded.to_id, message = excluded.message, at = excluded.at, retracted_at = NULL
			WHERE thanks.retracted_at IS NOT NULL
		RETURNING id, at`,
		workspaceID, th.ReferralID, th.FromID, th.ToID, th.Message, nullTime(th.At)).Scan(&th.ID, &th.At)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Errorf(core.ECONFLICT, msgConflict)
	}
	return err
}

func (t *tx) SaveFeedback(ctx context.Context, workspaceID int64, f *core.Feedback) (err error) {
	defer wrap(&err, "save feedback(%d, %d)", workspaceID, f.ReferralID)
	// old sees the row as it was before this statement replaces it.
	return t.q.QueryRow(ctx, `
		WITH old AS (
			SELECT score FROM feedback WHERE workspace_id = $1 AND referral_id = $2 AND member_id = $3
		)
		INSERT INTO feedback (workspace_id, referral_id, member_id, score, comment, at)
		VALUES ($1, $2, $3, $4, $5, COALESCE($6, now()))
		ON CONFLICT (workspace_id, referral_id, member_id) DO UPDATE
			SET score = excluded.score, comment = excluded.comment, at = excluded.at
		RETURNING at, COALESCE((SELECT score FROM old), 0)`,
		workspaceID, f.ReferralID, f.MemberID, f.Score, f.Comment, nullTime(f.At)).Scan(&f.At, &f.Replaced)
}
