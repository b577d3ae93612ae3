package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// accepted refers a new client from one member to another, who takes it on.
func (b *bundle) accepted(t *testing.T, from, to core.Caller, client string) *core.Referral {
	t.Helper()
	r := b.refer(t, from, to, client, 0)
	if _, err := b.svc.Accept(context.Background(), to, r.Code); err != nil {
		t.Fatal(err)
	}
	return r
}

// settle changes a workspace's settings straight in the database and
// reads the workspace back.
func (b *bundle) settle(t *testing.T, c core.Caller, settings string) core.Workspace {
	t.Helper()
	if err := testenv.Exec(t, b.url, `UPDATE workspaces SET settings = settings || $1::jsonb WHERE id = $2`, settings, c.Workspace.ID); err != nil {
		t.Fatal(err)
	}
	return b.workspace(t, c)
}

func TestThankNudge_ReferralTakenOnLongerAgoThanTheWindowIsNotNudged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	org, alice := b.join(t, "T1", "organiser"), b.join(t, "T1", "alice")
	b.accepted(t, org, alice, "Old client")
	b.clock.Add(20 * 24 * time.Hour)
	recent := b.accepted(t, org, alice, "Recent client")
	at := b.clock.Now().Add(2 * 24 * time.Hour)
	res, err := b.svc.RunJob(ctx, core.JobThankNudge, b.workspace(t, org), at, at)
	if err != nil {
		t.Fatal(err)
	}
	// The old one fell due 21 days ago, past the 14-day window: only the
	// recent one is nudged.
	if res.Notices != 1 {
		t.Fatalf("%d nudges, want 1 (the recent referral only)", res.Notices)
	}
	for _, n := range b.dueBy(t, at.Add(24*time.Hour)) {
		if n.Kind == core.NoticeThankNudge && n.Referral.Code != recent.Code {
			t.Errorf("nudged about %s, taken on 22 days ago (want only %s)", n.Referral.Code, recent.Code)
		}
	}
}

// dueBy claims every notice due by at.
func (b *bundle) dueBy(t *testing.T, at time.Time) []core.Notice {
	t.Helper()
	ns, err := b.db.ClaimNotices(context.Background(), core.Slack, 1000, at, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func TestRunJobs_OnePassKeepsEachWorkspacesTimeZoneQuietHoursAndStaleDays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	// Tokyo nudges after 5 quiet days; New York after 12.
	tokyoOrg, tokyoAna := b.join(t, "T-TOKYO", "organiser"), b.join(t, "T-TOKYO", "ana")
	nyOrg, nyBen := b.join(t, "T-NY", "organiser"), b.join(t, "T-NY", "ben")
	tokyo := b.settle(t, tokyoOrg, `{"timezone": "Asia/Tokyo", "stale_days": 5, "release_after_days": 0}`)
	ny := b.settle(t, nyOrg, `{"timezone": "America/New_York", "stale_days": 12, "release_after_days": 0}`)
	b.accepted(t, tokyoOrg, tokyoAna, "Tokyo client")
	b.accepted(t, nyOrg, nyBen, "New York client")

	// 14:00 UTC: 23:00 in Tokyo (quiet until 08:00 local, 23:00 UTC),
	// 10:00 in New York (not quiet).
	at := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	res, err := b.svc.RunJobs(ctx, core.JobThankNudge, []core.DueRun{{Workspace: ny, Fire: at}, {Workspace: tokyo, Fire: at}}, at)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Ran || !res[1].Ran || res[0].Notices != 1 || res[1].Notices != 1 {
		t.Fatalf("results %+v, want one nudge in each workspace", res)
	}
	now := map[int64]bool{}
	for _, n := range b.dueBy(t, at) {
		now[n.WorkspaceID] = now[n.WorkspaceID] || n.Kind == core.NoticeThankNudge
	}
	if !now[ny.ID] || now[tokyo.ID] {
		t.Errorf("due at once: New York %v, Tokyo %v; want New York only (Tokyo is in its quiet hours)", now[ny.ID], now[tokyo.ID])
	}
	tokyoNudged := false
	for _, n := range b.dueBy(t, time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC)) {
		tokyoNudged = tokyoNudged || n.WorkspaceID == tokyo.ID && n.Kind == core.NoticeThankNudge
	}
	if !tokyoNudged {
		t.Error("at 08:00 Tokyo time, Tokyo's nudge is not due")
	}

	// Eight days after the referrals: Tokyo's is stale (5 days), New
	// York's not yet (12).
	res, err = b.svc.RunJobs(ctx, core.JobStale, []core.DueRun{{Workspace: tokyo, Fire: at}, {Workspace: ny, Fire: at}}, at)
	if err != nil {
		t.Fatal(err)
	}
	// Tokyo: the owner's nudge and the referrer's digest.
	if res[0].Notices != 2 || res[1].Notices != 0 || !res[1].Ran {
		t.Errorf("stale follow-up: Tokyo %+v, New York %+v; want 2 and 0", res[0], res[1])
	}
	if n := b.count(t, "job_runs"); n != 4 {
		t.Errorf("%d job runs recorded, want one per job and workspace (4)", n)
	}
}

func TestRunJobs_RerunForTheSamePeriodPostsNothingNewAndResumesWhatWasNotClaimed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var due []core.DueRun
	at := b.clock.Now().Add(30 * time.Hour)
	for _, team := range []string{"T1", "T2", "T3"} {
		org, alice := b.join(t, team, "organiser"), b.join(t, team, "alice")
		b.accepted(t, org, alice, "Client of "+team)
		due = append(due, core.DueRun{Workspace: b.workspace(t, org), Fire: at})
	}
	// A pass that stopped after the first workspace (a crash, a deploy).
	if res, err := b.svc.RunJobs(ctx, core.JobThankNudge, due[:1], at); err != nil || !res[0].Ran || res[0].Notices != 1 {
		t.Fatalf("first workspace alone: %+v, %v", res, err)
	}
	// The next run does the rest, and only the rest.
	res, err := b.svc.RunJobs(ctx, core.JobThankNudge, due, at)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Ran || !res[1].Ran || !res[2].Ran || res[1].Notices != 1 || res[2].Notices != 1 {
		t.Fatalf("resumed pass: %+v; want the first skipped, one nudge in each other", res)
	}
	// Running it again for the same period posts nothing.
	res, err = b.svc.RunJobs(ctx, core.JobThankNudge, due, at)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Ran || r.Notices != 0 {
			t.Errorf("rerun, workspace %d: %+v; want nothing", i, r)
		}
	}
	// The next period runs, and finds nothing new to nudge.
	next := at.Add(24 * time.Hour)
	for i := range due {
		due[i].Fire = next
	}
	res, err = b.svc.RunJobs(ctx, core.JobThankNudge, due, next)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if !r.Ran || r.Notices != 0 {
			t.Errorf("next period, workspace %d: %+v; want a run with no notice", i, r)
		}
	}
	if n := b.count(t, "outbox WHERE kind = 'nudge.thanks'"); n != 3 {
		t.Errorf("%d nudges in the outbox, want 3", n)
	}
}

// A pass over more workspaces than a batch holds runs its batches side
// by side: every workspace is claimed once, its results land on its own
// run, and a rerun finds every period claimed.
func TestRunJobs_PassOfManyBatchesRunsEachWorkspaceOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	at := b.clock.Now().Add(30 * time.Hour)
	const workspaces = 2*250 + 40 // three batches (jobBatch is 250)
	due := make([]core.DueRun, workspaces)
	nudged := map[int]bool{0: true, 260: true, workspaces - 1: true} // one in each batch
	for i := range due {
		team := fmt.Sprintf("T%03d", i)
		org := b.join(t, team, "organiser")
		if nudged[i] {
			b.accepted(t, org, b.join(t, team, "alice"), "Client of "+team)
		}
		due[workspaces-1-i] = core.DueRun{Workspace: b.workspace(t, org), Fire: at} // given out of order
	}
	res, err := b.svc.RunJobs(ctx, core.JobThankNudge, due, at)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		want := 0
		if nudged[workspaces-1-i] {
			want = 1
		}
		if !r.Ran || r.Notices != want {
			t.Errorf("run %d (%s): %+v; want a run with %d notice(s)", i, due[i].Workspace.ExternalID, r, want)
		}
	}
	if n := b.count(t, "outbox WHERE kind = 'nudge.thanks'"); n != len(nudged) {
		t.Errorf("%d nudges in the outbox, want %d", n, len(nudged))
	}
	if n := b.count(t, fmt.Sprintf("job_runs WHERE job = '%s'", core.JobThankNudge)); n != workspaces {
		t.Errorf("%d runs claimed, want %d", n, workspaces)
	}
	res, err = b.svc.RunJobs(ctx, core.JobThankNudge, due, at)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Ran || r.Notices != 0 {
			t.Fatalf("rerun %d: %+v; want nothing", i, r)
		}
	}
}
