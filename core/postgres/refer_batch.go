package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// The set-based statements of the group commit of /refer (core's
// ReferBatchTx): each is one of today's per-request statements for many
// requests at once, rows passed as arrays or one JSON array.

var _ core.ReferBatchTx = (*tx)(nil)

// ArriveMany records the requests' keys and reads their workspaces,
// callers and partners (with profiles): four statements, one round trip
// with the transaction's BEGIN.
func (t *tx) ArriveMany(ctx context.Context, as []core.Arrival, at time.Time) (err error) {
	defer wrap(&err, "arrive %d", len(as))
	platforms, teams, users, keys, partners := make([]string, len(as)), make([]string, len(as)),
		make([]string, len(as)), make([]string, len(as)), make([]string, len(as))
	for i, a := range as {
		platforms[i], teams[i], users[i], keys[i], partners[i] = string(a.Platform), a.TeamID, a.UserID, a.Key, a.PartnerUserID
	}
	var b pgx.Batch
	b.Queue(`
		-- across workspaces (workspaces): the workspaces of teams, found by their platform ids
		INSERT INTO inbound_requests (workspace_id, key, received_at)
		SELECT w.id, u.key, $4 FROM workspaces w
		JOIN unnest($1::text[], $2::text[], $3::text[]) AS u (platform, team, key) ON w.platform = u.platform AND w.external_id = u.team
		WHERE u.key <> ''
		ON CONFLICT DO NOTHING
		RETURNING workspace_id, key`, platforms, teams, keys, at)
	b.Queue(`
		-- across workspaces (workspaces): the workspaces of teams, found by their platform ids
		SELECT `+workspaceCols+`, u.i FROM workspaces w
		JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS u (platform, team, i) ON w.platform = u.platform AND w.external_id = u.team`, platforms, teams)
	b.Queue(`
		-- across workspaces (workspaces): the workspaces of teams, found by their platform ids
		SELECT `+memberCols+`, u.i FROM workspaces w
		JOIN unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u (platform, team, usr, i)
			ON w.platform = u.platform AND w.external_id = u.team
		JOIN members m ON m.workspace_id = w.id AND m.user_id = u.usr`, platforms, teams, users)
	b.Queue(`
		-- across workspaces (workspaces): the workspaces of teams, found by their platform ids
		SELECT `+memberCols+`, `+profileCols+`, u.i
		FROM workspaces w
		JOIN unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u (platform, team, usr, i)
			ON w.platform = u.platform AND w.external_id = u.team
		JOIN members m ON m.workspace_id = w.id AND m.user_id = u.usr
		LEFT JOIN profiles p ON p.workspace_id = m.workspace_id AND p.member_id = m.id
		WHERE u.usr <> ''`, platforms, teams, partners)
	br := t.q.SendBatch(ctx, &b)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}()
	type wsKey struct {
		ws  int64
		key string
	}
	recorded := map[wsKey]bool{}
	rows, err := br.Query()
	if err != nil {
		return err
	}
	for rows.Next() {
		var k wsKey
		if err := rows.Scan(&k.ws, &k.key); err != nil {
			rows.Close()
			return err
		}
		recorded[k] = true
	}
	if rows.Close(); rows.Err() != nil {
		return rows.Err()
	}
	var i int
	if err := eachRow(br, func(row pgx.Row) error {
		w, err := scanWorkspace(withExtra{row, []any{&i}}, &t.db.settings)
		if err == nil {
			as[i-1].Workspace = w
		}
		return err
	}); err != nil {
		return err
	}
	if err := eachRow(br, func(row pgx.Row) error {
		m, err := scanMember(row, &i)
		if err == nil {
			as[i-1].Member = m
		}
		return err
	}); err != nil {
		return err
	}
	if err := eachRow(br, func(row pgx.Row) error {
		var (
			prof    core.Profile
			updated *time.Time
		)
		m, err := scanMember(row, append(profileDest(&prof, &updated), &i)...)
		if err == nil {
			prof.UpdatedAt = timeOf(updated)
			as[i-1].Partner, as[i-1].PartnerProfile = m, &prof
		}
		return err
	}); err != nil {
		return err
	}
	for i := range as {
		a := &as[i]
		a.First = a.Key == "" || a.Workspace == nil || recorded[wsKey{a.Workspace.ID, a.Key}]
	}
	return nil
}

// withExtra is a row whose Scan fills extra after the destinations given.
type withExtra struct {
	pgx.Row
	extra []any
}

func (r withExtra) Scan(dest ...any) error { return r.Row.Scan(append(dest, r.extra...)...) }

// eachRow reads the batch's next result row by row.
func eachRow(br pgx.BatchResults, fn func(pgx.Row) error) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountGivenMany takes the members' daily-cap locks (CountGiven's), each
// once and in one order so that two batches don't deadlock, then counts in
// a statement of its own, which sees what the locks' last holders committed.
func (t *tx) CountGivenMany(ctx context.Context, qs []core.GivenSince) (_ []int, err error) {
	defer wrap(&err, "count given %d", len(qs))
	wss, members, since := make([]int64, len(qs)), make([]int64, len(qs)), make([]time.Time, len(qs))
	for i, q := range qs {
		wss[i], members[i], since[i] = q.WorkspaceID, q.MemberID, q.Since
	}
	t.pipe.later(`
		SELECT count(pg_advisory_xact_lock(l.h)) FROM (
			SELECT DISTINCT hashtextextended('daily-cap:' || u.ws || ':' || u.m, 0) AS h
			FROM unnest($1::bigint[], $2::bigint[]) AS u (ws, m)
			ORDER BY 1) l`, wss, members)
	rows, err := t.q.Query(ctx, `
		SELECT (SELECT count(*) FROM referrals r WHERE r.workspace_id = u.ws AND r.referrer_id = u.m AND r.created_at >= u.since)
		FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[]) WITH ORDINALITY AS u (ws, m, since, i)
		ORDER BY u.i`, wss, members, since)
	return collectInts(rows, err)
}

func collectInts(rows pgx.Rows, err error) ([]int, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int])
}

// referralRow is one referral of InsertReferrals with its first event, as
// jsonb_to_recordset reads it: InsertReferral's arguments, by name.
type referralRow struct {
	WS         int64      `json:"ws"`
	Code       int64      `json:"code"`
	Referrer   int64      `json:"referrer"`
	Receiver   *int64     `json:"receiver"`
	CoOwner    *int64     `json:"co_owner"`
	Client     string     `json:"client"`
	Contact    *string    `json:"contact"`
	Consent    bool       `json:"consent"`
	Need       string     `json:"need"`
	Tags       []string   `json:"tags"`
	EstCents   int64      `json:"est_cents"`
	EstCur     string     `json:"est_cur"`
	Temp       string     `json:"temp"`
	Status     string     `json:"status"`
	FeeKind    string     `json:"fee_kind"`
	FeeBps     int        `json:"fee_bps"`
	FeeFixed   int64      `json:"fee_fixed"`
	FeeStatus  string     `json:"fee_status"`
	WonCents   *int64     `json:"won_cents"`
	WonCur     *string    `json:"won_cur"`
	Lost       string     `json:"lost"`
	Declined   string     `json:"declined"`
	Expires    *time.Time `json:"expires"`
	Created    *time.Time `json:"created"`
	Updated    *time.Time `json:"updated"`
	Accepted   *time.Time `json:"accepted"`
	Closed     *time.Time `json:"closed"`
	FeeCur     string     `json:"fee_cur"`
	WonConfirm string     `json:"won_confirm"`
	FeePaid    *time.Time `json:"fee_paid"`
	EvKind     string     `json:"ev_kind"`
	EvFrom     *string    `json:"ev_from"`
	EvTo       string     `json:"ev_to"`
	EvActor    *int64     `json:"ev_actor"`
	EvNote     string     `json:"ev_note"`
	EvAt       *time.Time `json:"ev_at"`
	EvUndoes   *int64     `json:"ev_undoes"`
	EvValue    *int64     `json:"ev_value"`
	EvValueCur *string    `json:"ev_value_cur"`
}

// InsertReferrals inserts the referrals and their first events in one
// statement, each under a code of the process's blocks (see codes; a
// rollback gives them back), and reads back what InsertReferral does.
func (t *tx) InsertReferrals(ctx context.Context, rs []*core.Referral, firsts []*core.Event) (err error) {
	defer wrap(&err, "insert %d referrals", len(rs))
	rows := make([]referralRow, len(rs))
	for i, r := range rs {
		code, err := t.db.codes.take(ctx, r.WorkspaceID)
		if err != nil {
			return err
		}
		t.undo = append(t.undo, func() { t.db.codes.giveBack(r.WorkspaceID, code) })
		e := firsts[i]
		wonCents, wonCur := wonValue(r.WonValue)
		row := referralRow{WS: r.WorkspaceID, Code: code, Referrer: r.ReferrerID, Receiver: nullID(r.ReceiverID),
			CoOwner: nullID(r.CoOwnerID), Client: r.ClientName, Contact: nullText(r.ClientContact), Consent: r.Consent,
			Need: r.Need, Tags: texts(r.Tags), EstCents: r.Estimate.Cents, EstCur: r.Estimate.Currency,
			Temp: string(orDefault(r.Temperature, core.Warm)), Status: string(r.Status),
			FeeKind: string(orDefault(r.Fee.Kind, core.FeeNone)), FeeBps: r.Fee.BasisPts, FeeFixed: r.Fee.FixedCents,
			FeeStatus: string(orDefault(r.FeeStatus, core.FeeNotDue)), WonCents: wonCents, WonCur: wonCur,
			Lost: r.LostReason, Declined: r.DeclineReason, Expires: jsonTime(r.ExpiresAt), Created: jsonTime(r.CreatedAt),
			Updated: jsonTime(r.UpdatedAt), Accepted: jsonTime(r.AcceptedAt), Closed: jsonTime(r.ClosedAt),
			FeeCur: r.Fee.Currency, WonConfirm: string(orDefault(r.WonConfirmation, core.NotWon)),
			FeePaid: jsonTime(r.FeePaidAt),
			EvKind:  string(e.Kind), EvFrom: nullText(string(e.From)), EvTo: string(e.To), EvActor: nullID(e.ActorID),
			EvNote: e.Note, EvAt: jsonTime(e.At), EvUndoes: nullID(e.Undoes)}
		if !e.Value.IsZero() {
			row.EvValue, row.EvValueCur = &e.Value.Cents, nullText(e.Value.Currency)
		}
		rows[i] = row
	}
	for _, row := range rows {
		// JSON would write invalid UTF-8 as U+FFFD where InsertReferral's
		// statement is refused: the batch fails, and each of its requests
		// runs alone, as before.
		if !validUTF8(row.Client, strOf(row.Contact), row.Need, row.EvNote) || !validUTF8(row.Tags...) {
			return fmt.Errorf("referral of workspace %d: text that is not UTF-8", row.WS)
		}
	}
	payload, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	byCode := make(map[[2]int64]int, len(rs))
	for i, row := range rows {
		byCode[[2]int64{row.WS, row.Code}] = i
	}
	res, err := t.q.Query(ctx, `
		WITH u AS MATERIALIZED (
			SELECT * FROM jsonb_to_recordset($1::jsonb) AS u (ws bigint, code bigint, referrer bigint, receiver bigint,
				co_owner bigint, client text, contact text, consent boolean, need text, tags text[], est_cents bigint,
				est_cur text, temp text, status text, fee_kind text, fee_bps int, fee_fixed bigint, fee_status text,
				won_cents bigint, won_cur text, lost text, declined text, expires timestamptz, created timestamptz,
				updated timestamptz, accepted timestamptz, closed timestamptz, fee_cur text, won_confirm text,
				fee_paid timestamptz, ev_kind text, ev_from text, ev_to text, ev_actor bigint, ev_note text,
				ev_at timestamptz, ev_undoes bigint, ev_value bigint, ev_value_cur text)
		), r AS (
			INSERT INTO referrals AS r (workspace_id, code, referrer_id, receiver_id, co_owner_id, client_name,
				client_contact, consent, need, tags, estimate_cents, estimate_currency, temperature, status,
				fee_kind, fee_basis_points, fee_fixed_cents, fee_status, won_value_cents, won_currency,
				lost_reason, decline_reason, expires_at, created_at, updated_at, accepted_at, closed_at, fee_currency,
				won_confirmation, fee_paid_at)
			SELECT u.ws, u.code, u.referrer, u.receiver, u.co_owner, u.client, u.contact, u.consent, u.need, u.tags,
				u.est_cents, u.est_cur, u.temp, u.status, u.fee_kind, u.fee_bps, u.fee_fixed, u.fee_status, u.won_cents,
				u.won_cur, u.lost, u.declined, u.expires, COALESCE(u.created, now()), COALESCE(u.updated, u.created, now()),
				u.accepted, u.closed, u.fee_cur, u.won_confirm, u.fee_paid
			FROM u
			RETURNING r.id, r.workspace_id, r.code, r.created_at, r.updated_at, r.amounts_private
		), e AS (
			INSERT INTO referral_events (workspace_id, referral_id, kind, from_status, to_status, actor_id, note, at,
				undoes, value_cents, value_currency)
			SELECT r.workspace_id, r.id, u.ev_kind, u.ev_from, u.ev_to, u.ev_actor, u.ev_note, COALESCE(u.ev_at, now()),
				u.ev_undoes, u.ev_value, u.ev_value_cur
			FROM r JOIN u ON u.ws = r.workspace_id AND u.code = r.code
			RETURNING workspace_id, referral_id, id, at
		)
		SELECT r.workspace_id, r.code, r.id, r.created_at, r.updated_at, r.amounts_private, e.id, e.at
		FROM r JOIN e ON e.workspace_id = r.workspace_id AND e.referral_id = r.id`, payload)
	if err != nil {
		return err
	}
	defer res.Close()
	n := 0
	for res.Next() {
		var (
			ws, code, id, evID int64
			created, updated   time.Time
			private            bool
			evAt               time.Time
		)
		if err := res.Scan(&ws, &code, &id, &created, &updated, &private, &evID, &evAt); err != nil {
			return err
		}
		i, ok := byCode[[2]int64{ws, code}]
		if !ok {
			return fmt.Errorf("referral %d of workspace %d: not asked for", code, ws)
		}
		r, e := rs[i], firsts[i]
		r.ID, r.Code, r.CreatedAt, r.UpdatedAt, r.AmountsPrivate = id, core.Code(code), created, updated, private
		e.ID, e.ReferralID, e.At = evID, id, evAt
		n++
	}
	if err := res.Err(); err != nil {
		return err
	}
	if n != len(rs) {
		return fmt.Errorf("%d referrals written of %d", n, len(rs))
	}
	return nil
}

func validUTF8(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// touchRow is one Touch of TouchMany, as jsonb_to_recordset reads it.
type touchRow struct {
	WS      int64     `json:"ws"`
	A       int64     `json:"a"`
	B       int64     `json:"b"`
	Cadence int       `json:"cadence"`
	At      time.Time `json:"at"`
	Actor   int64     `json:"actor"`
	Kind    string    `json:"kind"`
	Note    string    `json:"note"`
}

// TouchMany is Touch for many pairs, sent with the transaction's next
// statement: each pair's partnership touched once (at its latest touch),
// each touch's touchpoint recorded.
func (t *tx) TouchMany(ctx context.Context, ts []core.TouchOf) error {
	if len(ts) == 0 {
		return nil
	}
	rows := make([]touchRow, len(ts))
	for i, x := range ts {
		a, b := x.A, x.B
		if a > b {
			a, b = b, a
		}
		rows[i] = touchRow{WS: x.WorkspaceID, A: a, B: b, Cadence: x.DefaultCadence, At: x.Touchpoint.At.Truncate(time.Microsecond),
			Actor: x.Touchpoint.ActorID, Kind: string(x.Touchpoint.Kind), Note: x.Touchpoint.Note}
	}
	payload, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("touch %d: %w", len(ts), err)
	}
	// As Touch's statement, per pair (in key order, so that batches lock
	// partnerships in one order).
	t.pipe.later(`
		WITH u AS MATERIALIZED (
			SELECT * FROM jsonb_to_recordset($1::jsonb) AS u (ws bigint, a bigint, b bigint, cadence int,
				at timestamptz, actor bigint, kind text, note text)
		), pairs AS MATERIALIZED (
			SELECT u.ws, u.a, u.b, max(u.at) AS at, min(u.cadence) AS cadence FROM u GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		), known AS (
			UPDATE partnerships AS p SET
				cadence_days = CASE WHEN p.cadence_days > 0 THEN p.cadence_days ELSE 30 END,
				last_touch = pairs.at,
				next_due = pairs.at + make_interval(days => CASE WHEN p.cadence_days > 0 THEN p.cadence_days ELSE 30 END)
			FROM pairs
			WHERE p.workspace_id = pairs.ws AND p.member_a = pairs.a AND p.member_b = pairs.b
			RETURNING p.id, p.workspace_id, p.member_a, p.member_b
		), fresh AS (
			SELECT pairs.* FROM pairs
			WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.workspace_id = pairs.ws AND k.member_a = pairs.a AND k.member_b = pairs.b)
		), added AS (
			INSERT INTO partnerships AS p (workspace_id, member_a, member_b, type, trust, cadence_days,
				last_touch, next_due, created_at)
			SELECT f.ws, f.a, f.b, 'advocate', 1, c.days, f.at, f.at + make_interval(days => c.days), f.at
			FROM fresh f CROSS JOIN LATERAL (
				SELECT COALESCE(min(w.days) FILTER (WHERE w.days > 0), 30) AS days
				FROM (SELECT COALESCE(NULLIF(m.cadence_days, 0), f.cadence) AS days
					FROM members m WHERE m.workspace_id = f.ws AND m.id IN (f.a, f.b)) w) c
			ORDER BY 1, 2, 3
			ON CONFLICT (workspace_id, member_a, member_b) DO UPDATE SET
				cadence_days = CASE WHEN p.cadence_days > 0 THEN p.cadence_days ELSE 30 END,
				last_touch = excluded.last_touch,
				next_due = excluded.last_touch + make_interval(days => CASE WHEN p.cadence_days > 0 THEN p.cadence_days ELSE 30 END)
			RETURNING p.id, p.workspace_id, p.member_a, p.member_b
		), touched AS (
			SELECT * FROM known UNION ALL SELECT * FROM added
		)
		INSERT INTO touchpoints (workspace_id, partnership_id, actor_id, kind, note, at)
		SELECT u.ws, p.id, u.actor, u.kind, u.note, u.at
		FROM u JOIN touched p ON p.workspace_id = u.ws AND p.member_a = u.a AND p.member_b = u.b`, payload)
	return nil
}

// ForgetRequests deletes the keys ArriveMany recorded for requests this
// transaction does not apply, sent with its next statement.
func (t *tx) ForgetRequests(ctx context.Context, as []*core.Arrival) error {
	var (
		wss  []int64
		keys []string
	)
	for _, a := range as {
		if a.Key != "" && a.Workspace != nil && a.First {
			wss, keys = append(wss, a.Workspace.ID), append(keys, a.Key)
		}
	}
	if len(wss) > 0 {
		t.pipe.later(`
			DELETE FROM inbound_requests i USING unnest($1::bigint[], $2::text[]) AS u (ws, key)
			WHERE i.workspace_id = u.ws AND i.key = u.key`, wss, keys)
	}
	return nil
}
