package grammar

import (
	"reflect"
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

func TestParse_FeeTermsOfAReferralOrLead(t *testing.T) {
	t.Parallel()
	fee := func(f core.FeeTerms) *core.FeeTerms { return &f }
	for _, c := range []struct {
		in   string
		want *core.FeeTerms
		need string
	}{
		{"@alice Acme — new logo fee 10%", fee(core.FeeTerms{Kind: core.FeePercent, BasisPts: 1000}), "new logo"},
		{"@alice Acme — new logo ~3k hot fee 12.5%", fee(core.FeeTerms{Kind: core.FeePercent, BasisPts: 1250}), "new logo"},
		{"@alice Acme — new logo fee 300", fee(core.FeeTerms{Kind: core.FeeFixed, FixedCents: 30000}), "new logo"},
		{"@alice Acme — new logo fee EUR 300", fee(core.FeeTerms{Kind: core.FeeFixed, FixedCents: 30000, Currency: "EUR"}), "new logo"},
		{"@alice Acme — new logo fee 300 EUR warm", fee(core.FeeTerms{Kind: core.FeeFixed, FixedCents: 30000, Currency: "EUR"}), "new logo"},
		{"@alice Acme — new logo fee $1,500", fee(core.FeeTerms{Kind: core.FeeFixed, FixedCents: 150000, Currency: "USD"}), "new logo"},
		{"@alice Acme — fee reciprocal new logo", fee(core.FeeTerms{Kind: core.FeeReciprocal}), "new logo"},
		{"@alice Acme — new logo fee none", fee(core.FeeTerms{Kind: core.FeeNone}), "new logo"},
		{"@alice Acme — new logo Fee: 5%", fee(core.FeeTerms{Kind: core.FeePercent, BasisPts: 500}), "new logo"},
		{"@alice Acme — advice on a fee structure", nil, "advice on a fee structure"},
		{"@alice Acme — what to charge as a fee", nil, "what to charge as a fee"},
	} {
		cmd, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		r := cmd.(Refer)
		if !reflect.DeepEqual(r.Fee, c.want) || r.Need != c.need {
			t.Errorf("Parse(%q): fee %+v, need %q; want %+v, %q", c.in, r.Fee, r.Need, c.want, c.need)
		}
	}
	l := mustParse(t, "lead bookkeeping #tax ~2k expires 5d fee 250").(Lead)
	if want := (core.FeeTerms{Kind: core.FeeFixed, FixedCents: 25000}); l.Fee == nil || *l.Fee != want || l.Need != "bookkeeping" || l.ExpiryDays != 5 {
		t.Errorf("lead: %+v", l)
	}
	for in, msg := range map[string]string{
		"@alice Acme — logo fee 10% fee 5%":  "one fee",
		"@alice Acme — logo fee 250%":        "share",
		"@alice Acme — logo fee 5.000":       "5.000",
		"@alice Acme — logo fee 0":           "more than zero",
		"lead bookkeeping fee EUR 12,5 warm": "12,5",
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(core.ErrorMessage(err), msg) {
			t.Errorf("Parse(%q) = %v, want an error about %q", in, err, msg)
		}
	}
}

func TestParse_FeeCommandsAndLeaderboard(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want Command
	}{
		{"confirm R-1042", Confirm{Code: 1042}},
		{"confirm 1042", Confirm{Code: 1042}},
		{"dispute R-1042 the deal was 4,000 not 40,000", Dispute{Code: 1042, Reason: "the deal was 4,000 not 40,000"}},
		{"fee R-1042 paid", Fee{Code: 1042, Step: core.FeePaid}},
		{"fee #R1042 Received", Fee{Code: 1042, Step: core.FeeReceived}},
		{"fee 1042 paid.", Fee{Code: 1042, Step: core.FeePaid}},
		{"fees", Fees{}},
		{"fees owed", Fees{Filter: "owed"}},
		{"fees unpaid last-quarter", Fees{Filter: "owed", Period: "last-quarter"}},
		{"fees 2026-01..2026-06 paid", Fees{Filter: "paid", Period: "2026-01..2026-06"}},
		{"fees awaiting", Fees{Filter: "awaiting"}},
		{"fees disputed this-month", Fees{Filter: "disputed", Period: "this-month"}},
		{"fees all 2026-Q3", Fees{Period: "2026-Q3"}},
		{"fee owed", Fees{Filter: "owed"}}, // without a code: the list
		{"fee", Fees{}},
		{"leaderboard", Leaderboard{}},
		{"leaderboard last-quarter", Leaderboard{Period: "last-quarter"}},
		{"top 2026-01 .. 2026-06", Leaderboard{Period: "2026-01 .. 2026-06"}},
		{"help fees", Help{Topic: "fees"}},
		{"help top", Help{Topic: "leaderboard"}},
	} {
		got, err := Parse(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
	for in, msg := range map[string]string{
		"confirm":                 "Which referral",
		"confirm R-1042 yes":      "only the referral code",
		"dispute R-1042":          "what is wrong",
		"fee R-1042":              "paid",
		"fee R-1042 sent":         "not a step",
		"fee R-1042 paid in full": "nothing else",
		"fees owed paid":          "one kind",
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(core.ErrorMessage(err), msg) {
			t.Errorf("Parse(%q) = %v, want an error about %q", in, err, msg)
		}
	}
	// A Dispute button carries only the code: a form asks for the reason.
	if err := Check(Dispute{Code: 1042}); err == nil || !strings.Contains(core.ErrorMessage(err), "dispute R-1042") {
		t.Errorf("Check(Dispute{}) = %v", err)
	}
}
