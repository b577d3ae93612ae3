package postgres

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkSeedGenerate measures the Go side of Seed alone: generating a
// 1/1000 BNI data set's rows, without loading them.
func BenchmarkSeedGenerate(b *testing.B) {
	spec := SeedSpec{Workspaces: 11, Members: 340, Referrals: 10000, Years: 2, Seed: 1,
		Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	for b.Loop() {
		rows := 0
		err := newWorld(spec, map[string]int64{}).generate(spec.chunkRows(), func(c *seedChunk) error {
			rows += c.n
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rows), "rows/op")
	}
}

// generated is every row a spec generates with chunks of about limit
// rows, by table, sorted, and the number of chunks.
func generated(t *testing.T, spec SeedSpec, limit int) (map[string][]string, int) {
	t.Helper()
	out, chunks := map[string][]string{}, 0
	err := newWorld(spec, map[string]int64{}).generate(limit, func(c *seedChunk) error {
		chunks++
		for table, rows := range c.rows {
			for _, r := range rows {
				out[table] = append(out[table], showRow(r))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range out {
		slices.Sort(rows)
	}
	return out, chunks
}

// showRow prints a row's values, those behind pointers rather than their
// addresses.
func showRow(row []any) string {
	var b strings.Builder
	for _, v := range row {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				v = nil
			} else {
				v = rv.Elem().Interface()
			}
		}
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Struct && rv.Type().PkgPath() != "time" {
			j, _ := json.Marshal(v) // a notice, with its referral behind a pointer
			v = string(j)
		}
		fmt.Fprintf(&b, "%+v|", v)
	}
	return b.String()
}

// TestSeed_SameSpecSameRows generates a small world three times: the rows
// are the same each time, and whether big workspaces are split into
// chunks or not, so figures measured on two seeded databases compare.
func TestSeed_SameSpecSameRows(t *testing.T) {
	t.Parallel()
	spec := SeedSpec{Workspaces: 4, Members: 40, Referrals: 800, Years: 1, Seed: 3, OutboxDays: 90,
		Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	whole, n := generated(t, spec, 1_000_000)
	if n != 1 {
		t.Errorf("%d chunks with room for all, want 1", n)
	}
	again, _ := generated(t, spec, 1_000_000)
	split, n := generated(t, spec, 500)
	if n < 8 {
		t.Errorf("%d chunks of 500 rows, want the workspaces split into more", n)
	}
	if !reflect.DeepEqual(whole, again) {
		t.Error("the same spec generated different rows")
	}
	for table, rows := range whole {
		if !slices.Equal(rows, split[table]) {
			t.Errorf("%s: %d rows in one chunk, %d split, or different ones", table, len(rows), len(split[table]))
		}
	}
}
