package core

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseMoney_AcceptsTheWaysPeopleTypeAmounts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Money
		says string // Money.String(): the amount said back
	}{
		{"4800", Money{Cents: 480000}, "USD 4,800"},
		{"4,800", Money{Cents: 480000}, "USD 4,800"},
		{"4.8k", Money{Cents: 480000}, "USD 4,800"},
		{"5k", Money{Cents: 500000}, "USD 5,000"},
		{"2.5m", Money{Cents: 250000000}, "USD 2,500,000"},
		{"€5,000", Money{Cents: 500000, Currency: "EUR"}, "EUR 5,000"},
		{"$1,200", Money{Cents: 120000, Currency: "USD"}, "USD 1,200"},
		{"EUR 5000", Money{Cents: 500000, Currency: "EUR"}, "EUR 5,000"},
		{"5000 eur", Money{Cents: 500000, Currency: "EUR"}, "EUR 5,000"},
		{"5000EUR", Money{Cents: 500000, Currency: "EUR"}, "EUR 5,000"},
		{"5 000", Money{Cents: 500000}, "USD 5,000"},
		{"5\u00a0000", Money{Cents: 500000}, "USD 5,000"}, // a no-break space, as phones type it
		{"1 000 000", Money{Cents: 100000000}, "USD 1,000,000"},
		{"1,000.50", Money{Cents: 100050}, "USD 1,000.50"},
		{"1 000.50", Money{Cents: 100050}, "USD 1,000.50"},
		{"5.00", Money{Cents: 500}, "USD 5"},
		{"5.5", Money{Cents: 550}, "USD 5.50"},
		{"12.34", Money{Cents: 1234}, "USD 12.34"},
		{"0.500", Money{Cents: 50}, "USD 0.50"},
		{".5", Money{Cents: 50}, "USD 0.50"},
		{"0.5k", Money{Cents: 50000}, "USD 500"},
		{"$5k", Money{Cents: 500000, Currency: "USD"}, "USD 5,000"},
		{"US$ 250", Money{Cents: 25000, Currency: "USD"}, "USD 250"},
		{"5k EUR", Money{Cents: 500000, Currency: "EUR"}, "EUR 5,000"},
		{"5keur", Money{Cents: 500000, Currency: "EUR"}, "EUR 5,000"},
		{"1200.50 EUR", Money{Cents: 120050, Currency: "EUR"}, "EUR 1,200.50"},
		{"EUR1200", Money{Cents: 120000, Currency: "EUR"}, "EUR 1,200"},
		{"€900", Money{Cents: 90000, Currency: "EUR"}, "EUR 900"},
		{"900 €", Money{Cents: 90000, Currency: "EUR"}, "EUR 900"},
		{"900gbp", Money{Cents: 90000, Currency: "GBP"}, "GBP 900"},
		{"£1,250.75", Money{Cents: 125075, Currency: "GBP"}, "GBP 1,250.75"},
		// No cents in yen: its minor unit is the yen itself.
		{"¥5000", Money{Cents: 5000, Currency: "JPY"}, "JPY 5,000"},
		{"5000 JPY", Money{Cents: 5000, Currency: "JPY"}, "JPY 5,000"},
		{"1.5k JPY", Money{Cents: 1500, Currency: "JPY"}, "JPY 1,500"},
		{"¥5,000.00", Money{Cents: 5000, Currency: "JPY"}, "JPY 5,000"},
		{"₩1,000,000", Money{Cents: 1000000, Currency: "KRW"}, "KRW 1,000,000"},
		// Thousandths in the Kuwaiti dinar.
		{"KWD 1.25", Money{Cents: 1250, Currency: "KWD"}, "KWD 1.250"},
		{"0", Money{}, "USD 0"},
	}
	for _, c := range cases {
		got, err := ParseMoney(c.in)
		if err != nil {
			t.Errorf("ParseMoney(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseMoney(%q) = %+v, want %+v", c.in, got, c.want)
		}
		if s := got.String(); s != c.says {
			t.Errorf("ParseMoney(%q) says %q, want %q", c.in, s, c.says)
		}
		// What a button carries reads back the same.
		if back, err := ParseMoney(got.Plain()); err != nil || back != got {
			t.Errorf("ParseMoney(%q.Plain() = %q) = %+v, %v; want %+v", c.in, got.Plain(), back, err, got)
		}
	}
}

func TestParseMoney_RefusesAmbiguousAmountsWithTheirReadings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in       string
		readings []string // each must be in the message
		typed    string   // what the hint suggests typing
	}{
		{"1,2,3", []string{"123"}, "Type 123."},
		{"1 000,50", []string{"1,000.50 or 100,050"}, "Type 1000.50 or 100050."},
		{"5.000", []string{"5 or 5,000"}, "Type 5 or 5000."},
		{"4,80", []string{"4.80 or 480"}, "Type 4.80 or 480."},
		{"1.000,50", []string{"1,000.50 or 100,050"}, "Type 1000.50 or 100050."},
		{"12.345.678", []string{"12,345,678"}, "Type 12345678."},
		{"1,00,000", []string{"100,000"}, "Type 100000."},
		{"12,34,567", []string{"1,234,567"}, "Type 1234567."},
		{"1.500k", []string{"1.5k or 1,500k"}, "Type 1.5k or 1500k."},
		{"€5.000", []string{"EUR 5 or EUR 5,000"}, "Type 5 EUR or 5000 EUR."},
		{"0,5", []string{"0.5 or 5"}, "Type 0.5 or 5."},
	}
	for _, c := range cases {
		m, err := ParseMoney(c.in)
		var e *Error
		if !errors.As(err, &e) || e.Code != EINVALID {
			t.Errorf("ParseMoney(%q) = %+v, %v; want EINVALID", c.in, m, err)
			continue
		}
		for _, r := range c.readings {
			if !strings.Contains(e.Message, r) {
				t.Errorf("ParseMoney(%q): message %q lacks the readings %q", c.in, e.Message, r)
			}
		}
		if !strings.HasPrefix(e.Hint, c.typed) {
			t.Errorf("ParseMoney(%q): hint %q, want it to start %q", c.in, e.Hint, c.typed)
		}
	}
}

func TestParseMoney_RefusesNonsenseClearly(t *testing.T) {
	t.Parallel()
	cases := map[string]string{ // input → part of the message
		"":                  "Give an amount",
		"abc":               `"ABC" is not a currency code`,
		"-5":                "negative",
		"−5,000 EUR":        "negative",
		"5..0":              "not an amount",
		"$":                 "not an amount",
		"k":                 "not an amount",
		"1e5":               "not an amount",
		"5 dollars":         "not an amount",
		"5000 XYZ":          `"XYZ" is not a currency code`,
		"XYZ 5000":          `"XYZ" is not a currency code`,
		"€5000 USD":         "two currencies",
		"99999999999999999": "larger than any deal",
		"12.3456":           "more decimals",
		"¥5000.50":          "JPY has no cents",
		"5000.5 JPY":        "JPY has no cents",
	}
	for in, want := range cases {
		_, err := ParseMoney(in)
		var e *Error
		if !errors.As(err, &e) || e.Code != EINVALID {
			t.Errorf("ParseMoney(%q) error = %v, want EINVALID", in, err)
			continue
		}
		if !strings.Contains(e.Message, want) {
			t.Errorf("ParseMoney(%q) = %q, want it to say %q", in, e.Message, want)
		}
		if e.Hint == "" {
			t.Errorf("ParseMoney(%q): no hint", in)
		}
	}
}

func TestMoney_FormatsEachCurrencyWithItsDecimals(t *testing.T) {
	t.Parallel()
	for m, want := range map[Money]string{
		{Cents: 500000, Currency: "EUR"}:  "EUR 5,000",
		{Cents: 125050, Currency: "EUR"}:  "EUR 1,250.50",
		{Cents: 5000, Currency: "JPY"}:    "JPY 5,000",
		{Cents: 1234567, Currency: "JPY"}: "JPY 1,234,567",
		{Cents: 5000, Currency: "KRW"}:    "KRW 5,000",
		{Cents: 1250, Currency: "KWD"}:    "KWD 1.250",
		{Cents: 480000}:                   "USD 4,800",
	} {
		if got := m.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", m, got, want)
		}
	}
}

func TestMoney_InGivesATypedAmountTheWorkspaceCurrency(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   Money
		cur  string
		want Money
	}{
		{Money{Cents: 500000}, "EUR", Money{Cents: 500000, Currency: "EUR"}},
		{Money{Cents: 500000}, "JPY", Money{Cents: 5000, Currency: "JPY"}},
		{Money{Cents: 150}, "KWD", Money{Cents: 1500, Currency: "KWD"}},
		{Money{Cents: 500000}, "", Money{Cents: 500000, Currency: "USD"}},
		{Money{Cents: 5000, Currency: "JPY"}, "EUR", Money{Cents: 5000, Currency: "JPY"}},
		{Money{}, "EUR", Money{}},
	} {
		got, err := c.in.In(c.cur)
		if err != nil || got != c.want {
			t.Errorf("%+v.In(%q) = %+v, %v; want %+v", c.in, c.cur, got, err, c.want)
		}
	}
	if _, err := (Money{Cents: 550}).In("JPY"); ErrorCode(err) != EINVALID {
		t.Errorf("5.50 in JPY: %v, want EINVALID", err)
	}
}

func TestIsCurrency_KnowsRealCodesOnly(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"USD", "eur", "JPY", "GBP", "CHF", "KWD", "XOF"} {
		if !IsCurrency(c) {
			t.Errorf("IsCurrency(%q) = false", c)
		}
	}
	for _, c := range []string{"", "US", "USDX", "ABC", "XYZ", "CEO", "XAU", "EU"} {
		if IsCurrency(c) {
			t.Errorf("IsCurrency(%q) = true", c)
		}
	}
	if MinorDigits("JPY") != 0 || MinorDigits("EUR") != 2 || MinorDigits("KWD") != 3 || MinorDigits("") != 2 {
		t.Error("MinorDigits: wrong exponent")
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
