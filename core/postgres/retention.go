package postgres

import (
	"context"
	"time"

	"github.com/referbot/referbot/core"
)

// DefaultPurgeBatch is the batch size of a Purge that names none.
const DefaultPurgeBatch = 10000

// Purge deletes what the retention policy no longer keeps (see core.Purge),
// each statement at most p.Batch rows, committed on its own.
func (db *DB) Purge(ctx context.Context, p core.Purge) (out core.Purged, err error) {
	defer wrap(&err, "purge(%d)", p.WorkspaceID)
	if p.Batch <= 0 {
		p.Batch = DefaultPurgeBatch
	}
	if !p.SentBefore.IsZero() {
		if out.Delivered, err = db.purgeDelivered(ctx, p); err != nil {
			return out, err
		}
	}
	if !p.RunsBefore.IsZero() {
		if out.JobRuns, err = db.purgeBatches(ctx, purgeJobRuns, p.Batch, p.WorkspaceID, p.RunsBefore); err != nil {
			return out, err
		}
	}
	if !p.InboundBefore.IsZero() {
		if out.Inbound, err = db.purgeBatches(ctx, purgeInbound, p.Batch, p.WorkspaceID, p.InboundBefore); err != nil {
			return out, err
		}
	}
	if !p.SignInsBefore.IsZero() {
		if out.SignIns, err = db.purgeBatches(ctx, purgeSignIns, p.Batch, p.WorkspaceID, p.SignInsBefore); err != nil {
			return out, err
		}
	}
	// The rollups' rows of every writer's shard folded into one a key
	// (migration 022), so readers' rows don't multiply by the pool's size.
	// A workspace with nothing written since the last fold has nothing to
	// fold: the probe finds that out in the partial indexes of unfolded
	// rows (migration 031), as the fold finds what to fold.
	if _, err = db.pool.Exec(ctx, `
		SELECT rollups_compact($1)
		WHERE EXISTS (SELECT 1 FROM stats_rollups s WHERE s.workspace_id = $1 AND s.shard <> -1)
			OR EXISTS (SELECT 1 FROM pair_rollups p WHERE p.workspace_id = $1 AND p.shard <> -1)`, p.WorkspaceID); err != nil {
		return out, err
	}
	// member_totals mirrors the fold (migration 033), which leaves its
	// writers' rows at zero: they go too (migration 041), or every reader
	// of the totals sums them forever. A row a writer fills meanwhile is
	// not zero when the delete gets to it, and stays.
	_, err = db.pool.Exec(ctx, `
		DELETE FROM member_totals
		WHERE workspace_id = $1 AND shard <> -1 AND given = 0 AND received = 0 AND given_deals = 0
			AND given_cents = 0 AND received_deals = 0 AND received_cents = 0`, p.WorkspaceID)
	return out, err
}

// stillRead holds for a delivered outbox row o that something still reads
// whatever its age, so retention keeps it ($2 is the cutoff, $6 the
// reminder kinds); see core.Purge for why each is kept. The referral a row
// is about is the one in its payload (as in SentRef), the partnership of a
// touchpoint reminder the one its dedupe key names (as in DuePartnerships).
const stillRead = `(
	(o.kind IN ('lead.posted', 'referral.offered') AND EXISTS (SELECT 1 FROM referrals r
		WHERE r.workspace_id = o.workspace_id AND r.id = (o.payload->'referral'->>'id')::bigint
			AND (r.closed_at IS NULL OR r.closed_at >= $2)))
	OR (o.kind = 'nudge.thanks' AND EXISTS (SELECT 1 FROM referrals r
		WHERE r.workspace_id = o.workspace_id AND r.id = (o.payload->'referral'->>'id')::bigint
			AND r.status IN ('accepted', 'contacted', 'meeting', 'proposal', 'won')
			AND NOT EXISTS (SELECT 1 FROM thanks th WHERE th.workspace_id = r.workspace_id AND th.referral_id = r.id)))
	OR (o.kind = 'nudge.stale' AND EXISTS (SELECT 1 FROM referrals r
		WHERE r.workspace_id = o.workspace_id AND r.id = (o.payload->'referral'->>'id')::bigint
			AND r.status IN ('accepted', 'contacted', 'meeting', 'proposal')))
	OR (o.kind = 'reminder.touch' AND EXISTS (SELECT 1 FROM partnerships p
		WHERE p.workspace_id = o.workspace_id
			AND p.id = substring(o.dedupe_key FROM '^touch:([0-9]{1,18}):')::bigint
			AND o.dedupe_key = 'touch:' || p.id || ':' || o.recipient_member_id || ':' || floor(extract(epoch FROM p.next_due))::bigint))
	OR (o.kind = ANY($6) AND EXISTS (SELECT 1 FROM members m
		WHERE m.workspace_id = o.workspace_id AND m.id = o.recipient_member_id
			AND o.created_at > COALESCE(m.last_active_at, m.joined_at)))
)`

// purgeDelivered deletes the workspace's delivered notices sent before the
// cutoff (and since p.SentSince) that nothing reads any more, in batches
// taken in (sent_at, id) order through outbox_sent_idx. Each batch picks up where the last one
// stopped, so the rows kept are read once per pass, not once per batch.
func (db *DB) purgeDelivered(ctx context.Context, p core.Purge) (deleted int, err error) {
	kinds := make([]string, len(p.Reminders))
	for i, k := range p.Reminders {
		kinds[i] = string(k)
	}
	// the zero time sorts before any sent_at; SentSince starts the walk there
	afterAt, afterID := p.SentSince, int64(0)
	for {
		var scanned, gone int
		var lastAt *time.Time
		var lastID *int64
		err := db.pool.QueryRow(ctx, `
			WITH batch AS MATERIALIZED (
				SELECT o.id, o.sent_at FROM outbox o
				WHERE o.workspace_id = $1 AND o.status = 'sent' AND o.sent_at < $2
					AND (o.sent_at, o.id) > ($3, $4)
				ORDER BY o.sent_at, o.id
				LIMIT $5
			), gone AS (
				DELETE FROM outbox o USING batch b
				WHERE o.workspace_id = $1 AND o.id = b.id AND o.status = 'sent' AND NOT `+stillRead+`
				RETURNING o.id
			), last AS (
				SELECT sent_at, id FROM batch ORDER BY sent_at DESC, id DESC LIMIT 1
			)
			SELECT (SELECT count(*) FROM batch), (SELECT count(*) FROM gone),
				(SELECT sent_at FROM last), (SELECT id FROM last)`,
			p.WorkspaceID, p.SentBefore, afterAt, afterID, p.Batch, kinds).Scan(&scanned, &gone, &lastAt, &lastID)
		if err != nil {
			return deleted, err
		}
		deleted += gone
		if scanned < p.Batch || lastAt == nil {
			return deleted, nil
		}
		afterAt, afterID = *lastAt, *lastID
	}
}

// purgeJobRuns deletes a batch of the workspace's job runs started before
// $2, keeping each job's latest: the scheduler runs a job's latest
// scheduled instant if it has no record of it, and a quarterly (or a
// custom yearly) schedule's latest instant can be older than the
// retention.
const purgeJobRuns = `
	DELETE FROM job_runs j USING (
		SELECT j.job, j.workspace_id, j.period FROM job_runs j
		WHERE j.workspace_id = $1 AND j.started_at < $2
			AND EXISTS (SELECT 1 FROM job_runs k
				WHERE k.workspace_id = j.workspace_id AND k.job = j.job AND k.started_at > j.started_at)
		LIMIT $3
	) old
	WHERE j.workspace_id = $1 AND j.workspace_id = old.workspace_id AND j.job = old.job AND j.period = old.period`

// purgeInbound deletes a batch of the workspace's request keys received
// before $2 (through inbound_requests_received_idx); rows another pass is
// deleting are left to it. The outer workspace_id = $1 keeps the join's
// other side within the workspace whichever side the planner reads first
// (a near-empty table's estimates let it pick either).
const purgeInbound = `
	DELETE FROM inbound_requests i USING (
		SELECT workspace_id, key FROM inbound_requests WHERE workspace_id = $1 AND received_at < $2
		LIMIT $3 FOR UPDATE SKIP LOCKED
	) old
	WHERE i.workspace_id = $1 AND i.workspace_id = old.workspace_id AND i.key = old.key`

// purgeSignIns deletes a batch of the workspace's dashboard links (each
// row a sign-in link, and once used the session it opened) that were
// over before $2: ended (signed out, the member left), a session run out,
// or a link never used that expired. A workspace has a link or two per
// member, so the scan of its rows needs no index of its own.
const purgeSignIns = `
	DELETE FROM dashboard_links l USING (
		SELECT workspace_id, id FROM dashboard_links
		WHERE workspace_id = $1
			AND LEAST(ended_at, COALESCE(session_until, expires_at)) < $2
		LIMIT $3 FOR UPDATE SKIP LOCKED
	) old
	WHERE l.workspace_id = $1 AND l.workspace_id = old.workspace_id AND l.id = old.id`

// purgeBatches runs a batched delete (its last parameter the batch size)
// until a batch deletes fewer rows than that.
func (db *DB) purgeBatches(ctx context.Context, q string, batch int, args ...any) (deleted int, err error) {
	args = append(args, batch)
	for {
		tag, err := db.pool.Exec(ctx, q, args...)
		if err != nil {
			return deleted, err
		}
		n := int(tag.RowsAffected())
		deleted += n
		if n < batch {
			return deleted, nil
		}
	}
}
