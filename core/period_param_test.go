package core_test

import (
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func TestPeriodParam_ReadsBackAsTheSamePeriod(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 8, 14, 15, 0, 0, 0, berlin)
	for typed, want := range map[string]string{
		"all": "all", "last-quarter": "2026-Q2", "2026-Q3": "2026-Q3", "this-quarter": "2026-Q3",
		"2026-03": "2026-03", "last-month": "2026-07", "2025": "2025", "2026-01..2026-06": "2026-01..2026-06",
		"2026-01-15..2026-02-14": "2026-01-15..2026-02-14",
	} {
		p, err := core.ParsePeriod(typed, now, berlin)
		if err != nil {
			t.Fatal(err)
		}
		got := p.Param()
		if got != want {
			t.Errorf("%s: Param %q, want %q", typed, got, want)
			continue
		}
		back, err := core.ParsePeriod(got, now, berlin)
		if err != nil {
			t.Fatalf("%s: %q does not parse: %v", typed, got, err)
		}
		if !back.From.Equal(p.From) || p.Months > 0 && p.To.Before(now) && !back.To.Equal(p.To) {
			t.Errorf("%s: %q reads back as %v–%v, want %v–%v", typed, got, back.From, back.To, p.From, p.To)
		}
	}
	// The weekly digest's week, Monday 09:00 to Monday 09:00: the days it touches.
	fire := time.Date(2026, 11, 30, 9, 0, 0, 0, berlin)
	week := core.Period{From: fire.AddDate(0, 0, -7), To: fire}
	if got := week.Param(); got != "2026-11-23..2026-11-30" {
		t.Errorf("week: %q", got)
	}
}
