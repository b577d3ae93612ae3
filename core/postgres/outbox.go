package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// Enqueue writes notices to the outbox. The payload is the notice's JSON;
// a notice whose dedupe key the workspace already has is skipped. Nobody
// reads an answer: the writes travel with the transaction's next
// statement (see pipe).
func (t *tx) Enqueue(ctx context.Context, ns ...core.Notice) (err error) {
	defer wrap(&err, "enqueue")
	if len(ns) > 1 {
		sql, args, err := enqueueManyStatement(ns)
		if err != nil {
			return err
		}
		t.pipe.later(sql, args...)
		return nil
	}
	for _, n := range ns {
		sql, args, err := enqueueStatement(n)
		if err != nil {
			return err
		}
		t.pipe.later(sql, args...)
	}
	return nil
}

// EnqueueNew is Enqueue that also says how many notices were new (not
// skipped for a dedupe key already in the outbox), in one round trip.
func (t *tx) EnqueueNew(ctx context.Context, ns ...core.Notice) (added int, err error) {
	defer wrap(&err, "enqueue")
	if len(ns) == 0 {
		return 0, nil
	}
	var b pgx.Batch
	for _, n := range ns {
		sql, args, err := enqueueStatement(n)
		if err != nil {
			return 0, err
		}
		b.Queue(sql, args...)
	}
	br := t.q.SendBatch(ctx, &b)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}()
	for range ns {
		tag, err := br.Exec()
		if err != nil {
			return added, err
		}
		added += int(tag.RowsAffected())
	}
	return added, nil
}

// EnqueueAcross is EnqueueNew for the notices of many workspaces in one
// statement: the same rows, in the order given (their ids too), and how
// many were new in each workspace.
func (t *tx) EnqueueAcross(ctx context.Context, ns []core.Notice) (_ map[int64]int, err error) {
	defer wrap(&err, "enqueue %d", len(ns))
	added := map[int64]int{}
	if len(ns) == 0 {
		return added, nil
	}
	n := len(ns)
	ws, members, channels, kinds := make([]int64, n), make([]*int64, n), make([]string, n), make([]string, n)
	payloads, keys := make([]string, n), make([]*string, n)
	created, notBefore, priorities := make([]*time.Time, n), make([]*time.Time, n), make([]int16, n)
	for i, x := range ns {
		if x.WorkspaceID == 0 || x.Kind == "" {
			return nil, fmt.Errorf("notice %q for workspace %d: kind and workspace are required", x.Kind, x.WorkspaceID)
		}
		payload, err := json.Marshal(x)
		if err != nil {
			return nil, fmt.Errorf("notice %q: %w", x.Kind, err)
		}
		ws[i], members[i], channels[i], kinds[i] = x.WorkspaceID, nullID(x.To.MemberID), x.To.Channel, string(x.Kind)
		payloads[i], keys[i] = string(payload), nullText(x.DedupeKey)
		created[i], notBefore[i], priorities[i] = nullTime(x.CreatedAt), nullTime(x.NotBefore), priority(x.Kind)
	}
	// As enqueueStatement, row by row: a member who was removed or erased
	// their data is sent nothing more. A scalar subquery, one probe of
	// members' key per notice: as NOT EXISTS the planner may join all of
	// members instead.
	rows, err := t.q.Query(ctx, `
		INSERT INTO outbox (workspace_id, recipient_member_id, channel, kind, payload, dedupe_key, created_at,
			next_attempt_at, priority)
		SELECT u.ws, u.member, u.channel, u.kind, u.payload::jsonb, u.key, COALESCE(u.created, now()),
			COALESCE(u.not_before, '-infinity'), u.priority
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
			$8::timestamptz[], $9::smallint[]) WITH ORDINALITY
			AS u(ws, member, channel, kind, payload, key, created, not_before, priority, ord)
		WHERE COALESCE((SELECT m.status <> 'active' FROM members m WHERE m.workspace_id = u.ws AND m.id = u.member),
			false) IS FALSE
		ORDER BY u.ord
		ON CONFLICT (workspace_id, dedupe_key) DO NOTHING
		RETURNING workspace_id`, ws, members, channels, kinds, payloads, keys, created, notBefore, priorities)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	for _, id := range ids {
		added[id]++
	}
	return added, err
}

// enqueueStatement is the INSERT of one notice into the outbox.
func enqueueStatement(n core.Notice) (string, []any, error) {
	if n.WorkspaceID == 0 || n.Kind == "" {
		return "", nil, fmt.Errorf("notice %q for workspace %d: kind and workspace are required", n.Kind, n.WorkspaceID)
	}
	payload, err := json.Marshal(n)
	if err != nil {
		return "", nil, fmt.Errorf("notice %q: %w", n.Kind, err)
	}
	// A member who was removed or erased their data is sent nothing more.
	return `
		INSERT INTO outbox (workspace_id, recipient_member_id, channel, kind, payload, dedupe_key, created_at,
			next_attempt_at, priority)
		SELECT $1::bigint, $2::bigint, $3::text, $4::text, $5::jsonb, $6::text,
			COALESCE($7::timestamptz, now()), COALESCE($8::timestamptz, '-infinity'), $9::smallint
		WHERE NOT EXISTS (
			SELECT 1 FROM members m WHERE m.workspace_id = $1 AND m.id = $2 AND m.status <> 'active')
		ON CONFLICT (workspace_id, dedupe_key) DO NOTHING`,
		[]any{n.WorkspaceID, nullID(n.To.MemberID), n.To.Channel, n.Kind, payload, nullText(n.DedupeKey),
			nullTime(n.CreatedAt), nullTime(n.NotBefore), priority(n.Kind)}, nil
}

// enqueueRow is one notice of enqueueManyStatement, as
// jsonb_to_recordset reads it: enqueueStatement's arguments, by name.
type enqueueRow struct {
	WS        int64           `json:"ws"`
	Member    *int64          `json:"member"`
	Channel   string          `json:"channel"`
	Kind      core.NoticeKind `json:"kind"`
	Payload   json.RawMessage `json:"payload"`
	Dedupe    *string         `json:"dedupe"`
	Created   *time.Time      `json:"created"`
	NotBefore *time.Time      `json:"not_before"`
	Priority  int16           `json:"priority"`
}

// enqueueManyStatement is enqueueStatement for many notices: one
// statement (a batch of /refer requests queues one notice each).
func enqueueManyStatement(ns []core.Notice) (string, []any, error) {
	rows := make([]enqueueRow, len(ns))
	for i, n := range ns {
		if n.WorkspaceID == 0 || n.Kind == "" {
			return "", nil, fmt.Errorf("notice %q for workspace %d: kind and workspace are required", n.Kind, n.WorkspaceID)
		}
		payload, err := json.Marshal(n)
		if err != nil {
			return "", nil, fmt.Errorf("notice %q: %w", n.Kind, err)
		}
		rows[i] = enqueueRow{WS: n.WorkspaceID, Member: nullID(n.To.MemberID), Channel: n.To.Channel, Kind: n.Kind,
			Payload: payload, Dedupe: nullText(n.DedupeKey), Created: jsonTime(n.CreatedAt), NotBefore: jsonTime(n.NotBefore),
			Priority: priority(n.Kind)}
	}
	all, err := json.Marshal(rows)
	if err != nil {
		return "", nil, fmt.Errorf("%d notices: %w", len(ns), err)
	}
	// As enqueueStatement's, row by row.
	return `
		INSERT INTO outbox (workspace_id, recipient_member_id, channel, kind, payload, dedupe_key, created_at,
			next_attempt_at, priority)
		SELECT u.ws, u.member, u.channel, u.kind, u.payload, u.dedupe, COALESCE(u.created, now()),
			COALESCE(u.not_before, '-infinity'), u.priority
		FROM jsonb_to_recordset($1::jsonb) AS u (ws bigint, member bigint, channel text, kind text, payload jsonb,
			dedupe text, created timestamptz, not_before timestamptz, priority smallint)
		-- the recipient's row probed per notice (a NOT EXISTS could read members whole)
		WHERE COALESCE((SELECT m.status FROM members m WHERE m.workspace_id = u.ws AND m.id = u.member), 'active') = 'active'
		ON CONFLICT (workspace_id, dedupe_key) DO NOTHING`, []any{all}, nil
}

// jsonTime is a time for jsonb_to_recordset, to the microsecond as pgx
// sends one (truncated); zero is NULL.
func jsonTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.Truncate(time.Microsecond)
	return &t
}

// priority orders the heads of destinations in ClaimHeads: interactive
// edits first.
func priority(k core.NoticeKind) int16 {
	if k.Interactive() {
		return 1
	}
	return 0
}

// DefaultLease is used when a claim is given none: a lease of zero
// would hand a notice to the next claimer at once.
const DefaultLease = time.Minute

// forAParty holds for an outbox row o unless it is a DM about a referral
// whose recipient is no longer one of its parties. Such a DM carries a
// snapshot redacted for a party (an offer to a receiver who declined it
// from their list before it arrived, and the referral went elsewhere):
// it is not sent, by a retry or at all.
const forAParty = `(o.recipient_member_id IS NULL OR COALESCE((o.payload->'referral'->>'id')::bigint, 0) = 0
	OR EXISTS (SELECT 1 FROM referrals r
		WHERE r.workspace_id = o.workspace_id AND r.id = (o.payload->'referral'->>'id')::bigint
			AND o.recipient_member_id IN (r.referrer_id, r.receiver_id, r.co_owner_id)))`

// ClaimNotices leases up to limit due notices of the platform's workspaces
// in one statement, oldest first, whatever their destination (channel
// posts still waiting for a channel too): tests and tools use it to see
// the whole queue; the sender uses ClaimHeads. Rows
// another sender has locked are skipped, so concurrent senders never get
// the same notice; the lease (next_attempt_at) re-offers a notice whose
// sender died. A due DM whose recipient is no longer a party of its
// referral fails instead (see forAParty).
func (db *DB) ClaimNotices(ctx context.Context, p core.Platform, limit int, now time.Time, lease time.Duration) (_ []core.Notice, err error) {
	defer wrap(&err, "claim notices(%s)", p)
	return db.claim(ctx, `
		-- across workspaces (outbox): the whole queue of the platform
		WITH due AS MATERIALIZED (
			SELECT o.workspace_id, o.id
			FROM outbox o JOIN workspaces w ON w.id = o.workspace_id
			WHERE o.status = 'pending' AND o.next_attempt_at <= $2 AND w.platform = $1
			ORDER BY o.id
			LIMIT $3
			FOR UPDATE OF o SKIP LOCKED
		)`, "o.id", p, limit, now, lease)
}

// ClaimHeads leases, for up to limit destinations of the platform (a
// member's DMs, a channel), the destination's oldest pending notice if it
// is due; interactive edits first, then oldest first. A destination whose
// oldest notice is leased (in flight), deferred (rate limited) or waiting
// for a retry holds back its later notices, and only those: messages to one
// place keep their order, and one slow place never holds up another. As in
// ClaimNotices, the claim counts as an attempt (a sender that dies holding
// it has tried), until Defer gives it back.
func (db *DB) ClaimHeads(ctx context.Context, p core.Platform, limit int, now time.Time, lease time.Duration) (_ []core.Notice, err error) {
	defer wrap(&err, "claim heads(%s)", p)
	return db.claim(ctx, `
		-- across workspaces (outbox): one sender serves every workspace of its platform
		WITH RECURSIVE dm AS (
			-- The DMs' heads, one index probe per destination (a skip
			-- scan of outbox_destination_idx), not a pass over every
			-- pending notice: under a burst, thousands wait per destination.
			(SELECT o.workspace_id, o.recipient_member_id, o.channel, o.id, o.next_attempt_at, o.priority
			FROM outbox o WHERE o.status = 'pending' AND o.recipient_member_id IS NOT NULL
			ORDER BY o.workspace_id, o.recipient_member_id, o.channel, o.id LIMIT 1)
			UNION ALL
			SELECT n.* FROM dm d CROSS JOIN LATERAL (
				SELECT o.workspace_id, o.recipient_member_id, o.channel, o.id, o.next_attempt_at, o.priority
				FROM outbox o WHERE o.status = 'pending' AND o.recipient_member_id IS NOT NULL
					AND (o.workspace_id, o.recipient_member_id, o.channel) > (d.workspace_id, d.recipient_member_id, d.channel)
				ORDER BY o.workspace_id, o.recipient_member_id, o.channel, o.id LIMIT 1) n
		), heads AS (
			SELECT dm.workspace_id, dm.id, dm.next_attempt_at, dm.priority
			FROM dm JOIN workspaces w ON w.id = dm.workspace_id WHERE w.platform = $1
			UNION ALL
			-- Channel posts (no recipient): a workspace has one channel or two.
			(SELECT DISTINCT ON (o.workspace_id, o.channel) o.workspace_id, o.id, o.next_attempt_at, o.priority
			FROM outbox o JOIN workspaces w ON w.id = o.workspace_id
			WHERE o.status = 'pending' AND o.recipient_member_id IS NULL AND w.platform = $1 AND `+hasDestination+`
			ORDER BY o.workspace_id, o.channel, o.id)
		), due AS MATERIALIZED (
			SELECT o.workspace_id, o.id
			FROM heads h JOIN outbox o ON o.workspace_id = h.workspace_id AND o.id = h.id
			WHERE h.next_attempt_at <= $2 AND o.status = 'pending' AND o.next_attempt_at <= $2
			ORDER BY h.priority DESC, h.id
			LIMIT $3
			FOR UPDATE OF o SKIP LOCKED
		)`, "o.priority DESC, o.id", p, limit, now, lease)
}

// hasDestination holds for an outbox row o of workspace w that can be
// delivered: a DM, or a channel post once the workspace has a channel. A
// network's channel is chosen on purpose, so posts made before an admin
// chooses it wait, untried (ClaimHeads passes them over), and go to it
// once chosen (see scanNotices).
const hasDestination = `(o.recipient_member_id IS NOT NULL OR o.channel <> ''
	OR COALESCE(w.settings->>'channel', '') <> '')`

// claim leases the notices the query's due CTE picks (workspace_id, id)
// and returns them in the order given.
func (db *DB) claim(ctx context.Context, due, order string, p core.Platform, limit int, now time.Time, lease time.Duration) ([]core.Notice, error) {
	if limit <= 0 {
		return nil, nil
	}
	if lease <= 0 {
		lease = DefaultLease
	}
	rows, err := db.pool.Query(ctx, due+`, stale AS (
			UPDATE outbox o SET status = 'failed', last_error = 'the recipient is no longer a party of the referral'
			FROM due WHERE o.workspace_id = due.workspace_id AND o.id = due.id AND NOT `+forAParty+`
			RETURNING o.workspace_id, o.id
		), claimed AS (
			UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = $4
			FROM due WHERE o.workspace_id = due.workspace_id AND o.id = due.id
				AND (o.workspace_id, o.id) NOT IN (SELECT workspace_id, id FROM stale)
			RETURNING o.id, o.workspace_id, o.recipient_member_id, o.payload, o.dedupe_key, o.attempts, o.created_at,
				o.last_error, o.priority
		)
		SELECT `+noticeColumns+`, NULL::text
		FROM claimed o
		JOIN workspaces w ON w.id = o.workspace_id
		LEFT JOIN members m ON m.workspace_id = o.workspace_id AND m.id = o.recipient_member_id`+noticePeople+`
		ORDER BY `+order, p, now, limit, now.Add(lease))
	return scanNotices(rows, err)
}

// noticeColumns are the columns scanNotices reads, from an outbox row o,
// its workspace w, its recipient m (LEFT JOINed: a channel has none) and
// the people it names (noticePeople). A query adds one more: the
// recipient's name (see scanNotices).
const noticeColumns = `o.id, o.workspace_id, w.platform, w.external_id, o.payload, COALESCE(o.dedupe_key, ''),
	o.attempts, o.created_at, COALESCE(o.last_error, ''), m.user_id,
	COALESCE(prf.user_id, ''), COALESCE(prc.user_id, ''), COALESCE(w.settings->>'channel', '')`

// noticePeople joins the active members an outbox row o names — its
// referral's referrer (prf) and receiver (prc) — for their platform ids,
// so a post mentions them as they are now.
const noticePeople = `
		LEFT JOIN members prf ON prf.workspace_id = o.workspace_id AND prf.status = 'active'
			AND prf.id = (o.payload->'referral'->>'referrer_id')::bigint
		LEFT JOIN members prc ON prc.workspace_id = o.workspace_id AND prc.status = 'active'
			AND prc.id = (o.payload->'referral'->>'receiver_id')::bigint`

// scanNotices reads notices selected as noticeColumns and a name. The
// recipient's current platform id replaces the one in the payload; the
// name does too where the query gives one (NULL keeps the name the notice
// was queued with). A channel post queued before the workspace had a
// channel goes to the one it has now.
func scanNotices(rows pgx.Rows, err error) ([]core.Notice, error) {
	return collect(rows, err, func(row pgx.Row) (*core.Notice, error) {
		var (
			n            core.Notice
			payload      []byte
			userID, name *string
			channel      string
		)
		if err := row.Scan(&n.ID, &n.WorkspaceID, &n.Platform, &n.TeamID, &payload, &n.DedupeKey,
			&n.Attempts, &n.CreatedAt, &n.LastError, &userID, &n.ReferrerUserID, &n.ReceiverUserID, &channel, &name); err != nil {
			return nil, err
		}
		// The payload holds none of the columns above (they are json:"-").
		if err := json.Unmarshal(payload, &n); err != nil {
			return nil, fmt.Errorf("payload of notice %d: %w", n.ID, err)
		}
		if n.To.IsChannel() && n.To.Channel == "" {
			n.To.Channel = channel
		}
		if userID != nil {
			n.To.UserID = *userID
		}
		if name != nil {
			n.To.Name = *name
		}
		return &n, nil
	})
}

// MarkDelivered records that a notice reached the platform as message ref.
func (db *DB) MarkDelivered(ctx context.Context, workspaceID, id int64, ref string, at time.Time) (err error) {
	defer wrap(&err, "mark delivered(%d, %d)", workspaceID, id)
	tag, err := db.pool.Exec(ctx, `
		UPDATE outbox SET status = 'sent', sent_at = $4, ref = $3, last_error = NULL
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id, nullText(ref), at)
	if err == nil && tag.RowsAffected() == 0 {
		err = notFound()
	}
	return err
}

// maxErrorLen keeps a platform's error page from filling the outbox.
const maxErrorLen = 2000

// MarkFailed records a failed attempt: with a retry time the notice stays
// pending until then; without one it has failed for good. A notice that
// was delivered meanwhile (by a sender whose lease had not really expired)
// stays delivered.
func (db *DB) MarkFailed(ctx context.Context, workspaceID, id int64, reason string, retryAt time.Time) (err error) {
	defer wrap(&err, "mark failed(%d, %d)", workspaceID, id)
	if len(reason) > maxErrorLen {
		reason = reason[:maxErrorLen]
	}
	var found, pending bool
	err = db.pool.QueryRow(ctx, `
		WITH upd AS (
			UPDATE outbox SET last_error = $3,
				status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
				next_attempt_at = COALESCE($4, next_attempt_at)
			WHERE workspace_id = $1 AND id = $2 AND status = 'pending'
			RETURNING id
		)
		SELECT EXISTS (SELECT 1 FROM outbox WHERE workspace_id = $1 AND id = $2), EXISTS (SELECT 1 FROM upd)`,
		workspaceID, id, reason, nullTime(retryAt)).Scan(&found, &pending)
	if err == nil && !found {
		err = notFound()
	}
	return err
}

// Defer hands a claimed notice back, to be offered again at until, and
// gives back the attempt its claim counted: the platform asked for a wait
// (a rate limit is not a failure) or the sender stopped before sending.
// A notice delivered meanwhile stays delivered.
func (db *DB) Defer(ctx context.Context, workspaceID, id int64, until time.Time, reason string) (err error) {
	defer wrap(&err, "defer(%d, %d)", workspaceID, id)
	if len(reason) > maxErrorLen {
		reason = reason[:maxErrorLen]
	}
	var found bool
	err = db.pool.QueryRow(ctx, `
		WITH upd AS (
			UPDATE outbox SET next_attempt_at = $3, attempts = GREATEST(attempts - 1, 0),
				last_error = COALESCE($4, last_error)
			WHERE workspace_id = $1 AND id = $2 AND status = 'pending'
			RETURNING id
		)
		SELECT EXISTS (SELECT 1 FROM outbox WHERE workspace_id = $1 AND id = $2)`,
		workspaceID, id, until, nullText(reason)).Scan(&found)
	if err == nil && !found {
		err = notFound()
	}
	return err
}

// OutboxDepth counts the messages waiting to be delivered and those that
// failed for good, for the /metrics gauges.
func (db *DB) OutboxDepth(ctx context.Context) (pending, failed int64, err error) {
	defer wrap(&err, "outbox depth")
	// Each count reads only its partial index (outbox_due_idx,
	// outbox_failed_idx), never the delivered rows that make the bulk.
	err = db.pool.QueryRow(ctx, `
		-- across workspaces (outbox): the gauges count the whole queue
		SELECT (SELECT count(*) FROM outbox WHERE status = 'pending'),
			(SELECT count(*) FROM outbox WHERE status = 'failed')`).
		Scan(&pending, &failed)
	return pending, failed, err
}

// FailedNotices lists notices that failed for good, newest first.
func (t *tx) FailedNotices(ctx context.Context, workspaceID int64, limit int) (_ []core.Notice, err error) {
	defer wrap(&err, "failed notices(%d)", workspaceID)
	// An admin reads whom it was for by the name they have now.
	return scanNotices(t.q.Query(ctx, `
		SELECT `+noticeColumns+`, m.display_name
		FROM outbox o
		JOIN workspaces w ON w.id = o.workspace_id
		LEFT JOIN members m ON m.workspace_id = o.workspace_id AND m.id = o.recipient_member_id`+noticePeople+`
		WHERE o.workspace_id = $1 AND o.status = 'failed'
		ORDER BY o.id DESC LIMIT $2`, workspaceID, limit))
}

// RetryFailed queues the workspace's failed notices again, from at —
// except those to members who were removed or erased their data (they
// are sent nothing more; their departure failed what was waiting) and
// DMs about a referral whose recipient is no longer one of its parties
// (see forAParty).
func (t *tx) RetryFailed(ctx context.Context, workspaceID int64, at time.Time) (_ int, err error) {
	defer wrap(&err, "retry failed(%d)", workspaceID)
	tag, err := t.q.Exec(ctx, `
		UPDATE outbox o SET status = 'pending', attempts = 0, next_attempt_at = $2
		WHERE o.workspace_id = $1 AND o.status = 'failed'
			AND NOT EXISTS (SELECT 1 FROM members m
				WHERE m.workspace_id = $1 AND m.id = o.recipient_member_id AND m.status <> 'active')
			AND `+forAParty,
		workspaceID, at)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// SentRef returns the platform reference of the delivered notice of kind
// about a referral to the same recipient (the channel post of a lead, or
// the receiver's own offer), or "" if none was delivered.
func (db *DB) SentRef(ctx context.Context, workspaceID, referralID int64, kind core.NoticeKind, to core.Recipient) (ref string, err error) {
	defer wrap(&err, "sent ref(%d, %s)", referralID, kind)
	err = db.pool.QueryRow(ctx, `
		SELECT COALESCE(ref, '') FROM outbox
		WHERE workspace_id = $1 AND kind = $2 AND status = 'sent'
			AND (payload->'referral'->>'id')::bigint = $3 AND recipient_member_id IS NOT DISTINCT FROM $4
		ORDER BY id DESC LIMIT 1`, workspaceID, string(kind), referralID, nullID(to.MemberID)).Scan(&ref)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return ref, err
}

// ClaimRequest records a platform request's key in its workspace, inside
// the transaction of its work, so the key commits (or rolls back) with
// it. A concurrent delivery of the same key waits on the first one's
// transaction and then reports false, or true if the first rolled back.
func (t *tx) ClaimRequest(ctx context.Context, workspaceID int64, key string, at time.Time) (first bool, err error) {
	defer wrap(&err, "claim request(%d)", workspaceID)
	tag, err := t.q.Exec(ctx, `
		INSERT INTO inbound_requests (workspace_id, key, received_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, workspaceID, key, at)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// FirstDelivery records a platform request's key in the team's workspace
// and reports whether it is new; the same key again (a retry or a replay)
// reports false. A known team takes one statement; a team's very first
// request also makes its workspace, as joining would. Old keys are
// deleted by the retention job (see Purge): platforms retry for minutes,
// not days.
func (db *DB) FirstDelivery(ctx context.Context, p core.Platform, team, key string, at time.Time) (first bool, err error) {
	defer wrap(&err, "first delivery(%s, %s)", p, team)
	var known bool
	err = db.pool.QueryRow(ctx, `
		-- across workspaces (workspaces): the workspace of a team, found by its platform id
		WITH w AS (
			SELECT id FROM workspaces WHERE platform = $1 AND external_id = $2
		), ins AS (
			INSERT INTO inbound_requests (workspace_id, key, received_at)
			SELECT id, $3, $4 FROM w
			ON CONFLICT DO NOTHING
			RETURNING 1
		)
		SELECT EXISTS (SELECT 1 FROM w), EXISTS (SELECT 1 FROM ins)`, string(p), team, key, at).Scan(&known, &first)
	if err != nil || known {
		return first, err
	}
	err = db.InTx(ctx, func(t core.Tx) error {
		ws, err := t.EnsureWorkspace(ctx, p, team, "", core.DefaultSettings())
		if err != nil {
			return err
		}
		first, err = t.ClaimRequest(ctx, ws.ID, key, at)
		return err
	})
	return first, err
}

// Arrive records the request's key in the team's workspace and reads the
// workspace and the caller's member in one batch, which also carries the
// transaction's BEGIN. The key commits (or rolls back) with the command's
// work; a team with no workspace yet records nothing (see core.Tx); a concurrent
// delivery of the same key waits on the first one's transaction and then
// reports false, or true if the first rolled back.
func (t *tx) Arrive(ctx context.Context, p core.Platform, key string, at time.Time, teamID, userID string) (first bool, ws *core.Workspace, m *core.Member, err error) {
	defer wrap(&err, "arrive(%s, %s, %s)", p, teamID, userID)
	var b pgx.Batch
	if key != "" {
		b.Queue(`
			-- across workspaces (workspaces): the workspace of a team, found by its platform id
			INSERT INTO inbound_requests (workspace_id, key, received_at)
			SELECT w.id, $3, $4 FROM workspaces w WHERE w.platform = $1 AND w.external_id = $2
			ON CONFLICT DO NOTHING`, string(p), teamID, key, at)
	}
	b.Queue(`
		-- across workspaces (workspaces): the workspace of a team, found by its platform id
		SELECT `+workspaceCols+` FROM workspaces w WHERE w.platform = $1 AND w.external_id = $2`, p, teamID)
	b.Queue(`
		SELECT `+memberCols+` FROM members m JOIN workspaces w ON w.id = m.workspace_id
		WHERE w.platform = $1 AND w.external_id = $2 AND m.user_id = $3`, p, teamID, userID)
	br := t.q.SendBatch(ctx, &b)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}()
	first = true
	recorded := false
	if key != "" {
		tag, err := br.Exec()
		if err != nil {
			return false, nil, nil, err
		}
		recorded = tag.RowsAffected() == 1
	}
	if ws, err = scanWorkspace(br.QueryRow(), &t.db.settings); errors.Is(err, pgx.ErrNoRows) {
		ws = nil // no workspace, no key recorded: first
	} else if err != nil {
		return false, nil, nil, err
	} else if key != "" {
		first = recorded
	}
	if m, err = scanMember(br.QueryRow()); errors.Is(err, pgx.ErrNoRows) {
		m = nil
	} else if err != nil {
		return false, nil, nil, err
	}
	return first, ws, m, nil
}
