package postgres

import (
	"reflect"
	"testing"
	"time"
)

// BenchmarkSeedGenerate measures the Go side of Seed alone: generating a
// 1/1000 BNI data set's rows, without loading them.
func BenchmarkSeedGenerate(b *testing.B) {
	spec := SeedSpec{Workspaces: 11, Members: 340, Referrals: 10000, Years: 2, Seed: 1,
		Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	for b.Loop() {
		w := newWorld(spec, map[string]int64{})
		rows := 0
		for c := range w.chunks(chunkReferrals) {
			for _, rs := range c.rows {
				rows += len(rs)
			}
		}
		b.ReportMetric(float64(rows), "rows/op")
	}
}

// TestSeed_SameSpecSameRows generates a small world twice: the rows are
// the same, so figures measured on two seeded databases compare.
func TestSeed_SameSpecSameRows(t *testing.T) {
	t.Parallel()
	spec := SeedSpec{Workspaces: 4, Members: 40, Referrals: 800, Years: 1, Seed: 3, OutboxDays: 90,
		Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	gen := func() []map[string][][]any {
		var out []map[string][][]any
		for c := range newWorld(spec, map[string]int64{}).chunks(300) {
			out = append(out, c.rows)
		}
		return out
	}
	a, b := gen(), gen()
	if len(a) < 2 {
		t.Fatalf("%d chunks, want the workspaces split into several", len(a))
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("the same spec generated different rows")
	}
}
