package scheduler

import (
	"testing"
	"time"
)

func TestLastFire_FindsTheLatestScheduledInstantInTheWorkspaceZone(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata")
	}
	cases := []struct {
		spec string
		at   time.Time
		want time.Time
	}{
		// Hourly, between two runs.
		{"0 * * * *", time.Date(2026, 11, 23, 10, 59, 0, 0, ny), time.Date(2026, 11, 23, 10, 0, 0, 0, ny)},
		// Exactly at the instant counts.
		{"0 9 1 1,4,7,10 *", time.Date(2027, 1, 1, 9, 0, 0, 0, ny), time.Date(2027, 1, 1, 9, 0, 0, 0, ny)},
		// A minute before, the previous quarter's run is the latest.
		{"0 9 1 1,4,7,10 *", time.Date(2027, 1, 1, 8, 59, 0, 0, ny), time.Date(2026, 10, 1, 9, 0, 0, 0, ny)},
		// Weekly on Mondays at 09:00 New York time, asked in UTC.
		{"0 9 * * MON", time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 9, 0, 0, 0, ny)},
	}
	for _, c := range cases {
		got, err := LastFire(c.spec, ny, c.at)
		if err != nil {
			t.Fatalf("%s: %v", c.spec, err)
		}
		if !got.Equal(c.want) {
			t.Errorf("LastFire(%q, %v) = %v, want %v", c.spec, c.at, got, c.want)
		}
	}
	if _, err := LastFire("every day", ny, time.Now()); err == nil {
		t.Error("a bad spec was accepted")
	}
}
