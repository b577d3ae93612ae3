package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/referbot/referbot/core/postgres"
)

// seedUsage says how to call both seeders.
const seedUsage = `usage: referbot seed demo
       referbot seed --workspaces N --members M --referrals R [--years Y] [--seed S]
                       [--outbox-days D] [--workers W] [--trusted]
  demo   fill the console network with demo members and referrals
  --...  bulk-load a generated data set with COPY (defaults: 3 workspaces, 200 members,
         5000 referrals, 2 years, seed 1; delivered notices of the last 90 days, as
         retention keeps them, -1 = all); BNI scale is 11300 / 340000 / 10000000;
         --trusted skips the foreign-key checks while loading (superuser only; twice as fast)`

// parseSeedArgs reads the bulk seeder's flags; demo is true for `seed demo`.
func parseSeedArgs(args []string) (spec postgres.SeedSpec, demo bool, err error) {
	if len(args) == 1 && args[0] == "demo" {
		return spec, true, nil
	}
	if len(args) == 0 {
		return spec, false, errors.New("seed needs demo or the size of the data set\n" + seedUsage)
	}
	spec = postgres.DefaultSeedSpec()
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&spec.Workspaces, "workspaces", spec.Workspaces, "")
	fs.IntVar(&spec.Members, "members", spec.Members, "")
	fs.IntVar(&spec.Referrals, "referrals", spec.Referrals, "")
	fs.Float64Var(&spec.Years, "years", spec.Years, "")
	fs.Uint64Var(&spec.Seed, "seed", spec.Seed, "")
	fs.IntVar(&spec.OutboxDays, "outbox-days", 0, "")
	fs.IntVar(&spec.Workers, "workers", 2, "")
	fs.BoolVar(&spec.Trusted, "trusted", false, "")
	if err := fs.Parse(args); err != nil {
		return spec, false, fmt.Errorf("seed: %v\n%s", err, seedUsage)
	}
	if fs.NArg() > 0 {
		return spec, false, fmt.Errorf("seed: unexpected %q\n%s", fs.Arg(0), seedUsage)
	}
	if spec.Years == 0 {
		return spec, false, errors.New("seed: --years must be more than 0, e.g. --years 2")
	}
	if err := spec.Check(); err != nil {
		return spec, false, err
	}
	return spec, false, nil
}

// seedBulk loads a generated data set and prints what it loaded and how fast.
func (m *Main) seedBulk(ctx context.Context, spec postgres.SeedSpec, out io.Writer) error {
	fmt.Fprintf(out, "seeding %d workspaces, %d members, %d referrals (%g years, seed %d)...\n",
		spec.Workspaces, spec.Members, spec.Referrals, spec.Years, spec.Seed)
	st, err := m.DB.Seed(ctx, spec)
	if err != nil {
		return err
	}
	printSeedStats(out, st)
	return nil
}

func printSeedStats(out io.Writer, st postgres.SeedStats) {
	tables := make([]string, 0, len(st.Rows))
	for t := range st.Rows {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	for _, t := range tables {
		fmt.Fprintf(out, "  %-16s %12d rows\n", t, st.Rows[t])
	}
	secs := st.Elapsed.Seconds()
	fmt.Fprintf(out, "  %-16s %12d rows in %.1f s (%.0f rows/s, %.0f referrals/s)\n", "total", st.Total(), secs,
		float64(st.Total())/secs, float64(st.Rows["referrals"])/secs)
	if len(st.WorkspaceIDs) > 0 {
		fmt.Fprintf(out, "  the biggest workspace has id %d\n", st.WorkspaceIDs[0])
	}
}
