package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/core"
)

func TestLeadExpiry_OnePassOverManyWorkspacesAppendsEachExpiryAsIfAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	type world struct {
		poster core.Caller
		leads  []*core.Referral // expiring, in the order posted
		kept   *core.Referral   // still open after the pass
	}
	var worlds []world
	for _, team := range []string{"T1", "T2", "T3"} {
		w := world{poster: b.join(t, team, "poster")}
		b.join(t, team, "other")
		for _, need := range []string{"tax help", "a logo", "a booking site"} {
			w.leads = append(w.leads, ok(b.svc.PostLead(ctx, w.poster, core.LeadInput{Need: need, ExpiryDays: 1}))(t))
		}
		w.kept = ok(b.svc.PostLead(ctx, w.poster, core.LeadInput{Need: "copy", ExpiryDays: 5}))(t)
		worlds = append(worlds, w)
	}
	at := b.clock.Now().Add(25 * time.Hour)
	var runs []core.DueRun
	for i := len(worlds) - 1; i >= 0; i-- { // the scheduler's order is not the workspaces'
		runs = append(runs, core.DueRun{Workspace: b.workspace(t, worlds[i].poster), Fire: at})
	}
	res := ok(b.svc.RunJobs(ctx, core.JobLeadExpiry, runs, at))(t)
	for i, r := range res {
		if !r.Ran || r.Notices != 3 {
			t.Errorf("run %d: %+v, want 3 notices", i, r)
		}
	}

	conn := ok(pgx.Connect(ctx, b.url))(t)
	defer conn.Close(ctx)
	var lastID int64 // the expiries' events, numbered in workspace and lead order
	for _, w := range worlds {
		for _, l := range w.leads {
			es := b.history(t, w.poster, l.Code)
			e := es[len(es)-1]
			if e.Kind != core.EvExpired || e.From != core.StatusOpen || e.To != core.StatusExpired || !e.At.Equal(at) {
				t.Errorf("%s: last event %+v, want open → expired at %s", l.Code, e, at)
			}
			if e.ID <= lastID {
				t.Errorf("%s: expiry event %d after %d: not in workspace and lead order", l.Code, e.ID, lastID)
			}
			lastID = e.ID
			// The notice carries the lead as the pass left it.
			var payload []byte
			if err := conn.QueryRow(ctx, `SELECT payload FROM outbox WHERE workspace_id = $1 AND dedupe_key = $2`,
				l.WorkspaceID, fmt.Sprintf("expired:%d", l.ID)).Scan(&payload); err != nil {
				t.Fatalf("%s: its notice: %v", l.Code, err)
			}
			var n core.Notice
			if err := json.Unmarshal(payload, &n); err != nil {
				t.Fatal(err)
			}
			got := n.Referral
			if n.Kind != core.NoticeLeadExpired || n.To.MemberID != w.poster.Member.ID || got == nil ||
				got.ID != l.ID || got.Status != core.StatusExpired || !got.ClosedAt.Equal(at) || !got.UpdatedAt.Equal(at) ||
				got.ReferrerName != "poster" || got.Need != l.Need || got.Code != l.Code {
				t.Errorf("%s: notice %+v with %+v, want the expired lead told to its poster", l.Code, n, got)
			}
		}
		if s := ok(b.svc.Show(ctx, w.poster, w.kept.Code))(t).Referral.Status; s != core.StatusOpen {
			t.Errorf("%s: %s, want still open", w.kept.Code, s)
		}
	}
}

func TestReleaseAfter_ReferralUpdatedWhileThePassWaitsForItsLockStaysWithItsOwner(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.join(t, "T1", "organiser")
	bob, alice := b.join(t, "T1", "bob"), b.join(t, "T1", "alice")
	busy := b.refer(t, bob, alice, "Busy", 0)
	ok(b.svc.Accept(ctx, alice, busy.Code))(t)
	idle := b.refer(t, bob, alice, "Idle", 0)
	ok(b.svc.Accept(ctx, alice, idle.Code))(t)
	ws := b.workspace(t, bob)
	at := time.Date(2026, 3, 24, 9, 30, 0, 0, time.UTC) // both idle for more than 21 days

	// Alice updates the busy one in a transaction that has not committed
	// when the pass comes to lock it.
	conn := ok(pgx.Connect(ctx, b.url))(t)
	defer conn.Close(ctx)
	owner := ok(conn.Begin(ctx))(t)
	defer owner.Rollback(ctx)
	ok(owner.Exec(ctx, `UPDATE referrals SET status = 'contacted', updated_at = $3 WHERE workspace_id = $1 AND id = $2`,
		busy.WorkspaceID, busy.ID, at.Add(-time.Hour)))(t)
	type result struct {
		res core.JobResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := b.svc.RunJob(ctx, core.JobRelease, ws, at, at)
		done <- result{res, err}
	}()
	waitForLockWait(t, conn)
	if err := owner.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || !r.res.Ran || r.res.Notices != 2 {
		t.Fatalf("pass: %+v, %v; want the idle one returned alone (2 notices)", r.res, r.err)
	}
	if s := ok(b.svc.Show(ctx, bob, busy.Code))(t).Referral.Status; s != core.StatusContacted {
		t.Errorf("busy referral: %s, want contacted (updated before the pass could lock it)", s)
	}
	if s := ok(b.svc.Show(ctx, bob, idle.Code))(t).Referral.Status; s != core.StatusDeclined {
		t.Errorf("idle referral: %s, want returned to its referrer", s)
	}
}

// waitForLockWait waits until another session of the test's database
// waits for a lock.
func waitForLockWait(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var waiting bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the pass never waited for the referral's lock")
}
