package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/referbot/referbot/core"
)

func TestFlagsMessage_NamesEachFlagsEvidenceAndHowToDismissIt(t *testing.T) {
	t.Parallel()
	var many []core.Code
	for c := core.Code(2001); c < 2013; c++ {
		many = append(many, c)
	}
	fs := []core.Flag{
		{ID: "F-aaaaaa", Kind: core.FlagRing, Members: []string{"amy", "ben"}, Codes: []core.Code{1001, 1002}},
		{ID: "F-bbbbbb", Kind: core.FlagSameClient, Codes: []core.Code{1003, 1004, 1005}},
		{ID: "F-cccccc", Kind: core.FlagDailyCap, Members: []string{"amy"}, Codes: []core.Code{1006}, Cap: 1, Day: "2026-03-02"},
		{ID: "F-dddddd", Kind: core.FlagNeverConverts, Members: []string{"cat"}, Codes: many,
			Dismissed: &core.Dismissal{By: "ada", Reason: "new in the network"}},
		{ID: "F-eeeeee", Kind: core.FlagNeverConverts, Members: []string{"dot"}, Codes: many[2:], Count: 150},
	}
	out := amountsText(FlagsMessage(&core.FlagReport{Period: core.Period{Label: "last 90 days"}, Flags: fs, Dismissed: 2}))
	for _, want := range []string{
		"`F-aaaaaa` Referrals in a circle with finder's fees: @amy → @ben → @amy — R-1001, R-1002",
		"`F-bbbbbb` The same client referred 3 times — R-1003, R-1004, R-1005",
		"`F-cccccc` @amy reached the daily cap (1) on 2026-03-02 — R-1006",
		"`F-dddddd` @cat: 12 referrals received by partners, none won — R-2003,",
		"R-2012, and 2 earlier (new evidence since @ada dismissed it: new in the network)",
		"`F-eeeeee` @dot: 150 referrals received by partners, none won — R-2003, R-2004,",
		"R-2012, and 140 earlier",
		"2 flags dismissed before",
		"/refer flags dismiss <flag-id> <reason>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("flags message lacks %q:\n%s", want, out)
		}
	}
	h := amountsText(HealthMessage(&core.Health{Flags: fs[:1]}, Message{}))
	if !strings.Contains(h, "Abuse flags (last 90 days): `F-aaaaaa` Referrals in a circle") {
		t.Errorf("health message:\n%s", h)
	}
	none := amountsText(FlagsMessage(&core.FlagReport{Period: core.Period{Label: "all time", To: time.Now()}}))
	if !strings.Contains(none, "Nothing looks gamed") {
		t.Errorf("no flags:\n%s", none)
	}
}
