package core

import (
	"testing"
	"time"
)

func TestParseMoney_AcceptsTheWaysPeopleTypeAmounts(t *testing.T) {
	t.Parallel()
	cases := map[string]Money{
		"5000":        {Cents: 500000},
		"5,000":       {Cents: 500000},
		"$5k":         {Cents: 500000, Currency: "USD"},
		"2.5m":        {Cents: 250000000},
		"1200.50 EUR": {Cents: 120050, Currency: "EUR"},
		"EUR1200":     {Cents: 120000, Currency: "EUR"},
		"€900":        {Cents: 90000, Currency: "EUR"},
		"900gbp":      {Cents: 90000, Currency: "GBP"},
		"0.5k":        {Cents: 50000},
		"12.34":       {Cents: 1234},
	}
	for in, want := range cases {
		got, err := ParseMoney(in)
		if err != nil {
			t.Errorf("ParseMoney(%q): %v", in, err)
			continue
		}
		if got != want {
			t.Errorf("ParseMoney(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestParseMoney_RejectsNonsenseWithAHint(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "abc", "-5", "5..0", "1.234", "$", "k", "99999999999999999", "1e5"} {
		_, err := ParseMoney(in)
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseMoney(%q) error = %v, want EINVALID", in, err)
			continue
		}
		if e := err.(*Error); e.Hint == "" {
			t.Errorf("ParseMoney(%q): no hint", in)
		}
	}
}

func TestFormatCents(t *testing.T) {
	t.Parallel()
	for c, want := range map[int64]string{0: "0", 5: "0.05", 100: "1", 123456789: "1,234,567.89", -250000: "-2,500"} {
		if got := FormatCents(c); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", c, got, want)
		}
	}
}

func TestParseCode(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"R-1042", "r1042", "#R-1042", "1042", " R-1042 "} {
		c, err := ParseCode(in)
		if err != nil || c != 1042 {
			t.Errorf("ParseCode(%q) = %v, %v", in, c, err)
		}
	}
	for _, in := range []string{"", "R-", "R-x", "-5", "R--3", "R-0"} {
		if _, err := ParseCode(in); ErrorCode(err) != EINVALID {
			t.Errorf("ParseCode(%q) error = %v, want EINVALID", in, err)
		}
	}
}

func TestParsePeriod_QuartersInTheWorkspaceZone(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata")
	}
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, ny)
	p, err := ParsePeriod("last-quarter", now, ny)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 10, 1, 0, 0, 0, 0, ny); !p.From.Equal(want) {
		t.Errorf("From = %v, want %v", p.From, want)
	}
	if want := time.Date(2027, 1, 1, 0, 0, 0, 0, ny); !p.To.Equal(want) {
		t.Errorf("To = %v, want %v", p.To, want)
	}
	if p.Label != "Q4 2026" {
		t.Errorf("Label = %q", p.Label)
	}
	q, err := ParsePeriod("2026-Q3", now, ny)
	if err != nil || q.Label != "Q3 2026" || q.From.Month() != time.July {
		t.Errorf("2026-Q3 = %+v, %v", q, err)
	}
	for _, in := range []string{"all", "quarter", "month", "last-month", "year", "2025", "30d", "12m", "q1-2026"} {
		if _, err := ParsePeriod(in, now, ny); err != nil {
			t.Errorf("ParsePeriod(%q): %v", in, err)
		}
	}
	if _, err := ParsePeriod("fortnight", now, ny); ErrorCode(err) != EINVALID {
		t.Errorf("fortnight: %v", err)
	}
}

func TestParseFee(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]FeeTerms{
		"none": {Kind: FeeNone}, "reciprocal": {Kind: FeeReciprocal},
		"10%": {Kind: FeePercent, BasisPts: 1000}, "12.5%": {Kind: FeePercent, BasisPts: 1250},
		"250": {Kind: FeeFixed, FixedCents: 25000},
	} {
		got, err := ParseFee(in)
		if err != nil || got != want {
			t.Errorf("ParseFee(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	if got := (FeeTerms{Kind: FeePercent, BasisPts: 1000}).Fee(480000); got != 48000 {
		t.Errorf("10%% of 4800 = %d cents", got)
	}
	if _, err := ParseFee("lots"); ErrorCode(err) != EINVALID {
		t.Errorf("ParseFee(lots): %v", err)
	}
}

func TestRankCandidates_MatchesAndRotatesFairly(t *testing.T) {
	t.Parallel()
	mk := func(id int64, name string, tags []string, triggers []string, got int, avail Availability) Candidate {
		return Candidate{Member: Member{ID: id, DisplayName: name, Status: MemberActive},
			Profile: Profile{Tags: tags, Triggers: triggers, Availability: avail}, RecentlyGot: got}
	}
	cands := []Candidate{
		mk(1, "me", []string{"branding"}, nil, 0, Open),
		mk(2, "busybee", []string{"branding"}, nil, 6, Open),
		mk(3, "fresh", []string{"branding"}, nil, 0, Open),
		mk(4, "paused", []string{"branding"}, nil, 0, Paused),
		mk(5, "accountant", []string{"tax"}, nil, 0, Open),
		mk(6, "listener", nil, []string{"our logo looks dated"}, 0, Open),
	}
	got := rankCandidates(cands, 1, "Bakery says our logo looks dated, wants new branding", nil)
	var names []string
	for _, s := range got {
		names = append(names, s.Member.DisplayName)
	}
	want := []string{"listener", "fresh", "busybee"}
	if len(names) != len(want) {
		t.Fatalf("ranked %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("ranked %v, want %v", names, want)
		}
	}
}
