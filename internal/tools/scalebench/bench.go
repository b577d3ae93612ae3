package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/referbot/referbot/bot"
	"github.com/referbot/referbot/core"
	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/proccpu"
)

// bench times the commands in the seeded workspaces and an empty one,
// then the scheduled jobs, and prints the report.
func bench(ctx context.Context, o options, url string, db *postgres.DB, dataDir string, st *state, out io.Writer) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	subjects := []subject{emptySubject()}
	// The biggest workspace whose statements are still planned generically
	// (postgres.GenericPlansBelow): the generic plans' worst case. It keeps
	// room for the codes the run's commands hand out, so it stays below
	// the threshold to the end (runs add a few hundred).
	var generic int64
	if err := conn.QueryRow(ctx, `SELECT workspace_id FROM referral_codes WHERE next_code < $1
		ORDER BY next_code DESC LIMIT 1`, postgres.GenericPlansBelow-1000).Scan(&generic); err == nil {
		s, err := seededSubject(ctx, conn, "generic-biggest", generic)
		if err != nil {
			return err
		}
		subjects = append(subjects, s)
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	for _, rec := range st.Seeds {
		s, err := seededSubject(ctx, conn, rec.Name, rec.Workspace)
		if err != nil {
			return err
		}
		subjects = append(subjects, s)
	}
	svc := core.NewService(db, core.Options{})
	b := bot.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rep := &report{seeds: st.Seeds, subjects: subjects}
	if !o.skipCmds {
		r := &runner{b: b, samples: map[string]map[string]*sample{}, only: o.only}
		for _, s := range subjects { // joins, caches, prepared statements
			if err := r.round(ctx, s, 0, false); err != nil {
				return err
			}
		}
		start := time.Now()
		for i := 1; i <= o.reps; i++ {
			for _, s := range subjects { // interleaved: the machine's noise falls on each alike
				if err := r.round(ctx, s, i, true); err != nil {
					return err
				}
			}
			fmt.Fprintf(os.Stderr, "round %d/%d done after %s\n", i, o.reps, time.Since(start).Round(time.Second))
		}
		rep.samples = r.samples
	}
	rep.print(out) // the commands' table now: the jobs take a while
	if !o.skipJobs {
		// Each run's passes fire on days of their own after the seeded
		// history, so a rerun on the kept data finds work rather than
		// periods an earlier run already claimed.
		first := st.SeededAt.Add(time.Duration(1+3*st.JobRuns) * 24 * time.Hour).Add(10 * time.Hour)
		if now := time.Now().UTC().Truncate(time.Hour); first.Before(now) {
			first = now.Add(time.Duration(3*st.JobRuns) * 24 * time.Hour)
		}
		st.JobRuns++
		if err := st.save(dataDir); err != nil {
			return err
		}
		if err := prepareJobs(ctx, conn, o.beforeJobs, first, out); err != nil {
			return err
		}
		stopProfile, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		jobs, err := runJobs(ctx, svc, first, 3, o.jobs, proccpu.PostmasterPID(filepath.Join(dataDir, "pg")), os.Stderr)
		stopProfile()
		rep.jobs, rep.jobsAt = jobs, first
		if err != nil {
			rep.printJobs(out)
			return err
		}
	}
	if rep.jobs != nil {
		rep.printJobs(out)
	}
	if o.report != "" {
		f, err := os.Create(o.report)
		if err != nil {
			return err
		}
		defer f.Close()
		rep.print(f)
	}
	if o.holdForSQL > 0 {
		fmt.Fprintf(out, "\nPostgreSQL stays up %s: psql %s\n", o.holdForSQL, url)
		select {
		case <-time.After(o.holdForSQL):
		case <-ctx.Done():
		}
	}
	return nil
}

// prepareJobs runs the SQL file (if any) before the jobs, with the first
// day's instant in the setting scalebench.first: a file that sets up the
// same work for each run makes runs of two builds comparable.
func prepareJobs(ctx context.Context, conn *pgx.Conn, file string, first time.Time, out io.Writer) error {
	if file == "" {
		return nil
	}
	sql, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `SELECT set_config('scalebench.first', $1, false)`, first.Format(time.RFC3339)); err != nil {
		return err
	}
	start := time.Now()
	if _, err := conn.Exec(ctx, string(sql)); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Fprintf(out, "%s ran in %.1f s (jobs from %s)\n", file, time.Since(start).Seconds(), first.Format(time.RFC3339))
	return nil
}

// startCPUProfile profiles this process's CPU into the file named (none:
// nothing); the function returned stops it.
func startCPUProfile(name string) (stop func(), err error) {
	if name == "" {
		return func() {}, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
