// Command scalebench measures referbot on a data set of BNI's scale: it
// starts a durable PostgreSQL (fsync on) under a data directory it keeps
// between runs, loads a tenth of BNI (1,130 workspaces, 34,000 members,
// 1,000,000 referrals over three years) and one workspace of the biggest
// chapter's full size (12,190 members, 691,000 referrals) once, then times
// every command through the bot's API as members of the biggest workspaces
// and of an empty workspace in the same run (p50/p99 and the ratio), and
// runs every scheduled job across all workspaces twice: a first run and
// the next day's, the steady state. It prints a Markdown report.
//
//	go run ./internal/tools/scalebench -data .scalebench -reps 30
//
// Only loopback addresses are used; every run is bounded in time.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/referbot/referbot/core/postgres"
	"github.com/referbot/referbot/internal/localpg"
)

type options struct {
	dataDir     string
	keep        bool
	seedOnly    bool
	workspaces  int
	members     int
	referrals   int
	bigMembers  int
	bigRefs     int
	years       float64
	reps        int
	only        string
	skipJobs    bool
	jobs        string
	skipCmds    bool
	report      string
	timeout     time.Duration
	sharedBufs  string
	holdForSQL  time.Duration
	seedWorkers int
	pgSettings  settingList
	beforeJobs  string
	cpuProfile  string
}

// settingList collects repeated -pg-set flags.
type settingList []string

func (l *settingList) String() string     { return fmt.Sprint(*l) }
func (l *settingList) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var o options
	flag.StringVar(&o.dataDir, "data", "", "PostgreSQL data directory, kept and reused between runs (default: a temporary one, removed at the end)")
	flag.BoolVar(&o.keep, "keep", true, "keep -data after the run (the seed is paid once)")
	flag.BoolVar(&o.seedOnly, "seed-only", false, "load the data sets and stop")
	flag.IntVar(&o.workspaces, "workspaces", 1130, "workspaces of the tenth-of-BNI data set")
	flag.IntVar(&o.members, "members", 34000, "members of the tenth-of-BNI data set")
	flag.IntVar(&o.referrals, "referrals", 1000000, "referrals of the tenth-of-BNI data set")
	flag.IntVar(&o.bigMembers, "big-members", 12190, "members of the full-scale biggest workspace (0: none)")
	flag.IntVar(&o.bigRefs, "big-referrals", 691000, "referrals of the full-scale biggest workspace")
	flag.Float64Var(&o.years, "years", 3, "years of history")
	flag.IntVar(&o.reps, "reps", 30, "repetitions of each command per workspace")
	flag.StringVar(&o.only, "only", "", "time only the commands whose name contains this")
	flag.BoolVar(&o.skipJobs, "no-jobs", false, "don't run the scheduled jobs")
	flag.BoolVar(&o.skipCmds, "no-commands", false, "don't time the commands")
	flag.StringVar(&o.jobs, "jobs", "", "run only these scheduled jobs (comma-separated names)")
	flag.StringVar(&o.report, "report", "", "also write the report to this file")
	flag.DurationVar(&o.timeout, "timeout", 3*time.Hour, "stop after this long")
	flag.StringVar(&o.sharedBufs, "shared-buffers", "1GB", "PostgreSQL shared_buffers")
	flag.DurationVar(&o.holdForSQL, "hold", 0, "keep PostgreSQL running this long after the run and print its URL (for EXPLAIN)")
	flag.IntVar(&o.seedWorkers, "seed-workers", 2, "workers loading the seed side by side")
	flag.StringVar(&o.beforeJobs, "before-jobs", "", "a SQL file run before the jobs, the first day's instant in the setting scalebench.first (to give the jobs the same work on every run, say)")
	flag.Var(&o.pgSettings, "pg-set", "one more PostgreSQL setting, name=value (repeatable; e.g. shared_preload_libraries=pg_stat_statements to profile)")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the scheduled jobs' passes (this process: core, pgx) to this file")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "scalebench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, out io.Writer) error {
	dataDir := o.dataDir
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "referbot-scalebench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	} else if !o.keep {
		defer os.RemoveAll(dataDir)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	st, err := loadState(dataDir)
	if err != nil {
		return err
	}
	pg, err := localpg.Start(ctx, localpg.Options{DataDir: filepath.Join(dataDir, "pg"),
		Settings: append([]string{"shared_buffers=" + o.sharedBufs, "max_wal_size=2GB", "checkpoint_timeout=15min"}, o.pgSettings...)})
	if err != nil {
		return err
	}
	defer pg.Stop()
	db, err := postgres.Open(ctx, pg.URL("referbot"))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	sets := []dataSet{{"tenth", postgres.SeedSpec{Workspaces: o.workspaces, Members: o.members,
		Referrals: o.referrals, Years: o.years, Seed: 15, Trusted: true, Workers: o.seedWorkers}}}
	if o.bigMembers > 0 {
		sets = append(sets, dataSet{"full-biggest", postgres.SeedSpec{Workspaces: 1, Members: o.bigMembers,
			Referrals: o.bigRefs, Years: o.years, Seed: 16, Trusted: true, Workers: o.seedWorkers}})
	}
	if err := seedAll(ctx, db, dataDir, st, sets, out); err != nil {
		return err
	}
	if err := printSize(ctx, pg.URL("referbot"), out); err != nil {
		return err
	}
	if o.seedOnly {
		return nil
	}
	return bench(ctx, o, pg.URL("referbot"), db, dataDir, st, out)
}
