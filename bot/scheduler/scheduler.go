package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"github.com/referbot/referbot/core"
)

// Scheduler runs core's jobs on their cron schedules, in each workspace's
// time zone. Every tick it works out each job's most recent scheduled
// instant and runs that period if it hasn't run: core claims each period
// in PostgreSQL, so replicas, restarts and retries never post twice, and
// after downtime only the latest missed period runs (no flood of old
// reminders).
type Scheduler struct {
	Svc *core.Service
	Log *slog.Logger
	// Runs counts runs by job and result (ran, skipped, failed, stopped
	// by shutdown): main
	// passes bot.Metrics' JobRuns. Optional.
	Runs *prometheus.CounterVec

	done map[string]string // job/workspace → last period handled here
}

// LastFire returns the latest instant at or before at that spec fires, in
// loc; zero if it never fired in the last 400 days.
func LastFire(spec string, loc *time.Location, at time.Time) (time.Time, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}, core.Errorf(core.EINVALID, "%q is not a cron schedule: %v.", spec, err).
			WithHint(`Use five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * MON".`)
	}
	at = at.In(loc)
	for back := time.Hour; back <= 400*24*time.Hour; back *= 2 {
		t := sched.Next(at.Add(-back))
		if t.IsZero() || t.After(at) {
			continue
		}
		for {
			n := sched.Next(t)
			if n.IsZero() || n.After(at) {
				return t, nil
			}
			t = n
		}
	}
	return time.Time{}, nil
}

// RunDue runs every job whose latest scheduled instant hasn't run yet, for
// every workspace, as at now: per job, one pass over all the workspaces it
// is due in (each in its own time zone and schedule; see core.RunJobs). It
// returns how many workspace runs happened here.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) (int, error) {
	if s.done == nil {
		s.done = map[string]string{}
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	wss, err := s.Svc.Workspaces(ctx)
	if err != nil {
		return 0, err
	}
	ran := 0
	for _, job := range core.Jobs {
		if ctx.Err() != nil {
			break // shutting down: the other jobs run at the next start
		}
		var due []core.DueRun
		for _, ws := range wss {
			fire, err := LastFire(core.JobSchedule(ws, job), s.Svc.Location(ws), now)
			if err != nil || fire.IsZero() {
				if err != nil {
					s.Log.Warn("bad schedule", "workspace", ws.ID, "job", job.Name, "err", err)
				}
				continue
			}
			if s.done[doneKey(job.Name, ws)] != core.JobPeriod(fire) {
				due = append(due, core.DueRun{Workspace: ws, Fire: fire})
			}
		}
		if len(due) > 0 {
			ran += s.runPass(ctx, job.Name, due, now)
		}
	}
	return ran, nil
}

func doneKey(job string, ws core.Workspace) string { return fmt.Sprint(job, "/", ws.ID) }

// runPass runs one job's pass and records what it did; it returns how
// many workspace runs happened here. A failed batch's claims rolled back:
// those workspaces are retried next tick.
func (s *Scheduler) runPass(ctx context.Context, job string, due []core.DueRun, now time.Time) int {
	started := time.Now()
	res, err := s.runJobs(ctx, job, due, now)
	ran, skipped, notices := 0, 0, 0
	for i, r := range res {
		switch {
		case r.Ran:
			ran++
			notices += r.Notices
		case err != nil:
			continue // maybe never tried: not done
		default:
			skipped++
		}
		s.done[doneKey(job, due[i].Workspace)] = core.JobPeriod(due[i].Fire)
	}
	s.add(job, "ran", ran)
	s.add(job, "skipped", skipped)
	if err != nil && ctx.Err() != nil {
		// Shutdown cancelled the pass: no failure. What did not commit
		// runs at the next start (each period is claimed in PostgreSQL).
		s.add(job, "stopped", len(due)-ran-skipped)
		s.Log.Info("job stopped: shutting down", "job", job, "workspaces", len(due), "ran", ran, "err", err)
		return ran
	}
	if err != nil {
		s.add(job, "failed", len(due)-ran-skipped)
		s.Log.Error("job failed", "job", job, "workspaces", len(due), "ran", ran, "err", err)
		return ran
	}
	if ran > 0 {
		s.Log.Info("job ran", "job", job, "workspaces", ran, "skipped", skipped, "notices", notices,
			"took", time.Since(started).Round(time.Millisecond))
	}
	return ran
}

// runJobs runs a pass, turning a panic into an error so one bad job never
// stops the scheduler.
func (s *Scheduler) runJobs(ctx context.Context, job string, due []core.DueRun, now time.Time) (res []core.JobResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %s panicked: %v", job, p)
		}
	}()
	return s.Svc.RunJobs(ctx, job, due, now)
}

// Run checks the schedules every interval until ctx ends. Runs never
// overlap: one goroutine does them in turn.
func (s *Scheduler) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.RunDue(ctx, s.Svc.Now()); err != nil && ctx.Err() == nil {
			s.Log.Error("scheduler pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// NextFire returns the next instant after at that spec fires, in loc.
func NextFire(spec string, loc *time.Location, at time.Time) (time.Time, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}, err
	}
	return sched.Next(at.In(loc)), nil
}

func (s *Scheduler) add(job, result string, n int) {
	if s.Runs != nil && n > 0 {
		s.Runs.WithLabelValues(job, result).Add(float64(n))
	}
}
