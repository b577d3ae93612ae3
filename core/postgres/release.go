package postgres

import (
	"context"
	"time"

	"github.com/referbot/referbot/core"
)

// SaveReleases saves what a release pass changed in each referral, in one
// statement: one probe of referrals' (workspace_id, id) key per referral.
// The triggers fire per row as for UpdateReferral; amounts_private is
// read back (the parties changed).
func (t *tx) SaveReleases(ctx context.Context, rs []*core.Referral) (err error) {
	defer wrap(&err, "save releases(%d)", len(rs))
	if len(rs) == 0 {
		return nil
	}
	n := len(rs)
	ws, ids, receivers, coOwners := make([]int64, n), make([]int64, n), make([]*int64, n), make([]*int64, n)
	statuses, declines := make([]string, n), make([]string, n)
	accepted, closed, expires, updated := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
	byKey := make(map[core.ReferralRef]*core.Referral, n)
	for i, r := range rs {
		ws[i], ids[i], receivers[i], coOwners[i] = r.WorkspaceID, r.ID, nullID(r.ReceiverID), nullID(r.CoOwnerID)
		statuses[i], declines[i] = string(r.Status), r.DeclineReason
		accepted[i], closed[i], expires[i], updated[i] = nullTime(r.AcceptedAt), nullTime(r.ClosedAt), nullTime(r.ExpiresAt), nullTime(r.UpdatedAt)
		byKey[core.ReferralRef{WorkspaceID: r.WorkspaceID, ReferralID: r.ID}] = r
	}
	rows, err := t.q.Query(ctx, `
		UPDATE referrals r SET receiver_id = u.receiver, co_owner_id = u.co_owner, status = u.status,
			accepted_at = u.accepted, closed_at = u.closed, expires_at = u.expires,
			updated_at = COALESCE(u.updated, now()), decline_reason = u.decline
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::timestamptz[],
			$7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[])
			AS u(ws, id, receiver, co_owner, status, accepted, closed, expires, updated, decline)
		WHERE r.workspace_id = u.ws AND r.id = u.id
		RETURNING r.workspace_id, r.id, r.amounts_private`,
		ws, ids, receivers, coOwners, statuses, accepted, closed, expires, updated, declines)
	if err != nil {
		return err
	}
	defer rows.Close()
	saved := 0
	for rows.Next() {
		var k core.ReferralRef
		var private bool
		if err := rows.Scan(&k.WorkspaceID, &k.ReferralID, &private); err != nil {
			return err
		}
		if r := byKey[k]; r != nil {
			r.AmountsPrivate = private
			saved++
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if saved != n {
		return notFound()
	}
	return nil
}

// AppendEventsAcross appends events of many workspaces in one statement.
// Their ids are drawn in the order given, so the history reads as if they
// were appended one by one.
func (t *tx) AppendEventsAcross(ctx context.Context, es []core.WorkspaceEvent) (err error) {
	defer wrap(&err, "append %d events", len(es))
	if len(es) == 0 {
		return nil
	}
	n := len(es)
	ws, refs, actors, undoes, cents := make([]int64, n), make([]int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n)
	kinds, froms, tos, notes, currencies := make([]string, n), make([]*string, n), make([]string, n), make([]string, n), make([]*string, n)
	ats := make([]*time.Time, n)
	for i, we := range es {
		e := we.Event
		ws[i], refs[i], kinds[i], froms[i], tos[i] = we.WorkspaceID, e.ReferralID, string(e.Kind), nullText(string(e.From)), string(e.To)
		actors[i], notes[i], ats[i], undoes[i] = nullID(e.ActorID), e.Note, nullTime(e.At), nullID(e.Undoes)
		if !e.Value.IsZero() {
			cents[i], currencies[i] = &e.Value.Cents, nullText(e.Value.Currency)
		}
	}
	rows, err := t.q.Query(ctx, `
		WITH u AS MATERIALIZED (
			SELECT nextval(pg_get_serial_sequence('referral_events', 'id')) AS id, u.*
			FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
				$8::timestamptz[], $9::bigint[], $10::bigint[], $11::text[])
				WITH ORDINALITY AS u(ws, ref, kind, from_status, to_status, actor, note, at, undoes, cents, currency, ord)
			ORDER BY u.ord
		), ins AS (
			INSERT INTO referral_events (id, workspace_id, referral_id, kind, from_status, to_status, actor_id, note,
				at, undoes, value_cents, value_currency)
			OVERRIDING SYSTEM VALUE
			SELECT id, ws, ref, kind, from_status, to_status, actor, note, COALESCE(at, now()), undoes, cents, currency
			FROM u ORDER BY ord
			RETURNING id, at
		)
		SELECT ins.id, ins.at FROM u JOIN ins ON ins.id = u.id ORDER BY u.ord`,
		ws, refs, kinds, froms, tos, actors, notes, ats, undoes, cents, currencies)
	if err != nil {
		return err
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&es[i].Event.ID, &es[i].Event.At); err != nil {
			return err
		}
	}
	return rows.Err()
}
