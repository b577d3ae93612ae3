package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

// periodCases are every form of period, read on Friday 14 August 2026 at
// 10:00 UTC, with the period before each (what most improved compares with).
var periodNow = time.Date(2026, 8, 14, 10, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var periodCases = []struct {
	in                   string
	from, to             time.Time
	label                string
	beforeFrom, beforeTo time.Time // zero: none
	beforeLabel          string
}{
	{"", time.Time{}, periodNow.Add(time.Microsecond), "all time", time.Time{}, time.Time{}, ""},
	{"all", time.Time{}, periodNow.Add(time.Microsecond), "all time", time.Time{}, time.Time{}, ""},
	{"this-month", day(2026, 8, 1), periodNow.Add(time.Microsecond), "August 2026",
		day(2026, 7, 1), periodNow.AddDate(0, -1, 0).Add(time.Microsecond), "1 Jul – 14 Jul 2026"},
	{"month", day(2026, 8, 1), periodNow.Add(time.Microsecond), "August 2026",
		day(2026, 7, 1), periodNow.AddDate(0, -1, 0).Add(time.Microsecond), "1 Jul – 14 Jul 2026"},
	{"last-month", day(2026, 7, 1), day(2026, 8, 1), "July 2026", day(2026, 6, 1), day(2026, 7, 1), "June 2026"},
	{"this-quarter", day(2026, 7, 1), periodNow.Add(time.Microsecond), "Q3 2026",
		day(2026, 4, 1), time.Date(2026, 5, 14, 10, 0, 0, 1000, time.UTC), "1 Apr – 14 May 2026"},
	{"last-quarter", day(2026, 4, 1), day(2026, 7, 1), "Q2 2026", day(2026, 1, 1), day(2026, 4, 1), "Q1 2026"},
	{"2026-Q3", day(2026, 7, 1), day(2026, 10, 1), "Q3 2026", day(2026, 4, 1), day(2026, 7, 1), "Q2 2026"},
	{"q1-2026", day(2026, 1, 1), day(2026, 4, 1), "Q1 2026", day(2025, 10, 1), day(2026, 1, 1), "Q4 2025"},
	{"2026-03", day(2026, 3, 1), day(2026, 4, 1), "March 2026", day(2026, 2, 1), day(2026, 3, 1), "February 2026"},
	{"2026-01..2026-06", day(2026, 1, 1), day(2026, 7, 1), "January – June 2026",
		day(2025, 7, 1), day(2026, 1, 1), "July – December 2025"},
	{"2026-01 .. 2026-06", day(2026, 1, 1), day(2026, 7, 1), "January – June 2026",
		day(2025, 7, 1), day(2026, 1, 1), "July – December 2025"},
	{"2026-01 to 2026-06", day(2026, 1, 1), day(2026, 7, 1), "January – June 2026",
		day(2025, 7, 1), day(2026, 1, 1), "July – December 2025"},
	{"2026-Q1..2026-Q2", day(2026, 1, 1), day(2026, 7, 1), "January – June 2026",
		day(2025, 7, 1), day(2026, 1, 1), "July – December 2025"},
	{"2025..2026", day(2025, 1, 1), day(2027, 1, 1), "January 2025 – December 2026",
		day(2023, 1, 1), day(2025, 1, 1), "January 2023 – December 2024"},
	{"2026-01-15..2026-02-14", day(2026, 1, 15), day(2026, 2, 15), "15 Jan – 14 Feb 2026",
		day(2025, 12, 15), day(2026, 1, 15), "15 Dec 2025 – 14 Jan 2026"},
	{"2026-03-15", day(2026, 3, 15), day(2026, 3, 16), "15 Mar 2026", day(2026, 3, 14), day(2026, 3, 15), "14 Mar – 14 Mar 2026"},
	{"year", day(2026, 1, 1), periodNow.Add(time.Microsecond), "2026",
		day(2025, 1, 1), periodNow.AddDate(-1, 0, 0).Add(time.Microsecond), "1 Jan – 14 Aug 2025"},
	{"last-year", day(2025, 1, 1), day(2026, 1, 1), "2025", day(2024, 1, 1), day(2025, 1, 1), "2024"},
	{"2025", day(2025, 1, 1), day(2026, 1, 1), "2025", day(2024, 1, 1), day(2025, 1, 1), "2024"},
	{"30d", periodNow.AddDate(0, 0, -30), periodNow.Add(time.Microsecond), "last 30 days",
		periodNow.AddDate(0, 0, -60).Add(-time.Microsecond), periodNow.AddDate(0, 0, -30), "15 Jun – 15 Jul 2026"},
	{"12m", periodNow.AddDate(0, -12, 0), periodNow.Add(time.Microsecond), "last 12 months",
		periodNow.AddDate(0, -24, 0).Add(-time.Microsecond), periodNow.AddDate(0, -12, 0), "14 Aug 2024 – 14 Aug 2025"},
}

func TestParsePeriod_EveryFormAndThePeriodBefore(t *testing.T) {
	t.Parallel()
	for _, c := range periodCases {
		p, err := core.ParsePeriod(c.in, periodNow, time.UTC)
		if err != nil {
			t.Errorf("ParsePeriod(%q): %v", c.in, err)
			continue
		}
		if !p.From.Equal(c.from) || !p.To.Equal(c.to) || p.Label != c.label {
			t.Errorf("ParsePeriod(%q) = %s .. %s %q; want %s .. %s %q", c.in, p.From, p.To, p.Label, c.from, c.to, c.label)
		}
		b, ok := p.Before()
		if ok != !c.beforeTo.IsZero() {
			t.Errorf("%q: a period before? %v", c.in, ok)
			continue
		}
		if ok && (!b.From.Equal(c.beforeFrom) || !b.To.Equal(c.beforeTo) || b.Label != c.beforeLabel) {
			t.Errorf("%q: before = %s .. %s %q; want %s .. %s %q", c.in, b.From, b.To, b.Label, c.beforeFrom, c.beforeTo, c.beforeLabel)
		}
	}
}

func TestParsePeriod_RefusesWhatItCantRead(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"fortnight", "2026-13", "2026-02-30", "2026-06..2026-01", "2026-01..soon", "..2026-01", "2026-1"} {
		if _, err := core.ParsePeriod(in, periodNow, time.UTC); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("ParsePeriod(%q) = %v, want EINVALID", in, err)
		}
	}
}

func TestStats_AcceptsEveryPeriodForm(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clock.t = periodNow
	alice := b.join(t, "T1", "alice")
	for _, c := range periodCases {
		for _, network := range []bool{false, true} {
			st, err := b.svc.Stats(context.Background(), alice, core.StatsRequest{Network: network, Period: c.in})
			if err != nil || st.Period.Label != c.label {
				t.Errorf("stats %q (network %v): %+v, %v", c.in, network, st, err)
			}
		}
	}
}
