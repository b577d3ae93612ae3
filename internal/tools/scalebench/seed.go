package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/referbot/referbot/core/postgres"
)

// state is what earlier runs left in the data directory: which data sets
// are loaded (so the seed is paid once), how long each took, and how many
// runs timed the jobs (each run's jobs fire on days of their own, so a
// rerun finds work rather than periods already claimed).
type state struct {
	Seeds    []seedRecord `json:"seeds"`
	JobRuns  int          `json:"job_runs"`
	SeededAt time.Time    `json:"seeded_at"` // where the seeded history ends
}

type seedRecord struct {
	Name      string            `json:"name"`
	Spec      postgres.SeedSpec `json:"spec"`
	Seconds   float64           `json:"seconds"`
	Rows      map[string]int64  `json:"rows"`
	Workspace int64             `json:"biggest_workspace"`
}

func (s *state) has(name string) *seedRecord {
	for i := range s.Seeds {
		if s.Seeds[i].Name == name {
			return &s.Seeds[i]
		}
	}
	return nil
}

func statePath(dataDir string) string { return filepath.Join(dataDir, "scalebench.json") }

func loadState(dataDir string) (*state, error) {
	b, err := os.ReadFile(statePath(dataDir))
	if errors.Is(err, os.ErrNotExist) {
		return &state{}, nil
	}
	if err != nil {
		return nil, err
	}
	st := &state{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("%s: %w (delete the data directory to start over)", statePath(dataDir), err)
	}
	return st, nil
}

func (s *state) save(dataDir string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(statePath(dataDir), b, 0o644)
}

// dataSet is one generated data set the benchmark loads.
type dataSet struct {
	name string
	spec postgres.SeedSpec
}

// seedAll loads the data sets the state doesn't have yet, one after the
// other, into the same database, and records each.
func seedAll(ctx context.Context, db *postgres.DB, dataDir string, st *state, sets []dataSet, out io.Writer) error {
	for _, ds := range sets {
		if rec := st.has(ds.name); rec != nil {
			fmt.Fprintf(out, "seed %s: loaded by an earlier run in %.0f s (%d referrals)\n", ds.name, rec.Seconds, rec.Rows["referrals"])
			continue
		}
		if st.SeededAt.IsZero() {
			st.SeededAt = time.Now().UTC().Truncate(time.Hour)
		}
		ds.spec.Now = st.SeededAt
		fmt.Fprintf(out, "seed %s: %d workspaces, %d members, %d referrals, %g years (trusted %v)...\n",
			ds.name, ds.spec.Workspaces, ds.spec.Members, ds.spec.Referrals, ds.spec.Years, ds.spec.Trusted)
		res, err := db.Seed(ctx, ds.spec)
		if err != nil {
			return fmt.Errorf("seed %s: %w", ds.name, err)
		}
		rec := seedRecord{Name: ds.name, Spec: ds.spec, Seconds: res.Elapsed.Seconds(), Rows: res.Rows}
		if len(res.WorkspaceIDs) > 0 {
			rec.Workspace = res.WorkspaceIDs[0]
		}
		st.Seeds = append(st.Seeds, rec)
		if err := st.save(dataDir); err != nil {
			return err
		}
		fmt.Fprintf(out, "seed %s: %d rows in %.0f s (%d referrals), biggest workspace id %d\n",
			ds.name, res.Total(), res.Elapsed.Seconds(), res.Rows["referrals"], rec.Workspace)
	}
	return nil
}
