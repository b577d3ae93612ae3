package core

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Period is a half-open interval [From, To) of time. The zero From means
// "since the beginning".
type Period struct {
	From, To time.Time
	Label    string
	// Months is the period's length in calendar months when it is read as
	// whole months (a month, quarter, year or range of months, also one
	// still running); 0 for others. Before uses it.
	Months int `json:",omitempty"`
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.From) && t.Before(p.To)
}

// Before returns the period just before p, to compare with: the same
// calendar months before a period of whole months (the quarter before a
// quarter; the same days of last month for this month so far), else the
// same length of time. A period since the beginning has none.
func (p Period) Before() (Period, bool) {
	if p.From.IsZero() || !p.To.After(p.From) {
		return Period{}, false
	}
	if p.Months > 0 {
		from, to := p.From.AddDate(0, -p.Months, 0), p.To.AddDate(0, -p.Months, 0)
		if to.After(p.From) {
			to = p.From // the whole months (or a longer month's last days)
		}
		switch full := to.Equal(p.From); {
		case !full:
			return Period{From: from, To: to, Label: spanLabel(from, to, false)}, true
		case p.Months == 3 && (from.Month()-1)%3 == 0:
			return QuarterOf(from), true
		case p.Months == 1:
			return Period{From: from, To: to, Label: from.Format("January 2006"), Months: 1}, true
		case p.Months == 12 && from.Month() == time.January:
			return Period{From: from, To: to, Label: strconv.Itoa(from.Year()), Months: 12}, true
		}
		return Period{From: from, To: to, Label: spanLabel(from, to, true), Months: p.Months}, true
	}
	d := p.To.Sub(p.From)
	return Period{From: p.From.Add(-d), To: p.From, Label: spanLabel(p.From.Add(-d), p.From, false)}, true
}

// spanLabel names [from, to) by its dates, or its months when whole.
func spanLabel(from, to time.Time, months bool) string {
	last := to.Add(-time.Nanosecond)
	if months {
		if from.Year() == last.Year() {
			return from.Format("January") + " – " + last.Format("January 2006")
		}
		return from.Format("January 2006") + " – " + last.Format("January 2006")
	}
	if from.Year() == last.Year() {
		return from.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	}
	return from.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
}

// QuarterOf returns the calendar quarter containing t, in t's location.
func QuarterOf(t time.Time) Period {
	q := (int(t.Month()) - 1) / 3
	from := time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, t.Location())
	return Period{From: from, To: from.AddDate(0, 3, 0), Label: fmt.Sprintf("Q%d %d", q+1, t.Year()), Months: 3}
}

// periodHint lists the periods ParsePeriod reads.
const periodHint = "Try all, this-month, last-month, quarter, last-quarter, 2026-Q3, 2026-03, 2026-01..2026-06, year, 2026, 30d or 12m."

// ParsePeriod reads a period as people type it, for stats, leaderboards
// and fees: "all" (default), "quarter"/"this-quarter", "last-quarter",
// "2026-Q3", "month"/"this-month", "last-month", "2026-03", "year",
// "2026", a range of those or of dates ("2026-01..2026-06",
// "2026-Q1..2026-Q2", "2026-01-15..2026-02-14", also with "to"), or a
// length up to now ("30d", "8w", "12m", "2y"). Calendar periods use loc.
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
		return Period{From: month, To: end, Label: month.Format("January 2006"), Months: 1}, nil
	case "last-month", "previous-month":
		from := month.AddDate(0, -1, 0)
		return Period{From: from, To: month, Label: from.Format("January 2006"), Months: 1}, nil
	case "year", "this-year":
		return Period{From: year, To: end, Label: strconv.Itoa(now.Year()), Months: 12}, nil
	case "last-year", "previous-year":
		from := year.AddDate(-1, 0, 0)
		return Period{From: from, To: year, Label: strconv.Itoa(from.Year()), Months: 12}, nil
	}
	if p, ok := calendarPeriod(s, loc); ok {
		return p, nil
	}
	if a, b, ok := cutRange(s); ok {
		return periodRange(s, a, b, loc)
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
	return Period{}, Errorf(EINVALID, "I don't know the period %q.", s).WithHint(periodHint)
}

// calendarPeriod reads one named stretch of the calendar: a year
// ("2026"), a quarter ("2026-q3", "q3-2026"), a month ("2026-03") or a day
// ("2026-03-15").
func calendarPeriod(s string, loc *time.Location) (Period, bool) {
	if y, q, ok := parseQuarter(s); ok {
		return QuarterOf(time.Date(y, time.Month((q-1)*3+1), 1, 0, 0, 0, 0, loc)), true
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return Period{}, false
	}
	n := make([]int, len(parts))
	for i, p := range parts {
		if !allDigits(p) || i > 0 && len(p) != 2 {
			return Period{}, false
		}
		n[i], _ = strconv.Atoi(p)
	}
	switch len(n) {
	case 1:
		from := time.Date(n[0], 1, 1, 0, 0, 0, 0, loc)
		return Period{From: from, To: from.AddDate(1, 0, 0), Label: s, Months: 12}, true
	case 2:
		if n[1] < 1 || n[1] > 12 {
			return Period{}, false
		}
		from := time.Date(n[0], time.Month(n[1]), 1, 0, 0, 0, 0, loc)
		return Period{From: from, To: from.AddDate(0, 1, 0), Label: from.Format("January 2006"), Months: 1}, true
	}
	from := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, loc)
	if n[1] < 1 || n[1] > 12 || from.Day() != n[2] {
		return Period{}, false // 2026-02-30
	}
	return Period{From: from, To: from.AddDate(0, 0, 1), Label: from.Format("2 Jan 2006")}, true
}

// cutRange splits "a..b", "a-..-b" (typed with spaces), "a-to-b" or
// "a–b" (an en dash) into its two ends.
func cutRange(s string) (a, b string, ok bool) {
	for _, sep := range []string{"..", "-to-", "–", "—"} {
		if a, b, ok := strings.Cut(s, sep); ok {
			return strings.Trim(a, "-"), strings.Trim(b, "-"), true
		}
	}
	return "", "", false
}

// periodRange is the period from the start of a to the end of b, each a
// calendar period; whole months when both ends are.
func periodRange(s, a, b string, loc *time.Location) (Period, error) {
	pa, okA := calendarPeriod(a, loc)
	pb, okB := calendarPeriod(b, loc)
	if !okA || !okB {
		return Period{}, Errorf(EINVALID, "I don't know the period %q.", s).
			WithHint("A range goes from one month, quarter, year or date to another, e.g. 2026-01..2026-06 or 2026-01-15..2026-02-14.")
	}
	if !pb.To.After(pa.From) {
		return Period{}, Errorf(EINVALID, "The period %q ends before it starts.", s).
			WithHint("Put the earlier end first, e.g. 2026-01..2026-06.")
	}
	p := Period{From: pa.From, To: pb.To}
	if pa.Months > 0 && pb.Months > 0 {
		p.Months = (pb.To.Year()-pa.From.Year())*12 + int(pb.To.Month()-pa.From.Month())
	}
	p.Label = spanLabel(p.From, p.To, p.Months > 0)
	return p, nil
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
	// Viewer is who will see the figures (0: everyone, as in a channel
	// post): amounts they may not see (core/visibility.go) are left out
	// of a member's figures, and counted in each network total's Private.
	Viewer int64
	// Top bounds the breakdown (ByPartner): 0 reads every row, n > 0 its
	// first n (MorePartners counts the others), NoBreakdown none. A reply
	// that shows ten rows need not pay for every member's.
	Top int
}

// TotalsQuery asks NetworkTotals for one workspace's network totals over
// a period; Now is the clock the period was read with (StatsQuery's).
// Closing asks for the quarterly report's figures too: the median days
// to close of the period's deals and its thank-yous, which read the
// period's rows (the totals read only the rollups and the edges).
type TotalsQuery struct {
	WorkspaceID int64
	Period      Period
	Now         time.Time
	Closing     bool
}

// NoBreakdown is StatsQuery.Top for figures without the breakdown (a
// report that shows only the totals).
const NoBreakdown = -1

// Stats are the exchange's figures for a member or the whole network.
//
// Counts and estimated values cover referrals created in the period. The
// conversion rate follows that cohort: RCR = won / received × 100, where
// received means a receiver was named or claimed it. Revenue, average deal
// and time to close cover deals won in the period.
//
// Every money figure is kept per currency, in the currency stored on its
// referrals: nothing is converted, dropped or relabelled. An amount stored
// without a currency (rows from before amounts always carried one) is in
// DefaultCurrency, never in whatever the network uses now.
type Stats struct {
	Period   Period
	Member   *Member // nil for the network
	Currency string  // the network's currency now: only the label of a figure with no amounts ("USD 0")

	Given, Received          int
	TakenOn                  int     // received ones a receiver accepted (accepted or any later stage)
	GivenEstimate            Amounts // estimates of referrals given; Count = referrals with an estimate
	ReceivedEstimate         Amounts
	Won, Lost, InProgress    int // outcome of the received cohort so far
	RCR                      float64
	HasRCR                   bool    // false when nothing was received
	Revenue                  Amounts // won value of deals closed in the period (received, for a member); Count = deals
	RevenueGenerated         Amounts // won value of deals the member gave (member only); Count = deals
	Deals                    int     // deals won in the period, every currency
	AvgDeal                  Amounts // Revenue per deal, per currency; Count = deals
	MedianDaysToClose        float64
	HasMedianDays            bool
	Reciprocity              Amounts // RevenueGenerated - Revenue per currency (member only); Count = 0
	ActivePartners           int     // member: distinct partners; network: active members (12 months)
	Thanks                   int     // member: thank-yous received; network: all given
	MedianThanksLatencyHours float64
	HasThanksLatency         bool
	Satisfaction             float64
	SatisfactionN            int
	ByPartner                []PartnerStats // member: per partner; network: per member
	// MorePartners counts the breakdown's rows after ByPartner's, left out
	// because the query asked for its top rows only (StatsQuery.Top).
	MorePartners int `json:"more_partners,omitempty"`
	// PrivateLeftOut counts the referrals (member) or the deals in the
	// breakdown (network) whose amounts are private to their parties and
	// so left out of the amounts above; their outcomes are counted.
	PrivateLeftOut int `json:"private_left_out,omitempty"`
}

// PartnerStats is one row of the per-partner (or per-member) breakdown.
type PartnerStats struct {
	MemberID         int64
	Name             string
	Given, Received  int
	GivenWonValue    Amounts // won deals this row's member gave (to the member, for member stats); Count = deals
	ReceivedWonValue Amounts
	Types            string // partnership type with the member, if any
	Thanks           int    // thank-yous this row's member received in the period (from the member, for member stats)
}

// UnmarshalJSON reads stats as the outbox keeps them in a report. A report
// written before amounts were kept per currency has plain numbers in the
// network's currency of the time, which it also recorded: those are read
// as one amount in that currency, so a notice queued across an upgrade is
// still delivered, and says what it said.
func (st *Stats) UnmarshalJSON(b []byte) error {
	type plain Stats
	if err := json.Unmarshal(b, (*plain)(st)); err != nil {
		return err
	}
	cur := cmp.Or(st.Currency, DefaultCurrency)
	fill := func(as Amounts, count int) {
		for i := range as {
			if as[i].Currency == "" {
				as[i].Currency, as[i].Count = cur, count
			}
		}
	}
	fill(st.GivenEstimate, 0)
	fill(st.ReceivedEstimate, 0)
	fill(st.Revenue, st.Deals)
	fill(st.RevenueGenerated, 0)
	fill(st.AvgDeal, st.Deals)
	fill(st.Reciprocity, 0)
	for _, p := range st.ByPartner {
		fill(p.GivenWonValue, 0)
		fill(p.ReceivedWonValue, 0)
	}
	return nil
}

// Amount is a sum of money in one currency, and how many deals or
// referrals it covers.
type Amount struct {
	Currency string `json:"currency"` // ISO 4217 code
	Cents    int64  `json:"cents"`    // minor units of Currency
	Count    int    `json:"count"`    // deals (or referrals) summed; 0 where a count means nothing
	// Private counts the deals in a network total whose amounts its viewer
	// may not see; Withheld says why the sum is not shown (then Cents is
	// 0). See Amounts.Visible.
	Private  int    `json:"private,omitempty"`
	Withheld string `json:"withheld,omitempty"`
}

// Money is the amount as money, for formatting.
func (a Amount) Money() Money { return Money{Cents: a.Cents, Currency: a.Currency} }

// Amounts are sums kept apart per currency, one entry per currency: the
// one covering most deals first, then by currency code. Sums in different
// currencies are never added together.
type Amounts []Amount

// Get returns the sum in one currency (zero if there is none).
func (as Amounts) Get(currency string) Amount {
	for _, a := range as {
		if a.Currency == currency {
			return a
		}
	}
	return Amount{Currency: currency}
}

// Count is how many deals or referrals the sums cover, in every currency.
func (as Amounts) Count() int {
	n := 0
	for _, a := range as {
		n += a.Count
	}
	return n
}

// Sort puts the amounts in their order: most deals first, then by code.
func (as Amounts) Sort() Amounts {
	slices.SortFunc(as, func(a, b Amount) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return strings.Compare(a.Currency, b.Currency)
	})
	return as
}

// Average is the sum per deal in each currency, rounded to the nearest
// minor unit; currencies with nothing counted have no average.
func (as Amounts) Average() Amounts {
	var out Amounts
	for _, a := range as {
		if a.Count > 0 {
			out = append(out, Amount{Currency: a.Currency, Cents: (a.Cents + int64(a.Count)/2) / int64(a.Count), Count: a.Count,
				Private: a.Private, Withheld: a.Withheld})
		}
	}
	return out.Sort()
}

// Minus is as - bs per currency, over the currencies of both; the result
// counts nothing. Currencies where the difference is zero are left out;
// a difference with a withheld side is withheld.
func (as Amounts) Minus(bs Amounts) Amounts {
	var out Amounts
	for _, cur := range Currencies(as, bs) {
		a, b := as.Get(cur), bs.Get(cur)
		if why := cmp.Or(a.Withheld, b.Withheld); why != "" {
			out = append(out, Amount{Currency: cur, Private: a.Private + b.Private, Withheld: why})
		} else if d := a.Cents - b.Cents; d != 0 {
			out = append(out, Amount{Currency: cur, Cents: d, Private: a.Private + b.Private})
		}
	}
	return out.Sort()
}

// Currencies lists the currencies that appear in any of the amounts, in
// the order of the first, then the others' own order.
func Currencies(lists ...Amounts) []string {
	var out []string
	for _, as := range lists {
		for _, a := range as {
			if !slices.Contains(out, a.Currency) {
				out = append(out, a.Currency)
			}
		}
	}
	return out
}

// UnmarshalJSON also reads a plain number, as stats kept it before amounts
// were per currency; Stats.UnmarshalJSON fills in its currency.
func (as *Amounts) UnmarshalJSON(b []byte) error {
	var n int64
	if err := json.Unmarshal(b, &n); err == nil {
		*as = nil
		if n != 0 {
			*as = Amounts{{Cents: n}}
		}
		return nil
	}
	var list []Amount
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*as = nil
	if len(list) > 0 {
		*as = list
	}
	return nil
}

// StatsRequest says whose figures and for which period.
type StatsRequest struct {
	Who     *MemberRef // nil with Network false = the caller
	Network bool
	Period  string
	Top     int // the breakdown's rows wanted (StatsQuery.Top); 0: every one
}

// Stats computes the figures for the caller, another member or the network.
func (s *Service) Stats(ctx context.Context, c Caller, req StatsRequest) (*Stats, error) {
	now := s.now()
	p, err := ParsePeriod(req.Period, now, s.Location(c.Workspace))
	if err != nil {
		return nil, err
	}
	return inTx(ctx, s, func(tx Tx) (*Stats, error) {
		q := StatsQuery{Period: p, Now: now, Viewer: c.Member.ID, Top: req.Top}
		var m *Member
		if !req.Network {
			m = &c.Member
			if req.Who != nil {
				var err error
				if m, err = s.resolve(ctx, tx, c, *req.Who); err != nil {
					return nil, err
				}
			}
			q.MemberID = m.ID
		}
		st, err := tx.Stats(ctx, c.Workspace.ID, q)
		if err != nil {
			return nil, err
		}
		st.Period, st.Member, st.Currency = p, m, cmp.Or(c.Workspace.Settings.Currency, DefaultCurrency)
		st.Visible()
		return st, nil
	})
}
