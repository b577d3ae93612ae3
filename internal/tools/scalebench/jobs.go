package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/referbot/referbot/core"
)

// jobTiming is one scheduled job's pass over every workspace on each day
// it was run: the first, then the steady state of the days after.
type jobTiming struct {
	name    string
	took    []time.Duration
	notices []int
	ran     []int // workspaces whose period this pass claimed
}

// runJobs runs every scheduled job across all workspaces as the scheduler
// does (each workspace's run fired at the same instant), on days days in a
// row from first, and times each pass.
func runJobs(ctx context.Context, svc *core.Service, first time.Time, days int, only string, progress io.Writer) ([]jobTiming, error) {
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
			start := time.Now()
			res, err := svc.RunJobs(ctx, job.Name, due, at)
			if err != nil {
				return out, fmt.Errorf("%s at %s: %w", job.Name, at.Format(time.RFC3339), err)
			}
			t.took = append(t.took, time.Since(start))
			n, ran := 0, 0
			for _, r := range res {
				n += r.Notices
				if r.Ran {
					ran++
				}
			}
			t.notices = append(t.notices, n)
			t.ran = append(t.ran, ran)
			fmt.Fprintf(progress, "%s day %d: %.2f s, %d notices\n", job.Name, day+1, t.took[day].Seconds(), n)
		}
		out = append(out, t)
	}
	return out, nil
}
