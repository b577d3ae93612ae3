package core

import (
	"fmt"
	"time"
)

// Param writes the period as ParsePeriod reads it back, for a link to it
// (the dashboard's ?period=): "all", a quarter "2026-Q3", a month
// "2026-03", a year "2026", whole months "2026-01..2026-06", else the days
// it covers "2026-11-23..2026-11-30" (a period that starts or ends during
// a day takes the whole day). Dates are read in the period's own zone.
func (p Period) Param() string {
	if p.From.IsZero() {
		return "all"
	}
	from := p.From
	last := p.To.Add(-time.Nanosecond) // To is excluded
	midnight := from.Equal(time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, from.Location()))
	monthStart := midnight && from.Day() == 1
	switch {
	case p.Months == 3 && monthStart && (from.Month()-1)%3 == 0:
		return fmt.Sprintf("%d-Q%d", from.Year(), (from.Month()-1)/3+1) // also a quarter still running
	case p.Months == 1 && monthStart:
		return from.Format("2006-01")
	case p.Months == 12 && monthStart && from.Month() == time.January:
		return from.Format("2006")
	case p.Months > 0 && monthStart:
		return from.Format("2006-01") + ".." + last.Format("2006-01")
	}
	return from.Format("2006-01-02") + ".." + last.Format("2006-01-02")
}
