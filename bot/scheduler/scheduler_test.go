package scheduler_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/referbot/referbot/bot/scheduler"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestScheduler_ReplicasAndRestartsRunEachPeriodOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)
	e := testenv.New(t, testenv.Options{At: start})
	svc := e.Svc
	e.Join(core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "U1", UserName: "bob"})

	// Two replicas tick at the same instant: each period runs once in all.
	var wg sync.WaitGroup
	ran := make([]int, 2)
	for i := range ran {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			ran[i], err = (&scheduler.Scheduler{Svc: svc}).RunDue(ctx, start)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if total := ran[0] + ran[1]; total != len(core.Jobs) {
		t.Fatalf("replicas ran %d job periods, want %d (one per job)", total, len(core.Jobs))
	}

	// After five hours of downtime a restarted scheduler runs the latest
	// missed hourly period once — not five — and nothing twice.
	s := &scheduler.Scheduler{Svc: svc}
	later := start.Add(5 * time.Hour)
	n, err := s.RunDue(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	// Each job whose latest scheduled instant moved during the downtime
	// runs once — the latest one, not every missed one.
	want := 0
	for _, job := range core.Jobs {
		a, _ := scheduler.LastFire(job.Schedule, time.UTC, start)
		b, _ := scheduler.LastFire(job.Schedule, time.UTC, later)
		if !a.Equal(b) {
			want++
		}
	}
	if n != want || want < 3 {
		t.Fatalf("catch-up ran %d periods, want %d", n, want)
	}
	if n, _ := s.RunDue(ctx, later.Add(time.Minute)); n != 0 {
		t.Fatalf("a tick a minute later ran %d periods", n)
	}
}

func TestScheduler_OnePassClaimsEachWorkspacesOwnLocalPeriod(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) // 18:30 in Tokyo
	e := testenv.New(t, testenv.Options{At: now})
	utc := e.Join(core.Identity{Platform: core.Slack, TeamID: "T-UTC", UserID: "U1", UserName: "bob"})
	tokyo := e.Join(core.Identity{Platform: core.Slack, TeamID: "T-TOKYO", UserID: "U1", UserName: "aiko"})
	if err := testenv.Exec(t, e.URL, `UPDATE workspaces SET settings = settings || '{"timezone": "Asia/Tokyo"}' WHERE id = $1`,
		tokyo.Workspace.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := (&scheduler.Scheduler{Svc: e.Svc}).RunDue(ctx, now); err != nil {
		t.Fatal(err)
	}
	// The nudge fires at 10:00 local: yesterday 10:00 in UTC, today
	// 10:00 in Tokyo (01:00 UTC).
	for _, want := range []struct {
		ws     int64
		period string
	}{{utc.Workspace.ID, "2026-11-22T10:00:00Z"}, {tokyo.Workspace.ID, "2026-11-23T01:00:00Z"}} {
		if n := e.Count(`SELECT count(*) FROM job_runs WHERE job = $1 AND workspace_id = $2 AND period = $3`,
			core.JobThankNudge, want.ws, want.period); n != 1 {
			t.Errorf("workspace %d: %d runs of period %s, want 1", want.ws, n, want.period)
		}
	}
	if n := e.Count(`SELECT count(*) FROM job_runs`); n != 2*len(core.Jobs) {
		t.Errorf("%d runs claimed, want one per job and workspace (%d)", n, 2*len(core.Jobs))
	}
}
