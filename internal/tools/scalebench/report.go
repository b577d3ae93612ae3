package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// report is what a run measured.
type report struct {
	seeds    []seedRecord
	subjects []subject
	samples  map[string]map[string]*sample
	jobs     []jobTiming
	jobsAt   time.Time
}

// percentile is the nearest-rank percentile of durations, in ms.
func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	k := int(p/100*float64(len(s))+0.999999) - 1
	k = max(0, min(k, len(s)-1))
	return float64(s[k].Microseconds()) / 1000
}

func (r *report) print(out io.Writer) {
	fmt.Fprintln(out)
	for _, s := range r.seeds {
		fmt.Fprintf(out, "- data set %s: %d workspaces, %d members, %d referrals over %g years, seeded in %.0f s (%d rows)\n",
			s.Name, s.Spec.Workspaces, s.Spec.Members, s.Rows["referrals"], s.Spec.Years, s.Seconds, total(s.Rows))
	}
	for _, s := range r.subjects {
		fmt.Fprintf(out, "- workspace %s: %d referrals before the run; caller %s (busiest giver), partner %s (busiest receiver)\n",
			s.name, s.referrals, s.giver.UserName, s.receiver.UserName)
	}
	if r.samples != nil {
		r.printCommands(out)
	}
	if r.jobs != nil {
		r.printJobs(out)
	}
}

func total(rows map[string]int64) int64 {
	var n int64
	for _, v := range rows {
		n += v
	}
	return n
}

func (r *report) printCommands(out io.Writer) {
	empty := r.subjects[0].name
	fmt.Fprintf(out, "\nCommands through the bot's API (parse, one transaction, reply), ms, p50 / p99 (nearest rank; with n < 100 the p99 is the slowest), ratio of p99 to the empty workspace's:\n\n")
	head := "| command | n |"
	rule := "|---|---|"
	for _, s := range r.subjects {
		head += " " + s.name + " p50 / p99 |"
		rule += "---|"
		if s.name != empty {
			head += " ×empty |"
			rule += "---|"
		}
	}
	fmt.Fprintln(out, head)
	fmt.Fprintln(out, rule)
	var errs []string
	for _, cmd := range commandNames() {
		line := ""
		n := 0
		var emptyP99 float64
		for _, s := range r.subjects {
			sm := r.samples[s.name][cmd]
			if sm == nil {
				line += " – |"
				if s.name != empty {
					line += " – |"
				}
				continue
			}
			n = max(n, len(sm.took))
			p50, p99 := percentile(sm.took, 50), percentile(sm.took, 99)
			line += fmt.Sprintf(" %.1f / %.1f |", p50, p99)
			if s.name == empty {
				emptyP99 = p99
			} else if emptyP99 > 0 {
				line += fmt.Sprintf(" %.2f× |", p99/emptyP99)
			} else {
				line += " – |"
			}
			if sm.err != "" {
				errs = append(errs, fmt.Sprintf("%s in %s: %s", cmd, s.name, firstLine(sm.err)))
			}
		}
		fmt.Fprintf(out, "| %s | %d |%s\n", cmd, n, line)
	}
	if len(errs) > 0 {
		fmt.Fprintln(out, "\nCommands that answered with an error (timed all the same):")
		for _, e := range errs {
			fmt.Fprintln(out, "- "+e)
		}
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func (r *report) printJobs(out io.Writer) {
	fmt.Fprintf(out, "\nScheduled jobs, each one pass over every workspace, first from %s, then the next days (steady state), s (notices, workspaces run; CPU s of PostgreSQL + core):\n\n",
		r.jobsAt.Format(time.RFC3339))
	fmt.Fprintln(out, "| job | first run | next day | day after |")
	fmt.Fprintln(out, "|---|---|---|---|")
	for _, j := range r.jobs {
		line := "| " + j.name + " |"
		for i := range 3 {
			if i < len(j.took) {
				line += fmt.Sprintf(" %.2f (%d, %d; CPU %.2f + %.2f) |", j.took[i].Seconds(), j.notices[i], j.ran[i],
					j.pgCPU[i].Seconds(), j.ownCPU[i].Seconds())
			} else {
				line += " – |"
			}
		}
		fmt.Fprintln(out, line)
	}
}
