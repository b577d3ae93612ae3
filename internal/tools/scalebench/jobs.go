package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/internal/proccpu"
)

// jobTiming is one scheduled job's pass over every workspace on each day
// it was run: the first, then the steady state of the days after.
type jobTiming struct {
	name    string
	took    []time.Duration
	notices []int
	ran     []int           // workspaces whose period this pass claimed
	pgCPU   []time.Duration // CPU PostgreSQL used in the pass (all its processes)
	ownCPU  []time.Duration // CPU this process (core, the driver) used in it
}

// runJobs runs every scheduled job across all workspaces as the scheduler
// does (each workspace's run fired at the same instant), on days days in a
// row from first, and times each pass.
// The CPU a pass cost is measured too: on a machine others load, the time
// a pass takes swings by half from one run to the next, its CPU far less.
// postmaster is the server's pid (0: not measured).
func runJobs(ctx context.Context, svc *core.Service, first time.Time, days int, only string, postmaster int, progress io.Writer) ([]jobTiming, error) {
	wss, err := svc.Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	var out []jobTiming
	for _, job := range core.Jobs {
		if only != "" && !slices.Contains(strings.Split(only, ","), job.Name) {
			continue
		}
		t := jobTiming{name: job.Name}
		for day := range days {
			at := first.AddDate(0, 0, day)
			due := make([]core.DueRun, len(wss))
			for i, ws := range wss {
				due[i] = core.DueRun{Workspace: ws, Fire: at}
			}
			pg0, own0 := proccpu.ServerCPU(postmaster), proccpu.CPUOf(os.Getpid())
			start := time.Now()
			res, err := svc.RunJobs(ctx, job.Name, due, at)
			if err != nil {
				return out, fmt.Errorf("%s at %s: %w", job.Name, at.Format(time.RFC3339), err)
			}
			t.took = append(t.took, time.Since(start))
			t.pgCPU = append(t.pgCPU, proccpu.ServerCPU(postmaster)-pg0)
			t.ownCPU = append(t.ownCPU, proccpu.CPUOf(os.Getpid())-own0)
			n, ran := 0, 0
			for _, r := range res {
				n += r.Notices
				if r.Ran {
					ran++
				}
			}
			t.notices = append(t.notices, n)
			t.ran = append(t.ran, ran)
			fmt.Fprintf(progress, "%s day %d: %.2f s, %d notices (CPU: PostgreSQL %.2f s, core %.2f s)\n", job.Name, day+1,
				t.took[day].Seconds(), n, t.pgCPU[day].Seconds(), t.ownCPU[day].Seconds())
		}
		out = append(out, t)
	}
	return out, nil
}
