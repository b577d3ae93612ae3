package grammar

import (
	"strings"
	"testing"

	"github.com/referbot/referbot/core"
)

// A lead's expiry is a number of days (or weeks). A date or a unit it
// isn't counted in, at the end of a lead, is refused with what to type —
// never read into the need, where "expires tomorrow" would be posted to
// the channel while the lead stayed open for the default week.
func TestParse_LeadExpiryIsDaysOrAnError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, message, hint string }{
		{"lead bookkeeping for a bakery expires tomorrow", "`expires tomorrow` is a date", "`expires 1d`"},
		{"lead bookkeeping for a bakery #tax ~2k expires tomorrow.", "`expires tomorrow` is a date", "`expires 7d`"},
		{"lead bookkeeping expires tomorrow #tax hot", "`expires tomorrow` is a date", "`expires 1d`"},
		{"lead logo refresh expires on Friday", "`expires on Friday` is a date", "`expires 1d`"},
		{"lead logo refresh expires next week", "`expires next week` is a date", ""},
		{"lead logo refresh expires end of month", "`expires end of month` is a date", ""},
		{"lead logo refresh expires by 5 May", "`expires by 5 May` is a date", ""},
		{"lead logo refresh expires soon", "`expires soon` is a date", ""},
		{"lead logo refresh expires in 2 months", "days or weeks, not `2 months`", "`expires 30d`"},
		{"lead logo refresh expires 48 hours", "days or weeks, not `48 hours`", ""},
		{"lead logo refresh expires in 48h", "`48h` is not a number of days", ""},
	} {
		cmd, err := Parse(c.in)
		e, ok := err.(*core.Error)
		if !ok || e.Code != core.EINVALID {
			t.Errorf("Parse(%q) = %#v, %v; want an EINVALID error", c.in, cmd, err)
			continue
		}
		if !strings.Contains(e.Message, c.message) || !strings.Contains(e.Message, c.hint) {
			t.Errorf("Parse(%q) message %q, want %q and %q", c.in, e.Message, c.message, c.hint)
		}
		if !strings.Contains(e.Hint, "/refer lead") {
			t.Errorf("Parse(%q) hint %q lacks the usage", c.in, e.Hint)
		}
	}
	for in, want := range map[string]Lead{
		"lead logo refresh expires in a week":                         {Need: "logo refresh", ExpiryDays: 7},
		"lead logo refresh expires 1d":                                {Need: "logo refresh", ExpiryDays: 1},
		"lead logo refresh expires in 3 days":                         {Need: "logo refresh", ExpiryDays: 3},
		"lead the domain expires tomorrow, renew it":                  {Need: "the domain expires tomorrow, renew it"},
		"lead the domain expires on Friday, renew it before":          {Need: "the domain expires on Friday, renew it before"},
		"lead the lease expires next month so they need a new office": {Need: "the lease expires next month so they need a new office"},
	} {
		cmd, err := Parse(in)
		got, ok := cmd.(Lead)
		if err != nil || !ok || got.Need != want.Need || got.ExpiryDays != want.ExpiryDays {
			t.Errorf("Parse(%q) = %#v, %v; want need %q, expiry %d", in, cmd, err, want.Need, want.ExpiryDays)
		}
	}
}
