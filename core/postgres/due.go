package postgres

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

// The scheduled passes read what fell due in many workspaces at once. Two
// shapes keep their plans from flipping when the planner's statistics are
// stale, which once turned the ignored-reminders count into 2.37 billion
// join-filter comparisons:
//
//   - per workspace, a LATERAL subquery with OFFSET 0 (so the planner
//     cannot flatten it into a join it might run as a hash join over the
//     whole table): one bounded range scan of a partial index per
//     workspace of the pass (migration 018), whatever the estimates;
//   - "was it already sent?" as a scalar subquery with LIMIT 1, never NOT
//     EXISTS: an anti-join can become a hash over the whole outbox, a
//     scalar subquery is one probe of the (workspace_id, dedupe_key) index
//     per candidate.
//
// Every join and probe is on (workspace_id, id).

// dueArgs are the parameters $1–$3 of a pass: each workspace's window.
func dueArgs(due []core.DueWindow) (ids []int64, from, to []time.Time) {
	ids, from, to = make([]int64, len(due)), make([]time.Time, len(due)), make([]time.Time, len(due))
	for i, d := range due {
		ids[i], from[i], to[i] = d.WorkspaceID, d.From, d.To
	}
	return ids, from, to
}

// dueWindows is the FROM item of a pass: d.ws, d.since, d.until.
const dueWindows = `unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS d(ws, since, until)`

// dueReferrals reads, with their parties' names, the referrals cond picks
// in each workspace's window (cond reads r, d.since and d.until).
func dueReferrals(cond, order string) string {
	return referralsFrom(dueWindows+`
		CROSS JOIN LATERAL (SELECT * FROM referrals r WHERE r.workspace_id = d.ws AND `+cond+` OFFSET 0) r`) + `
		ORDER BY ` + order
}

// referralsFrom is referralFrom reading its referrals r from the FROM
// item from instead of the table.
func referralsFrom(from string) string {
	if !strings.Contains(referralFrom, "FROM referrals r\n") {
		panic("postgres: referralFrom no longer reads FROM referrals r; referralsFrom needs it")
	}
	return strings.Replace(referralFrom, "FROM referrals r\n", "FROM "+from+"\n", 1)
}

// sent is true when the workspace's outbox holds the dedupe key: one index
// probe.
func sent(key string) string {
	return `(SELECT o.id FROM outbox o WHERE o.workspace_id = r.workspace_id AND o.dedupe_key = ` + key + ` LIMIT 1) IS NOT NULL`
}

// mayRemind holds for a member m who may get reminders: active, not
// muted, not paused (Reachable's rule).
const mayRemind = `m.status = 'active' AND NOT m.muted
	AND (SELECT p.availability FROM profiles p WHERE p.workspace_id = m.workspace_id AND p.member_id = m.id)
		IS DISTINCT FROM 'paused'`

// heldBack holds for a member m who was asked, in this stretch of
// silence, whether to keep reminders coming (core's askBeforeMore, whose
// key it reads): every reminder to them is held back, and the question
// not asked again, until they use referbot again. One index probe.
const heldBack = `(SELECT o.id FROM outbox o WHERE o.workspace_id = m.workspace_id
	AND o.dedupe_key = 'ask-reminders:' || m.id || ':'
		|| floor(extract(epoch FROM COALESCE(m.last_active_at, m.joined_at)))::bigint LIMIT 1) IS NOT NULL`

// remindable is true when a reminder to the member (a column of r) would
// go out today: they may get reminders and are not held back. A due row
// whose every recipient is not remindable would only be read again, day
// after day, to queue nothing; the passes leave it out. It is still due:
// it comes back the day its member uses referbot again (or unmutes).
func remindable(member string) string {
	return `COALESCE((SELECT ` + mayRemind + ` AND NOT ` + heldBack + `
		FROM members m WHERE m.workspace_id = r.workspace_id AND m.id = ` + member + `), false)`
}

// working are the stages someone works a referral in.
const working = `r.status IN ('accepted', 'contacted', 'meeting', 'proposal')`

// ExpireLeads expires, in one statement, every open lead of the given
// workspaces due by at, and returns them with their referrer's name. Open
// leads are few (the partial index holds only them), so even the worst
// plan reads only open leads, never the history. The leads are read as
// the UPDATE left them (its RETURNING), not probed again by key.
func (t *tx) ExpireLeads(ctx context.Context, workspaceIDs []int64, at time.Time) (_ []core.Referral, err error) {
	defer wrap(&err, "expire leads(%d workspaces)", len(workspaceIDs))
	rows, err := t.q.Query(ctx, `
		WITH expired AS (
			UPDATE referrals SET status = 'expired', closed_at = $2, updated_at = $2
			WHERE workspace_id = ANY($1) AND status = 'open' AND expires_at <= $2
			RETURNING *
		)
		`+referralsFrom("expired r")+`
		ORDER BY r.workspace_id, r.id`, workspaceIDs, at)
	return collectReferrals(rows, err)
}

// DueThankNudges finds, in one query, the referrals whose owner should be
// nudged to thank the referrer: taken on in the window, not thanked, not
// nudged, the owner active and not muted.
func (t *tx) DueThankNudges(ctx context.Context, due []core.DueWindow) (_ []core.Referral, err error) {
	defer wrap(&err, "due thank nudges(%d workspaces)", len(due))
	ids, from, to := dueArgs(due)
	rows, err := t.q.Query(ctx, dueReferrals(`
			r.status IN ('accepted', 'contacted', 'meeting', 'proposal', 'won')
			AND r.accepted_at > d.since AND r.accepted_at <= d.until
			AND (SELECT m.status = 'active' AND NOT m.muted AND NOT `+heldBack+` FROM members m
				WHERE m.workspace_id = r.workspace_id AND m.id = r.receiver_id)
			AND (SELECT th.id FROM thanks th WHERE th.workspace_id = r.workspace_id AND th.referral_id = r.id
				AND th.retracted_at IS NULL LIMIT 1) IS NULL
			AND NOT `+sent(`'nudge-thanks:' || r.id`),
		`r.workspace_id, r.id`), ids, from, to)
	return collectReferrals(rows, err)
}

// StaleReferrals finds working referrals whose last update falls in the
// window and whose owner hasn't been nudged for this quiet spell, in one
// query.
func (t *tx) StaleReferrals(ctx context.Context, due []core.DueWindow) (_ []core.Referral, err error) {
	defer wrap(&err, "stale referrals(%d workspaces)", len(due))
	ids, from, to := dueArgs(due)
	rows, err := t.q.Query(ctx, dueReferrals(working+`
			AND r.updated_at > d.since AND r.updated_at <= d.until
			AND NOT `+sent(`'stale:' || r.id || ':' || floor(extract(epoch FROM r.updated_at))::bigint`)+`
			AND (`+remindable("r.receiver_id")+` OR `+remindable("r.referrer_id")+`)`,
		`r.workspace_id, r.referrer_id, r.id`), ids, from, to)
	return collectReferrals(rows, err)
}

// LockIdleReferrals locks and reads, in one statement, the working
// referrals whose last update falls in the window: each workspace's in id
// order, the workspaces in id order (the order in which any pass locks
// referrals, so two never deadlock). A referral changed by a transaction
// that committed meanwhile is read as it is now, and left out if it is no
// longer idle (READ COMMITTED checks the conditions again on the row it
// locks).
func (t *tx) LockIdleReferrals(ctx context.Context, due []core.DueWindow) (_ []core.Referral, err error) {
	defer wrap(&err, "lock idle referrals(%d workspaces)", len(due))
	due = slices.Clone(due)
	slices.SortStableFunc(due, func(a, b core.DueWindow) int { return cmp.Compare(a.WorkspaceID, b.WorkspaceID) })
	ids, from, to := dueArgs(due)
	rows, err := t.q.Query(ctx, referralsFrom(dueWindows+`
		CROSS JOIN LATERAL (SELECT * FROM referrals r WHERE r.workspace_id = d.ws AND `+working+`
			AND r.updated_at > d.since AND r.updated_at <= d.until ORDER BY r.id FOR UPDATE) r`)+`
		ORDER BY r.workspace_id, r.updated_at, r.id`, ids, from, to)
	return collectReferrals(rows, err)
}

// DuePartnerships finds partnerships whose touchpoint fell due in the
// window and whose members haven't both been reminded of it, in one query.
// The window is long (core's touchWindow: two months) and most of what is
// due in it waits for members who can't be reminded today (held back,
// paused): each member is asked once (remindable, per distinct member),
// not once per partnership of theirs, and only the partnerships with a
// remindable member are looked up in the outbox. At a tenth of BNI's
// scale a day's window holds 246,211 partnerships of 45,386 members, 2,967
// of them remindable: 2.3–2.8 s instead of 7.0 (EXPLAIN ANALYZE, a busy
// machine), 4,533 partnerships either way.
func (t *tx) DuePartnerships(ctx context.Context, due []core.DueWindow) (_ []core.Partnership, err error) {
	defer wrap(&err, "due partnerships(%d workspaces)", len(due))
	ids, from, to := dueArgs(due)
	reminded := func(member string) string {
		return sent(`'touch:' || r.id || ':' || r.` + member + ` || ':' || floor(extract(epoch FROM r.next_due))::bigint`)
	}
	rows, err := t.q.Query(ctx, `
		WITH due AS MATERIALIZED (
			SELECT r.id, r.workspace_id, r.member_a, r.member_b, r.type, r.trust, r.cadence_days, r.last_touch,
				r.next_due, r.created_at
			FROM `+dueWindows+`
			CROSS JOIN LATERAL (SELECT * FROM partnerships r WHERE r.workspace_id = d.ws
				AND r.next_due > d.since AND r.next_due <= d.until OFFSET 0) r
		), people AS MATERIALIZED (
			SELECT workspace_id, member_a AS id FROM due UNION SELECT workspace_id, member_b FROM due
		), ok AS MATERIALIZED (
			SELECT x.workspace_id, x.id FROM people x
			WHERE COALESCE((SELECT `+mayRemind+` AND NOT `+heldBack+`
				FROM members m WHERE m.workspace_id = x.workspace_id AND m.id = x.id), false)
		)
		SELECT r.id, r.workspace_id, r.member_a, r.member_b, r.type, r.trust, r.cadence_days, r.last_touch, r.next_due,
			r.created_at
		FROM (
			-- joined, not probed row by row; the outbox is probed after
			SELECT r.* FROM due r
			LEFT JOIN ok a ON a.workspace_id = r.workspace_id AND a.id = r.member_a
			LEFT JOIN ok b ON b.workspace_id = r.workspace_id AND b.id = r.member_b
			WHERE a.id IS NOT NULL OR b.id IS NOT NULL
			OFFSET 0) r
		WHERE NOT (`+reminded("member_a")+` AND `+reminded("member_b")+`)
		ORDER BY r.workspace_id, r.next_due, r.id`, ids, from, to)
	return collectPartnerships(rows, err)
}

// Newcomers finds the members with a mentoring buddy who joined in the
// window, in one query.
func (t *tx) Newcomers(ctx context.Context, due []core.DueWindow) (_ []core.Member, err error) {
	defer wrap(&err, "newcomers(%d workspaces)", len(due))
	ids, from, to := dueArgs(due)
	return collectMembers(t.q.Query(ctx, `
		SELECT `+memberCols+` FROM `+dueWindows+`
		CROSS JOIN LATERAL (SELECT * FROM members m WHERE m.workspace_id = d.ws AND m.buddy_id IS NOT NULL
			AND m.joined_at > d.since AND m.joined_at <= d.until OFFSET 0) m
		ORDER BY m.workspace_id, m.id`, ids, from, to))
}

// Joined finds the active members who joined in each window [From, To),
// in one query: a workspace's members are one range of its key.
func (t *tx) Joined(ctx context.Context, due []core.DueWindow) (_ []core.Member, err error) {
	defer wrap(&err, "joined(%d workspaces)", len(due))
	ids, from, to := dueArgs(due)
	return collectMembers(t.q.Query(ctx, `
		SELECT `+memberCols+` FROM `+dueWindows+`
		CROSS JOIN LATERAL (SELECT * FROM members m WHERE m.workspace_id = d.ws AND m.status = 'active'
			AND m.joined_at >= d.since AND m.joined_at < d.until OFFSET 0) m
		ORDER BY m.workspace_id, lower(m.display_name), m.id`, ids, from, to))
}

// memberArgs are the parameters $1 and $2 of a look-up of members by key.
func memberArgs(keys []core.MemberKey) (ws, ids []int64) {
	ws, ids = make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		ws[i], ids[i] = k.WorkspaceID, k.MemberID
	}
	return ws, ids
}

// keyedMembers is the FROM item of a look-up by key: one probe of
// members' (workspace_id, id) key per member.
const keyedMembers = `unnest($1::bigint[], $2::bigint[]) AS k(ws, id)
	CROSS JOIN LATERAL (SELECT * FROM members m WHERE m.workspace_id = k.ws AND m.id = k.id OFFSET 0) m`

// Reachable returns those of the given members who may get reminders:
// active, not muted, not paused.
func (t *tx) Reachable(ctx context.Context, keys []core.MemberKey) (_ []core.Member, err error) {
	defer wrap(&err, "reachable(%d members)", len(keys))
	ws, ids := memberArgs(keys)
	return collectMembers(t.q.Query(ctx, `
		SELECT `+memberCols+` FROM `+keyedMembers+`
		WHERE `+mayRemind+`
		ORDER BY m.workspace_id, m.id`, ws, ids))
}

// noticeKind is what a notice kind looks like; kinds are written into the
// statement (see IgnoredReminders), so anything else is refused.
var noticeKind = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)*$`)

// IgnoredReminders counts, per given member, the reminders sent since
// their last activity: per member one range scan of outbox_reminders_idx.
// The kinds are written into the statement as literals, not passed as a
// parameter, so the planner can prove that partial index's predicate for
// a generic plan too.
func (t *tx) IgnoredReminders(ctx context.Context, keys []core.MemberKey, kinds []core.NoticeKind, min int) (_ map[core.MemberKey]core.Ignored, err error) {
	defer wrap(&err, "ignored reminders(%d members)", len(keys))
	ks := make([]string, len(kinds))
	for i, k := range kinds {
		if !noticeKind.MatchString(string(k)) {
			return nil, fmt.Errorf("notice kind %q: not a kind", k)
		}
		ks[i] = "'" + string(k) + "'"
	}
	ws, ids := memberArgs(keys)
	rows, err := t.q.Query(ctx, `
		SELECT m.workspace_id, m.id, c.n, COALESCE(m.last_active_at, m.joined_at)
		FROM `+keyedMembers+`
		CROSS JOIN LATERAL (SELECT count(*) AS n FROM outbox o
			WHERE o.workspace_id = m.workspace_id AND o.recipient_member_id = m.id
				AND o.kind IN (`+strings.Join(ks, ", ")+`)
				AND o.created_at > COALESCE(m.last_active_at, m.joined_at)) c
		WHERE c.n >= $3`, ws, ids, min)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[core.MemberKey]core.Ignored{}
	for rows.Next() {
		var k core.MemberKey
		var ig core.Ignored
		if err := rows.Scan(&k.WorkspaceID, &k.MemberID, &ig.Count, &ig.Since); err != nil {
			return nil, err
		}
		out[k] = ig
	}
	return out, rows.Err()
}

// OpenLeads reads each workspace's newest open leads down
// referrals_open_idx, in one statement.
func (t *tx) OpenLeads(ctx context.Context, workspaceIDs []int64, limit int) (_ []core.Referral, err error) {
	defer wrap(&err, "open leads(%d workspaces)", len(workspaceIDs))
	rows, err := t.q.Query(ctx, strings.Replace(referralFrom, "FROM referrals r", `FROM unnest($1::bigint[]) AS d(ws)
		CROSS JOIN LATERAL (SELECT * FROM referrals r WHERE r.workspace_id = d.ws AND r.status = 'open'
			AND r.receiver_id IS NULL ORDER BY r.created_at DESC, r.id DESC LIMIT $2) r`, 1)+`
		ORDER BY r.workspace_id, r.created_at DESC, r.id DESC`, workspaceIDs, limit)
	return collectReferrals(rows, err)
}

// Posted finds which of the keys the outbox holds, in one statement: one
// probe of the (workspace_id, dedupe_key) key per key.
func (t *tx) Posted(ctx context.Context, keys []core.NoticeKey) (_ []core.NoticeKey, err error) {
	defer wrap(&err, "posted(%d)", len(keys))
	ws, dedupe := make([]int64, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		ws[i], dedupe[i] = k.WorkspaceID, k.DedupeKey
	}
	rows, err := t.q.Query(ctx, `
		SELECT k.ws, k.key FROM unnest($1::bigint[], $2::text[]) AS k(ws, key)
		WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.workspace_id = k.ws AND o.dedupe_key = k.key)`, ws, dedupe)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[core.NoticeKey])
}

// MembersByKey reads the given members, whatever their status, in one
// statement: one probe of members' (workspace_id, id) key per member.
func (t *tx) MembersByKey(ctx context.Context, keys []core.MemberKey) (_ []core.Member, err error) {
	defer wrap(&err, "members by key(%d)", len(keys))
	ws, ids := memberArgs(keys)
	return collectMembers(t.q.Query(ctx, `
		SELECT `+memberCols+` FROM `+keyedMembers+`
		ORDER BY m.workspace_id, m.id`, ws, ids))
}
