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
		if _, err := b.db.FirstDelivery(ctx, core.Slack, fmt.Sprint("key", i), t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.db.FirstDelivery(ctx, core.Slack, "fresh", cutoff); err != nil {
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
