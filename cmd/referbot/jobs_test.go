package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/referbot/referbot/internal/testenv"
)

// jobs list shows when each job really ran (job_runs), and "never" for a
// job that hasn't — not the last instant its schedule names.
func TestRun_JobsListShowsTheLastRealRun(t *testing.T) {
	t.Parallel()
	vars := env(map[string]string{"DATABASE_URL": testenv.URL(t)})
	run := func(stdin string, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := Run(context.Background(), args, strings.NewReader(stdin), &out, &bytes.Buffer{}, vars); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	run("/as bob\n/refer profile\n", "console")
	row := func(list, job string) string {
		for _, l := range strings.Split(list, "\n") {
			if strings.HasPrefix(l, job+" ") {
				return l
			}
		}
		t.Fatalf("jobs list has no %s row:\n%s", job, list)
		return ""
	}
	list := run("", "jobs", "list")
	if !strings.Contains(list, "LAST RUN") || !strings.Contains(row(list, "lead-expiry"), " never ") {
		t.Fatalf("before any run:\n%s", list)
	}
	run("", "jobs", "run", "lead-expiry", "--at", "2027-01-05T10:30:00Z")
	list = run("", "jobs", "list")
	if r := row(list, "lead-expiry"); !strings.Contains(r, "2027-01-05 10:30 UTC") {
		t.Errorf("lead-expiry row after a run: %q", r)
	}
	if r := row(list, "weekly-digest"); !strings.Contains(r, " never ") {
		t.Errorf("weekly-digest never ran, yet: %q", r)
	}
}

// The retention job says what it deleted, and a second run of the same
// period deletes nothing.
func TestRun_JobsRunRetentionOncePerPeriod(t *testing.T) {
	t.Parallel()
	vars := env(map[string]string{"DATABASE_URL": testenv.URL(t),
		"REFERBOT_RETENTION_DAYS": "30"})
	run := func(stdin string, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := Run(context.Background(), args, strings.NewReader(stdin), &out, &bytes.Buffer{}, vars); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	run("/as bob\n/refer profile\n", "console")
	for i, want := range []string{"deleted", "already ran"} {
		if out := run("", "jobs", "run", "retention", "--at", "2099-01-05T10:30:00Z"); !strings.Contains(out, want) {
			t.Errorf("run %d: %q, want %q", i+1, out, want)
		}
	}
}
