package scheduler_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/referbot/referbot/bot/scheduler"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/testenv"
)

// Shutdown cancels the pass in flight: that is no failure. It is logged
// as stopped (and counted so), the jobs after it are not started, and the
// period runs at the next start.
func TestScheduler_ShutdownDuringAJobLogsItStoppedNotFailed(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)
	e := testenv.New(t, testenv.Options{At: start})
	e.Join(core.Identity{Platform: core.Slack, TeamID: "T1", UserID: "U1", UserName: "bob"})

	// Another transaction holds job_runs, so the first job's claim waits
	// until the shutdown comes.
	bg := context.Background()
	conn, err := pgx.Connect(bg, e.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(bg)
	hold, err := conn.Begin(bg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.Exec(bg, `LOCK TABLE job_runs IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	var log bytes.Buffer
	runs := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "job_runs_total"}, []string{"job", "result"})
	s := &scheduler.Scheduler{Svc: e.Svc, Log: slog.New(slog.NewTextHandler(&log, nil)), Runs: runs}
	ctx, shutdown := context.WithCancel(bg)
	done := make(chan int)
	go func() {
		n, err := s.RunDue(ctx, start)
		if err != nil {
			t.Errorf("RunDue at shutdown: %v", err)
		}
		done <- n
	}()
	waitForALockWait(t, e.URL)
	shutdown()
	var ran int
	select {
	case ran = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler did not stop")
	}
	hold.Rollback(bg)

	first := core.Jobs[0].Name
	if ran != 0 || strings.Contains(log.String(), "job failed") ||
		!strings.Contains(log.String(), `level=INFO msg="job stopped: shutting down" job=`+first) {
		t.Errorf("ran %d; log:\n%s\nwant the first job (%s) stopped, nothing failed", ran, log.String(), first)
	}
	if n := strings.Count(log.String(), "job stopped"); n != 1 {
		t.Errorf("%d jobs stopped, want 1: no job starts after the shutdown\n%s", n, log.String())
	}
	if got := counted(t, runs, first, "stopped"); got != 1 {
		t.Errorf("runs counted stopped: %v, want 1", got)
	}
	if got := counted(t, runs, first, "failed"); got != 0 {
		t.Errorf("runs counted failed: %v, want 0", got)
	}

	// The next start runs every period, the stopped one too.
	if n, err := (&scheduler.Scheduler{Svc: e.Svc}).RunDue(bg, start); err != nil || n != len(core.Jobs) {
		t.Errorf("the next start ran %d periods (%v), want %d", n, err, len(core.Jobs))
	}
}

// waitForALockWait waits until a session of the test's database (other
// tests have their own) waits for a lock.
func waitForALockWait(t *testing.T, url string) {
	t.Helper()
	for range 500 {
		if testenv.Count(t, url, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`) > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no job waited for the lock")
}

// counted reads the runs counter of a job and result.
func counted(t *testing.T, runs *prometheus.CounterVec, job, result string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(runs)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["job"] == job && labels["result"] == result {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
