package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/referbot/referbot/bot/scheduler"
	"github.com/referbot/referbot/core"
)

// jobsCommand runs `referbot jobs list` and `referbot jobs run NAME [--at RFC3339]`.
func (m *Main) jobsCommand(ctx context.Context, args []string, out io.Writer) error {
	switch {
	case len(args) == 1 && args[0] == "list":
		return m.listJobs(ctx, out)
	case len(args) >= 2 && args[0] == "run":
		at := m.Svc.Now()
		switch {
		case len(args) == 4 && args[2] == "--at":
			t, err := time.Parse(time.RFC3339, args[3])
			if err != nil {
				return fmt.Errorf("--at %q: use RFC 3339, e.g. 2027-01-01T09:00:00-05:00", args[3])
			}
			at = t
		case len(args) != 2:
			return fmt.Errorf("usage: referbot jobs run NAME [--at RFC3339]")
		}
		return m.runJob(ctx, args[1], at, out)
	}
	return fmt.Errorf("usage: referbot jobs list | referbot jobs run NAME [--at RFC3339]")
}

// checkJobArgs validates the jobs subcommand before the database opens.
func checkJobArgs(args []string) error {
	if len(args) == 1 && args[0] == "list" {
		return nil
	}
	if len(args) == 2 || (len(args) == 4 && args[2] == "--at") {
		if args[0] == "run" {
			if _, err := core.JobByName(args[1]); err != nil {
				return fmt.Errorf("%s", core.ErrorMessage(err))
			}
			return nil
		}
	}
	return fmt.Errorf("usage: referbot jobs list | referbot jobs run NAME [--at RFC3339]")
}

func (m *Main) listJobs(ctx context.Context, out io.Writer) error {
	wss, err := m.Svc.Workspaces(ctx)
	if err != nil {
		return err
	}
	now := m.Svc.Now()
	// The last run is the one recorded in job_runs: what really ran, not
	// what the schedule says should have.
	lasts := make([]map[string]time.Time, len(wss))
	for i, ws := range wss {
		if lasts[i], err = m.Svc.LastJobRuns(ctx, ws); err != nil {
			return err
		}
	}
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "JOB\tWORKSPACE\tSCHEDULE\tLAST RUN\tNEXT\tWHAT")
	for _, job := range core.Jobs {
		if len(wss) == 0 {
			fmt.Fprintf(w, "%s\t-\t%s\tnever\t-\t%s\n", job.Name, job.Schedule, job.About)
		}
		for i, ws := range wss {
			spec := core.JobSchedule(ws, job)
			loc := m.Svc.Location(ws)
			last := "never"
			if at, ok := lasts[i][job.Name]; ok {
				last = stamp(at, loc)
			}
			next, err := scheduler.NextFire(spec, loc, now)
			if err != nil {
				fmt.Fprintf(w, "%s\t%s/%s\t%s\t%s\tinvalid schedule\t%s\n", job.Name, ws.Platform, nonEmpty(ws.Name, ws.ExternalID),
					spec, last, job.About)
				continue
			}
			fmt.Fprintf(w, "%s\t%s/%s\t%s (%s)\t%s\t%s\t%s\n", job.Name, ws.Platform, nonEmpty(ws.Name, ws.ExternalID), spec, loc,
				last, stamp(next, loc), job.About)
		}
	}
	return w.Flush()
}

func stamp(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// runJob runs one job for every workspace, as if at the given instant:
// the period is the job's latest scheduled instant at or before it, so
// running it twice for the same period posts nothing new.
func (m *Main) runJob(ctx context.Context, name string, at time.Time, out io.Writer) error {
	job, err := core.JobByName(name)
	if err != nil {
		return fmt.Errorf("%s", core.ErrorMessage(err))
	}
	wss, err := m.Svc.Workspaces(ctx)
	if err != nil {
		return err
	}
	due := make([]core.DueRun, len(wss))
	for i, ws := range wss {
		fire, err := scheduler.LastFire(core.JobSchedule(ws, job), m.Svc.Location(ws), at)
		if err != nil {
			return err
		}
		if fire.IsZero() {
			fire = at
		}
		due[i] = core.DueRun{Workspace: ws, Fire: fire}
	}
	// One pass over every workspace; what committed is reported even if a
	// later batch failed.
	results, err := m.Svc.RunJobs(ctx, job.Name, due, at)
	for i, res := range results {
		ws, period := due[i].Workspace, core.JobPeriod(due[i].Fire)
		switch {
		case res.Ran && job.Name == core.JobRetention:
			p := res.Purged
			fmt.Fprintf(out, "%s: %s/%s period %s: %d delivered message(s), %d job run(s), %d request key(s), %d dashboard sign-in(s) deleted\n",
				job.Name, ws.Platform, ws.ExternalID, period, p.Delivered, p.JobRuns, p.Inbound, p.SignIns)
		case res.Ran:
			fmt.Fprintf(out, "%s: %s/%s period %s: %d message(s) queued\n", job.Name, ws.Platform, ws.ExternalID, period, res.Notices)
		case err == nil:
			fmt.Fprintf(out, "%s: %s/%s period %s already ran: nothing new\n", job.Name, ws.Platform, ws.ExternalID, period)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", job.Name, err)
	}
	if len(wss) == 0 {
		fmt.Fprintln(out, "no workspaces yet: nothing to do")
	}
	return nil
}
