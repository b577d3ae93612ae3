package core

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a half-open interval [From, To) of time. The zero From means
// "since the beginning".
type Period struct {
	From, To time.Time
	Label    string
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.From) && t.Before(p.To)
}

// QuarterOf returns the calendar quarter containing t, in t's location.
func QuarterOf(t time.Time) Period {
	q := (int(t.Month()) - 1) / 3
	from := time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, t.Location())
	return Period{From: from, To: from.AddDate(0, 3, 0), Label: fmt.Sprintf("Q%d %d", q+1, t.Year())}
}

// ParsePeriod reads a stats period as people type it: "all" (default),
// "quarter"/"this-quarter", "last-quarter", "2026-Q3", "month",
// "last-month", "year", "2026", "30d", "12m". Calendar periods use loc.
func ParsePeriod(s string, now time.Time, loc *time.Location) (Period, error) {
	now = now.In(loc)
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, " ", "-")
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	year := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, loc)
	end := now.Add(time.Microsecond) // PostgreSQL keeps microseconds
	switch s {
	case "", "all", "all-time", "ever":
		return Period{To: end, Label: "all time"}, nil
	case "quarter", "this-quarter", "q":
		q := QuarterOf(now)
		q.To = end
		return q, nil
	case "last-quarter", "previous-quarter":
		return QuarterOf(QuarterOf(now).From.Add(-time.Hour)), nil
	case "month", "this-month":
		return Period{From: month, To: end, Label: month.Format("January 2006")}, nil
	case "last-month":
		from := month.AddDate(0, -1, 0)
		return Period{From: from, To: month, Label: from.Format("January 2006")}, nil
	case "year", "this-year":
		return Period{From: year, To: end, Label: strconv.Itoa(now.Year())}, nil
	case "last-year":
		from := year.AddDate(-1, 0, 0)
		return Period{From: from, To: year, Label: strconv.Itoa(from.Year())}, nil
	}
	// 2026-q3 / q3-2026
	if y, q, ok := parseQuarter(s); ok {
		from := time.Date(y, time.Month((q-1)*3+1), 1, 0, 0, 0, 0, loc)
		return QuarterOf(from), nil
	}
	if len(s) == 4 && allDigits(s) {
		y, _ := strconv.Atoi(s)
		from := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		return Period{From: from, To: from.AddDate(1, 0, 0), Label: s}, nil
	}
	if n := len(s); n >= 2 && allDigits(s[:n-1]) {
		v, err := strconv.Atoi(s[:n-1])
		if err == nil && v > 0 && v <= 36500 {
			switch s[n-1] {
			case 'd':
				return Period{From: now.AddDate(0, 0, -v), To: end, Label: "last " + strconv.Itoa(v) + " days"}, nil
			case 'w':
				return Period{From: now.AddDate(0, 0, -7*v), To: end, Label: "last " + strconv.Itoa(v) + " weeks"}, nil
			case 'm':
				return Period{From: now.AddDate(0, -v, 0), To: end, Label: "last " + strconv.Itoa(v) + " months"}, nil
			case 'y':
				return Period{From: now.AddDate(-v, 0, 0), To: end, Label: "last " + strconv.Itoa(v) + " years"}, nil
			}
		}
	}
	return Period{}, Errorf(EINVALID, "I don't know the period %q.", s).
		WithHint("Try all, quarter, last-quarter, 2026-Q3, month, year, 2026, 30d or 12m.")
}

func parseQuarter(s string) (year, q int, ok bool) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		return 0, 0, false
	}
	if strings.HasPrefix(a, "q") {
		a, b = b, a
	}
	if len(a) != 4 || !allDigits(a) || len(b) != 2 || b[0] != 'q' || b[1] < '1' || b[1] > '4' {
		return 0, 0, false
	}
	y, _ := strconv.Atoi(a)
	return y, int(b[1] - '0'), true
}

// StatsQuery selects whose figures, over which period.
type StatsQuery struct {
	MemberID int64 // 0 = the whole network
	Period   Period
	Now      time.Time // "active in the last 12 months" is measured from here
	Currency string    // amounts in other currencies are counted, not summed
}

// Stats are the exchange's figures for a member or the whole network.
//
// Counts and estimated values cover referrals created in the period. The
// conversion rate follows that cohort: RCR = won / received × 100, where
// received means a receiver was named or claimed it. Revenue, average deal
// and time to close cover deals won in the period. Amounts are in cents of
// Currency.
type Stats struct {
	Period   Period
	Member   *Member // nil for the network
	Currency string

	Given, Received          int
	GivenEstimate            int64
	ReceivedEstimate         int64
	Won, Lost, InProgress    int // outcome of the received cohort so far
	RCR                      float64
	HasRCR                   bool  // false when nothing was received
	Revenue                  int64 // won value of deals closed in the period (received, for a member)
	RevenueGenerated         int64 // won value of deals the member gave (member only)
	Deals                    int   // deals won in the period
	AvgDeal                  int64
	MedianDaysToClose        float64
	HasMedianDays            bool
	Reciprocity              int64 // RevenueGenerated - Revenue (member only)
	ActivePartners           int   // member: distinct partners; network: active members (12 months)
	Thanks                   int
	MedianThanksLatencyHours float64
	HasThanksLatency         bool
	Satisfaction             float64
	SatisfactionN            int
	ByPartner                []PartnerStats // member: per partner; network: per member
}

// PartnerStats is one row of the per-partner (or per-member) breakdown.
type PartnerStats struct {
	MemberID         int64
	Name             string
	Given, Received  int
	GivenWonValue    int64 // value of won deals this row's member gave (to the member, for member stats)
	ReceivedWonValue int64
	Types            string // partnership type with the member, if any
	Thanks           int    // thank-yous this row's member received in the period (from the member, for member stats)
}
