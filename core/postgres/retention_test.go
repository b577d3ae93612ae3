package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func TestPurge_SmallBatchesDeleteEverythingOldThatIsNotStillRead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	other := b.workspace(t, core.Slack, "T2")
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	lead := b.referral(t, alice, nil)
	cutoff := t0.AddDate(0, 0, 90)
	// Interleaved in sent order: 7 old messages that can go, 3 old posts of
	// an open lead (a claim edits the latest in place), 2 recent messages,
	// and an old one of another workspace.
	insert := func(ws *core.Workspace, kind core.NoticeKind, to *core.Member, at time.Time) {
		t.Helper()
		var recipient any
		if to != nil {
			recipient = to.ID
		}
		payload := fmt.Sprintf(`{"kind": %q, "referral": {"id": %d}}`, kind, lead.ID)
		if err := b.exec(t, `INSERT INTO outbox (workspace_id, recipient_member_id, kind, payload, status, created_at, sent_at)
			VALUES ($1, $2, $3, $4, 'sent', $5, $5)`, ws.ID, recipient, string(kind), payload, at); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		at := t0.Add(time.Duration(i) * time.Hour)
		if i%3 == 1 {
			insert(b.ws, core.NoticeLeadPosted, nil, at)
		} else {
			insert(b.ws, core.NoticeStage, bob, at)
		}
	}
	insert(b.ws, core.NoticeStage, bob, cutoff)
	insert(b.ws, core.NoticeStage, bob, cutoff.Add(time.Hour))
	insert(other, core.NoticeWeeklyDigest, nil, t0)
	// Job runs: six of one job, the latest kept; request keys: five old.
	for i := range 6 {
		if err := b.exec(t, `INSERT INTO job_runs (job, workspace_id, period, started_at) VALUES ('lead-expiry', $1, $2, $3)`,
			b.ws.ID, fmt.Sprint("p", i), t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		if _, err := b.db.FirstDelivery(ctx, core.Slack, b.ws.ExternalID, fmt.Sprint("key", i), t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.db.FirstDelivery(ctx, core.Slack, b.ws.ExternalID, "fresh", cutoff); err != nil {
		t.Fatal(err)
	}

	got, err := b.db.Purge(ctx, core.Purge{WorkspaceID: b.ws.ID, SentBefore: cutoff, RunsBefore: cutoff,
		InboundBefore: cutoff, Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := (core.Purged{Delivered: 7, JobRuns: 5, Inbound: 5}); got != want {
		t.Errorf("purged %+v, want %+v", got, want)
	}
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"lead posts kept", b.count(t, `SELECT count(*) FROM outbox WHERE workspace_id = $1 AND kind = 'lead.posted'`, b.ws.ID), 3},
		{"recent messages kept", b.count(t, `SELECT count(*) FROM outbox WHERE workspace_id = $1 AND sent_at >= $2`, b.ws.ID, cutoff), 2},
		{"other old messages left", b.count(t, `SELECT count(*) FROM outbox WHERE workspace_id = $1 AND sent_at < $2 AND kind <> 'lead.posted'`, b.ws.ID, cutoff), 0},
		{"other workspace's message kept", b.count(t, `SELECT count(*) FROM outbox WHERE workspace_id = $1`, other.ID), 1},
		{"job runs left (the latest)", b.count(t, `SELECT count(*) FROM job_runs WHERE period = 'p5'`), 1},
		{"request keys left (the fresh one)", b.count(t, `SELECT count(*) FROM inbound_requests WHERE key = 'fresh'`), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}

	// Once the lead has been closed for longer than the retention, its
	// posts go too.
	if err := b.exec(t, `UPDATE referrals SET status = 'expired', closed_at = $2 WHERE id = $1`, lead.ID, t0); err != nil {
		t.Fatal(err)
	}
	got, err = b.db.Purge(ctx, core.Purge{WorkspaceID: b.ws.ID, SentBefore: cutoff, Batch: 2})
	if err != nil || got.Delivered != 3 {
		t.Fatalf("after the lead closed: %+v, %v; want its 3 posts purged", got, err)
	}
}

// Each kind of record a job still reads stays while it is read, and goes
// once it no longer is.
func TestPurge_KeepsWhatRemindersStillRead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice, bob := b.member(t, b.ws, "alice"), b.member(t, b.ws, "bob")
	cutoff := t0.AddDate(0, 0, 90)
	working := b.referral(t, alice, bob, func(r *core.Referral) { r.Status = core.StatusContacted })
	won := b.referral(t, alice, bob, func(r *core.Referral) {
		r.Status, r.WonValue, r.ClosedAt = core.StatusWon, core.Money{Cents: 100}, t0
	})
	lost := b.referral(t, alice, bob, func(r *core.Referral) { r.Status, r.ClosedAt = core.StatusLost, t0 })
	due := t0.AddDate(0, 0, 30)
	if err := b.exec(t, `INSERT INTO partnerships (workspace_id, member_a, member_b, cadence_days, next_due, created_at)
		VALUES ($1, $2, $3, 30, $4, $5)`, b.ws.ID, min(alice.ID, bob.ID), max(alice.ID, bob.ID), due, t0); err != nil {
		t.Fatal(err)
	}
	pid := b.count(t, `SELECT id FROM partnerships`)
	// bob used referbot after the first reminders, not since the later ones.
	if err := b.exec(t, `UPDATE members SET last_active_at = $2 WHERE id = $1`, bob.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	type row struct {
		name    string
		kind    core.NoticeKind
		ref     int64
		key     string
		created time.Time
		kept    bool
	}
	rows := []row{
		{"stale nudge, referral worked", core.NoticeStaleNudge, working.ID, "", t0, true},
		{"stale nudge, referral lost", core.NoticeStaleNudge, lost.ID, "", t0, false},
		{"thank-you nudge, won and unthanked", core.NoticeThankNudge, won.ID, "", t0, true},
		{"thank-you nudge, lost", core.NoticeThankNudge, lost.ID, "", t0, false},
		{"touch reminder, still due that day", core.NoticeTouchReminder, 0, fmt.Sprintf("touch:%d:%d:%d", pid, bob.ID, due.Unix()), t0, true},
		{"touch reminder, an earlier due day", core.NoticeTouchReminder, 0, fmt.Sprintf("touch:%d:%d:%d", pid, bob.ID, due.Unix()-86400), t0, false},
		{"buddy reminder before his last use", core.NoticeBuddyReminder, 0, "", t0, false},
		{"buddy reminder since his last use", core.NoticeBuddyReminder, 0, "", t0.Add(2 * time.Hour), true},
		{"question since his last use", core.NoticeAskReminders, 0, "", t0.Add(3 * time.Hour), true},
	}
	for _, r := range rows {
		payload := fmt.Sprintf(`{"kind": %q, "referral": {"id": %d}}`, r.kind, r.ref)
		if err := b.exec(t, `INSERT INTO outbox (workspace_id, recipient_member_id, kind, payload, dedupe_key, status, created_at, sent_at)
			VALUES ($1, $2, $3, $4, NULLIF($5, ''), 'sent', $6, $6)`, b.ws.ID, bob.ID, string(r.kind), payload, r.key, r.created); err != nil {
			t.Fatal(err)
		}
	}
	// The reminder kinds core passes, but the thank-you and stale nudges:
	// their own rules decide.
	reminders := []core.NoticeKind{core.NoticeBuddyReminder, core.NoticeAskReminders}
	got, err := b.db.Purge(ctx, core.Purge{WorkspaceID: b.ws.ID, SentBefore: cutoff, Reminders: reminders, Batch: 4})
	if err != nil {
		t.Fatal(err)
	}
	left := b.count(t, `SELECT count(*) FROM outbox`)
	kept := 0
	for _, r := range rows {
		n := b.count(t, `SELECT count(*) FROM outbox WHERE kind = $1 AND COALESCE(dedupe_key, '') = $2
			AND created_at = $3 AND (payload->'referral'->>'id')::bigint = $4`, string(r.kind), r.key, r.created, r.ref)
		if (n == 1) != r.kept {
			t.Errorf("%s: kept %v, want %v", r.name, n == 1, r.kept)
		}
		if r.kept {
			kept++
		}
	}
	if got.Delivered != len(rows)-kept || left != kept {
		t.Errorf("purged %d, %d left; want %d, %d", got.Delivered, left, len(rows)-kept, kept)
	}
}

// Dashboard sign-ins go a day after they are over: links never used once
// expired, sessions once run out or ended; live ones stay, however old.
func TestPurge_SignInLinksAndSessionsOverBeforeTheCutoff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	other := b.workspace(t, core.Slack, "T2")
	alice, carl := b.member(t, b.ws, "alice"), b.member(t, other, "carl")
	cutoff := t0.AddDate(0, 0, 30) // the purge runs a day after this
	type link struct {
		name           string
		ws             *core.Workspace
		member         int64
		issued         time.Time
		used, ended    bool
		until, endedAt time.Time
		kept           bool
	}
	before, after := cutoff.Add(-time.Hour), cutoff.Add(time.Hour)
	links := []link{
		{name: "never used, expired before", issued: before.Add(-15 * time.Minute), kept: false},
		{name: "never used, expired since", issued: after.Add(-15 * time.Minute), kept: true},
		{name: "session ran out before", issued: t0, used: true, until: before, kept: false},
		{name: "session runs past it (issued long before)", issued: t0, used: true, until: after, kept: true},
		{name: "session ended (signed out) before", issued: t0, used: true, until: after, ended: true, endedAt: before, kept: false},
		{name: "session ended since", issued: t0, used: true, until: after, ended: true, endedAt: after, kept: true},
		{name: "link ended unused (member left) before", issued: before.Add(-time.Minute), ended: true, endedAt: before, kept: false},
		{name: "another workspace's, over long ago", ws: other, member: carl.ID, issued: t0, kept: true},
	}
	for i, l := range links {
		ws, member := b.ws, alice.ID
		if l.ws != nil {
			ws, member = l.ws, l.member
		}
		var used, until, ended any
		if l.used {
			used, until = l.issued.Add(time.Minute), l.until
		}
		if l.ended {
			ended = l.endedAt
		}
		if err := b.exec(t, `INSERT INTO dashboard_links (workspace_id, id, member_id, issued_at, expires_at, used_at, session_until, ended_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ws.ID, fmt.Sprintf("%032x", i), member, l.issued,
			l.issued.Add(15*time.Minute), used, until, ended); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.db.Purge(ctx, core.Purge{WorkspaceID: b.ws.ID, SignInsBefore: cutoff, Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	gone := 0
	for i, l := range links {
		n := b.count(t, `SELECT count(*) FROM dashboard_links WHERE id = $1`, fmt.Sprintf("%032x", i))
		if (n == 1) != l.kept {
			t.Errorf("%s: kept %v, want %v", l.name, n == 1, l.kept)
		}
		if n == 0 {
			gone++
		}
	}
	if got != (core.Purged{SignIns: gone}) || gone != 4 {
		t.Errorf("purged %+v, %d rows gone; want 4 sign-ins and nothing else", got, gone)
	}
}

// PreviousJobRuns reads each workspace's latest run of a job before an
// instant: another job's runs, other workspaces' and later ones are not
// it, and a workspace with none is absent.
func TestPreviousJobRuns_TheLatestBeforeTheInstantPerWorkspace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	other, none := b.workspace(t, core.Slack, "T2"), b.workspace(t, core.Slack, "T3")
	run := func(job string, ws *core.Workspace, at time.Time) {
		t.Helper()
		if err := b.exec(t, `INSERT INTO job_runs (job, workspace_id, period, started_at) VALUES ($1, $2, $3, $4)`,
			job, ws.ID, at.Format(time.RFC3339), at); err != nil {
			t.Fatal(err)
		}
	}
	at := t0.AddDate(0, 0, 10)
	for d := range 12 {
		run(core.JobRetention, b.ws, t0.AddDate(0, 0, d)) // days 0–11: day 9 is the latest before day 10
	}
	run(core.JobRetention, other, t0.AddDate(0, 0, 2))
	run(core.JobLeadExpiry, other, t0.AddDate(0, 0, 5))
	run(core.JobLeadExpiry, none, t0.AddDate(0, 0, 5))
	var got map[int64]time.Time
	b.tx(t, func(tx core.Tx) (err error) {
		got, err = tx.PreviousJobRuns(ctx, core.JobRetention, []int64{b.ws.ID, other.ID, none.ID}, at)
		return err
	})
	want := map[int64]time.Time{b.ws.ID: t0.AddDate(0, 0, 9), other.ID: t0.AddDate(0, 0, 2)}
	if len(got) != len(want) || !got[b.ws.ID].Equal(want[b.ws.ID]) || !got[other.ID].Equal(want[other.ID]) {
		t.Errorf("previous runs %v, want %v", got, want)
	}
}
